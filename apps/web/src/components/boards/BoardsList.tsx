'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { formatInstant } from '../../lib/format';
import { boardHref } from '../../lib/routes';
import { useTRPC } from '../../lib/trpc';
import { EmptyNote, ErrorNotice, Loading, Section } from '../ui';

export const SPECIALTIES = ['breast', 'thoracic', 'gastrointestinal', 'genitourinary', 'gynecologic', 'melanoma', 'head and neck', 'neuro-oncology', 'hematologic', 'sarcoma', 'pediatric', 'other'];

/** The coordinator's list of meetings and the form that schedules one. */
export function BoardsList() {
  const trpc = useTRPC();
  const boards = useQuery(trpc.boards.list.queryOptions());
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Tumor boards</h1>
      <Section title="Meetings" count={boards.data?.length}>
        {boards.isPending ? (
          <Loading label="Loading meetings…" />
        ) : boards.isError ? (
          <ErrorNotice error={boards.error} what="the tumor boards" />
        ) : boards.data.length === 0 ? (
          <EmptyNote>No meeting is scheduled yet.</EmptyNote>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1 font-medium">Meeting</th>
                <th className="py-1 font-medium">Specialty</th>
                <th className="py-1 font-medium">Date</th>
                <th className="py-1 font-medium">Cases</th>
                <th className="py-1 font-medium">To prepare · ready · discussed</th>
              </tr>
            </thead>
            <tbody>
              {boards.data.map((b) => (
                <tr key={b.id} className="border-t border-slate-100" data-testid="board-row">
                  <td className="py-1.5">
                    <Link href={boardHref(b.id)} className="font-medium text-sky-800 hover:underline">
                      {b.title}
                    </Link>
                  </td>
                  <td className="py-1.5">{b.specialty}</td>
                  <td className="py-1.5">{formatInstant(b.meetingAt)}</td>
                  <td className="py-1.5">{b.caseCount}</td>
                  <td className="py-1.5 text-slate-600">
                    {b.statusCounts['to-prepare']} · {b.statusCounts.ready} · {b.statusCounts.discussed}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <NewBoardForm />
    </div>
  );
}

function NewBoardForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const create = useMutation(
    trpc.boards.create.mutationOptions({
      onSuccess: async (board) => {
        await queryClient.invalidateQueries({ queryKey: trpc.boards.pathKey() });
        router.push(boardHref(board.id));
      },
      onError: setError,
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const local = String(form.get('meetingAt') ?? '');
    create.mutate({
      title: String(form.get('title') ?? ''),
      specialty: String(form.get('specialty') ?? ''),
      meetingAt: local ? new Date(local).toISOString() : '',
      attendees: String(form.get('attendees') ?? '').split('\n').map((a) => a.trim()).filter(Boolean),
      createdBy: String(form.get('createdBy') ?? ''),
    });
  };
  return (
    <Section title="Schedule a meeting">
      <form onSubmit={submit} className="grid max-w-2xl grid-cols-[max-content_1fr] items-center gap-x-4 gap-y-3 text-sm" data-testid="new-board-form">
        <label htmlFor="board-title">Title</label>
        <input id="board-title" name="title" required className="input" placeholder="Breast tumor board" />
        <label htmlFor="board-specialty">Specialty</label>
        <select id="board-specialty" name="specialty" className="input" defaultValue="breast">
          {SPECIALTIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <label htmlFor="board-date">Date and time</label>
        <input id="board-date" name="meetingAt" type="datetime-local" required className="input" />
        <label htmlFor="board-attendees" className="self-start pt-1">
          Attendees (one per line)
        </label>
        <textarea id="board-attendees" name="attendees" rows={3} className="input" />
        <label htmlFor="board-created-by">Scheduled by</label>
        <input id="board-created-by" name="createdBy" required className="input" placeholder="your name (sign-in arrives with issue 8)" />
        <div />
        <div>
          <button type="submit" className="btn-primary" disabled={create.isPending}>
            {create.isPending ? 'Scheduling…' : 'Schedule'}
          </button>
        </div>
      </form>
      {error ? (
        <div className="mt-3">
          <ErrorNotice error={error} what="the new meeting" />
        </div>
      ) : null}
    </Section>
  );
}
