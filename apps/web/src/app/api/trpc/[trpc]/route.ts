/**
 * Same-origin gateway to the OncoBoard API: /api/trpc/<procedures>?<query> is forwarded to
 * ${FUSION_API_URL}/trpc/<procedures>?<query>. FUSION_API_URL is read per request (not baked in at build time,
 * as next.config rewrites would be), so one build serves whichever API the deployment points it at.
 * The session cookie, the CSRF header, the user agent and the client's address travel with each call (the API
 * checks them); see src/lib/api-forward.ts.
 */
import type { NextRequest } from 'next/server';
import { forwardToApi } from '../../../../lib/api-forward';

export const dynamic = 'force-dynamic';

async function forward(request: NextRequest, context: { params: Promise<{ trpc: string }> }): Promise<Response> {
  const { trpc } = await context.params;
  // Procedure paths are dotted names, comma-joined when batched: nothing else may reach the API's URL.
  if (!/^[A-Za-z0-9_.,]+$/.test(trpc)) {
    return Response.json({ error: { message: 'not a tRPC procedure path' } }, { status: 400 });
  }
  return forwardToApi(request, `/trpc/${trpc}${request.nextUrl.search}`, (message) =>
    Response.json([{ error: { message, code: -32603, data: { code: 'BAD_GATEWAY', httpStatus: 502 } } }], { status: 502 }),
  );
}

export const GET = forward;
export const POST = forward;
