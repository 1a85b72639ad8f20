/**
 * Streaming VCF reader: plain text, gzip or bgzip (detected from the first bytes, not the file name), read line
 * by line through node:zlib so memory stays flat and every error names its exact line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
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

/** Lines of a file (decompressed when gzip/bgzip), without the line ending, streamed. */
export async function* readLines(path: string, compression: VcfCompression): AsyncGenerator<string> {
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const stream = compression === 'none' ? raw : raw.pipe(createGunzip());
  if (compression !== 'none') raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
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
    stream.destroy();
    raw.destroy();
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

/**
 * Open a VCF and read its header. Errors name the file's base name, never its directory.
 * @param displayName the name used in messages and provenance (default: the file's base name).
 */
export async function openVcf(path: string, options: { displayName?: string } = {}): Promise<VcfFile> {
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
        if (line === '' || line.startsWith('#')) {
          if (line.startsWith('#')) throw new VcfFormatError(file, n, 'line', 'expected a data record, found a header line after #CHROM');
          continue;
        }
        yield parseVcfRecord(h, line, n);
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
