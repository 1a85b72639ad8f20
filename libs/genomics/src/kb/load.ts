/** Loading a KB file: shape checked with zod, content hash verified, so a truncated or edited file is refused. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serializeSections, sha256 } from './build';
import { kbFileSchema, type ActionabilityKb } from './types';

/** The committed KB built from CIViC 01-Aug-2021 (libs/genomics/kb/). */
export const DEFAULT_KB_PATH = fileURLToPath(new URL('../../kb/civic-01-Aug-2021.kb.json', import.meta.url));

export class KbLoadError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'KbLoadError';
  }
}

export function parseKb(text: string, path = '<kb>'): ActionabilityKb {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new KbLoadError(path, `not JSON (${(e as Error).message})`);
  }
  const r = kbFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new KbLoadError(path, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const kb = json as ActionabilityKb;
  // the hash covers the sections exactly as written: from '"genes": [' to the line before the closing brace
  const start = text.indexOf('\n"genes": [\n');
  const end = text.lastIndexOf('\n}\n');
  const actual = start >= 0 && end > start ? sha256(text.slice(start + 1, end)) : sha256(serializeSections(kb));
  if (actual !== kb.meta.contentSha256) throw new KbLoadError(path, `content sha256 ${actual} does not match meta.contentSha256 ${kb.meta.contentSha256}: the file was changed or truncated`);
  return kb;
}

export function loadKb(path: string = DEFAULT_KB_PATH): ActionabilityKb {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KbLoadError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); build it with: node --import tsx libs/genomics/scripts/build-civic-kb.ts`);
  }
  return parseKb(text, path);
}
