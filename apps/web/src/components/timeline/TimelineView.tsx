'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TimelineItem } from '@oncoboard/api-router';
import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import { formatCount, formatDateRange, patientLabel } from '../../lib/format';
import { patientHref, sourceHref } from '../../lib/routes';
import { CATEGORY_STYLE, categoryColor, categoryLabel, TIMELINE_CATEGORIES, type TimelineCategory } from '../../lib/timeline-categories';
import { useTRPC } from '../../lib/trpc';
import { BackLink, ErrorNotice, Loading } from '../ui';
import { TimelineCanvas } from './TimelineCanvas';
import { TimelineTable } from './TimelineTable';

/** The API's page limit: a patient's whole history in one request (narrow the date range beyond that). */
const TIMELINE_LIMIT = 10_000;
const UNDATED_SHOWN = 12;

export function TimelineView({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const [lanes, setLanes] = useState<TimelineCategory[]>([...TIMELINE_CATEGORIES]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [mode, setMode] = useState<'chart' | 'table'>('chart');
  const [selected, setSelected] = useState<TimelineItem | undefined>();
  const [showAllUndated, setShowAllUndated] = useState(false);
  const ids = { from: useId(), to: useId() };

  const allLanes = lanes.length === TIMELINE_CATEGORIES.length;
  const rangeError = from && to && from > to ? 'The start date is after the end date.' : undefined;
  const overview = useQuery(trpc.patients.overview.queryOptions({ patientKey }));
  const timeline = useQuery(
    trpc.patients.timeline.queryOptions(
      {
        patientKey,
        categories: allLanes ? undefined : lanes,
        from: from || undefined,
        to: to || undefined,
        limit: TIMELINE_LIMIT,
      },
      { placeholderData: keepPreviousData, enabled: lanes.length > 0 && !rangeError },
    ),
  );

  const items = useMemo(() => timeline.data?.items ?? [], [timeline.data]);
  const undated = useMemo(() => items.filter((i) => !i.start && !i.end), [items]);
  const dated = items.length - undated.length;
  const shownLanes = useMemo(() => TIMELINE_CATEGORIES.filter((c) => lanes.includes(c)), [lanes]);
  const toggleLane = (c: TimelineCategory) => setLanes((current) => (current.includes(c) ? current.filter((x) => x !== c) : [...current, c]));

  const name = overview.data ? patientLabel(overview.data.patient) : patientKey;
  // `total` counts every event matching the filters, the undated ones included.
  const total = timeline.data?.total;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <BackLink href={patientHref(patientKey)}>{name}</BackLink>
          <h1 className="text-2xl font-semibold">Timeline</h1>
          {timeline.data ? (
            <p className="text-sm text-slate-500" data-testid="timeline-summary">
              {formatCount(dated)} dated events
              {timeline.data.undatedCount ? `, ${formatCount(timeline.data.undatedCount)} undated` : ''}
              {total !== undefined && items.length < total ? ` · showing the first ${formatCount(items.length)} of ${formatCount(total)}: narrow the date range or lanes to see the rest` : ''}
            </p>
          ) : null}
        </div>
        <div className="flex rounded-md border border-slate-300 bg-white p-0.5 text-sm shadow-sm" role="tablist" aria-label="View">
          {(['chart', 'table'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              data-testid={`view-${m}`}
              className={`rounded px-3 py-1 font-medium ${mode === m ? 'bg-sky-700 text-white' : 'text-slate-600 hover:bg-slate-50'}`}
              onClick={() => setMode(m)}
            >
              {m === 'chart' ? 'Chart' : 'Table'}
            </button>
          ))}
        </div>
      </div>

      <form className="card flex flex-wrap items-end gap-x-6 gap-y-3 p-4" onSubmit={(e) => e.preventDefault()} aria-label="Timeline filters">
        <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <legend className="mb-1 text-xs font-medium text-slate-600">Lanes</legend>
          {TIMELINE_CATEGORIES.map((c) => (
            <label key={c} className="inline-flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={lanes.includes(c)} onChange={() => toggleLane(c)} data-testid={`lane-${c}`} className="accent-sky-700" />
              <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: CATEGORY_STYLE[c].color }} />
              {CATEGORY_STYLE[c].label}
            </label>
          ))}
          <button type="button" className="text-xs text-sky-800 underline" onClick={() => setLanes(allLanes ? [] : [...TIMELINE_CATEGORIES])}>
            {allLanes ? 'none' : 'all'}
          </button>
        </fieldset>
        <div className="flex items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.from} className="text-xs font-medium text-slate-600">
              From
            </label>
            <input id={ids.from} type="date" className="input" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.to} className="text-xs font-medium text-slate-600">
              To
            </label>
            <input id={ids.to} type="date" className="input" value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" />
          </div>
          {from || to ? (
            <button
              type="button"
              className="btn"
              onClick={() => {
                setFrom('');
                setTo('');
              }}
            >
              Clear dates
            </button>
          ) : null}
        </div>
        {rangeError ? (
          <p role="alert" className="text-sm text-red-700">
            {rangeError}
          </p>
        ) : null}
      </form>

      {lanes.length === 0 ? <p className="text-sm text-slate-500">Select at least one lane.</p> : null}
      {timeline.isError ? <ErrorNotice error={timeline.error} what={`the timeline of ${patientKey}`} /> : null}
      {timeline.isPending && lanes.length > 0 && !rangeError ? <Loading label="Loading timeline…" /> : null}

      {timeline.data && lanes.length > 0 ? (
        <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_20rem]">
          <div className="min-w-0 space-y-4" aria-busy={timeline.isFetching}>
            {mode === 'chart' ? (
              <div className="card p-3">
                {dated === 0 ? (
                  <p className="p-4 text-sm text-slate-500 italic">No dated events{from || to || !allLanes ? ' match the filters' : ''}.</p>
                ) : (
                  <TimelineCanvas items={items} lanes={shownLanes} selectedId={selected?.id} onSelect={setSelected} fitKey={timeline.isPlaceholderData ? undefined : `${patientKey}|${from}|${to}`} />
                )}
              </div>
            ) : (
              <TimelineTable items={items} selectedId={selected?.id} onSelect={setSelected} />
            )}
            {mode === 'chart' ? (
              <section className="card p-4" aria-labelledby="undated-heading" data-testid="undated-events">
                <h2 id="undated-heading" className="card-title">
                  Undated events <span className="font-normal text-slate-400 normal-case">({formatCount(timeline.data.undatedCount)})</span>
                </h2>
                {undated.length === 0 ? (
                  <p className="mt-2 text-sm text-slate-500 italic">
                    {from || to
                      ? 'Undated events have no place in a date range: clear the dates to list them.'
                      : timeline.data.undatedCount
                        ? 'Undated events were not part of this page.'
                        : 'Every event has a date.'}
                  </p>
                ) : (
                  <ul className="mt-2 divide-y divide-slate-100 text-sm">
                    {(showAllUndated ? undated : undated.slice(0, UNDATED_SHOWN)).map((item) => (
                      <li key={item.id} className="flex items-baseline gap-3 py-1.5">
                        <span className="w-24 shrink-0 text-xs font-medium" style={{ color: categoryColor(item.category) }}>
                          {categoryLabel(item.category)}
                        </span>
                        <button type="button" className="text-left hover:underline" onClick={() => setSelected(item)}>
                          {item.title}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                {undated.length > UNDATED_SHOWN && !showAllUndated ? (
                  <button type="button" className="btn mt-2" onClick={() => setShowAllUndated(true)}>
                    Show all {formatCount(undated.length)}
                  </button>
                ) : null}
              </section>
            ) : null}
          </div>
          <EventDetail item={selected} onClose={() => setSelected(undefined)} />
        </div>
      ) : null}
    </div>
  );
}

function EventDetail({ item, onClose }: { item: TimelineItem | undefined; onClose: () => void }) {
  return (
    <aside className="card h-fit p-4 xl:sticky xl:top-4" aria-labelledby="event-detail-heading" aria-live="polite" data-testid="event-detail">
      <div className="flex items-start justify-between gap-2">
        <h2 id="event-detail-heading" className="card-title">
          Event
        </h2>
        {item ? (
          <button type="button" className="text-xs text-slate-500 hover:text-slate-900" onClick={onClose} aria-label="Close event details">
            ✕
          </button>
        ) : null}
      </div>
      {!item ? (
        <p className="mt-2 text-sm text-slate-500">Click an event on the chart (or in the list) to see it here, with its source.</p>
      ) : (
        <div className="mt-2 space-y-2 text-sm">
          <p className="text-base font-semibold text-slate-900" data-testid="event-detail-title">
            {item.title}
          </p>
          <p>
            <span className="font-medium" style={{ color: categoryColor(item.category) }}>
              {categoryLabel(item.category)}
            </span>
            <span className="text-slate-500"> · {item.start || item.end ? formatDateRange(item.start, item.end) : 'undated'}</span>
          </p>
          {item.detail ? <p className="text-slate-700">{item.detail}</p> : null}
          <dl className="space-y-1 text-xs text-slate-600">
            <div>
              <dt className="inline text-slate-500">Record: </dt>
              <dd className="inline font-mono break-all">{item.citation.sourceRecordKey}</dd>
            </div>
            {item.citation.elementPath ? (
              <div>
                <dt className="inline text-slate-500">Element: </dt>
                <dd className="inline font-mono break-all">{item.citation.elementPath}</dd>
              </div>
            ) : null}
            {item.start ? (
              <div>
                <dt className="inline text-slate-500">Date as recorded: </dt>
                <dd className="inline font-mono">{item.start}{item.end && item.end !== item.start ? ` → ${item.end}` : ''}</dd>
              </div>
            ) : null}
          </dl>
          <Link href={sourceHref(item.citation)} className="btn-primary" data-testid="event-source-link">
            View source
          </Link>
        </div>
      )}
    </aside>
  );
}

