/**
 * The browser's side of the auth contract (see the API's /auth/*): cookie names, the CSRF double-submit token, and
 * the few calls the sign-in page and the header make. The session cookie itself is HttpOnly: scripts never see it.
 */
export const SESSION_COOKIE = 'oncoboard_session';
export const CSRF_COOKIE = 'oncoboard_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const SIGN_IN_PATH = '/sign-in';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string | null;
  roles: string[];
}

/** The value of cookie `name` in a `document.cookie` string, or undefined. */
export function readCookie(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** The CSRF token to send with state-changing calls (read from the script-readable csrf cookie). */
export function csrfToken(): string | undefined {
  return typeof document === 'undefined' ? undefined : readCookie(document.cookie, CSRF_COOKIE);
}

/**
 * Where to go after signing in: only a path on this site (starts with one "/", no scheme, no "//host", no backslash),
 * never the sign-in page itself; anything else lands on the patient list. Stops ?next= being an open redirect.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f]/.test(next)) return '/';
  if (next === SIGN_IN_PATH || next.startsWith(`${SIGN_IN_PATH}?`) || next.startsWith(`${SIGN_IN_PATH}/`)) return '/';
  return next;
}

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInUrl(path: string): string {
  const next = safeNextPath(path);
  return next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}

export type SignInResult = { ok: true; user: SessionUser } | { ok: false; message: string };

export async function signIn(username: string, password: string): Promise<SignInResult> {
  let response: Response;
  try {
    response = await fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, message: 'The server could not be reached. Try again in a moment.' };
  }
  const body = (await response.json().catch(() => ({}))) as { user?: SessionUser; error?: string };
  if (response.ok && body.user) return { ok: true, user: body.user };
  if (response.status === 429) {
    const wait = Number(response.headers.get('retry-after'));
    return { ok: false, message: `Too many sign-in attempts. Try again${Number.isFinite(wait) && wait > 0 ? ` in ${Math.ceil(wait)} s` : ' later'}.` };
  }
  return { ok: false, message: body.error ?? `Sign-in failed (HTTP ${response.status}).` };
}

export async function signOut(): Promise<void> {
  const token = csrfToken();
  await fetch('/api/auth/sign-out', { method: 'POST', headers: token ? { [CSRF_HEADER]: token } : {}, credentials: 'same-origin' }).catch(() => undefined);
}

/** The signed-in user, or null when not signed in (or the API is unreachable). */
export async function fetchSession(): Promise<SessionUser | null> {
  const response = await fetch('/api/auth/session', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`session check failed (HTTP ${response.status})`);
  return ((await response.json()) as { user: SessionUser }).user;
}
