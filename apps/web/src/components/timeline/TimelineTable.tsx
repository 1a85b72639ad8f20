'use client';
import type { TimelineItem } from '@oncoboard/api-router';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { formatCount, formatDate } from '../../lib/format';
import { sourceHref } from '../../lib/routes';
import { categoryColor, categoryLabel } from '../../lib/timeline-categories';
import { compareTimelineItems, type TimelineSort } from '../../lib/timeline-table';

const PAGE_SIZE = 100;

/** The same events as the chart, as an accessible, sortable, paged table. */
export function TimelineTable({ items, selectedId, onSelect }: { items: readonly TimelineItem[]; selectedId?: string; onSelect: (item: TimelineItem) => void }) {
  const [sort, setSort] = useState<TimelineSort>({ column: 'date', direction: 'ascending' });
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => [...items].sort((a, b) => compareTimelineItems(a, b, sort)), [items, sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const header = (column: TimelineSort['column'], label: string) => {
    const active = sort.column === column;
    return (
      <th scope="col" aria-sort={active ? sort.direction : 'none'}>
        <button
          type="button"
          className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
          onClick={() => {
            setSort((s) => ({ column, direction: s.column === column && s.direction === 'ascending' ? 'descending' : 'ascending' }));
            setPage(0);
          }}
        >
          {label}
          <span aria-hidden className="text-slate-400">
            {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="card overflow-hidden">
      <div className="overflow-x-auto">
        <table className="data-table" data-testid="timeline-table">
          <caption className="sr-only">
            Timeline events, {formatCount(items.length)} rows, sorted by {sort.column} {sort.direction}
          </caption>
          <thead>
            <tr>
              {header('date', 'Date')}
              <th scope="col">End</th>
              {header('category', 'Category')}
              {header('title', 'Event')}
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <tr key={item.id} className={item.id === selectedId ? 'bg-sky-50' : undefined}>
                <td className="whitespace-nowrap tabular-nums">{item.start ? formatDate(item.start) : <span className="text-slate-400">undated</span>}</td>
                <td className="whitespace-nowrap tabular-nums text-slate-600">{item.end && item.end !== item.start ? formatDate(item.end) : ''}</td>
                <td>
                  <span className="font-medium" style={{ color: categoryColor(item.category) }}>
                    {categoryLabel(item.category)}
                  </span>
                </td>
                <td>
                  <button type="button" className="text-left hover:underline" onClick={() => onSelect(item)}>
                    {item.title}
                  </button>
                  {item.detail ? <div className="text-xs text-slate-500">{item.detail}</div> : null}
                </td>
                <td>
                  <Link href={sourceHref(item.citation)} className="cited text-xs" title={`${item.citation.sourceRecordKey} · ${item.citation.elementPath}`}>
                    {item.citation.sourceRecordKey.replace(/^fhir\//, '')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.length === 0 ? <p className="p-4 text-sm text-slate-500 italic">No events match the filters.</p> : null}
      <div className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-sm">
        <span className="text-slate-600">
          {items.length ? `${formatCount(current * PAGE_SIZE + 1)}–${formatCount(current * PAGE_SIZE + rows.length)} of ${formatCount(items.length)}` : ''}
        </span>
        <div className="flex gap-2">
          <button type="button" className="btn" disabled={current === 0} onClick={() => setPage(current - 1)}>
            ← Previous
          </button>
          <span className="self-center text-slate-500">
            page {current + 1} of {pages}
          </span>
          <button type="button" className="btn" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next →
          </button>
        </div>
      </div>
    </div>
  );
}
