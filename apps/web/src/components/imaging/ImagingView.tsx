'use client';
import { useQuery } from '@tanstack/react-query';
import type { ImagingSeriesItem } from '@oncoboard/api-router';
import { useEffect, useState } from 'react';
import { formatDate, patientLabel } from '../../lib/format';
import { patientHref } from '../../lib/routes';
import { useTRPC } from '../../lib/trpc';
import { BackLink, EmptyNote, ErrorNotice, Loading, Section } from '../ui';
import { LesionChart, LesionTable } from './LesionPanels';
import { SliceViewer } from './SliceViewer';

export function ImagingView({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.patients.overview.queryOptions({ patientKey }));
  const series = useQuery(trpc.imaging.series.queryOptions({ patientKey }));
  const lesions = useQuery(trpc.imaging.lesions.queryOptions({ patientKey }));
  const [selectedKey, setSelectedKey] = useState<string | undefined>();

  const list = series.data ?? [];
  useEffect(() => {
    if (!selectedKey && list.length > 0) setSelectedKey(list[list.length - 1]!.key);
  }, [list, selectedKey]);
  const selected = list.find((s) => s.key === selectedKey);
  const name = overview.data ? patientLabel(overview.data.patient) : patientKey;

  return (
    <div className="space-y-4">
      <div>
        <BackLink href={patientHref(patientKey)}>{name}</BackLink>
        <h1 className="text-2xl font-semibold">Imaging</h1>
      </div>
      {series.isPending ? (
        <Loading label="Loading series…" />
      ) : series.isError ? (
        <ErrorNotice error={series.error} what="the imaging series" />
      ) : list.length === 0 ? (
        <EmptyNote>No imaging series imported for this patient (oncoboard imaging-import).</EmptyNote>
      ) : (
        <div className="grid gap-4 lg:grid-cols-[18rem_1fr]">
          <Section title="Series" count={list.length}>
            <SeriesList items={list} selectedKey={selectedKey} onSelect={setSelectedKey} />
          </Section>
          {selected ? <SliceViewer key={selected.key} series={selected} /> : null}
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Lesions">
          {lesions.isPending ? <Loading label="Loading lesions…" /> : lesions.isError ? <ErrorNotice error={lesions.error} what="the lesions" /> : <LesionTable view={lesions.data} />}
        </Section>
        <Section title="Longest diameter over time">
          {lesions.data ? <LesionChart view={lesions.data} /> : null}
        </Section>
      </div>
    </div>
  );
}

function SeriesList({ items, selectedKey, onSelect }: { items: ImagingSeriesItem[]; selectedKey: string | undefined; onSelect: (key: string) => void }) {
  return (
    <ul className="space-y-2" data-testid="series-list">
      {items.map((s) => {
        const active = s.key === selectedKey;
        return (
          <li key={s.key}>
            <button
              type="button"
              data-testid="series-item"
              data-series-key={s.key}
              aria-pressed={active}
              onClick={() => onSelect(s.key)}
              className={`w-full rounded-md border px-3 py-2 text-left text-sm ${active ? 'border-sky-600 bg-sky-50' : 'border-slate-200 hover:bg-slate-50'}`}
            >
              <span className="flex items-baseline justify-between gap-2">
                <span className="font-semibold">{s.modality || 'Series'}</span>
                <span className="text-slate-600">{s.date ? formatDate(s.date) : 'undated'}</span>
              </span>
              <span className="block text-slate-700">{s.description ?? <span className="text-slate-400 italic">no description</span>}</span>
              <span className="block text-xs text-slate-500">
                {s.slices} slices · {s.dims[0]}×{s.dims[1]} · {s.spacing.map((x) => Math.round(x * 100) / 100).join('×')} mm
                {s.lesionRecordKeys.length ? ' · mask' : ''}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
