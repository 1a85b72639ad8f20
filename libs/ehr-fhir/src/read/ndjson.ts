import { isUtf8 } from 'node:buffer';
import type { Resource } from '@medplum/fhirtypes';
import { bundleItems } from './bundle';
import { locateJsonSyntaxError } from './json-syntax';
import { errorItem } from './outcome';
import { TOO_DEEP_MESSAGE, nestsDeeperThan, notAResourceReason } from './resource-shape';
import { SourceReadError, toSourceReadError, type ByteSource } from './source';
import type { ReadItem, SourceLocation } from './types';
import { firstInvalidUtf8Offset, notUtf8Message } from './utf8';

export interface SplitLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte in the (decompressed) stream. */
  offset: number;
  /** The line without its line break; absent when the line is longer than the limit. */
  bytes?: Buffer;
  /** The line's length in bytes when it was too long (counted up to where it was given up: at least limit + 1). */
  tooLongBytes?: number;
}

/**
 * Splits a byte stream into lines (LF or CRLF) without ever holding more than `maxLineBytes` of one line:
 * a longer line is counted, dropped, and reported as too long.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<SplitLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let skippedBytes = 0;
  let line = 1;
  let lineOffset = 0;
  let offset = 0;

  const finish = (piece: Buffer): SplitLine => {
    let result: SplitLine;
    if (skipping || pendingBytes + piece.length > maxLineBytes) {
      result = { line, offset: lineOffset, tooLongBytes: skipping ? skippedBytes + piece.length : pendingBytes + piece.length };
    } else {
      let bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      result = { line, offset: lineOffset, bytes };
    }
    pending = [];
    pendingBytes = 0;
    skipping = false;
    skippedBytes = 0;
    return result;
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline < 0) break;
      yield finish(chunk.subarray(start, newline));
      start = newline + 1;
      line++;
      lineOffset = offset + start;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      if (skipping) {
        skippedBytes += rest.length;
      } else if (pendingBytes + rest.length > maxLineBytes) {
        skipping = true;
        skippedBytes = pendingBytes + rest.length;
        pending = [];
        pendingBytes = 0;
      } else {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    offset += chunk.length;
  }
  if (skipping || pendingBytes > 0) yield finish(Buffer.alloc(0));
}

const isBlank = (bytes: Buffer) => {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
};

/** The read items of one NDJSON line (a resource, or a Bundle's entries). */
export function lineItems(file: string, split: SplitLine, maxLineBytes: number): ReadItem[] {
  const location: SourceLocation = { file, place: `line ${split.line}` };
  if (!split.bytes) {
    return [
      errorItem(location, `line ${split.line} exceeds the maximum line length of ${maxLineBytes} bytes; skipped`, {
        code: 'too-long',
        where: '',
      }),
    ];
  }
  let bytes = split.bytes;
  if (split.line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (isBlank(bytes)) return [];
  if (!isUtf8(bytes)) {
    const at = split.offset + (split.bytes.length - bytes.length) + (firstInvalidUtf8Offset(bytes) ?? 0);
    return [errorItem(location, notUtf8Message(bytes, at), { code: 'invalid' })];
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const syntax = locateJsonSyntaxError(text, 'end of line');
    const where = syntax ? `line ${split.line}, column ${syntax.column}` : `line ${split.line}`;
    return [errorItem(location, `malformed JSON: ${syntax?.message ?? 'not valid JSON'}`, { code: 'structure', where })];
  }
  const notResource = notAResourceReason(value);
  if (notResource) return [errorItem(location, notResource, { code: 'structure' })];
  if (nestsDeeperThan(value)) return [errorItem(location, TOO_DEEP_MESSAGE, { code: 'structure' })];
  const resource = value as Record<string, unknown>;
  if (resource.resourceType === 'Bundle') return [...bundleItems(resource, file, `line ${split.line} `, `line ${split.line}`)];
  return [{ kind: 'resource', resource: value as Resource, location, text }];
}

/** Reads bulk-data NDJSON: one resource per line; a bad line is reported and the next line read. */
export async function* readNdjson(file: string, source: ByteSource, maxLineBytes: number, signal?: AbortSignal): AsyncGenerator<ReadItem> {
  let lines = 0;
  let items = 0;
  try {
    for await (const split of splitLines(source(), maxLineBytes)) {
      if (signal?.aborted) return;
      lines++;
      for (const item of lineItems(file, split, maxLineBytes)) {
        items++;
        yield item;
      }
    }
  } catch (error) {
    const e = toSourceReadError(error);
    const message = e instanceof SourceReadError ? e.message : `cannot read: ${(e as Error)?.message ?? String(e)}`;
    const code = e instanceof SourceReadError ? e.code : 'exception';
    yield errorItem({ file, place: lines === 0 ? 'file' : `line ${lines + 1}` }, message, { code });
    return;
  }
  if (items === 0) yield errorItem({ file, place: 'file' }, 'empty file, expected FHIR resources, one per line', { code: 'invalid' });
}
