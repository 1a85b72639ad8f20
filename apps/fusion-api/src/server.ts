import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appRouter } from '@oncoboard/api-router';
import type { Store } from '@oncoboard/store';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { logger } from './logger';

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Requests larger than this are refused before parsing (uploads included). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The OncoBoard API over HTTP: tRPC at /trpc, a liveness probe at /healthz. Listens on loopback unless told otherwise. */
export async function startApiServer(opts: { store: Store; port?: number; host?: string }): Promise<ApiServer> {
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: () => ({ store: opts.store }),
    onError({ error, path, type }) {
      // Only the procedure and the error class are logged: inputs can hold patient data.
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ path, type, code: error.code, err: error.cause?.name ?? error.name }, 'procedure failed');
    },
  });
  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.url?.startsWith('/trpc/')) {
      trpcHandler(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
