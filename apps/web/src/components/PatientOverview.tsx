'use client';
import { useQuery } from '@tanstack/react-query';
import type { CitedValue, PatientOverview as Overview, StageSummary } from '@oncoboard/api-router';
import Link from 'next/link';
import { ageInYears, clinicalLabel, formatCount, formatDate, formatDateRange, formatGender, humanize, patientLabel, systemLabel } from '../lib/format';
import { sortBiomarkers } from '../lib/biomarkers';
import { genomicsHref, imagingHref, reportsHref, sourceHref, timelineHref } from '../lib/routes';
import { useTRPC } from '../lib/trpc';
import { Cited, Dl, EmptyNote, ErrorNotice, FromRecord, Loading, Section } from './ui';

export function PatientOverview({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.patients.overview.queryOptions({ patientKey }));
  if (overview.isPending) return <Loading label="Loading patient…" />;
  if (overview.isError) return <ErrorNotice error={overview.error} what={`patient ${patientKey}`} />;
  return <OverviewView data={overview.data} />;
}

/** Positive and negative results read apart at a glance (neither colour means good or bad: ER+ is not an alarm). */
function resultTone(text: string): string {
  if (/\b(positive|amplified|detected|present|high)\b/i.test(text) && !/\bnot\b|\bnegative\b/i.test(text)) return 'bg-indigo-50 font-semibold text-indigo-900 ring-1 ring-indigo-200';
  if (/\b(negative|not detected|not amplified|absent|normal|low)\b/i.test(text)) return 'bg-slate-100 text-slate-700 ring-1 ring-slate-200';
  return 'bg-sky-50 text-sky-900 ring-1 ring-sky-200';
}

function OverviewView({ data }: { data: Overview }) {
  const { patient } = data;
  const trpc = useTRPC();
  // The imaging link shows once the patient has imported series (a separate, cheap query; the overview does not wait).
  const series = useQuery(trpc.imaging.series.queryOptions({ patientKey: patient.key }));
  const seriesCount = series.data?.length ?? 0;
  const reports = useQuery(trpc.patients.reports.queryOptions({ patientKey: patient.key }));
  const genomics = useQuery(trpc.patients.genomics.queryOptions({ patientKey: patient.key }));
  const reportCount = reports.data?.length ?? 0;
  const variantCount = genomics.data?.variants.length ?? 0;
  const age = ageInYears(patient.birthDate, patient.deceasedAt ? (Date.parse(patient.deceasedAt) || Date.now()) : Date.now());
  const patientRecord = patient.sourceRecordKey;
  const patientCite = (text: string | undefined, elementPath: string): CitedValue | undefined =>
    text && patientRecord ? { text, citation: { sourceRecordKey: patientRecord, elementPath } } : undefined;
  const show = (text: string | undefined, elementPath: string) => {
    const cited = patientCite(text, elementPath);
    return cited ? <Cited value={cited} /> : text;
  };
  const latestStatus = data.diseaseStatus[0];

  return (
    <div className="space-y-6">
      <div className="card p-5">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Patient</p>
            <h1 className="text-2xl font-semibold" data-testid="patient-name">
              {show(patientLabel(patient), 'Patient.name')}
            </h1>
            <div className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-700">
              {patient.birthDate ? (
                <span>
                  Born {show(formatDate(patient.birthDate), 'Patient.birthDate')}
                  {age !== undefined ? <span className="text-slate-500"> · {age} years{patient.deceasedAt ? ' at death' : ''}</span> : null}
                </span>
              ) : null}
              {patient.gender ? <span>{show(formatGender(patient.gender), 'Patient.gender')}</span> : null}
              {patient.deceasedAt ? <span className="font-medium text-slate-900">Deceased {show(formatDate(patient.deceasedAt), 'Patient.deceasedDateTime')}</span> : null}
              {patient.identifiers.map((id, i) => (
                <span key={`${id.system}|${id.value}`} className="text-slate-500">
                  {systemLabel(id.system) ? `${systemLabel(id.system)}: ` : 'ID: '}
                  {show(id.value, `Patient.identifier[${i}]`)}
                </span>
              ))}
            </div>
          </div>
          <div className="flex flex-wrap gap-2">
            <Link href={timelineHref(patient.key)} className="btn-primary" data-testid="open-timeline">
              Timeline · {formatCount(data.counts.events)} events
            </Link>
            {reportCount > 0 ? (
              <Link href={reportsHref(patient.key)} className="btn-primary" data-testid="open-reports">
                Pathology · {formatCount(reportCount)} report{reportCount === 1 ? '' : 's'}
              </Link>
            ) : null}
            {variantCount > 0 ? (
              <Link href={genomicsHref(patient.key)} className="btn-primary" data-testid="open-genomics">
                Genomics · {formatCount(variantCount)} variants
              </Link>
            ) : null}
            {seriesCount > 0 ? (
              <Link href={imagingHref(patient.key)} className="btn-primary" data-testid="open-imaging">
                Imaging · {formatCount(seriesCount)} series
              </Link>
            ) : null}
            {patientRecord ? (
              <Link href={sourceHref({ sourceRecordKey: patientRecord, elementPath: 'Patient' })} className="btn">
                Patient record
              </Link>
            ) : null}
          </div>
        </div>
        {latestStatus ? (
          <p className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="latest-disease-status">
            <span className="text-slate-500">Latest disease status: </span>
            <Cited value={latestStatus.value} className="font-medium" />
            {latestStatus.date ? <span className="text-slate-500"> ({formatDate(latestStatus.date)})</span> : null}
          </p>
        ) : null}
        <p className="mt-3 text-xs text-slate-500">
          Every underlined value links to the record it was read from. {formatCount(data.counts.facts)} facts from this patient&apos;s records.
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <ConditionsSection data={data} />
          <BiomarkersSection data={data} />
          <VariantsSection data={data} />
        </div>
        <div className="space-y-6">
          <TreatmentsSection data={data} />
          <PerformanceSection data={data} />
          <DiseaseStatusSection data={data} />
        </div>
      </div>
    </div>
  );
}

