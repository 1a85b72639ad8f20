'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { fetchSession, SIGN_IN_PATH, signOut } from '../lib/auth-client';
import { formatCount } from '../lib/format';
import { useTRPC } from '../lib/trpc';

const NAV = [
  { href: '/', label: 'Patients', active: (p: string) => p === '/' || p.startsWith('/patients') },
  { href: '/boards', label: 'Tumor boards', active: (p: string) => p.startsWith('/boards') },
  { href: '/import', label: 'Import', active: (p: string) => p.startsWith('/import') },
  { href: '/models', label: 'Models', active: (p: string) => p.startsWith('/models') },
  { href: '/export', label: 'Export', active: (p: string) => p.startsWith('/export') },
] as const;

export function SiteHeader() {
  const pathname = usePathname() ?? '/';
  const trpc = useTRPC();
  // On the sign-in page nobody is signed in yet: no navigation, no API calls.
  const signedOutPage = pathname === SIGN_IN_PATH;
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 60_000, enabled: !signedOutPage }));
  const session = useQuery({ queryKey: ['auth', 'session'], queryFn: fetchSession, staleTime: 60_000, enabled: !signedOutPage, retry: false });
  return (
    <header className="border-b border-slate-200 bg-white print:hidden">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:px-3 focus:py-1">
        Skip to content
      </a>
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-8 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-slate-900">
          <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-sky-600 to-indigo-700" />
          OncoBoard
        </Link>
        {signedOutPage ? null : <nav aria-label="Main" className="flex gap-1">
          {NAV.map((item) => {
            const active = item.active(pathname);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? 'page' : undefined}
                className={`rounded-md px-3 py-1.5 text-sm font-medium ${active ? 'bg-sky-50 text-sky-800' : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900'}`}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>}
        <div className="ml-auto text-xs text-slate-500" aria-live="polite">
          {signedOutPage ? null : info.data ? (
            <span title={`API ${info.data.version}, ${info.data.provider}`}>
              {formatCount(info.data.counts.patients)} patients · {formatCount(info.data.counts.sourceRecords)} records · {info.data.provider}
            </span>
          ) : info.isError ? (
            <span className="text-red-700">API unreachable</span>
          ) : null}
        </div>
        {session.data ? (
          <div className="flex items-center gap-3 text-sm">
            <span className="text-slate-700" data-testid="signed-in-user" title={session.data.roles.join(', ')}>
              {session.data.displayName ?? session.data.username}
            </span>
            <button
              type="button"
              data-testid="sign-out"
              onClick={async () => {
                await signOut();
                // A full navigation drops every cached answer of the previous user.
                window.location.assign(SIGN_IN_PATH);
              }}
              className="rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 hover:bg-slate-50"
            >
              Sign out
            </button>
          </div>
        ) : null}
      </div>
    </header>
  );
}
