'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useMemo, useState } from 'react';
import { ageInYears, clinicalLabel, formatCount, formatDate, formatGender, patientLabel, systemLabel } from '../lib/format';
import { patientHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { ErrorNotice, Loading } from './ui';

const PAGE_SIZE = 25;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function PatientList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [cancerType, setCancerType] = useState(params.get('cancer') ?? '');
  const [stage, setStage] = useState(params.get('stage') ?? '');
  const filters = useDebounced({ text: text.trim(), cancerType: cancerType.trim(), stage: stage.trim() }, 250);
  // Cursor of each page visited so far (page 0 has none): "previous" goes back without the API keeping state.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;

  // Filters live in the URL, so a link or the back button returns to the same list.
  const filterKey = `${filters.text}\u0000${filters.cancerType}\u0000${filters.stage}`;
  useEffect(() => {
    const next = new URLSearchParams();
    if (filters.text) next.set('q', filters.text);
    if (filters.cancerType) next.set('cancer', filters.cancerType);
    if (filters.stage) next.set('stage', filters.stage);
    const qs = next.toString();
    if (qs !== params.toString()) router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    setCursors([undefined]);
  }, [filterKey]);

  const search = useQuery(
    trpc.patients.search.queryOptions(
      {
        text: filters.text || undefined,
        cancerType: filters.cancerType || undefined,
        stage: filters.stage || undefined,
        cursor: cursors[page],
        limit: PAGE_SIZE,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  // Suggestions for the filters: the cancer types and stages present in the store (first 200 patients).
  const facets = useQuery(trpc.patients.search.queryOptions({ limit: 200 }, { staleTime: 5 * 60_000 }));
  const options = useMemo(() => {
    const cancers = new Set<string>();
    const stages = new Set<string>();
    for (const p of facets.data?.items ?? []) {
      if (p.primaryCancer) cancers.add(p.primaryCancer);
      if (p.stage) stages.add(p.stage);
    }
    return { cancers: [...cancers].sort(), stages: [...stages].sort() };
  }, [facets.data]);

  const ids = { text: useId(), cancer: useId(), stage: useId(), cancerList: useId(), stageList: useId() };
  const data = search.data;
  const anyFilter = !!(filters.text || filters.cancerType || filters.stage);
  const from = page * PAGE_SIZE + 1;
  const to = page * PAGE_SIZE + (data?.items.length ?? 0);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Patients</h1>
          <p className="text-sm text-slate-500">Search by name or identifier; filter by primary cancer and stage.</p>
        </div>
      </div>

      <form role="search" className="card flex flex-wrap items-end gap-4 p-4" onSubmit={(e) => e.preventDefault()}>
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor={ids.text} className="text-xs font-medium text-slate-600">
            Name or identifier
          </label>
          <input
            id={ids.text}
            type="search"
            className="input"
            placeholder="e.g. Jenny, MRN 12345"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
            data-testid="patient-search"
          />
        </div>
        <div className="flex w-64 flex-col gap-1">
          <label htmlFor={ids.cancer} className="text-xs font-medium text-slate-600">
            Primary cancer
          </label>
          <input
            id={ids.cancer}
            className="input"
            list={ids.cancerList}
            placeholder="any"
            value={cancerType}
            onChange={(e) => setCancerType(e.target.value)}
            autoComplete="off"
          />
          <datalist id={ids.cancerList}>
            {options.cancers.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </div>
        <div className="flex w-40 flex-col gap-1">
          <label htmlFor={ids.stage} className="text-xs font-medium text-slate-600">
            Stage
          </label>
          <input
            id={ids.stage}
            className="input"
            list={ids.stageList}
            placeholder="any"
            value={stage}
            onChange={(e) => setStage(e.target.value)}
            autoComplete="off"
          />
          <datalist id={ids.stageList}>
            {options.stages.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
        {anyFilter ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setText('');
              setCancerType('');
              setStage('');
            }}
          >
            Clear
          </button>
        ) : null}
      </form>

      {search.isError ? <ErrorNotice error={search.error} what="the patient list" /> : null}
      {search.isPending ? <Loading label="Loading patients…" /> : null}

      {data ? (
        <div className="card overflow-hidden">
          <div className="overflow-x-auto">
            <table className="data-table" aria-describedby="patient-count" aria-busy={search.isFetching}>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Birth date</th>
                  <th scope="col">Gender</th>
                  <th scope="col">Primary cancer</th>
                  <th scope="col">Stage</th>
                  <th scope="col" className="text-right">
                    Facts
                  </th>
                  <th scope="col" className="text-right">
                    Events
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => {
                  const age = ageInYears(p.birthDate);
                  return (
                    <tr key={p.key} className="relative hover:bg-sky-50/50" data-testid="patient-row" data-patient-key={p.key}>
                      <td>
                        <Link href={patientHref(p.key)} className="font-medium text-sky-800 hover:underline">
                          {patientLabel(p)}
                          {/* the whole row is the link's target area */}
                          <span aria-hidden className="absolute inset-0" />
                        </Link>
                        {p.identifiers.length ? (
                          <div className="mt-0.5 text-xs text-slate-500">
                            {p.identifiers
                              .slice(0, 2)
                              .map((id) => `${systemLabel(id.system) ? `${systemLabel(id.system)}: ` : ''}${id.value}`)
                              .join(' · ')}
                          </div>
                        ) : null}
                      </td>
                      <td className="whitespace-nowrap">
                        {formatDate(p.birthDate)}
                        {age !== undefined ? <span className="text-slate-500"> ({age} y)</span> : null}
                      </td>
                      <td>{formatGender(p.gender)}</td>
                      <td title={p.primaryCancer}>{p.primaryCancer ? clinicalLabel(p.primaryCancer) : <span className="text-slate-400">—</span>}</td>
                      <td>{p.stage ? <span className="badge whitespace-nowrap bg-indigo-50 text-indigo-800" title={p.stage}>{clinicalLabel(p.stage)}</span> : <span className="text-slate-400">—</span>}</td>
                      <td className="text-right tabular-nums">{formatCount(p.factCount)}</td>
                      <td className="text-right tabular-nums">{formatCount(p.eventCount)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 ? (
            <div className="p-6 text-sm text-slate-500">
              {anyFilter ? (
                'No patients match these filters.'
              ) : (
                <>
                  No patients yet. <Link href="/import" className="text-sky-800 underline">Import FHIR data</Link> or run{' '}
                  <code className="rounded bg-slate-100 px-1">npm run oncoboard -- demo</code>.
                </>
              )}
            </div>
          ) : null}
          <div className="flex items-center justify-between gap-4 border-t border-slate-100 px-4 py-3 text-sm">
            <p id="patient-count" className="text-slate-600" aria-live="polite">
              {data.total === 0 ? '0 patients' : `${formatCount(from)}–${formatCount(to)} of ${formatCount(data.total)} patients`}
            </p>
            <div className="flex gap-2">
              <button type="button" className="btn" disabled={page === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                ← Previous
              </button>
              <button
                type="button"
                className="btn"
                disabled={!data.nextCursor || search.isPlaceholderData}
                onClick={() => data.nextCursor && setCursors((c) => [...c, data.nextCursor])}
              >
                Next →
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}
