/**
 * Same-origin gateway to the OncoBoard API: /api/trpc/<procedures>?<query> is forwarded to
 * ${FUSION_API_URL}/trpc/<procedures>?<query>. FUSION_API_URL is read per request (not baked in at build time,
 * as next.config rewrites would be), so one build serves whichever API the deployment points it at.
 * Only the headers tRPC needs travel; cookies and the client's address do not.
 */
import type { NextRequest } from 'next/server';

export const dynamic = 'force-dynamic';

const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'trpc-accept', 'trpc-batch-mode', 'x-trpc-source'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'vary', 'trpc-accept'];

function apiBase(): string {
  return (process.env.FUSION_API_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
}

async function forward(request: NextRequest, context: { params: Promise<{ trpc: string }> }): Promise<Response> {
  const { trpc } = await context.params;
  // Procedure paths are dotted names, comma-joined when batched: nothing else may reach the API's URL.
  if (!/^[A-Za-z0-9_.,]+$/.test(trpc)) {
    return Response.json({ error: { message: 'not a tRPC procedure path' } }, { status: 400 });
  }
  const target = `${apiBase()}/trpc/${trpc}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
      cache: 'no-store',
      redirect: 'manual',
    });
  } catch {
    return Response.json(
      [{ error: { message: `The OncoBoard API is not reachable at ${apiBase()}`, code: -32603, data: { code: 'BAD_GATEWAY', httpStatus: 502 } } }],
      { status: 502 },
    );
  }
  const responseHeaders = new Headers({ 'cache-control': 'no-store' });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) responseHeaders.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export const GET = forward;
export const POST = forward;
