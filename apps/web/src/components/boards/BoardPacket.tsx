'use client';
import { useQueries, useQuery } from '@tanstack/react-query';
import { formatInstant } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { ErrorNotice, Loading } from '../ui';
import { CaseSummaryView } from './CaseSummaryView';

/**
 * The printable board packet: every case of the meeting with its verified summary and numbered sources, one case
 * per page. The PDF route prints this page with headless Chromium; `data-packet-ready` tells it when all loaded.
 */
export function BoardPacket({ boardId }: { boardId: string }) {
  const trpc = useTRPC();
  const board = useQuery(trpc.boards.get.queryOptions({ boardId }));
  const cases = useQueries({ queries: (board.data?.cases ?? []).map((c) => trpc.boards.case.queryOptions({ caseId: c.id })) });
  if (board.isPending) return <Loading label="Loading the packet…" />;
  if (board.isError) return <ErrorNotice error={board.error} what={`tumor board ${boardId}`} />;
  const ready = cases.every((c) => c.isSuccess);
  const b = board.data;
  return (
    <article className="packet space-y-8" data-packet-ready={ready ? 'true' : 'false'} data-testid="board-packet">
      <header>
        <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Tumor board packet · {b.specialty}</p>
        <h1 className="text-2xl font-semibold">{b.title}</h1>
        <p className="text-sm text-slate-600">
          {formatInstant(b.meetingAt)} · {b.cases.length} case{b.cases.length === 1 ? '' : 's'}
          {b.attendees.length > 0 ? ` · ${b.attendees.join(', ')}` : ''}
        </p>
        {b.cases.length === 0 ? <p className="mt-4 text-sm text-slate-500 italic">This meeting has no cases.</p> : null}
      </header>
      {cases.map((q, i) => {
        const c = b.cases[i]!;
        return (
          <section key={c.id} className="packet-case break-before-page" data-testid="packet-case">
            <h2 className="text-lg font-semibold">
              {i + 1}. {c.patientName ?? c.patientKey}
            </h2>
            <p className="mb-3 text-sm text-slate-700">Question: {c.question}</p>
            {q.isError ? (
              <ErrorNotice error={q.error} what={`case ${c.id}`} />
            ) : !q.data ? (
              <Loading />
            ) : q.data.prepared ? (
              <CaseSummaryView summary={q.data.prepared.summary} print />
            ) : (
              <p className="text-sm text-amber-900 italic">This case has not been prepared: no summary is printed for it.</p>
            )}
          </section>
        );
      })}
    </article>
  );
}