function StageTable({ stages, caption }: { stages: StageSummary[]; caption: string }) {
  if (stages.length === 0) return <EmptyNote>No stage recorded for this condition.</EmptyNote>;
  const cell = (v: CitedValue | undefined) => (v ? <Cited value={v} className="font-medium" /> : <span className="text-slate-400">—</span>);
  return (
    <table className="data-table" data-testid="stage-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">Group</th>
          <th scope="col">T</th>
          <th scope="col">N</th>
          <th scope="col">M</th>
          <th scope="col">System</th>
          <th scope="col">Date</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((s, i) => {
          const record = (s.group ?? s.t ?? s.n ?? s.m)?.citation.sourceRecordKey;
          return (
            <tr key={i} data-testid={`stage-${s.stageType}`}>
              <th scope="row" className="font-normal text-slate-600">
                {humanize(s.stageType === 'pathological' ? 'pathologic' : s.stageType)}
              </th>
              <td data-testid="stage-group">{cell(s.group)}</td>
              <td data-testid="stage-t">{cell(s.t)}</td>
              <td data-testid="stage-n">{cell(s.n)}</td>
              <td data-testid="stage-m">{cell(s.m)}</td>
              <td className="text-slate-600">{s.system ?? <span className="text-slate-400">—</span>}</td>
              <td className="whitespace-nowrap text-slate-600">
                <FromRecord text={formatDate(s.date)} recordKey={record} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ConditionsSection({ data }: { data: Overview }) {
  return (
    <Section title="Cancer conditions" id="conditions" count={data.conditions.length}>
      {data.conditions.length === 0 ? (
        <EmptyNote>No cancer condition recorded.</EmptyNote>
      ) : (
        <div className="space-y-6">
          {data.conditions.map((c, i) => {
            const record = c.diagnosis.citation.sourceRecordKey;
            return (
              <article key={`${record}-${i}`} className="space-y-3" data-testid="condition">
                <div className="flex flex-wrap items-baseline gap-2">
                  <span className={`badge ${c.kind === 'primary' ? 'bg-indigo-50 text-indigo-800' : 'bg-amber-50 text-amber-800'}`}>
                    {c.kind === 'primary' ? 'Primary' : 'Secondary'}
                  </span>
                  <h3 className="text-base font-semibold">
                    <Cited value={c.diagnosis} />
                  </h3>
                </div>
                <Dl
                  items={[
                    { label: 'Body site', value: c.bodySite ? <Cited value={c.bodySite} /> : undefined },
                    { label: 'Laterality', value: c.laterality ? <Cited value={c.laterality} /> : undefined },
                    { label: 'Histology', value: c.histology ? <Cited value={c.histology} /> : undefined },
                    { label: 'Onset / diagnosed', value: c.onset ? <FromRecord text={formatDate(c.onset)} recordKey={record} /> : undefined },
                    { label: 'Clinical status', value: c.clinicalStatus ? <FromRecord text={humanize(c.clinicalStatus)} recordKey={record} /> : undefined },
                    { label: 'Verification', value: c.verificationStatus ? <FromRecord text={humanize(c.verificationStatus)} recordKey={record} /> : undefined },
                  ]}
                />
                <StageTable stages={c.stages} caption={`Stage of ${c.diagnosis.text}`} />
              </article>
            );
          })}
        </div>
      )}
      {data.unlinkedStages.length > 0 ? (
        <div className="mt-6 space-y-2 border-t border-slate-100 pt-4">
          <h3 className="text-sm font-semibold text-slate-700">Stages not linked to a recorded condition</h3>
          <StageTable stages={data.unlinkedStages} caption="Stages not linked to a condition" />
        </div>
      ) : null}
    </Section>
  );
}

function BiomarkersSection({ data }: { data: Overview }) {
  return (
    <Section title="Biomarkers" id="biomarkers" count={data.biomarkers.length}>
      {data.biomarkers.length === 0 ? (
        <EmptyNote>No biomarkers recorded.</EmptyNote>
      ) : (
        <table className="data-table">
          <caption className="sr-only">Tumor markers</caption>
          <thead>
            <tr>
              <th scope="col">Marker</th>
              <th scope="col">Result</th>
              <th scope="col">Interpretation</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {sortBiomarkers(data.biomarkers).map((b, i) => (
              <tr key={`${b.marker}-${i}`} data-testid={`biomarker-${b.marker}`}>
                <th scope="row" className="font-semibold">
                  {b.marker}
                </th>
                <td>
                  <span className={`badge ${resultTone(b.value.text)}`}>
                    <Cited value={b.value} className="!text-inherit" />
                  </span>
                </td>
                <td className="text-slate-600">
                  <FromRecord text={b.interpretation ? clinicalLabel(b.interpretation) : undefined} recordKey={b.value.citation.sourceRecordKey} />
                </td>
                <td className="whitespace-nowrap text-slate-600">
                  <FromRecord text={formatDate(b.date)} recordKey={b.value.citation.sourceRecordKey} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function VariantsSection({ data }: { data: Overview }) {
  return (
    <Section title="Genomic variants" id="variants" count={data.genomicVariants.length}>
      {data.genomicVariants.length === 0 ? (
        <EmptyNote>No genomic variants recorded.</EmptyNote>
      ) : (
        <table className="data-table">
          <caption className="sr-only">Genomic variants</caption>
          <thead>
            <tr>
              <th scope="col">Gene</th>
              <th scope="col">Variant</th>
              <th scope="col">Significance</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {data.genomicVariants.map((v, i) => (
              <tr key={i} data-testid="variant">
                <th scope="row" className="font-semibold italic">
                  <FromRecord text={v.gene ?? '—'} recordKey={v.change.citation.sourceRecordKey} />
                </th>
                <td>
                  <Cited value={v.change} className="font-mono text-xs" />
                </td>
                <td className="text-slate-600">
                  <FromRecord text={v.significance ? clinicalLabel(v.significance) : undefined} recordKey={v.change.citation.sourceRecordKey} />
                </td>
                <td className="whitespace-nowrap text-slate-600">
                  <FromRecord text={formatDate(v.date)} recordKey={v.change.citation.sourceRecordKey} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function TreatmentsSection({ data }: { data: Overview }) {
  const KIND: Record<string, string> = {
    'medication-request': 'Medication (ordered)',
    'medication-administration': 'Medication (given)',
    surgery: 'Surgery',
    radiotherapy: 'Radiotherapy',
  };
  return (
    <Section title="Treatments" id="treatments" count={data.treatments.length}>
      {data.treatments.length === 0 ? (
        <EmptyNote>No treatments recorded.</EmptyNote>
      ) : (
        <ul className="divide-y divide-slate-100">
          {data.treatments.map((t, i) => {
            const record = t.name.citation.sourceRecordKey;
            return (
              <li key={i} className="py-2 first:pt-0 last:pb-0" data-testid="treatment">
                <div className="flex items-baseline justify-between gap-2">
                  <Cited value={t.name} className="font-medium" />
                  <span className="shrink-0 text-xs text-slate-500">{KIND[t.kind] ?? humanize(t.kind)}</span>
                </div>
                <div className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-slate-600">
                  {t.start || t.end ? <FromRecord text={formatDateRange(t.start, t.end)} recordKey={record} /> : null}
                  {t.status ? <FromRecord text={humanize(t.status)} recordKey={record} /> : null}
                  {t.intent ? <FromRecord text={clinicalLabel(t.intent)} recordKey={record} /> : null}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}

function PerformanceSection({ data }: { data: Overview }) {
  return (
    <Section title="Performance status" id="performance" count={data.performanceStatus.length}>
      {data.performanceStatus.length === 0 ? (
        <EmptyNote>No performance status recorded.</EmptyNote>
      ) : (
        <ul className="space-y-1.5 text-sm">
          {data.performanceStatus.map((p, i) => (
            <li key={i} className="flex items-baseline justify-between gap-2" data-testid="performance-status">
              <span>
                <span className="mr-1 font-semibold">{p.scale}</span>
                <Cited value={p.value} />
              </span>
              <span className="shrink-0 text-xs text-slate-500">
                <FromRecord text={formatDate(p.date)} recordKey={p.value.citation.sourceRecordKey} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function DiseaseStatusSection({ data }: { data: Overview }) {
  return (
    <Section title="Disease status" id="disease-status" count={data.diseaseStatus.length}>
      {data.diseaseStatus.length === 0 ? (
        <EmptyNote>No disease status recorded.</EmptyNote>
      ) : (
        <ol className="space-y-1.5 text-sm">
          {data.diseaseStatus.map((s, i) => (
            <li key={i} className="flex items-baseline justify-between gap-2">
              <span>
                {i === 0 ? <span className="badge mr-2 bg-emerald-50 text-emerald-800">latest</span> : null}
                <Cited value={s.value} />
              </span>
              <span className="shrink-0 text-xs text-slate-500">
                <FromRecord text={formatDate(s.date)} recordKey={s.value.citation.sourceRecordKey} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
