'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ImportSummary } from '@oncoboard/api-router';
import Link from 'next/link';
import { useId, useRef, useState } from 'react';
import { formatBytes, formatCount, formatInstant } from '../lib/format';
import { checkUpload, MAX_UPLOAD_BYTES, uploadKind, uploadName } from '../lib/upload';
import { useTRPC } from '../lib/trpc';
import { ErrorNotice } from './ui';

const ISSUES_SHOWN = 500;

async function readAsText(file: File): Promise<string> {
  if (uploadKind(file.name) === 'gzip') {
    const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text();
  }
  return file.text();
}

export function ImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | undefined>();
  const upload = useMutation(
    trpc.imports.upload.mutationOptions({
      onSuccess: async () => {
        setFiles([]);
        await queryClient.invalidateQueries({ queryKey: trpc.patients.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.system.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.sourceRecords.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.imports.pathKey() });
      },
    }),
  );
  const problems = files.length ? checkUpload(files) : [];

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    const added = Array.from(list);
    setFiles((current) => {
      const names = new Set(added.map((f) => f.name));
      return [...current.filter((f) => !names.has(f.name)), ...added];
    });
    upload.reset();
  };

  const submit = async () => {
    if (checkUpload(files).length) return;
    setReadError(undefined);
    setReading(true);
    let payload: { name: string; text: string }[];
    try {
      payload = await Promise.all(files.map(async (f) => ({ name: uploadName(f.name), text: await readAsText(f) })));
    } catch (error) {
      setReadError(`Could not read the files: ${(error as Error).message}`);
      setReading(false);
      return;
    }
    setReading(false);
    upload.mutate({ files: payload });
  };

  const busy = reading || upload.isPending;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Import FHIR data</h1>
        <p className="text-sm text-slate-500">
          FHIR R4 resources or Bundles (.json), bulk-data NDJSON (.ndjson, .ndjson.gz), up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB per upload. Every
          resource is validated; valid ones are imported, invalid ones are listed with their place. Importing the same data again changes nothing.
        </p>
      </div>

      <div
        className={`card flex flex-col items-center justify-center gap-3 border-2 border-dashed p-10 text-center ${dragging ? 'border-sky-500 bg-sky-50' : 'border-slate-300'}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          addFiles(e.dataTransfer.files);
        }}
      >
        <p className="text-sm text-slate-600">Drop files here, or</p>
        <label htmlFor={inputId} className="btn cursor-pointer">
          Choose files…
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          multiple
          accept=".json,.ndjson,.jsonl,.gz,application/json,application/fhir+json"
          className="sr-only"
          data-testid="import-file-input"
          onChange={(e) => {
            addFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>

      {files.length ? (
        <div className="card">
          <table className="data-table">
            <caption className="sr-only">Files to upload</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Type</th>
                <th scope="col" className="text-right">
                  Size
                </th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.name}>
                  <td className="font-mono text-xs">{f.name}</td>
                  <td className="text-slate-600">{uploadKind(f.name) ?? <span className="text-red-700">not supported</span>}</td>
                  <td className="text-right tabular-nums">{formatBytes(f.size)}</td>
                  <td className="text-right">
                    <button type="button" className="text-xs text-slate-500 hover:text-red-700" onClick={() => setFiles((c) => c.filter((x) => x !== f))} aria-label={`Remove ${f.name}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3">
            <span className="text-sm text-slate-600">
              {files.length} file{files.length === 1 ? '' : 's'}, {formatBytes(files.reduce((n, f) => n + f.size, 0))}
            </span>
            <div className="flex gap-2">
              <button type="button" className="btn" onClick={() => setFiles([])} disabled={busy}>
                Clear
              </button>
              <button type="button" className="btn-primary" onClick={submit} disabled={busy || problems.length > 0} data-testid="import-submit">
                {reading ? 'Reading files…' : upload.isPending ? 'Importing…' : 'Import'}
              </button>
            </div>
          </div>
        </div>
      ) : null}

      {problems.length ? (
        <ul role="alert" className="list-disc rounded-md border border-amber-300 bg-amber-50 py-3 pr-4 pl-8 text-sm text-amber-900">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {readError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {readError}
        </p>
      ) : null}
      {upload.isError ? <ErrorNotice error={upload.error} what="the import" /> : null}
      {upload.data ? <ImportResult summary={upload.data} /> : null}
      <RecentImports />
    </div>
  );
}

