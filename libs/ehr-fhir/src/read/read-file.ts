import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonDocument } from './json-document';
import { readNdjson } from './ndjson';
import { errorItem } from './outcome';
import { SourceReadError, fileSource, isNdjsonName, textSource, toSourceReadError, type ByteSource } from './source';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_SINGLE_PASS_BYTES, type ReadItem, type ReadOptions } from './types';

/** File names readFhirPath picks up in a directory. */
export const FHIR_FILE_NAME = /\.(json|ndjson|jsonl)(\.gz)?$/i;

function errorFromException(file: string, error: unknown): ReadItem {
  const e = toSourceReadError(error);
  if (e instanceof SourceReadError) return errorItem({ file, place: 'file' }, e.message, { code: e.code });
  return errorItem({ file, place: 'file' }, `cannot read: ${(e as Error)?.message ?? String(e)}`, { code: 'exception' });
}

async function* readSource(name: string, source: ByteSource, options: ReadOptions): AsyncGenerator<ReadItem> {
  try {
    if (isNdjsonName(name)) {
      yield* readNdjson(name, source, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, options.signal);
    } else {
      yield* readJsonDocument(name, source, { signal: options.signal, singlePassBytes: options.singlePassBytes ?? DEFAULT_SINGLE_PASS_BYTES });
    }
  } catch (error) {
    // Not expected: the readers report their own errors. Never let one escape the generator.
    yield errorFromException(name, error);
  }
}

/**
 * Reads one FHIR file: a resource, a Bundle (collection, transaction, batch, searchset...), or bulk-data NDJSON
 * (".ndjson"/".jsonl", one resource per line); ".gz" files are decompressed while read. Everything streams.
 * Problems become `error` items (OperationOutcome); the generator never throws.
 */
export async function* readFhirFile(path: string, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      yield errorItem({ file: path, place: 'file' }, 'cannot read: is a directory (EISDIR)', { code: 'exception' });
      return;
    }
  } catch (error) {
    yield errorFromException(path, error);
    return;
  }
  yield* readSource(path, fileSource(path), options);
}

/** Reads an uploaded text; `name` decides the format (".ndjson" is NDJSON, anything else one JSON document). */
export async function* readFhirText(name: string, text: string, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  yield* readSource(name.replace(/\.gz$/i, ''), textSource(text), options);
}

/**
 * All FHIR files under a directory (recursively; .json, .ndjson, .jsonl, optionally .gz; hidden entries skipped),
 * sorted by path, or the single file given.
 */
export async function* readFhirPath(pathOrDir: string, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(pathOrDir)).isDirectory();
  } catch (error) {
    yield errorFromException(pathOrDir, error);
    return;
  }
  if (!isDirectory) {
    yield* readFhirFile(pathOrDir, options);
    return;
  }
  const files: string[] = [];
  const problems: ReadItem[] = [];
  await collectFiles(pathOrDir, files, problems, new Set());
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  yield* problems;
  for (const file of files) {
    if (options.signal?.aborted) return;
    yield* readFhirFile(file, options);
  }
}

async function collectFiles(dir: string, files: string[], problems: ReadItem[], seen: Set<string>): Promise<void> {
  let entries;
  try {
    const real = await realpath(dir);
    if (seen.has(real)) return; // a symbolic link loop
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push(errorFromException(dir, error));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        problems.push(errorFromException(path, error));
        continue;
      }
    }
    if (isDir) await collectFiles(path, files, problems, seen);
    else if (isFile && FHIR_FILE_NAME.test(entry.name)) files.push(path);
  }
}
