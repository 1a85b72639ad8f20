'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { patientHref, sourceHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { EmptyNote, ErrorNotice, Loading, Section } from './ui';

/** Somatic variants (each linked to its VCF line) and the knowledge-base evidence matched to them, on-label first. */
export function GenomicsView({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const genomics = useQuery(trpc.patients.genomics.queryOptions({ patientKey }));
  if (genomics.isPending) return <Loading label="Loading genomics…" />;
  if (genomics.isError) return <ErrorNotice error={genomics.error} what={`the genomics of ${patientKey}`} />;
  const { variants, evidence } = genomics.data;
  const kb = evidence[0];
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href={patientHref(patientKey)} className="text-sky-800 hover:underline">
          ← Patient overview
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Genomics</h1>
      <Section title="Somatic variants" count={variants.length}>
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
              </tr>
            </thead>
            <tbody>
              {variants.map((v, i) => (
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
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Knowledge-base evidence" count={evidence.length}>
        {kb ? (
          <p className="mb-2 text-xs text-slate-500" data-testid="kb-version">
            CIViC knowledge base {kb.kbVersion}
            {kb.kbSourceDate ? ` (source date ${kb.kbSourceDate})` : ''}. Evidence for the patient&apos;s cancer type is listed first.
          </p>
        ) : null}
        {evidence.length === 0 ? (
          <EmptyNote>No knowledge-base evidence matches this patient&apos;s variants.</EmptyNote>
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
              {evidence.map((e) => (
                <tr key={e.evidenceId} className="border-t border-slate-100 align-top" data-testid="evidence-row">
                  <td className="py-1 font-semibold">{e.level}</td>
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
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
