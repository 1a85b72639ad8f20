/**
 * BGZF (bgzip) blocks of a file, decompressed in order (SAM spec §4.1: each block is a gzip member whose "BC" extra
 * field gives its size, so blocks inflate independently). Large files are inflated on a worker thread while the
 * caller parses the text on its own: zlib's inflate was a fifth of the reader's time. Small files are inflated on
 * the calling thread (starting a worker costs tens of milliseconds, hundreds on a busy machine).
 * A corrupt block throws an error with code Z_DATA_ERROR, a file cut inside a block one with code Z_BUF_ERROR (as
 * zlib's gunzip stream does for a truncated gzip), after every block before it was handed on.
 */
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';

/** Files at least this large (compressed) are inflated on a worker thread. */
export const BGZF_WORKER_MIN_BYTES = 4 << 20;
/** Bytes of compressed data read at a time (a BGZF block is at most 64 KB). */
const READ_BYTES = 1 << 20;
/** Reads the worker may inflate ahead of the caller (bounds its memory: ~10 MB of text per read). */
const READS_AHEAD = 3;
/** Reads inflated on the calling thread while the worker starts. */
const READS_WHILE_STARTING = 2;

/**
 * The complete blocks at the start of `data`, inflated: plain JavaScript source, so that the calling thread and the
 * worker (which runs without the TypeScript loader) share one parser. `used`: the bytes those blocks took; `error`:
 * set when the block after them is corrupt (the blocks before it are still returned).
 */
const INFLATE_BLOCKS_SOURCE = `function inflateBlocks(data, zlib) {
  const blocks = [];
  let off = 0;
  const fail = (message) => ({ blocks, used: off, error: { message, code: 'Z_DATA_ERROR' } });
  while (off + 18 <= data.length) {
    if (data[off] !== 0x1f || data[off + 1] !== 0x8b || (data[off + 3] & 0x04) === 0) return fail('not a BGZF block');
    const xlen = data.readUInt16LE(off + 10);
    let bsize = -1;
    for (let x = off + 12; x + 4 <= off + 12 + xlen; ) {
      const slen = data.readUInt16LE(x + 2);
      if (data[x] === 0x42 && data[x + 1] === 0x43 && slen === 2) bsize = data.readUInt16LE(x + 4);
      x += 4 + slen;
    }
    if (bsize < 0) return fail('BGZF block without a BC field');
    const end = off + bsize + 1;
    if (end > data.length) break;
    const isize = data.readUInt32LE(end - 4);
    let out;
    try {
      // One output chunk per block; a block holds at most 64 KB of text (SAM spec), so a block claiming more is refused
      // before it can inflate to megabytes.
      out = isize === 0 ? undefined : zlib.inflateRawSync(data.subarray(off + 12 + xlen, end - 8), { chunkSize: 65536, maxOutputLength: 65536 });
    } catch (e) {
      return { blocks, used: off, error: { message: String(e && e.message), code: (e && e.code) || 'Z_DATA_ERROR' } };
    }
    if ((out ? out.length : 0) !== isize) return fail('BGZF block size mismatch');
    // Raw inflate does not check the gzip CRC32 as gunzip does: a flipped bit must not become a different variant.
    if (out && zlib.crc32(out) !== data.readUInt32LE(end - 8)) return fail('BGZF block CRC32 mismatch');
    if (out) blocks.push(out);
    off = end;
  }
  return { blocks, used: off };
}`;

interface InflatedBlocks {
  blocks: Buffer[];
  used: number;
  error?: { message: string; code: string };
}
type InflateBlocks = (data: Buffer, zlib: Pick<typeof import('node:zlib'), 'inflateRawSync' | 'crc32'>) => InflatedBlocks;

// Compiled from the constant source above (the worker compiles the same text).
const inflateBlocks = new Function(`${INFLATE_BLOCKS_SOURCE}\nreturn inflateBlocks;`)() as InflateBlocks;

