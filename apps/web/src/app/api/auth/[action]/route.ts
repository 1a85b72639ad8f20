/**
 * Sign-in, sign-out and the current session, same-origin: /api/auth/<action> is forwarded to ${FUSION_API_URL}/auth/<action>
 * with the cookie and CSRF headers, and the API's Set-Cookie lines come back to the browser unchanged (the session
 * cookie is HttpOnly and SameSite=Strict; the web app never reads or stores it).
 */
import type { NextRequest } from 'next/server';
import { forwardToApi } from '../../../../lib/api-forward';

export const dynamic = 'force-dynamic';

/** The API's auth endpoints and the method each takes; anything else is refused here. */
const ACTIONS: Record<string, 'GET' | 'POST'> = { 'sign-in': 'POST', 'sign-out': 'POST', session: 'GET', providers: 'GET' };

async function forward(request: NextRequest, context: { params: Promise<{ action: string }> }): Promise<Response> {
  const { action } = await context.params;
  const method = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!method) return Response.json({ error: `not an auth endpoint: expected one of ${Object.keys(ACTIONS).join(', ')}` }, { status: 404 });
  if (request.method !== method) return Response.json({ error: `${action}: expected ${method}` }, { status: 405, headers: { allow: method } });
  return forwardToApi(request, `/auth/${action}`, (message) => Response.json({ error: message }, { status: 502 }));
}

export const GET = forward;
export const POST = forward;
