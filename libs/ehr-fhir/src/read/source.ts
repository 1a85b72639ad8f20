import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A re-readable source of bytes (a file, optionally gzip-compressed, or an uploaded text). */
export type ByteSource = () => AsyncIterable<Buffer>;

const CHUNK_BYTES = 256 * 1024;

/** An error reading a source, with a message fit for a user (no contents quoted). */
export class SourceReadError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'security' | 'exception',
  ) {
    super(message);
  }
}

const IO_ERRORS: Record<string, [string, SourceReadError['code']]> = {
  ENOENT: ['no such file or directory', 'not-found'],
  EACCES: ['permission denied', 'security'],
  EPERM: ['permission denied', 'security'],
  EISDIR: ['is a directory', 'exception'],
  ENOTDIR: ['a part of the path is not a directory', 'not-found'],
  ELOOP: ['too many symbolic links', 'exception'],
  EMFILE: ['too many open files', 'exception'],
  EIO: ['input/output error', 'exception'],
};

/** Turns an fs or zlib error into a SourceReadError; anything else is passed through. */
export function toSourceReadError(error: unknown): unknown {
  if (error instanceof SourceReadError) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  if (code && IO_ERRORS[code]) {
    const [text, issue] = IO_ERRORS[code]!;
    return new SourceReadError(`cannot read: ${text} (${code})`, issue);
  }
  if (code && code.startsWith('Z_')) {
    return new SourceReadError(`not valid gzip data: ${e.message}`, 'exception');
  }
  if (e?.syscall) return new SourceReadError(`cannot read: ${code ?? 'I/O error'}`, 'exception');
  return error;
}

export function isGzipName(name: string): boolean {
  return /\.gz$/i.test(name);
}

export function isNdjsonName(name: string): boolean {
  return /\.(ndjson|jsonl)(\.gz)?$/i.test(name);
}

export function fileSource(path: string): ByteSource {
  const gzip = isGzipName(path);
  return async function* read() {
    const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    const stream = gzip ? pipeline(file, createGunzip({ chunkSize: CHUNK_BYTES }), () => undefined) : file;
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      throw toSourceReadError(error);
    } finally {
      stream.destroy();
      file.destroy();
    }
  };
}

export function textSource(text: string): ByteSource {
  return async function* read() {
    const bytes = Buffer.from(text, 'utf8');
    for (let start = 0; start < bytes.length; start += CHUNK_BYTES) yield bytes.subarray(start, start + CHUNK_BYTES);
  };
}
