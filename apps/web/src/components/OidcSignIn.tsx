'use client';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';

/** What the API's /auth/oidc/callback and /start send back in ?error=; deliberately coarse (details are audited). */
const OIDC_ERRORS: Record<string, string> = {
  'oidc-failed': 'Single sign-on did not sign you in. If this keeps happening, ask your administrator whether your account is linked to it.',
  'oidc-unavailable': 'The single sign-on provider could not be reached. Try again in a moment, or sign in with your password.',
};

/**
 * Sign-in through the hospital's OpenID Connect provider, when the API has one configured: a plain link to
 * /api/auth/oidc/start (the API answers with a redirect to the provider). After the provider the API lands the browser
 * here with ?signed-in=oidc, and this page navigates on: a navigation started by this page carries the new
 * SameSite=Strict session cookie, the redirect chain that came from the provider's site does not.
 */
export function OidcSignIn({ next }: { next: string }) {
  const params = useSearchParams();
  const signedIn = params.get('signed-in') === 'oidc';
  const error = OIDC_ERRORS[params.get('error') ?? ''];
  const [provider, setProvider] = useState<{ displayName: string } | null>(null);

  useEffect(() => {
    if (signedIn) {
      window.location.replace(next);
      return;
    }
    let live = true;
    fetch('/api/auth/providers', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<{ oidc?: { displayName: string } | null }>) : null))
      .then((body) => {
        if (live && body?.oidc?.displayName) setProvider(body.oidc);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [signedIn, next]);

  if (signedIn) {
    return (
      <p className="mt-4 text-sm text-slate-600" data-testid="sign-in-oidc-continuing">
        Signed in. Opening OncoBoard…
      </p>
    );
  }
  return (
    <>
      {error ? (
        <p role="alert" data-testid="sign-in-oidc-error" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {provider ? (
        <div className="mt-5 border-t border-slate-200 pt-5">
          <a
            href={`/api/auth/oidc/start${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`}
            data-testid="sign-in-oidc"
            className="block w-full rounded-md border border-slate-300 px-3 py-2 text-center text-sm font-semibold text-slate-800 hover:bg-slate-50"
          >
            Sign in with {provider.displayName}
          </a>
        </div>
      ) : null}
    </>
  );
}
