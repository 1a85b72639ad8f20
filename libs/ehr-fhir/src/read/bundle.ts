import { createHash } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { errorItem, warningItem } from './outcome';
import { notAResourceReason } from './resource-shape';
import type { ReadItem, SourceLocation } from './types';

/** What the reference map needs to know of one Bundle entry. */
export interface BundleEntrySummary {
  fullUrl?: string;
  resourceType?: string;
  id?: string;
  requestMethod?: string;
  requestUrl?: string;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const URN_UUID = /^urn:uuid:([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;
const URN_OID = /^urn:oid:([0-2](?:\.(?:0|[1-9][0-9]*))+)$/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function summarizeEntry(entry: unknown): BundleEntrySummary {
  const e = asRecord(entry);
  const resource = asRecord(e?.resource);
  const request = asRecord(e?.request);
  return {
    fullUrl: asString(e?.fullUrl),
    resourceType: asString(resource?.resourceType),
    id: asString(resource?.id),
    requestMethod: asString(request?.method),
    requestUrl: asString(request?.url),
  };
}

/**
 * The id an entry's resource gets when it has none, derived from the entry alone (deterministic, so that
 * reading the same Bundle twice gives the same ids): the id in a PUT request's URL, the UUID of a
 * urn:uuid fullUrl, the OID of a urn:oid fullUrl, the id at the end of an absolute fullUrl
 * ".../<Type>/<id>", else the first 40 hex digits of the SHA-256 of the fullUrl.
 */
export function assignedIdOf(summary: BundleEntrySummary): string | undefined {
  const { resourceType, fullUrl, requestUrl } = summary;
  if (!resourceType) return undefined;
  if (requestUrl) {
    const [type, id, ...rest] = requestUrl.split('?')[0]!.split('/');
    if (type === resourceType && id && ID.test(id) && rest.length === 0) return id;
  }
  if (!fullUrl) return undefined;
  const uuid = URN_UUID.exec(fullUrl);
  if (uuid) return uuid[1]!.toLowerCase();
  const oid = URN_OID.exec(fullUrl);
  if (oid && oid[1]!.length <= 64) return oid[1];
  const parts = fullUrl.split('?')[0]!.split('/');
  const historyAt = parts.lastIndexOf('_history');
  const tail = historyAt > 1 ? parts.slice(0, historyAt) : parts;
  const [type, id] = tail.slice(-2);
  if (/^https?:$/.test(parts[0] ?? '') && type === resourceType && id && ID.test(id)) return id;
  return createHash('sha256').update(fullUrl).digest('hex').slice(0, 40);
}

/**
 * A copy of a string that does not share memory with the text it was cut from: a parser's values are often
 * slices of its whole input chunk, and a map that outlives the chunk would otherwise keep every chunk alive.
 */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** fullUrl → "Type/id" for the entries of one Bundle. */
export class BundleReferenceMap {
  private readonly targets = new Map<string, string>();

  add(summary: BundleEntrySummary): void {
    const { fullUrl, resourceType } = summary;
    if (!fullUrl || !resourceType || this.targets.has(fullUrl)) return;
    const id = summary.id ?? assignedIdOf(summary);
    if (id) this.targets.set(detached(fullUrl), detached(`${resourceType}/${id}`));
  }

  get size(): number {
    return this.targets.size;
  }

  resolve(reference: string): string | undefined {
    return this.targets.get(reference);
  }
}

/** A reference that could name another entry's fullUrl: a URN (urn:uuid:, urn:oid:) or an absolute URL. */
const BUNDLE_REFERENCE_CANDIDATE = /^(?:urn:|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;

/**
 * Rewrites, in place, every Reference.reference that names a Bundle entry's fullUrl to "Type/id". Returns how
 * many references looked like fullUrls (URNs, absolute URLs) but matched no entry known to the map.
 */
export function rewriteBundleReferences(value: unknown, map: BundleReferenceMap): number {
  if (value === null || typeof value !== 'object') return 0;
  let unresolved = 0;
  if (Array.isArray(value)) {
    for (const item of value) unresolved += rewriteBundleReferences(item, map);
    return unresolved;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const member = record[key];
    if (key === 'reference' && typeof member === 'string') {
      const target = map.resolve(member);
      if (target) record[key] = target;
      else if (BUNDLE_REFERENCE_CANDIDATE.test(member)) unresolved++;
    } else if (member !== null && typeof member === 'object') {
      unresolved += rewriteBundleReferences(member, map);
    }
  }
  return unresolved;
}

const KNOWN_BUNDLE_TYPES = new Set([
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
]);

/** How the entries of a Bundle are read: all-or-nothing for a transaction, one by one otherwise. */
export function bundleTypeIssue(type: unknown, location: SourceLocation): ReadItem | undefined {
  if (type === undefined) return warningItem(location, 'Bundle.type: missing; the entries are read as a collection', { expression: ['Bundle.type'] });
  if (typeof type !== 'string' || !KNOWN_BUNDLE_TYPES.has(type)) {
    return warningItem(location, 'Bundle.type: not an R4 bundle type; the entries are read as a collection', { expression: ['Bundle.type'] });
  }
  return undefined;
}

export interface EntryContext {
  file: string;
  /** "" for a Bundle file, "line 4 " for a Bundle on an NDJSON line. */
  placePrefix: string;
  bundleType: unknown;
  map: BundleReferenceMap;
  /** Counts references that looked like fullUrls but matched no entry (yet). */
  unresolved?: { count: number };
}

/** Bundle types whose entries are read one by one (not a transaction) and that need no warning. */
export function isStreamableBundleType(type: unknown): boolean {
  return typeof type === 'string' && type !== 'transaction' && KNOWN_BUNDLE_TYPES.has(type);
}

/** One Bundle entry as a read item: its resource (with an id and bundle-internal references resolved), or why not. */
export function entryItem(entry: unknown, index: number, context: EntryContext): ReadItem {
  const location: SourceLocation = { file: context.file, place: `${context.placePrefix}entry[${index}]` };
  const expression = [`Bundle.entry[${index}]`];
  const e = asRecord(entry);
  if (!e) return errorItem(location, 'Bundle entry is not a JSON object', { code: 'structure', expression });
  if (context.bundleType === 'searchset' && asString(asRecord(e.search)?.mode) === 'outcome') {
    return warningItem(location, 'search outcome entry (about the search, not a record), skipped', { expression });
  }
  if (e.resource === undefined) {
    const method = asString(asRecord(e.request)?.method);
    const why = method && /^[A-Z]{3,7}$/.test(method) ? ` (request ${method})` : '';
    return warningItem(location, `entry has no resource${why}, skipped`, { expression });
  }
  const notResource = notAResourceReason(e.resource);
  if (notResource) return errorItem(location, notResource, { code: 'structure', expression: [`Bundle.entry[${index}].resource`] });
  let resource = e.resource as Resource;
  if (resource.id === undefined) {
    const id = assignedIdOf(summarizeEntry(e));
    if (id) resource = { ...{ resourceType: resource.resourceType, id }, ...resource } as Resource;
  }
  const unresolved = rewriteBundleReferences(resource, context.map);
  if (context.unresolved) context.unresolved.count += unresolved;
  return { kind: 'resource', resource, location };
}

/** All read items of a Bundle held in memory (a small file, an upload, an NDJSON line). */
export function* bundleItems(bundle: Record<string, unknown>, file: string, placePrefix: string, bundlePlace: string): Generator<ReadItem> {
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  const map = new BundleReferenceMap();
  for (const entry of entries) map.add(summarizeEntry(entry));
  yield* bundleItemsFrom(entries, { file, placePrefix, bundleType: bundle.type, map }, bundlePlace);
}

/** The items of a Bundle's entries, given the reference map of all its entries. */
export function* bundleItemsFrom(entries: Iterable<unknown>, context: EntryContext, bundlePlace: string): Generator<ReadItem> {
  const typeIssue = bundleTypeIssue(context.bundleType, { file: context.file, place: bundlePlace });
  if (typeIssue) yield typeIssue;
  let index = 0;
  if (context.bundleType === 'transaction') {
    const items: ReadItem[] = [];
    for (const entry of entries) items.push(entryItem(entry, index++, context));
    yield { kind: 'atomic-group', location: { file: context.file, place: `${context.placePrefix}entry` }, items };
    return;
  }
  for (const entry of entries) yield entryItem(entry, index++, context);
}
