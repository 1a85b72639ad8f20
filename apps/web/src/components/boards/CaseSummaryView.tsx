'use client';
import type { CaseSummary, Evidence } from '@oncoboard/tumor-board';
import { useState } from 'react';
import { CitationSource } from './CitationSource';

/**
 * A verified case summary: sections of sentences, each followed by its citation markers. Clicking a marker opens
 * the cited source in place, beside the summary, by kind (CitationSource); `print` renders markers as text.
 * `modelSources`: the cited joint-model records kept with the prepared summary.
 */
export function CaseSummaryView({ summary, print = false, modelSources }: { summary: CaseSummary; print?: boolean; modelSources?: Record<string, string> }) {
  const [open, setOpen] = useState<Evidence | undefined>();
  // One number per evidence id, in order of first citation, like a paper's reference list.
  const numbers = new Map<string, number>();
  for (const s of summary.sections.flatMap((x) => x.sentences)) for (const id of s.citations) if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
  return (
    <div className={print ? '' : 'grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]'}>
      <div className="space-y-4" data-testid="case-summary">
        {summary.sections.map((section) => (
          <section key={section.id} aria-labelledby={`summary-${section.id}`} data-testid={`summary-section-${section.id}`}>
            <h3 id={`summary-${section.id}`} className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
              {section.title}
            </h3>
            {section.sentences.length === 0 ? (
              <p className="text-sm text-slate-500 italic">{section.note}</p>
            ) : (
              <ul className="mt-1 space-y-1 text-sm text-slate-900">
                {section.sentences.map((s, i) => (
                  <li key={i} data-testid="summary-sentence">
                    {s.text}{' '}
                    {s.citations.map((id) => {
                      const e = summary.evidence[id]!;
                      const n = numbers.get(id)!;
                      return print ? (
                        <sup key={id} className="text-slate-500">
                          [{n}]
                        </sup>
                      ) : (
                        <button
                          key={id}
                          type="button"
                          className={`mx-0.5 rounded px-1 align-super text-xs ${open?.id === id ? 'bg-sky-700 text-white' : 'bg-sky-50 text-sky-800 hover:bg-sky-100'}`}
                          title={`${e.sourceRecordKey} · ${e.elementPath}`}
                          data-testid="citation"
                          data-cited-record={e.sourceRecordKey}
                          data-cited-path={e.elementPath}
                          data-cited-kind={e.factKind}
                          onClick={() => setOpen(e)}
                        >
                          {n}
                        </button>
                      );
                    })}
                  </li>
                ))}
              </ul>
            )}
            {section.sentences.length > 0 && section.note ? <p className="mt-1 text-xs text-slate-500 italic">{section.note}</p> : null}
          </section>
        ))}
        {summary.openQuestions.length > 0 ? (
          <section aria-labelledby="summary-open-questions">
            <h3 id="summary-open-questions" className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
              Open questions
            </h3>
            <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-amber-900" data-testid="open-questions">
              {summary.openQuestions.map((q) => (
                <li key={q.text} title={q.rule}>
                  {q.text}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {print ? (
          <section>
            <h3 className="text-sm font-semibold tracking-wide text-slate-500 uppercase">Sources</h3>
            <ol className="mt-1 space-y-0.5 text-xs text-slate-600">
              {[...numbers.entries()].map(([id, n]) => (
                <li key={id}>
                  [{n}] {summary.evidence[id]!.sourceRecordKey} · {summary.evidence[id]!.elementPath}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
      </div>
      {print ? null : (
        <aside className="min-w-0" aria-label="Cited source" data-testid="citation-panel">
          {open ? (
            <div className="card p-4">
              <div className="mb-2 flex justify-end">
                <button type="button" className="btn" onClick={() => setOpen(undefined)}>
                  Close
                </button>
              </div>
              <CitationSource key={open.id} evidence={open} modelSources={modelSources} />
            </div>
          ) : (
            <p className="text-sm text-slate-500 italic">Click a citation number to open its source here.</p>
          )}
        </aside>
      )}
    </div>
  );
}
