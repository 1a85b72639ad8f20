'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useState } from 'react';
import type { ResolvedPath } from '../lib/json-paths';
import { formatInstant } from '../lib/format';
import { patientHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { JsonView } from './JsonView';
import { Dl, ErrorNotice, Loading, Section } from './ui';

export function SourceView({ recordKey, elementPath }: { recordKey: string; elementPath?: string }) {
  const trpc = useTRPC();
  const record = useQuery(trpc.sourceRecords.get.queryOptions({ key: recordKey }));
  const [resolved, setResolved] = useState<ResolvedPath | undefined>();
  const onResolved = useCallback((r: ResolvedPath | undefined) => setResolved(r), []);

  if (record.isPending) return <Loading label="Loading source record…" />;
  if (record.isError) return <ErrorNotice error={record.error} what={`source record ${recordKey}`} />;
  const r = record.data;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Source record · {r.kind}</p>
          <h1 className="text-2xl font-semibold">
            {r.resourceType}/{r.resourceId}
          </h1>
          {r.patientKey ? (
            <p className="mt-1 text-sm">
              <Link href={patientHref(r.patientKey)} className="text-sky-800 hover:underline">
                ← {r.patientKey}
              </Link>
            </p>
          ) : null}
        </div>
      </div>

      {elementPath ? (
        <div
          role="note"
          data-testid="cited-element-note"
          className={`rounded-md border px-4 py-3 text-sm ${resolved && !resolved.exact ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-sky-200 bg-sky-50 text-sky-900'}`}
        >
          Cited element: <code className="font-mono font-semibold">{elementPath}</code>
          {resolved && !resolved.exact ? (
            <span>
              {' '}
              — <strong>{resolved.missing}</strong> is not in this version of the record; highlighting the nearest element,{' '}
              <code className="font-mono">{resolved.path}</code>.
            </span>
          ) : resolved ? (
            <a href="#cited-element" className="ml-2 underline">
              jump to it
            </a>
          ) : null}
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Section title="Verbatim content">
            <JsonView content={r.content} elementPath={elementPath} onResolved={onResolved} />
          </Section>
        </div>
        <div className="space-y-6">
          <Section title="Provenance">
            <Dl
              items={[
                { label: 'Record key', value: <code className="font-mono text-xs break-all">{r.key}</code> },
                { label: 'Origin', value: <span className="break-all">{r.origin}</span> },
                { label: 'Place', value: r.originLocation || '—' },
                { label: 'Version', value: String(r.version) },
                { label: 'Imported', value: formatInstant(r.importedAt) },
                { label: 'SHA-256', value: <code className="font-mono text-xs break-all" data-testid="content-hash">{r.contentHash}</code> },
              ]}
            />
          </Section>
          <Section title="Version history" count={r.history.length}>
            {r.history.length === 0 ? (
              <p className="text-sm text-slate-500 italic">Version {r.version} is the only version imported.</p>
            ) : (
              <table className="data-table">
                <caption className="sr-only">Earlier versions of this record</caption>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Imported</th>
                    <th scope="col">Superseded</th>
                  </tr>
                </thead>
                <tbody>
                  <tr className="bg-emerald-50/50">
                    <td>{r.version} (current)</td>
                    <td className="whitespace-nowrap">{formatInstant(r.importedAt)}</td>
                    <td>—</td>
                  </tr>
                  {r.history.map((h) => (
                    <tr key={h.version} title={`${h.origin} · ${h.contentHash}`}>
                      <td>{h.version}</td>
                      <td className="whitespace-nowrap">{formatInstant(h.importedAt)}</td>
                      <td className="whitespace-nowrap">{formatInstant(h.supersededAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </div>
      </div>
    </div>
  );
}
