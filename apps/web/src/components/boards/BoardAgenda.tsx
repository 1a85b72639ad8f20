'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { formatInstant } from '../../lib/format';
import { boardCaseHref, boardPacketHref, boardPacketPdfHref, patientHref } from '../../lib/routes';
import { useTRPC } from '../../lib/trpc';
import { EmptyNote, ErrorNotice, Loading, Section } from '../ui';

const STATUS_LABEL = { 'to-prepare': 'To prepare', ready: 'Ready', discussed: 'Discussed' } as const;
const STATUS_TONE = { 'to-prepare': 'bg-amber-50 text-amber-900 ring-amber-200', ready: 'bg-sky-50 text-sky-900 ring-sky-200', discussed: 'bg-emerald-50 text-emerald-900 ring-emerald-200' } as const;

export function StatusBadge({ status }: { status: keyof typeof STATUS_LABEL }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_TONE[status]}`}>{STATUS_LABEL[status]}</span>;
}

/** One meeting: its agenda (cases in order, status), "prepare all", the packet, and adding a case. */
export function BoardAgenda({ boardId }: { boardId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const board = useQuery(trpc.boards.get.queryOptions({ boardId }));
  const prepareAll = useMutation(
    trpc.boards.prepareAll.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.boards.pathKey() }) }),
  );
  if (board.isPending) return <Loading label="Loading the meeting…" />;
  if (board.isError) return <ErrorNotice error={board.error} what={`tumor board ${boardId}`} />;
  const b = board.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Tumor board · {b.specialty}</p>
          <h1 className="text-2xl font-semibold" data-testid="board-title">
            {b.title}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {formatInstant(b.meetingAt)}
            {b.attendees.length > 0 ? ` · ${b.attendees.join(', ')}` : ''}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-primary" data-testid="prepare-all" disabled={prepareAll.isPending || b.cases.length === 0} onClick={() => prepareAll.mutate({ boardId })}>
            {prepareAll.isPending ? 'Preparing…' : 'Prepare all cases'}
          </button>
          <Link href={boardPacketHref(boardId)} className="btn">
            Board packet
          </Link>
          <a href={boardPacketPdfHref(boardId)} className="btn" data-testid="packet-pdf">
            Packet PDF
          </a>
        </div>
      </div>
      {prepareAll.isError ? <ErrorNotice error={prepareAll.error} what="the case preparation" /> : null}
      {prepareAll.data ? (
        <p className="text-sm text-slate-600" role="status" data-testid="prepare-result">
          Prepared {prepareAll.data.length} case{prepareAll.data.length === 1 ? '' : 's'}: {prepareAll.data.reduce((n, c) => n + c.sentences, 0)} verified sentences,{' '}
          {prepareAll.data.reduce((n, c) => n + c.rejected, 0)} withheld by the verifier.
        </p>
      ) : null}
      <Section title="Agenda" count={b.cases.length}>
        {b.cases.length === 0 ? (
          <EmptyNote>This meeting has no cases yet: add one below.</EmptyNote>
        ) : (
          <ol className="divide-y divide-slate-100">
            {b.cases.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm" data-testid="board-case">
                <span className="w-6 text-slate-400">{c.position + 1}.</span>
                <Link href={boardCaseHref(boardId, c.id)} className="font-medium text-sky-800 hover:underline" data-testid="board-case-link">
                  {c.patientName ?? c.patientKey}
                </Link>
                <span className="flex-1 text-slate-700">{c.question}</span>
                {c.presenter ? <span className="text-slate-500">presents: {c.presenter}</span> : null}
                <StatusBadge status={c.status} />
              </li>
            ))}
          </ol>
        )}
      </Section>
      <AddCaseForm boardId={boardId} />
    </div>
  );
}

function AddCaseForm({ boardId }: { boardId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const patients = useQuery(trpc.patients.search.queryOptions({ text: text || undefined, limit: 20 }));
  const add = useMutation(trpc.boards.addCase.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.boards.pathKey() }) }));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    add.mutate({ boardId, patientKey: String(form.get('patientKey') ?? ''), question: String(form.get('question') ?? ''), presenter: String(form.get('presenter') ?? '') || undefined });
  };
  return (
    <Section title="Add a case">
      <form onSubmit={submit} className="grid max-w-2xl grid-cols-[max-content_1fr] items-center gap-x-4 gap-y-3 text-sm" data-testid="add-case-form">
        <label htmlFor="case-search">Find patient</label>
        <input id="case-search" className="input" value={text} onChange={(e) => setText(e.target.value)} placeholder="name or identifier" />
        <label htmlFor="case-patient">Patient</label>
        <select id="case-patient" name="patientKey" required className="input">
          {(patients.data?.items ?? []).map((p) => (
            <option key={p.key} value={p.key}>
              {p.displayName ?? p.key}
            </option>
          ))}
        </select>
        <label htmlFor="case-question" className="self-start pt-1">
          Question to the board
        </label>
        <textarea id="case-question" name="question" required rows={2} className="input" />
        <label htmlFor="case-presenter">Presenter</label>
        <input id="case-presenter" name="presenter" className="input" />
        <div />
        <div>
          <button type="submit" className="btn-primary" disabled={add.isPending}>
            Add to agenda
          </button>
        </div>
      </form>
      {add.isError ? (
        <div className="mt-3">
          <ErrorNotice error={add.error} what="the new case" />
        </div>
      ) : null}
      {add.data ? (
        <p className="mt-2 text-sm">
          Added <Link href={patientHref(add.data.patientKey)}>{add.data.patientName ?? add.data.patientKey}</Link>.
        </p>
      ) : null}
    </Section>
  );
}
