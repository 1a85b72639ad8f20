import { createHash } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';

/** Server-assigned bookkeeping that differs between a server copy and a file copy of the same resource. */
const VOLATILE_META = new Set(['versionId', 'lastUpdated', 'source']);

/** JSON with object keys sorted (UTF-16 code unit order), no whitespace; undefined members left out like JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  // String concatenation rather than arrays joined: this runs on every imported resource.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

/** The resource without meta.versionId, meta.lastUpdated and meta.source (and without meta when nothing else is left). */
function withoutVolatileMeta(resource: Resource): Resource {
  const meta = resource.meta as Record<string, unknown> | undefined;
  if (!meta || !Object.keys(meta).some((k) => VOLATILE_META.has(k))) return resource;
  const kept = Object.fromEntries(Object.entries(meta).filter(([k]) => !VOLATILE_META.has(k)));
  const copy = { ...resource } as Record<string, unknown>;
  if (Object.keys(kept).length > 0) copy.meta = kept;
  else delete copy.meta;
  return copy as unknown as Resource;
}

/**
 * SHA-256 (hex) of the resource's canonical JSON, ignoring meta.versionId, meta.lastUpdated and meta.source,
 * so that a server's copy and a file's copy of the same content hash equal.
 */
export function hashFhirResource(resource: Resource): string {
  return createHash('sha256').update(canonicalJson(withoutVolatileMeta(resource))).digest('hex');
}

/**
 * "fhir/<resourceType>/<id>". A resource without an id (which an import should reject) gets a key from its
 * content instead: "fhir/<resourceType>/sha256-<first 32 hex digits of its hash>".
 */
export function sourceRecordKeyOf(resource: Resource): string {
  const id = resource.id ?? `sha256-${hashFhirResource(resource).slice(0, 32)}`;
  return `fhir/${resource.resourceType}/${id}`;
}
