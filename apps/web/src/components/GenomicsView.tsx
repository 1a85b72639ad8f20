'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment, useState } from 'react';
import { patientHref, sourceHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { BackLink, EmptyNote, ErrorNotice, Loading, Section } from './ui';

const LEVELS = ['A', 'B', 'C', 'D', 'E'] as const;
/** CIViC evidence levels (https://civic.readthedocs.io, evidence levels). */
const LEVEL_MEANING: Record<string, string> = {
  A: 'Validated association',
  B: 'Clinical evidence',
  C: 'Case study',
  D: 'Preclinical evidence',
  E: 'Inferential association',
};
const LEVEL_STYLE: Record<string, string> = {
  A: 'bg-emerald-100 text-emerald-900 ring-emerald-300',
  B: 'bg-sky-100 text-sky-900 ring-sky-300',
  C: 'bg-amber-100 text-amber-900 ring-amber-300',
  D: 'bg-slate-100 text-slate-800 ring-slate-300',
  E: 'bg-slate-50 text-slate-600 ring-slate-200',
};

/**
 * Somatic variants (each linked to its VCF line), TMB with its denominator, what the import skipped, and the
 * knowledge-base evidence matched to the variants (on-label first): level badges that open the evidence, filters
 * by level and gene.
 */
export function GenomicsView({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const genomics = useQuery(trpc.patients.genomics.queryOptions({ patientKey }));
  const [levels, setLevels] = useState<ReadonlySet<string>>(new Set());
  const [gene, setGene] = useState('');
  const [open, setOpen] = useState<number | undefined>(undefined);
  if (genomics.isPending) return <Loading label="Loading genomics…" />;
  if (genomics.isError) return <ErrorNotice error={genomics.error} what={`the genomics of ${patientKey}`} />;
  const { variants, evidence, tmb, vcf } = genomics.data;
  const kb = evidence[0];
  const genes = [...new Set([...evidence.map((e) => e.gene), ...variants.map((v) => v.gene).filter((g): g is string => !!g)])].sort();
  const levelCount = (l: string) => evidence.filter((e) => e.level === l && (!gene || e.gene === gene)).length;
  const shownEvidence = evidence.filter((e) => (levels.size === 0 || levels.has(e.level)) && (!gene || e.gene === gene));
  const shownVariants = variants.filter((v) => !gene || v.gene === gene);
  const toggleLevel = (l: string) => {
    const next = new Set(levels);
    if (next.has(l)) next.delete(l);
    else next.add(l);
    setLevels(next);
    setOpen(undefined);
  };
  return (
    <div className="space-y-6">
      <BackLink href={patientHref(patientKey)}>Patient overview</BackLink>
      <h1 className="text-2xl font-semibold">Genomics</h1>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="card p-4" data-testid="tmb" title={tmb?.definition}>
          <div className="text-xs uppercase text-slate-500">Tumor mutational burden</div>
          {tmb ? (
            <>
              <div className="text-xl font-semibold">
                {tmb.value} <span className="text-sm font-normal">mut/Mb</span>
              </div>
              <div className="text-sm text-slate-600" data-testid="tmb-denominator">
                {tmb.count} counted mutation{tmb.count === 1 ? '' : 's'} / {tmb.targetSizeMb} Mb declared target
              </div>
              <div className="mt-1 text-xs text-slate-500">{tmb.definition}</div>
            </>
          ) : (
            <div className="text-sm text-slate-600">Not computed: no target size was declared when the VCF was imported (TMB needs the sequenced target in Mb).</div>
          )}
        </div>
        <div className="card p-4" data-testid="vcf-summary">
          <div className="text-xs uppercase text-slate-500">VCF import</div>
          <div className="text-sm">
            {vcf.records} record{vcf.records === 1 ? '' : 's'} read from {vcf.files} file{vcf.files === 1 ? '' : 's'};{' '}
            <span data-testid="skipped-count" className={vcf.skippedInvalid ? 'font-semibold text-amber-800' : ''}>
              {vcf.skippedInvalid} malformed record{vcf.skippedInvalid === 1 ? '' : 's'} skipped
            </span>
          </div>
          {vcf.skippedIssues.length ? (
            <ul className="mt-1 list-disc pl-5 text-xs text-slate-600">
              {vcf.skippedIssues.map((issue, i) => (
                <li key={i} data-testid="skipped-record">
                  {issue}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="genomics-filters">
        <span className="text-slate-500">Evidence level:</span>
        {LEVELS.map((l) => (
          <button
            key={l}
            type="button"
            data-testid={`level-filter-${l}`}
            aria-pressed={levels.has(l)}
            title={`Level ${l}: ${LEVEL_MEANING[l]}`}
            onClick={() => toggleLevel(l)}
            className={`rounded px-2 py-0.5 ring-1 ${LEVEL_STYLE[l]} ${levels.has(l) ? 'font-semibold outline outline-2 outline-slate-700' : 'opacity-80'}`}
          >
            {l} · {levelCount(l)}
          </button>
        ))}
        <label className="ml-4 text-slate-500">
          Gene{' '}
          <select
            data-testid="gene-filter"
            value={gene}
            onChange={(e) => {
              setGene(e.target.value);
              setOpen(undefined);
            }}
            className="rounded border border-slate-300 px-1 py-0.5 text-slate-900"
          >
            <option value="">all genes</option>
            {genes.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Section title="Somatic variants" count={shownVariants.length}>
        {variants.length === 0 ? (
          <EmptyNote>No somatic VCF is on record (import one with oncoboard vcf-import).</EmptyNote>
        ) : (
          <table className="w-full text-sm" data-testid="variants-table">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1 font-medium">Gene</th>
                <th className="py-1 font-medium">Protein</th>
                <th className="py-1 font-medium">Coding</th>
                <th className="py-1 font-medium">Location</th>
                <th className="py-1 font-medium">Consequence</th>
                <th className="py-1 font-medium">VAF · depth</th>
                <th className="py-1 font-medium">Filter</th>
              </tr>
            </thead>
            <tbody>
              {shownVariants.map((v, i) => (
                <tr key={i} className="border-t border-slate-100" data-testid="variant-row">
                  <td className="py-1 font-medium">{v.gene ?? '—'}</td>
                  <td className="py-1">{v.hgvsp?.replace(/^[^:]+:/, '') ?? '—'}</td>
                  <td className="py-1">{v.hgvsc?.replace(/^[^:]+:/, '') ?? '—'}</td>
                  <td className="py-1">
                    <Link href={sourceHref({ sourceRecordKey: v.citation.sourceRecordKey, elementPath: v.citation.elementPath })} className="cited" title={`${v.citation.sourceRecordKey} · ${v.citation.elementPath}`}>
                      {v.location ?? v.citation.elementPath}
                    </Link>
                  </td>
                  <td className="py-1 text-slate-600">{v.consequences.join(', ').replace(/_/g, ' ')}</td>
                  <td className="py-1 text-slate-600">
                    {v.vaf !== undefined ? `${(v.vaf * 100).toFixed(1)}%` : '—'} · {v.depth ?? '—'}
                  </td>
                  <td className="py-1 text-slate-600">{v.filterStatus === 'pass' ? 'PASS' : (v.filterStatus ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Knowledge-base evidence" count={shownEvidence.length}>
        {kb ? (
          <p className="mb-2 text-xs text-slate-500" data-testid="kb-version">
            CIViC knowledge base {kb.kbVersion}
            {kb.kbSourceDate ? ` (source date ${kb.kbSourceDate})` : ''}. Evidence for the patient&apos;s cancer type is listed first. Levels are CIViC&apos;s: A validated, B clinical, C case study, D preclinical, E inferential. Click a level to open the evidence.
          </p>
        ) : null}
        {shownEvidence.length === 0 ? (
          <EmptyNote>{evidence.length === 0 ? 'No knowledge-base evidence matches this patient’s variants.' : 'No evidence at the chosen levels and gene.'}</EmptyNote>
        ) : (
          <table className="w-full text-sm" data-testid="evidence-table">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1 font-medium">Level</th>
                <th className="py-1 font-medium">Variant (CIViC)</th>
                <th className="py-1 font-medium">Evidence</th>
                <th className="py-1 font-medium">Therapies</th>
                <th className="py-1 font-medium">Disease</th>
                <th className="py-1 font-medium">Source</th>
              </tr>
            </thead>
            <tbody>
              {shownEvidence.map((e, i) => (
                <Fragment key={`${e.evidenceId}-${i}`}>
                  <tr className="border-t border-slate-100 align-top" data-testid="evidence-row" data-level={e.level}>
                    <td className="py-1">
                      <button
                        type="button"
                        data-testid="level-badge"
                        aria-expanded={open === i}
                        title={`Level ${e.level}: ${LEVEL_MEANING[e.level] ?? ''} — open the evidence`}
                        onClick={() => setOpen(open === i ? undefined : i)}
                        className={`rounded px-2 font-semibold ring-1 ${LEVEL_STYLE[e.level] ?? LEVEL_STYLE.E}`}
                      >
                        {e.level}
                      </button>
                    </td>
                    <td className="py-1" title={e.why}>
                      {e.gene} {e.civicVariant}
                      <div className="text-xs text-slate-500">{e.patientVariants.join(', ')}</div>
                    </td>
                    <td className="py-1">
                      {e.evidenceType}: {e.significance}
                    </td>
                    <td className="py-1">{e.therapies.join(' + ') || '—'}</td>
                    <td className="py-1">
                      {e.disease}
                      {e.onLabel ? <span className="ml-1 rounded bg-emerald-50 px-1 text-xs text-emerald-900 ring-1 ring-emerald-200">patient&apos;s cancer type</span> : null}
                    </td>
                    <td className="py-1">
                      <Link href={sourceHref({ sourceRecordKey: e.kbRecordKey, elementPath: 'citation' })} className="cited">
                        {e.citation}
                      </Link>
                      <div className="text-xs text-slate-500">CIViC EID{e.evidenceId}</div>
                    </td>
                  </tr>
                  {open === i ? (
                    <tr data-testid="evidence-detail" className="bg-slate-50">
                      <td colSpan={6} className="px-3 py-2">
                        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
                          <dt className="text-slate-500">Statement</dt>
                          <dd data-testid="evidence-statement">{e.statement ?? 'Not in the record.'}</dd>
                          <dt className="text-slate-500">Level</dt>
                          <dd>
                            CIViC level {e.level} ({LEVEL_MEANING[e.level] ?? 'unknown'}) · {e.evidenceType}: {e.significance}
                          </dd>
                          <dt className="text-slate-500">Disease</dt>
                          <dd>
                            {e.disease}
                            {e.onLabel ? " (the patient's cancer type)" : ''}
                          </dd>
                          <dt className="text-slate-500">Therapy</dt>
                          <dd>{e.therapies.join(' + ') || '—'}</dd>
                          <dt className="text-slate-500">Citation</dt>
                          <dd>
                            {e.citationUrl ? (
                              <a href={e.citationUrl} target="_blank" rel="noreferrer" data-testid="citation-link" className="text-sky-800 underline">
                                {e.citation}
                              </a>
                            ) : (
                              e.citation
                            )}
                            {e.evidenceUrl ? (
                              <>
                                {' · '}
                                <a href={e.evidenceUrl} target="_blank" rel="noreferrer" className="text-sky-800 underline">
                                  CIViC EID{e.evidenceId}
                                </a>
                              </>
                            ) : null}
                            <span className="ml-2 text-xs text-slate-500">{e.kbVersion}</span>
                          </dd>
                        </dl>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
