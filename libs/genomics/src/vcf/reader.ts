/**
 * Streaming VCF reader: plain text, gzip or bgzip (detected from the first bytes, not the file name), read line
 * by line through node:zlib so memory stays flat and every error names its exact line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { VcfFormatError } from './errors.js';
import { VcfHeaderParser, type VcfHeader } from './header.js';
import { parseVcfRecord, type VcfRecord } from './record.js';

export type VcfCompression = 'none' | 'gzip' | 'bgzip';

/** Look at the first bytes: gzip magic 1f 8b; bgzip adds the "BC" extra subfield (SAM spec §4.1). */
export async function detectCompression(path: string): Promise<VcfCompression> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'unknown error';
    throw new VcfFormatError(basename(path), undefined, 'file', `expected a readable file, found ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  try {
    const buf = Buffer.alloc(18);
    const { bytesRead } = await fh.read(buf, 0, 18, 0);
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      const hasExtra = bytesRead >= 4 && ((buf[3] ?? 0) & 0x04) !== 0;
      if (hasExtra && bytesRead >= 14 && buf[12] === 0x42 && buf[13] === 0x43) return 'bgzip';
      return 'gzip';
    }
    return 'none';
  } finally {
    await fh.close();
  }
}

/**
 * BGZF (bgzip) text, decompressed on this thread block by block (SAM spec §4.1: each block is a gzip member whose
 * "BC" extra field gives its size). Reading 4 MB at a time and inflating synchronously avoids one thread-pool round
 * trip per 16 KB of output, which dominated the time on a busy machine. A file cut inside a block throws an error
 * with code Z_BUF_ERROR, like zlib's stream does for a truncated gzip.
 */
async function* bgzfText(path: string): AsyncGenerator<string> {
  const fh = await open(path, 'r');
  const decoder = new TextDecoder('utf-8');
  const READ = 4 << 20;
  try {
    let pending = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(READ);
      const { bytesRead } = await fh.read(buf, 0, READ, position);
      position += bytesRead;
      const data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let off = 0;
      const parts: string[] = [];
      while (off + 18 <= data.length) {
        if (data[off] !== 0x1f || data[off + 1] !== 0x8b || ((data[off + 3] ?? 0) & 0x04) === 0) throw Object.assign(new Error('not a BGZF block'), { code: 'Z_DATA_ERROR' });
        const xlen = data.readUInt16LE(off + 10);
        // Find the BC subfield among the extra fields.
        let bsize = -1;
        for (let x = off + 12; x + 4 <= off + 12 + xlen; ) {
          const slen = data.readUInt16LE(x + 2);
          if (data[x] === 0x42 && data[x + 1] === 0x43 && slen === 2) bsize = data.readUInt16LE(x + 4);
          x += 4 + slen;
        }
        if (bsize < 0) throw Object.assign(new Error('BGZF block without a BC field'), { code: 'Z_DATA_ERROR' });
        const end = off + bsize + 1;
        if (end > data.length) break; // the block continues in the next read
        const cdata = data.subarray(off + 12 + xlen, end - 8);
        const isize = data.readUInt32LE(end - 4);
        const out = isize === 0 ? Buffer.alloc(0) : inflateRawSync(cdata);
        if (out.length !== isize) throw Object.assign(new Error('BGZF block size mismatch'), { code: 'Z_DATA_ERROR' });
        if (out.length) parts.push(decoder.decode(out, { stream: true }));
        off = end;
      }
      pending = Buffer.from(data.subarray(off));
      if (parts.length) yield parts.join('');
      if (bytesRead === 0) {
        if (pending.length) throw Object.assign(new Error('truncated BGZF block'), { code: 'Z_BUF_ERROR' });
        const tail = decoder.decode();
        if (tail) yield tail;
        return;
      }
    }
  } finally {
    await fh.close();
  }
}

/** Text chunks of a plain or gzip file, streamed with large buffers. */
async function* streamedText(path: string, compression: 'none' | 'gzip'): AsyncGenerator<string> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = compression === 'none' ? raw : raw.pipe(createGunzip({ chunkSize: 1 << 20 }));
  if (compression !== 'none') raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<string>) yield chunk;
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/** Lines of a file (decompressed when gzip/bgzip), without the line ending, streamed. */
export async function* readLines(path: string, compression: VcfCompression): AsyncGenerator<string> {
  const chunks = compression === 'bgzip' ? bgzfText(path) : streamedText(path, compression);
  let rest = '';
  try {
    for await (const chunk of chunks) {
      const text = rest + chunk;
      let start = 0;
      let nl = text.indexOf('\n', start);
      while (nl >= 0) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield text.slice(start, end);
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    await chunks.return(undefined);
  }
}

export interface VcfFile {
  header: VcfHeader;
  compression: VcfCompression;
  /** The data records, streamed in file order. Iterate once. */
  records(): AsyncGenerator<VcfRecord>;
  /** Stop reading early (also done when a for-await loop over records() breaks). */
  close(): Promise<void>;
}

export interface OpenVcfOptions {
  /** The name used in messages and provenance (default: the file's base name). */
  displayName?: string;
  /**
   * Record-level problems (a data line that does not parse: column count, POS, REF, ALT, QUAL; a header line after
   * #CHROM). When given, the line is handed here and skipped, and reading goes on; without it the read stops with
   * the error. File-level problems (header, truncated or corrupt compression) always stop the read.
   */
  onInvalidRecord?: (error: VcfFormatError) => void;
}

/**
 * Open a VCF and read its header. Errors name the file's base name, never its directory.
 */
export async function openVcf(path: string, options: OpenVcfOptions = {}): Promise<VcfFile> {
  const file = options.displayName ?? basename(path);
  const compression = await detectCompression(path);
  const lines = readLines(path, compression);
  const parser = new VcfHeaderParser(file);
  let lineNo = 0;
  let header: VcfHeader | undefined;
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) {
        header = parser.finish(lineNo);
        break;
      }
      lineNo++;
      if (parser.push(next.value, lineNo)) {
        header = parser.finish(lineNo);
        break;
      }
    }
  } catch (e) {
    await lines.return(undefined);
    throw rethrowZlib(e, file, lineNo);
  }
  const h = header;
  let started = false;
  async function* records(): AsyncGenerator<VcfRecord> {
    if (started) throw new Error(`${file}: records() can be iterated only once`);
    started = true;
    let n = lineNo;
    try {
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await lines.next();
        } catch (e) {
          throw rethrowZlib(e, file, n + 1);
        }
        if (next.done) return;
        n++;
        const line = next.value;
        if (line === '') continue;
        let record: VcfRecord;
        try {
          if (line.startsWith('#')) throw new VcfFormatError(file, n, 'line', 'expected a data record, found a header line after #CHROM');
          record = parseVcfRecord(h, line, n);
        } catch (e) {
          if (!(e instanceof VcfFormatError) || !options.onInvalidRecord) throw e;
          options.onInvalidRecord(e);
          continue;
        }
        yield record;
      }
    } finally {
      await lines.return(undefined);
    }
  }
  return { header: h, compression, records, close: async () => void (await lines.return(undefined)) };
}

function rethrowZlib(e: unknown, file: string, line: number): unknown {
  if (e instanceof VcfFormatError) return e;
  const code = (e as { code?: string }).code;
  if (code && code.startsWith('Z_')) {
    return new VcfFormatError(file, line, 'compression', `expected valid gzip/bgzip data, found corrupt or truncated data (${code})`);
  }
  return e;
}
