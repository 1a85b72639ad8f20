'use client';
// The joint model's latest stored prediction for a patient (made by `oncoboard predict` or the "Compute risk"
// button, predictions.compute): risk and its percentile in the reference cohort, the predicted survival curve with
// its band against the reference cohort's Kaplan–Meier curve, each modality's contribution, similar patients, the
// model version with a link to its card, and who computed it when. The button shows only to users who may.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { formatInstant } from '../../lib/format';
import { patientHref } from '../../lib/routes';
import { useTRPC, type RouterOutputs } from '../../lib/trpc';
import { EmptyNote, ErrorNotice, Loading, Section } from '../ui';
import { ContributionChart } from './ContributionChart';
import { modelVersionHref } from './model-routes';
import { SurvivalChart, type SurvivalSeries } from './SurvivalChart';
import { SyntheticBadge, SyntheticBanner } from './SyntheticBadge';

type LatestPrediction = NonNullable<RouterOutputs['predictions']['latest']>;

/** "Compute risk" / "Recompute" for callers holding prediction:run; "not enough data to predict" shows as said. */
function ComputeRiskButton({ patientKey, label }: { patientKey: string; label: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const access = useQuery(trpc.predictions.access.queryOptions(undefined, { staleTime: 60_000 }));
  const compute = useMutation(trpc.predictions.compute.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.predictions.latest.queryKey({ patientKey }) }) }));
  if (!access.data?.canCompute) return null;
  return (
    <span className="flex flex-col items-end gap-1">
      <button type="button" className="btn-primary" data-testid="compute-risk" disabled={compute.isPending} onClick={() => compute.mutate({ patientKey })}>
        {compute.isPending ? 'Computing…' : label}
      </button>
      {compute.isError ? (
        <span role="alert" className="max-w-md text-right text-xs text-red-700" data-testid="compute-risk-error">
          {compute.error.message}
        </span>
      ) : null}
    </span>
  );
}

export function RiskPanel({ patientKey }: { patientKey: string }) {
  const trpc = useTRPC();
  const latest = useQuery(trpc.predictions.latest.queryOptions({ patientKey }));
  if (latest.isPending) {
    return (
      <Section title="Joint model risk" id="risk">
        <Loading label="Loading prediction…" />
      </Section>
    );
  }
  if (latest.isError) {
    return (
      <Section title="Joint model risk" id="risk">
        <ErrorNotice error={latest.error} what="the prediction" />
      </Section>
    );
  }
  if (!latest.data) {
    return (
      <Section title="Joint model risk" id="risk" actions={<ComputeRiskButton patientKey={patientKey} label="Compute risk" />}>
        <EmptyNote>
          No prediction is stored for this patient. Compute it here (with the active model version) or run <code>oncoboard predict --patient {patientKey}</code>; a patient
          with none of the model&apos;s modalities gets &ldquo;not enough data to predict&rdquo;, never a default.
        </EmptyNote>
      </Section>
    );
  }
  return <RiskView data={latest.data} patientKey={patientKey} />;
}

function RiskView({ data, patientKey }: { data: LatestPrediction; patientKey: string }) {
  const p = data.result;
  const v = data.modelVersion;
  const inStore = new Set(data.similarInStore);
  const series: SurvivalSeries[] = [
    { label: `predicted for this patient (band: ${p.survival.band.split(';')[0]})`, times: p.survival.times, survival: p.survival.survival, lower: p.survival.lower, upper: p.survival.upper, color: '#b91c1c', testId: 'predicted-curve' },
  ];
  if (data.referenceCohort) {
    series.push({ label: `reference cohort, Kaplan–Meier (n = ${data.referenceCohort.n}, training rows)`, times: data.referenceCohort.times, survival: data.referenceCohort.survival, color: '#475569', dashed: true, testId: 'cohort-curve' });
  }
  return (
    <Section
      title="Joint model risk"
      id="risk"
      actions={
        <span className="flex items-center gap-2 text-sm">
          {v.synthetic ? <SyntheticBadge /> : null}
          <Link href={modelVersionHref(v.id)} className="text-sky-700 hover:underline" data-testid="model-version-link">
            {v.modelId} {v.version} · model card
          </Link>
          <ComputeRiskButton patientKey={patientKey} label="Recompute" />
        </span>
      }
    >
      <div className="space-y-5" data-testid="risk-panel">
        {v.synthetic ? <SyntheticBanner what={`This prediction's model (${v.id})`} /> : null}
        <div className="flex flex-wrap items-end gap-x-8 gap-y-2">
          <div>
            <p className="text-xs tracking-wide text-slate-500 uppercase">Risk percentile</p>
            <p className="text-3xl font-semibold text-slate-900" data-testid="risk-percentile">
              {Math.round(p.riskPercentile)}
            </p>
          </div>
          <p className="max-w-xl text-sm text-slate-600">
            A risk at or above that of {p.riskPercentile.toFixed(0)}% of the model&apos;s reference cohort ({p.referenceCohortSize} training rows). Log relative hazard{' '}
            <span data-testid="risk-value">{p.risk.toFixed(3)}</span> (comparable only within {v.id}).
          </p>
        </div>

        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-800">Predicted survival</h3>
          <SurvivalChart series={series} timeUnit={p.survival.timeUnit} title="Predicted survival curve against the reference cohort" testId="survival-chart" />
        </div>

        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-800">Modality contributions</h3>
          <ContributionChart rows={p.contributions} />
        </div>

        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-800">Similar patients</h3>
          <table className="w-full text-left text-sm" data-testid="similar-patients">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1 font-medium">Patient</th>
                <th className="py-1 font-medium">Distance</th>
                <th className="py-1 font-medium">Outcome</th>
                <th className="py-1 font-medium">Treatments</th>
              </tr>
            </thead>
            <tbody>
              {p.similarPatients.map((s) => (
                <tr key={s.patientKey} className="border-t border-slate-100" data-testid="similar-patient">
                  <td className="py-1">
                    {inStore.has(s.patientKey) ? (
                      <Link href={patientHref(s.patientKey)} className="text-sky-700 hover:underline">
                        {s.patientKey}
                      </Link>
                    ) : (
                      <span title="A row of the model's reference cohort, not a patient of this record system">
                        {s.patientKey} <span className="text-xs text-slate-400">(reference cohort)</span>
                      </span>
                    )}
                  </td>
                  <td className="py-1 tabular-nums">{s.distance.toFixed(3)}</td>
                  <td className="py-1">
                    {s.outcome.event ? 'event' : 'censored'} at {Math.round(s.outcome.time)} {s.outcome.timeUnit}
                  </td>
                  <td className="py-1 text-slate-600">{s.treatments.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-1 text-xs text-slate-500">{p.similarity}.</p>
        </div>

        <p className="text-sm text-slate-700" data-testid="prediction-computed-by">
          Computed {formatInstant(data.createdAt)} by {data.computedBy ? (data.computedBy.username ?? 'a user no longer on record') : 'the command line (oncoboard predict)'} with {v.id}
          {v.active ? '' : ' (no longer the active version)'}.
        </p>
        <p className="text-xs text-slate-500" data-testid="prediction-stamp">
          Made {formatInstant(p.createdAt)} by {v.id} (model.onnx sha256 {p.modelSha256.slice(0, 12)}…, {p.provider}) from{' '}
          {data.encodings.map((e) => `${e.moduleId}@${e.moduleVersion} (input ${e.inputHash.slice(0, 8)}…)`).join(', ')}.
        </p>
      </div>
    </Section>
  );
}