/**
 * The worker: waits for its first message (the offset of the first block it is to inflate), then reads the file
 * from `workerData.path`, inflates it and posts each read's blocks as one transferred buffer plus their sizes; it
 * stays at most READS_AHEAD reads ahead (every later message is a credit for one more read). A partial block at
 * the end of a read is read again from the file with the next read (no copy of the remainder).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const zlib = require('node:zlib');
${INFLATE_BLOCKS_SOURCE}
let start;
let credit = workerData.ahead;
let wake;
parentPort.on('message', (m) => {
  if (start === undefined) start = m;
  else credit++;
  if (wake) wake();
});
function post(blocks) {
  let total = 0;
  for (const b of blocks) total += b.length;
  const packed = new Uint8Array(total);
  const sizes = new Uint32Array(blocks.length);
  let at = 0;
  blocks.forEach((b, i) => {
    packed.set(b, at);
    at += b.length;
    sizes[i] = b.length;
  });
  parentPort.postMessage({ packed, sizes }, [packed.buffer, sizes.buffer]);
}
async function run() {
  while (start === undefined) await new Promise((r) => (wake = r));
  let fd;
  try {
    fd = openSync(workerData.path, 'r');
    const buf = Buffer.allocUnsafe(workerData.read);
    let position = start;
    for (;;) {
      while (credit === 0) await new Promise((r) => (wake = r));
      wake = undefined;
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n === 0) return parentPort.postMessage({ done: true });
      const { blocks, used, error } = inflateBlocks(buf.subarray(0, n), zlib);
      credit--;
      post(blocks);
      if (error) return parentPort.postMessage({ error });
      if (used === 0) return parentPort.postMessage({ error: { message: 'truncated BGZF block', code: 'Z_BUF_ERROR' } });
      position += used;
    }
  } catch (e) {
    parentPort.postMessage({ error: { message: String(e && e.message), code: (e && e.code) || 'EIO' } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
run();
`;

type WorkerMessage = { packed: Uint8Array; sizes: Uint32Array } | { done: true } | { error: { message: string; code: string } };

const codedError = (e: { message: string; code: string }) => Object.assign(new Error(e.message), { code: e.code });

/**
 * The inflated blocks (empty blocks left out), in file order. `onWorker`: inflate on a worker thread (for files of
 * BGZF_WORKER_MIN_BYTES and more; the same blocks either way).
 */
export async function* bgzfBlocks(path: string, onWorker: boolean): AsyncGenerator<Buffer> {
  yield* onWorker ? blocksOnWorker(path) : blocksOnThisThread(path);
}

async function* blocksOnThisThread(path: string): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let position = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position);
      if (bytesRead === 0) return;
      const { blocks, used, error } = inflateBlocks(buf.subarray(0, bytesRead), zlib);
      // Yielded before the next read reuses `buf`: inflated blocks are buffers of their own.
      yield* blocks;
      if (error) throw codedError(error);
      if (used === 0) throw codedError({ message: 'truncated BGZF block', code: 'Z_BUF_ERROR' });
      position += used;
    }
  } finally {
    await fh.close();
  }
}

async function* blocksOnWorker(path: string): AsyncGenerator<Buffer> {
  // The worker starts now, and the first reads are inflated here while it does (its start-up takes tens of
  // milliseconds, hundreds on a busy machine); it is then told where to go on.
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { path, read: READ_BYTES, ahead: READS_AHEAD } });
  // Referenced only while a message is awaited: an abandoned read must not keep the process alive.
  worker.unref();
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the BGZF worker exited with code ${code}`);
    wake?.();
  });
  try {
    const first: Buffer[] = [];
    let position = 0;
    let handOver = true;
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(READ_BYTES);
      for (let r = 0; r < READS_WHILE_STARTING && handOver; r++) {
        const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position);
        const { blocks, used, error } = inflateBlocks(buf.subarray(0, bytesRead), zlib);
        first.push(...blocks);
        position += used;
        // The end of the file (or its damage) is in this read: the calling thread finishes alone.
        handOver = bytesRead === READ_BYTES && !error;
      }
    } finally {
      await fh.close();
    }
    if (!handOver) {
      yield* blocksOnThisThread(path);
      return;
    }
    worker.postMessage(position);
    yield* first;
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        worker.ref();
        await new Promise<void>((r) => (wake = r));
        worker.unref();
        wake = undefined;
      }
      const m = queue.shift() as WorkerMessage;
      if ('done' in m) return;
      if ('error' in m) throw codedError(m.error);
      worker.postMessage(1);
      let at = m.packed.byteOffset;
      for (const n of m.sizes) {
        yield Buffer.from(m.packed.buffer, at, n);
        at += n;
      }
    }
  } finally {
    await worker.terminate();
  }
}
