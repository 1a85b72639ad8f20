'use client';
// De-identified export (issue 8): pick some of one's patients or a board, get one FHIR Bundle (Safe Harbor, dates
// shifted per patient, report texts masked) from deid.exportBundle and save it as a file. The browser never sees
// the key (it stays in the server's environment); DICOM images are exported by the CLI only.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatBytes, formatCount } from '../lib/format';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { ErrorNotice, Loading, Section } from './ui';

type Answer = RouterOutputs['deid']['exportBundle'];
const MAX_PATIENTS = 50;

/** Saves JSON as a file through a Blob URL (nothing leaves the browser but the download). */
function downloadJson(value: unknown, name: string): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/fhir+json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DeidExportForm() {
  const trpc = useTRPC();
  const [mode, setMode] = useState<'patients' | 'board'>('patients');
  const [chosen, setChosen] = useState<string[]>([]);
  const [boardId, setBoardId] = useState('');
  const patients = useQuery(trpc.patients.search.queryOptions({ limit: 200 }, { staleTime: 60_000 }));
  const boards = useQuery(trpc.boards.list.queryOptions(undefined, { staleTime: 60_000 }));
  const exportBundle = useMutation(
    trpc.deid.exportBundle.mutationOptions({
      onSuccess: (answer: Answer) => downloadJson(answer.bundle, `oncoboard-deid-${answer.bundle.id}.json`),
    }),
  );
  const ready = mode === 'patients' ? chosen.length > 0 && chosen.length <= MAX_PATIENTS : boardId !== '';
  const toggle = (key: string) => setChosen((c) => (c.includes(key) ? c.filter((k) => k !== key) : [...c, key]));

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">De-identified export</h1>
        <p className="text-sm text-slate-500">
          One FHIR R4 Bundle of the chosen patients: names, contacts, addresses and photos removed, identifiers and ids replaced by keyed
          pseudonyms, every date shifted by a secret per-patient offset (intervals kept), report texts masked (HIPAA Safe Harbor with shifted
          dates). Each exported patient is recorded in the audit trail. At most {MAX_PATIENTS} patients per download.
        </p>
        <p className="mt-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="deid-dicom-note">
          DICOM images are not part of this download: export them with the command line,{' '}
          <code>oncoboard deid-export --patient &lt;key&gt; --out &lt;new-folder&gt;</code> (PS3.15 Basic Profile, same date shift). Free text is
          masked by rules, not read by a person: review it before release.
        </p>
      </div>

      <Section title="What to export">
        <div className="space-y-4 p-4">
          <fieldset className="flex gap-6 text-sm">
            <legend className="sr-only">Export by</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name="deid-mode" checked={mode === 'patients'} onChange={() => setMode('patients')} /> Patients
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="deid-mode" checked={mode === 'board'} onChange={() => setMode('board')} /> A tumor board&apos;s cases
            </label>
          </fieldset>

          {mode === 'patients' ? (
            patients.isPending ? (
              <Loading label="Loading your patients…" />
            ) : patients.isError ? (
              <ErrorNotice error={patients.error} what="your patients" />
            ) : (
              <ul className="max-h-80 space-y-1 overflow-y-auto text-sm" aria-label="Patients">
                {patients.data.items.map((p) => (
                  <li key={p.key}>
                    <label className="flex items-center gap-2">
                      <input type="checkbox" data-testid="deid-patient" value={p.key} checked={chosen.includes(p.key)} onChange={() => toggle(p.key)} />
                      <span>{p.displayName ?? p.key}</span>
                      <span className="text-slate-400">{p.primaryCancer ?? ''}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )
          ) : boards.isPending ? (
            <Loading label="Loading your boards…" />
          ) : boards.isError ? (
            <ErrorNotice error={boards.error} what="your boards" />
          ) : (
            <label className="flex items-center gap-2 text-sm">
              Board
              <select data-testid="deid-board" className="rounded-md border border-slate-300 px-2 py-1" value={boardId} onChange={(e) => setBoardId(e.target.value)}>
                <option value="">Choose a board…</option>
                {boards.data.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.title} ({formatCount(b.caseCount)} cases)
                  </option>
                ))}
              </select>
            </label>
          )}

          <div className="flex items-center gap-4">
            <button
              type="button"
              data-testid="deid-export"
              disabled={!ready || exportBundle.isPending}
              onClick={() => exportBundle.mutate(mode === 'patients' ? { patientKeys: chosen } : { boardId })}
              className="rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300"
            >
              {exportBundle.isPending ? 'Exporting…' : 'Export and download JSON'}
            </button>
            {mode === 'patients' ? (
              <span className="text-sm text-slate-500">
                {chosen.length} chosen{chosen.length > MAX_PATIENTS ? ` (at most ${MAX_PATIENTS}; use the CLI for more)` : ''}
              </span>
            ) : null}
          </div>
        </div>
      </Section>

      {exportBundle.isError ? <ErrorNotice error={exportBundle.error} what="the de-identified export" /> : null}
      {exportBundle.data ? <ExportSummary answer={exportBundle.data} /> : null}
    </div>
  );
}

function ExportSummary({ answer }: { answer: Answer }) {
  const { manifest } = answer;
  return (
    <Section title="Exported" count={manifest.totals.patients}>
      <div className="space-y-3 p-4 text-sm" data-testid="deid-summary">
        <p>
          {formatCount(manifest.totals.patients)} patients, {formatCount(answer.bundle.entry.length)} resources ({formatCount(manifest.totals.sharedResources)}{' '}
          shared practitioners and organizations), {formatCount(manifest.totals.texts)} report texts · {formatBytes(answer.bytes)} · key{' '}
          <code>{manifest.keyId}</code>
        </p>
        <table className="w-full text-left">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 font-medium">Patient (pseudonym)</th>
              <th className="py-1 font-medium">Resources</th>
              <th className="py-1 font-medium">Dates shifted</th>
              <th className="py-1 font-medium">Text masks</th>
            </tr>
          </thead>
          <tbody>
            {manifest.patients.map((p) => (
              <tr key={p.pseudonym} className="border-t border-slate-100">
                <td className="py-1 font-mono text-xs">{p.pseudonym}</td>
                <td className="py-1">{formatCount(p.resources)}</td>
                <td className="py-1">{formatCount(p.counts.fhir.datesShifted ?? 0)}</td>
                <td className="py-1">{formatCount(Object.values(p.counts.textMasks).reduce((n, v) => n + (v ?? 0), 0) + Object.values(p.counts.fhirTextMasks).reduce((n, v) => n + (v ?? 0), 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="flex gap-3">
          <button type="button" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50" onClick={() => downloadJson(answer.bundle, `oncoboard-deid-${answer.bundle.id}.json`)}>
            Download the Bundle again
          </button>
          <button type="button" data-testid="deid-manifest" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50" onClick={() => downloadJson(manifest, `oncoboard-deid-${answer.bundle.id}-manifest.json`)}>
            Download the manifest
          </button>
        </div>
      </div>
    </Section>
  );
}
