/**
 * OpenID Connect sign-in, same-origin: /api/auth/oidc/start and /api/auth/oidc/callback are forwarded to the API's
 * /auth/oidc/<step> with their query strings and cookies. The API answers with redirects (to the provider, back to
 * /sign-in), which pass to the browser unchanged with their Set-Cookie lines: the gateway never follows them.
 * ONCOBOARD_OIDC_REDIRECT_URI (the API's setting) must be this site's /api/auth/oidc/callback.
 */
import type { NextRequest } from 'next/server';
import { forwardToApi } from '../../../../../lib/api-forward';

export const dynamic = 'force-dynamic';

const STEPS = new Set(['start', 'callback']);

export async function GET(request: NextRequest, context: { params: Promise<{ step: string }> }): Promise<Response> {
  const { step } = await context.params;
  if (!STEPS.has(step)) return Response.json({ error: 'not an OpenID Connect endpoint: expected start or callback' }, { status: 404 });
  const search = new URL(request.url).search;
  // The API is down: back to the sign-in page with a message, not a JSON page in the middle of a sign-in.
  return forwardToApi(request, `/auth/oidc/${step}${search.length <= 8192 ? search : ''}`, () => new Response(null, { status: 302, headers: { location: '/sign-in?error=oidc-unavailable', 'cache-control': 'no-store' } }));
}
