'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { formatCount } from '../lib/format';
import { useTRPC } from '../lib/trpc';

const NAV = [
  { href: '/', label: 'Patients', active: (p: string) => p === '/' || p.startsWith('/patients') },
  { href: '/boards', label: 'Tumor boards', active: (p: string) => p.startsWith('/boards') },
  { href: '/import', label: 'Import', active: (p: string) => p.startsWith('/import') },
] as const;

export function SiteHeader() {
  const pathname = usePathname() ?? '/';
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 60_000 }));
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
        <nav aria-label="Main" className="flex gap-1">
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
        </nav>
        <div className="ml-auto text-xs text-slate-500" aria-live="polite">
          {info.data ? (
            <span title={`API ${info.data.version}, ${info.data.provider}`}>
              {formatCount(info.data.counts.patients)} patients · {formatCount(info.data.counts.sourceRecords)} records · {info.data.provider}
            </span>
          ) : info.isError ? (
            <span className="text-red-700">API unreachable</span>
          ) : null}
        </div>
      </div>
    </header>
  );
}
