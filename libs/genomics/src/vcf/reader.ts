/**
 * Streaming VCF reader: plain text, gzip or bgzip (detected from the first bytes, not the file name), read line
 * by line through node:zlib so memory stays flat and every error names its exact line.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BGZF_WORKER_MIN_BYTES, bgzfBlocks } from './bgzf.js';
import { VcfFormatError } from './errors.js';
import { VcfHeaderParser, type VcfHeader } from './header.js';
import { itemsOf } from './items-of.js';
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
 * BGZF (bgzip) text, block by block (≤ 64 KB; see bgzf.ts for where blocks are inflated): strings that small, and
 * the records cut from them, die young in V8's nursery; joined pieces of 0.5–40 MB went to the large-object space
 * and kept thousands of records alive, and garbage collection then took a third of the read time. ASCII blocks
 * (the usual case) become strings by a plain byte copy; from the first non-ASCII byte on, a streaming UTF-8
 * decoder is used.
 */
async function* bgzfText(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let utf8 = false;
  for await (const block of bgzfBlocks(path, (await stat(path)).size >= BGZF_WORKER_MIN_BYTES)) {
    if (!utf8 && !isAscii(block)) utf8 = true;
    const text = utf8 ? decoder.decode(block, { stream: true }) : block.toString('latin1');
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Text chunks of a plain or gzip file, streamed with large buffers. */
async function* streamedText(path: string, compression: 'none' | 'gzip'): AsyncGenerator<string> {
  // 64 KB pieces: strings (and the records cut from them) that die young; see bgzfText.
  const raw = createReadStream(path, { highWaterMark: 64 << 10 });
  const stream = compression === 'none' ? raw : raw.pipe(createGunzip({ chunkSize: 64 << 10 }));
  if (compression !== 'none') raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<string>) yield chunk;
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/**
 * Lines of a file (decompressed when gzip/bgzip), without the line ending, streamed a decompressed chunk (up to a
 * few MB) at a time: one array per chunk, so callers loop over lines synchronously instead of paying one
 * async-generator step (a promise and a microtask) per line, which dominated the read time of large files.
 */
export async function* readLineBatches(path: string, compression: VcfCompression): AsyncGenerator<string[]> {
  const chunks = compression === 'bgzip' ? bgzfText(path) : streamedText(path, compression);
  let rest = '';
  try {
    for await (const text of chunks) {
      const lines: string[] = [];
      let start = 0;
      let nl = text.indexOf('\n', start);
      if (rest !== '' && nl >= 0) {
        // The line cut at the end of the previous piece (joined here, so the piece itself is not copied).
        const head = rest + text.slice(0, nl);
        lines.push(head.charCodeAt(head.length - 1) === 13 ? head.slice(0, -1) : head);
        rest = '';
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      while (nl >= 0) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lines.push(text.slice(start, end));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = rest + text.slice(start);
      if (lines.length) yield lines;
    }
    if (rest.length > 0) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
  } finally {
    await chunks.return(undefined);
  }
}

/** Lines of a file (decompressed when gzip/bgzip), without the line ending, streamed. */
export async function* readLines(path: string, compression: VcfCompression): AsyncGenerator<string> {
  for await (const batch of readLineBatches(path, compression)) yield* batch;
}

/** Data lines of one decompressed chunk; `firstLine` is the 1-based line number of `lines[0]`. */
export interface VcfLineBatch {
  lines: string[];
  firstLine: number;
}

export interface VcfFile {
  header: VcfHeader;
  compression: VcfCompression;
  /** The data records, streamed in file order. Iterate once (records() or batches(), not both). */
  records(): AsyncGenerator<VcfRecord>;
  /** The same records, one array per decompressed chunk (thousands of records): the fast way to read a large file. */
  batches(): AsyncGenerator<VcfRecord[]>;
  /**
   * The raw data lines, one array per decompressed chunk, for callers that parse each line (`parseLine`) and use
   * its record before the next line is parsed, so that problems are reported in line order.
   */
  lineBatches(): AsyncGenerator<VcfLineBatch>;
  /** One data line → its record, or undefined (empty line; malformed line handed to onInvalidRecord; else it throws). */
  parseLine(line: string, lineNo: number): VcfRecord | undefined;
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
  const batches = readLineBatches(path, compression);
  const parser = new VcfHeaderParser(file);
  let lineNo = 0;
  let header: VcfHeader | undefined;
  // The data lines of the batch in which the header ended.
  let first: string[] = [];
  try {
    outer: for (;;) {
      const next = await batches.next();
      if (next.done) {
        header = parser.finish(lineNo);
        break;
      }
      const lines = next.value;
      for (let i = 0; i < lines.length; i++) {
        lineNo++;
        if (parser.push(lines[i] as string, lineNo)) {
          header = parser.finish(lineNo);
          first = lines.slice(i + 1);
          break outer;
        }
      }
    }
  } catch (e) {
    await batches.return(undefined);
    throw rethrowZlib(e, file, lineNo);
  }
  const h = header;
  const firstLine = lineNo + 1;
  let started = false;
  /** A data line → its record; undefined for an empty line or a malformed one handed to onInvalidRecord. */
  const parseLine = (line: string, n: number): VcfRecord | undefined => {
    if (line === '') return undefined;
    try {
      if (line.charCodeAt(0) === 35 /* # */) throw new VcfFormatError(file, n, 'line', 'expected a data record, found a header line after #CHROM');
      return parseVcfRecord(h, line, n);
    } catch (e) {
      if (!(e instanceof VcfFormatError) || !options.onInvalidRecord) throw e;
      options.onInvalidRecord(e);
      return undefined;
    }
  };
  async function* lineBatches(): AsyncGenerator<VcfLineBatch> {
    if (started) throw new Error(`${file}: records() can be iterated only once`);
    started = true;
    let n = firstLine;
    try {
      if (first.length) {
        yield { lines: first, firstLine: n };
        n += first.length;
      }
      for (;;) {
        let next: IteratorResult<string[]>;
        try {
          next = await batches.next();
        } catch (e) {
          throw rethrowZlib(e, file, n);
        }
        if (next.done) return;
        yield { lines: next.value, firstLine: n };
        n += next.value.length;
      }
    } finally {
      await batches.return(undefined);
    }
  }
  async function* recordBatches(): AsyncGenerator<VcfRecord[]> {
    for await (const { lines, firstLine: at } of lineBatches()) {
      const out: VcfRecord[] = [];
      try {
        for (let i = 0; i < lines.length; i++) {
          const r = parseLine(lines[i] as string, at + i);
          if (r) out.push(r);
        }
      } catch (e) {
        // Records before the bad line still reach the caller first (as the line-by-line reader gave them).
        if (out.length) yield out;
        throw e;
      }
      if (out.length) yield out;
    }
  }
  return { header: h, compression, records: () => itemsOf(recordBatches()), batches: recordBatches, lineBatches, parseLine, close: async () => void (await batches.return(undefined)) };
}

function rethrowZlib(e: unknown, file: string, line: number): unknown {
  if (e instanceof VcfFormatError) return e;
  const code = (e as { code?: string }).code;
  if (code && code.startsWith('Z_')) {
    return new VcfFormatError(file, line, 'compression', `expected valid gzip/bgzip data, found corrupt or truncated data (${code})`);
  }
  return e;
}
