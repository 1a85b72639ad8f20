/**
 * The web app's one way to the API (server side only): builds the upstream request from the browser's request and the
 * browser's response from the API's, passing exactly the headers the auth contract names. The web app keeps no session
 * of its own: the API decides who is signed in, from the `oncoboard_session` cookie forwarded here.
 */

/** Request headers that travel to the API: tRPC's own, the session cookie, the CSRF header and the user agent (audit). */
export const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'trpc-accept', 'trpc-batch-mode', 'x-trpc-source', 'cookie', 'x-csrf-token', 'user-agent'] as const;
/**
 * Response headers that travel back; `set-cookie` is copied separately (one header line per cookie). `location`: the
 * API's redirects (OpenID Connect sign-in) reach the browser as redirects, never followed here.
 */
export const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'vary', 'trpc-accept', 'retry-after', 'location'] as const;

export function apiBase(): string {
  return (process.env.FUSION_API_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
}

/**
 * The client's address as the API should record it. Next fills `x-forwarded-for` with the socket address only when the
 * request has none, and keeps a client-sent one; a reverse proxy in front (nginx's $proxy_add_x_forwarded_for, the
 * usual TLS setup) appends the address it saw. So the rightmost entry is the one a trusted hop wrote, and only that
 * one is passed on: a browser cannot prepend addresses to dodge the sign-in rate limit.
 */
export function clientAddress(headers: Headers): string | undefined {
  const entries = (headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const last = entries.at(-1);
  return last && /^[0-9A-Fa-f:.]{2,45}$/.test(last) ? last : undefined;
}

/** Whether the browser reached us over TLS (directly, or through a proxy that says so). */
export function cameOverTls(request: Request): boolean {
  const proto = request.headers.get('x-forwarded-proto')?.split(',').at(-1)?.trim();
  return proto ? proto === 'https' : new URL(request.url).protocol === 'https:';
}

export function upstreamRequestHeaders(request: Request): Headers {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const address = clientAddress(request.headers);
  if (address) headers.set('x-forwarded-for', address);
  headers.set('x-forwarded-proto', cameOverTls(request) ? 'https' : 'http');
  return headers;
}

export function downstreamResponseHeaders(upstream: Response): Headers {
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) headers.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) headers.append('set-cookie', cookie);
  return headers;
}

/** Forwards `request` to `${FUSION_API_URL}${apiPath}`; a JSON 502 naming the API address when it does not answer. */
export async function forwardToApi(request: Request, apiPath: string, unreachable: (message: string) => Response): Promise<Response> {
  const base = apiBase();
  let upstream: Response;
  try {
    upstream = await fetch(`${base}${apiPath}`, {
      method: request.method,
      headers: upstreamRequestHeaders(request),
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
      cache: 'no-store',
      redirect: 'manual',
    });
  } catch {
    return unreachable(`The OncoBoard API is not reachable at ${base}`);
  }
  // 204/304 carry no body; passing one to the Response constructor throws.
  const body = upstream.status === 204 || upstream.status === 304 ? null : upstream.body;
  return new Response(body, { status: upstream.status, headers: downstreamResponseHeaders(upstream) });
}
