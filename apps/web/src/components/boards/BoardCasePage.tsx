'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { FormEvent } from 'react';
import { formatInstant } from '../../lib/format';
import { boardHref, patientHref, sourceHref } from '../../lib/routes';
import { useTRPC } from '../../lib/trpc';
import { BackLink, ErrorNotice, Loading, Section } from '../ui';
import { StatusBadge } from './BoardAgenda';
import { CaseSummaryView } from './CaseSummaryView';

/** The case page: the verified summary with citations opening in place, what the verifier withheld, and the decision form. */
export function BoardCasePage({ boardId, caseId }: { boardId: string; caseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = useQuery(trpc.boards.case.queryOptions({ caseId }));
  const prepare = useMutation(trpc.boards.prepareCase.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.boards.pathKey() }) }));
  if (c.isPending) return <Loading label="Loading the case…" />;
  if (c.isError) return <ErrorNotice error={c.error} what={`board case ${caseId}`} />;
  const data = c.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <BackLink href={boardHref(boardId)}>Agenda</BackLink>
          <h1 className="text-2xl font-semibold">
            <Link href={patientHref(data.patientKey)} className="hover:underline" data-testid="case-patient">
              {data.patientName ?? data.patientKey}
            </Link>
          </h1>
          <p className="mt-1 text-sm text-slate-700">
            Question: <span data-testid="case-question">{data.question}</span>
            {data.presenter ? ` · presents: ${data.presenter}` : ''}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <StatusBadge status={data.status} />
          <button type="button" className="btn-primary" data-testid="prepare-case" disabled={prepare.isPending} onClick={() => prepare.mutate({ caseId })}>
            {prepare.isPending ? 'Preparing…' : data.prepared ? 'Prepare again' : 'Prepare summary'}
          </button>
        </div>
      </div>
      {prepare.isError ? <ErrorNotice error={prepare.error} what="the case summary" /> : null}
      <Section title={`Case summary${data.preparedAt ? ` · prepared ${formatInstant(data.preparedAt)}` : ''}`}>
        {data.prepared ? (
          <>
            <p className="mb-3 text-xs text-slate-500">
              Every sentence was checked against the record it cites ({data.prepared.citations.accepted} of {data.prepared.citations.checked} citations accepted;
              composer {data.prepared.summary.composer}).
            </p>
            <CaseSummaryView summary={data.prepared.summary} modelSources={data.prepared.modelSources} />
            {data.prepared.rejected.length > 0 ? (
              <details className="mt-4 text-sm" data-testid="withheld">
                <summary className="cursor-pointer text-amber-900">{data.prepared.rejected.length} sentence(s) withheld by the verifier</summary>
                <ul className="mt-2 list-disc pl-5 text-slate-700">
                  {data.prepared.rejected.map((r, i) => (
                    <li key={i}>{r.reasons.join('; ')}</li>
                  ))}
                </ul>
              </details>
            ) : null}
            {data.prepared.rephrased ? (
              <details className="mt-4 text-sm" data-testid="rephrased">
                {'error' in data.prepared.rephrased ? (
                  <summary className="cursor-pointer text-amber-900">Rephrasing by the configured chat model failed</summary>
                ) : (
                  <summary className="cursor-pointer text-slate-700">
                    Rephrased by the configured chat model ({data.prepared.rephrased.rejected.length} sentence(s) withheld by the verifier)
                  </summary>
                )}
                {'error' in data.prepared.rephrased ? (
                  <p className="mt-2 text-slate-700">{data.prepared.rephrased.error}</p>
                ) : (
                  <div className="mt-2">
                    <CaseSummaryView summary={data.prepared.rephrased.summary} print />
                  </div>
                )}
              </details>
            ) : null}
          </>
        ) : (
          <p className="text-sm text-slate-500 italic">Not prepared yet: press “Prepare summary”.</p>
        )}
      </Section>
      <DecisionForm caseId={caseId} decisionRecordKey={data.decisionRecordKey} />
    </div>
  );
}

function DecisionForm({ caseId, decisionRecordKey }: { caseId: string; decisionRecordKey: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const record = useMutation(trpc.boards.recordDecision.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.boards.pathKey() }) }));
  const lines = (v: FormDataEntryValue | null) => String(v ?? '').split('\n').map((x) => x.trim()).filter(Boolean);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    record.mutate({
      caseId,
      recommendation: String(form.get('recommendation') ?? ''),
      rationale: String(form.get('rationale') ?? ''),
      alternatives: lines(form.get('alternatives')),
      trialConsideration: String(form.get('trial') ?? '') || undefined,
      attendeesPresent: lines(form.get('attendees')),
      recordedBy: String(form.get('recordedBy') ?? ''),
    });
  };
  return (
    <Section title="Board decision">
      {decisionRecordKey ? (
        <p className="mb-3 text-sm" data-testid="decision-recorded">
          Decision recorded as{' '}
          <Link href={sourceHref({ sourceRecordKey: decisionRecordKey, elementPath: 'CarePlan.description' })} className="text-sky-800 hover:underline">
            FHIR CarePlan
          </Link>{' '}
          (recording again keeps the earlier version in the record&apos;s history).
        </p>
      ) : null}
      <form onSubmit={submit} className="grid max-w-3xl grid-cols-[max-content_1fr] items-start gap-x-4 gap-y-3 text-sm" data-testid="decision-form">
        <label htmlFor="d-recommendation" className="pt-1">Recommendation</label>
        <textarea id="d-recommendation" name="recommendation" required rows={2} className="input" />
        <label htmlFor="d-rationale" className="pt-1">Rationale</label>
        <textarea id="d-rationale" name="rationale" required rows={3} className="input" />
        <label htmlFor="d-alternatives" className="pt-1">Alternatives considered (one per line)</label>
        <textarea id="d-alternatives" name="alternatives" rows={2} className="input" />
        <label htmlFor="d-trial" className="pt-1">Clinical trial consideration</label>
        <input id="d-trial" name="trial" className="input" />
        <label htmlFor="d-attendees" className="pt-1">Attendees present (one per line)</label>
        <textarea id="d-attendees" name="attendees" required rows={2} className="input" />
        <label htmlFor="d-recorded-by" className="pt-1">Recorded by</label>
        <input id="d-recorded-by" name="recordedBy" required className="input" />
        <div />
        <div>
          <button type="submit" className="btn-primary" disabled={record.isPending} data-testid="record-decision">
            Record decision
          </button>
        </div>
      </form>
      {record.isError ? (
        <div className="mt-3">
          <ErrorNotice error={record.error} what="the decision" />
        </div>
      ) : null}
    </Section>
  );
}
