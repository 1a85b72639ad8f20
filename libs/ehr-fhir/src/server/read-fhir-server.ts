import type { Bundle, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { errorItem, warningItem } from '../read/outcome';
import { patientCompartment, r4ResourceTypes } from '../read/patient-compartment';
import { notAResourceReason } from '../read/resource-shape';
import type { ReadItem, SourceLocation } from '../read/types';

export interface FhirServerReadOptions {
  /** Read this patient only; otherwise every Patient the server has (searched page by page). */
  patientId?: string;
  /** `_count` of every search (default 50). */
  pageSize?: number;
  /** Extra HTTP headers, e.g. { authorization: 'Bearer …' }; sent to the server's own URLs only. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE_REFERENCE = new RegExp(`^([A-Z][A-Za-z]+)/(${ID})(?:/_history/${ID})?$`);
const VALID_ID = new RegExp(`^${ID}$`);

interface HttpFailure {
  status?: number;
  /** A short, value-free reason: "HTTP 404 (not-found)", "ECONNREFUSED". */
  reason: string;
}

function failureOf(error: unknown): HttpFailure {
  const e = error as { response?: { status?: number; data?: unknown }; cause?: { code?: string }; code?: string; name?: string; message?: string };
  if (e?.response?.status) {
    const data = e.response.data as OperationOutcome | undefined;
    const codes = data?.resourceType === 'OperationOutcome' ? [...new Set((data.issue ?? []).map((i) => i.code).filter(Boolean))] : [];
    return { status: e.response.status, reason: `HTTP ${e.response.status}${codes.length ? ` (${codes.join(', ')})` : ''}` };
  }
  if (e?.name === 'AbortError') return { reason: 'aborted' };
  const code = e?.cause?.code ?? e?.code;
  return { reason: code ?? 'network error' };
}

/** What to search for each patient: resource type → compartment search parameters the server supports. */
type SearchPlan = [resourceType: string, params: string[]][];

function planFrom(capabilities: CapabilityStatement | undefined): SearchPlan {
  const compartment = patientCompartment();
  const rest = capabilities?.rest?.find((r) => r.mode === 'server') ?? capabilities?.rest?.[0];
  const declared = rest?.resource ? new Map<string, (typeof rest.resource)[number]>(rest.resource.map((r) => [r.type as string, r])) : undefined;
  const plan: SearchPlan = [];
  for (const [resourceType, params] of compartment) {
    let codes = params.map((p) => p.code);
    if (declared) {
      const resource = declared.get(resourceType);
      if (!resource) continue;
      const names = resource.searchParam?.map((s) => s.name);
      if (names && names.length > 0) codes = codes.filter((c) => names.includes(c));
    }
    if (codes.length > 0) plan.push([resourceType, codes]);
  }
  return plan;
}

/**
 * Reads patients' records from a live FHIR R4 server with fhir-kit-client: one patient (by id) or every Patient
 * (following `next` links), then for each patient every resource of its patient compartment (one search per
 * compartment resource type and parameter, following `next` links), then the resources those reference outside
 * the compartment (Medication, Practitioner, Organization, Location...; transitively, each read once; other
 * Patients are not followed). Each resource is yielded once. Failures become `error` items that name the URL
 * (ids only, no patient data); the generator never throws.
 */
export async function* readFhirServer(baseUrl: string, options: FhirServerReadOptions = {}): AsyncGenerator<ReadItem> {
  const base = baseUrl.replace(/\/+$/, '');
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 50));
  const signal = options.signal;
  let origin: string;
  try {
    origin = new URL(base).origin;
  } catch {
    yield errorItem({ file: baseUrl, place: 'server' }, 'not a valid base URL', { code: 'invalid' });
    return;
  }
  const client = new Client({ baseUrl: base, customHeaders: options.headers ?? {} });
  const requestOptions = signal ? { signal } : {};
  const seen = new Set<string>();
  const attempted = new Set<string>();
  const pendingReferences: string[] = [];
  const resourceTypes = r4ResourceTypes();

  const location = (place: string): SourceLocation => ({ file: baseUrl, place: `${place} (server)` });
  const requestFailed = (place: string, url: string, failure: HttpFailure, severity: 'error' | 'warning' = 'error') =>
    (severity === 'error' ? errorItem : warningItem)(location(place), `GET ${url} failed: ${failure.reason}`, {
      code: failure.status === 404 ? 'not-found' : failure.status && failure.status < 500 ? 'processing' : 'exception',
    });

  const noteReferences = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) noteReferences(v);
      return;
    }
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'reference' && typeof member === 'string') {
        const relative = member.startsWith(`${base}/`) ? member.slice(base.length + 1) : member;
        const match = RELATIVE_REFERENCE.exec(relative);
        if (match && match[1] !== 'Patient' && resourceTypes.has(match[1]!)) {
          const key = `${match[1]}/${match[2]}`;
          if (!seen.has(key) && !attempted.has(key)) {
            attempted.add(key);
            pendingReferences.push(key);
          }
        }
      } else if (member !== null && typeof member === 'object') {
        noteReferences(member);
      }
    }
  };

  /** A resource from the server, once; undefined when already yielded. */
  const take = (resource: unknown, place: string): ReadItem | undefined => {
    const notResource = notAResourceReason(resource);
    if (notResource) return errorItem(location(place), notResource, { code: 'structure' });
    const r = resource as Resource;
    const key = `${r.resourceType}/${r.id}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    attempted.add(key);
    noteReferences(r);
    return { kind: 'resource', resource: r, location: location(key) };
  };

  /** Every page of a search, following `next` links on this server; yields items and errors. */
  async function* searchAll(resourceType: string, searchParams: Record<string, string>, place: string): AsyncGenerator<ReadItem, HttpFailure | undefined> {
    const query = new URLSearchParams({ ...searchParams, _count: String(pageSize) }).toString();
    let url = `${base}/${resourceType}?${query}`;
    const visited = new Set<string>();
    let bundle: Bundle;
    try {
      bundle = (await client.search({ resourceType, searchParams: { ...searchParams, _count: String(pageSize) }, options: requestOptions })) as unknown as Bundle;
    } catch (error) {
      const failure = failureOf(error);
      yield requestFailed(place, url, failure);
      return failure;
    }
    for (;;) {
      visited.add(url);
      for (const entry of bundle.entry ?? []) {
        if (entry.search?.mode === 'outcome') continue;
        const item = take(entry.resource, place);
        if (item) yield item;
      }
      if (signal?.aborted) return undefined;
      const next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (!next || visited.has(next)) return undefined;
      let nextOrigin: string | undefined;
      try {
        nextOrigin = new URL(next).origin;
      } catch {
        nextOrigin = undefined;
      }
      if (nextOrigin !== origin) {
        yield errorItem(location(place), `the next page link of GET ${url} leaves the server (${nextOrigin ?? 'not a URL'}); not followed`, { code: 'security' });
        return undefined;
      }
      url = next;
      try {
        bundle = (await client.request(next, { options: requestOptions })) as unknown as Bundle;
      } catch (error) {
        const failure = failureOf(error);
        yield requestFailed(place, url, failure);
        return failure;
      }
    }
  }

  async function* resolveReferences(): AsyncGenerator<ReadItem> {
    while (pendingReferences.length > 0) {
      if (signal?.aborted) return;
      const key = pendingReferences.shift()!;
      const [resourceType, id] = key.split('/') as [string, string];
      try {
        const resource = await client.read({ resourceType, id, options: requestOptions });
        const item = take(resource, key);
        if (item) yield item;
      } catch (error) {
        const failure = failureOf(error);
        // A dangling reference is common in real data: reported, not fatal.
        yield requestFailed(key, `${base}/${key}`, failure, failure.status === 404 || failure.status === 410 ? 'warning' : 'error');
      }
    }
  }

  try {
    let capabilities: CapabilityStatement | undefined;
    try {
      const found = (await client.capabilityStatement(requestOptions)) as unknown as CapabilityStatement;
      if (found?.resourceType === 'CapabilityStatement') capabilities = found;
    } catch {
      // No CapabilityStatement: search every compartment type.
    }
    const plan = planFrom(capabilities);

    const patientIds: string[] = [];
    if (options.patientId !== undefined) {
      if (!VALID_ID.test(options.patientId)) {
        yield errorItem(location(`Patient/${options.patientId.slice(0, 64)}`), 'not a valid FHIR id', { code: 'invalid' });
        return;
      }
      const key = `Patient/${options.patientId}`;
      try {
        const patient = await client.read({ resourceType: 'Patient', id: options.patientId, options: requestOptions });
        const item = take(patient, key);
        if (item) yield item;
        patientIds.push(options.patientId);
      } catch (error) {
        yield requestFailed(key, `${base}/${key}`, failureOf(error));
        return;
      }
    } else {
      const patients = searchAll('Patient', {}, 'Patient');
      for (;;) {
        const next = await patients.next();
        if (next.done) {
          if (next.value) return; // the Patient search failed: nothing else to read
          break;
        }
        if (next.value.kind === 'resource' && next.value.resource.id) patientIds.push(next.value.resource.id);
        yield next.value;
      }
    }

    const unsupported = new Set<string>();
    for (const patientId of patientIds) {
      for (const [resourceType, params] of plan) {
        for (const param of params) {
          if (signal?.aborted) return;
          const search = `${resourceType}?${param}`;
          if (unsupported.has(search)) continue;
          const failure = yield* searchAll(resourceType, { [param]: `Patient/${patientId}` }, `Patient/${patientId}`);
          // A search the server rejects (unknown type or parameter) is reported once, not for every patient.
          if (failure?.status && failure.status >= 400 && failure.status < 500) unsupported.add(search);
        }
      }
      yield* resolveReferences();
    }
  } catch (error) {
    // Not expected (each request reports its own failure); never let one escape the generator.
    yield errorItem(location('server'), `reading stopped: ${failureOf(error).reason}`, { code: 'exception' });
  }
}