/** The latest import runs (uploads and CLI imports alike), newest first. */
function RecentImports() {
  const trpc = useTRPC();
  const runs = useQuery(trpc.imports.list.queryOptions({ limit: 10 }));
  if (!runs.data?.length) return null;
  return (
    <section className="card" aria-labelledby="recent-imports-heading">
      <h2 id="recent-imports-heading" className="card-title border-b border-slate-100 px-4 py-3">
        Recent imports
      </h2>
      <div className="overflow-x-auto">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col" className="text-right">
                Imported
              </th>
              <th scope="col" className="text-right">
                Updated
              </th>
              <th scope="col" className="text-right">
                Unchanged
              </th>
              <th scope="col" className="text-right">
                Rejected
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id}>
                <td className="whitespace-nowrap">{formatInstant(String(run.startedAt))}</td>
                <td className="font-mono text-xs break-all">{run.source}</td>
                <td>{run.status}</td>
                <td className="text-right tabular-nums">{formatCount(run.imported)}</td>
                <td className="text-right tabular-nums">{formatCount(run.updated)}</td>
                <td className="text-right tabular-nums">{formatCount(run.unchanged)}</td>
                <td className={`text-right tabular-nums ${run.rejected ? 'text-red-700' : ''}`}>{formatCount(run.rejected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ImportResult({ summary }: { summary: ImportSummary }) {
  const tiles = [
    { label: 'Imported', value: summary.imported, tone: 'text-emerald-700' },
    { label: 'Updated', value: summary.updated, tone: 'text-sky-700' },
    { label: 'Unchanged', value: summary.unchanged, tone: 'text-slate-700' },
    { label: 'Rejected', value: summary.rejected, tone: summary.rejected ? 'text-red-700' : 'text-slate-700' },
  ];
  const errors = summary.issues.filter((i) => i.severity === 'error').length;
  return (
    <section className="space-y-4" aria-labelledby="import-result-heading" data-testid="import-summary">
      <h2 id="import-result-heading" className="text-lg font-semibold">
        Import finished <span className="text-sm font-normal text-slate-500">(run {summary.runId})</span>
      </h2>
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        {tiles.map((t) => (
          <div key={t.label} className="card p-4">
            <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{t.label}</dt>
            <dd className={`mt-1 text-2xl font-semibold tabular-nums ${t.tone}`} data-testid={`import-${t.label.toLowerCase()}`}>
              {formatCount(t.value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="text-sm">
        <Link href="/" className="text-sky-800 underline">
          Go to the patient list
        </Link>
      </p>
      <div className="card">
        <h3 className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
          Issues: {formatCount(summary.issues.length)} ({formatCount(errors)} errors, {formatCount(summary.issues.length - errors)} warnings)
        </h3>
        {summary.issues.length === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-500 italic">No issues: every resource was valid.</p>
        ) : (
          <div className="max-h-[32rem] overflow-auto">
            <table className="data-table" data-testid="import-issues">
              <caption className="sr-only">Validation and read issues</caption>
              <thead className="sticky top-0">
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">File</th>
                  <th scope="col">Place</th>
                  <th scope="col">Element</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {summary.issues.slice(0, ISSUES_SHOWN).map((issue, i) => (
                  <tr key={i}>
                    <td>
                      <span className={`badge ${issue.severity === 'error' ? 'bg-red-50 text-red-800' : 'bg-amber-50 text-amber-800'}`}>{issue.severity}</span>
                    </td>
                    <td className="font-mono text-xs break-all">{issue.file}</td>
                    <td className="font-mono text-xs whitespace-nowrap">{issue.place}</td>
                    <td className="font-mono text-xs break-all">{issue.elementPath ?? ''}</td>
                    <td>{issue.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {summary.issues.length > ISSUES_SHOWN ? (
              <p className="px-4 py-3 text-sm text-slate-500">
                {formatCount(summary.issues.length - ISSUES_SHOWN)} more issues are kept in import run {summary.runId}.
              </p>
            ) : null}
          </div>
        )}
      </div>
    </section>
  );
}
