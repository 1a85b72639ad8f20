import Link from 'next/link';
import type { ReactNode } from 'react';
import { clinicalLabel } from '../lib/format';
import { sourceHref, type CitationLike } from '../lib/routes';

/**
 * A value that links to the record (and element) it came from. Coded displays are shown as clinicians read them
 * (see clinicalLabel); the verbatim display is in the link's title and, of course, in the source.
 */
export function Cited({ value, className, verbatim }: { value: { text: string; citation: CitationLike }; className?: string; verbatim?: boolean }) {
  const { sourceRecordKey, elementPath } = value.citation;
  const shown = verbatim ? value.text : clinicalLabel(value.text);
  return (
    <Link
      href={sourceHref(value.citation)}
      className={`cited ${className ?? ''}`}
      title={`${shown !== value.text ? `${value.text}\n` : ''}Source: ${sourceRecordKey}${elementPath ? ` · ${elementPath}` : ''}`}
      data-cited-record={sourceRecordKey}
      data-cited-path={elementPath || undefined}
    >
      {shown}
    </Link>
  );
}

/**
 * A value the API gives without an element citation (dates, statuses of a cited row): it links to the same
 * record, without claiming an element.
 */
export function FromRecord({ text, recordKey }: { text: string | undefined; recordKey: string | undefined }) {
  if (!text) return null;
  if (!recordKey) return <>{text}</>;
  return (
    <Link href={sourceHref({ sourceRecordKey: recordKey })} className="cited" title={`Source: ${recordKey}`} data-cited-record={recordKey}>
      {text}
    </Link>
  );
}

export function Section({ title, id, actions, children, count }: { title: string; id?: string; actions?: ReactNode; children: ReactNode; count?: number }) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <div className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
        <h2 id={headingId} className="card-title">
          {title}
          {count !== undefined && count > 0 ? <span className="ml-2 font-normal text-slate-400 normal-case">({count})</span> : null}
        </h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** The "← back" line above a page's heading (to the patient's overview, a board's agenda). */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p className="text-sm">
      <Link href={href} className="text-sky-800 hover:underline">
        ← {children}
      </Link>
    </p>
  );
}

export function EmptyNote({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-500 italic">{children}</p>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-8 text-sm text-slate-500">
      <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-sky-600" />
      {label}
    </div>
  );
}

interface TrpcLikeError {
  message: string;
  data?: { code?: string; httpStatus?: number; zodIssues?: { path: (string | number)[]; message: string }[] } | null;
}

/** An API error as a user can act on it: what failed and, for validation errors, which input. */
export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  const e = error as TrpcLikeError;
  const notFound = e?.data?.code === 'NOT_FOUND' || e?.data?.httpStatus === 404;
  // The API answers FORBIDDEN alike for a patient one may not see and one that does not exist: so does this.
  const forbidden = e?.data?.code === 'FORBIDDEN' || e?.data?.httpStatus === 403;
  const headline = notFound ? `${what} was not found.` : forbidden ? `${what} was not found, or you have no access to it.` : `Could not load ${what}.`;
  return (
    <div role="alert" data-testid="error-notice" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">{headline}</p>
      {e?.message && !notFound && !forbidden ? <p className="mt-1 text-red-700">{e.message}</p> : null}
      {e?.data?.zodIssues?.length ? (
        <ul className="mt-1 list-disc pl-5">
          {e.data.zodIssues.map((issue, i) => (
            <li key={i}>
              {issue.path.join('.') || 'input'}: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Dl({ items }: { items: { label: string; value: ReactNode }[] }) {
  const shown = items.filter((i) => i.value !== undefined && i.value !== null && i.value !== '');
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
      {shown.map((item) => (
        <div key={item.label} className="contents">
          <dt className="text-slate-500">{item.label}</dt>
          <dd className="text-slate-900">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
