'use client';
// A model version's page: metrics (from its metrics.json), a calibration plot and Kaplan–Meier curves by predicted
// risk group on the evaluation data it names — the held-out test split for versions that keep one, the training
// rows (said: in-sample) for older versions — and the model card as registered.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC, type RouterOutputs } from '../../lib/trpc';
import { Dl, EmptyNote, ErrorNotice, Loading, Section } from '../ui';
import { CalibrationPlot } from './CalibrationPlot';
import { modelsHref } from './model-routes';
import { SurvivalChart } from './SurvivalChart';
import { SyntheticBadge, SyntheticBanner } from './SyntheticBadge';

type ModelVersion = RouterOutputs['models']['get'];

const GROUP_COLOURS = ['#2563eb', '#d97706', '#b91c1c'];

export function ModelVersionPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const version = useQuery(trpc.models.get.queryOptions({ id }));
  if (version.isPending) return <Loading label="Loading model…" />;
  if (version.isError) return <ErrorNotice error={version.error} what={`model version ${id}`} />;
  return <ModelVersionView v={version.data} />;
}

const num = (x: unknown, digits = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : undefined);

function splitCounts(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const r = x as Record<string, unknown>;
  return ['train', 'validation', 'test'].map((k) => `${k} ${typeof r[k] === 'number' ? r[k] : '?'}`).join(' · ');
}

function ModelVersionView({ v }: { v: ModelVersion }) {
  const m = v.metrics as Record<string, unknown>;
  const ev = v.referenceEvaluation;
  // Evaluations stored before `rows` existed were computed on the training rows.
  const heldOut = ev?.rows?.kind === 'held-out' ? ev.rows : null;
  const evaluationTitle = heldOut ? `Evaluation on the held-out ${heldOut.split} split (n = ${heldOut.n})` : 'Evaluation on the training rows (in-sample)';
  return (
    <div className="space-y-6" data-testid="model-version">
      <div className="card p-5">
        <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">
          <Link href={modelsHref()} className="hover:underline">
            Models
          </Link>
        </p>
        <h1 className="flex items-center gap-3 text-2xl font-semibold" data-testid="model-title">
          {v.modelId} {v.version} {v.synthetic ? <SyntheticBadge /> : null}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {v.active ? 'Active version' : 'Inactive version'} · registered {v.createdAt.slice(0, 10)} · model.onnx sha256 <code>{v.sha256.slice(0, 16)}…</code>
        </p>
        {v.synthetic ? <div className="mt-3"><SyntheticBanner what={`Model ${v.id}`} /></div> : null}
      </div>

      <Section title="Metrics" id="metrics">
        <div data-testid="model-metrics">
          <Dl
            items={[
              { label: "Harrell's C, held-out test", value: num(m.cIndexTest) },
              { label: "Harrell's C, validation", value: num(m.cIndexValidation) },
              { label: "Harrell's C, training", value: num(m.cIndexTrain) },
              { label: 'C implementation', value: typeof m.cIndexImplementation === 'string' ? m.cIndexImplementation : undefined },
              { label: 'Rows', value: splitCounts(m.rows) },
              { label: 'Events', value: splitCounts(m.events) },
              { label: 'ONNX parity (max |Δ risk|)', value: typeof (m.parityMaxAbsDiff as { risk?: number } | undefined)?.risk === 'number' ? (m.parityMaxAbsDiff as { risk: number }).risk.toExponential(1) : undefined },
              { label: 'Training time', value: typeof m.trainingSeconds === 'number' ? `${m.trainingSeconds.toFixed(1)} s` : undefined },
            ]}
          />
          <p className="mt-2 text-xs text-slate-500">From the version&apos;s metrics.json, computed when it was trained (the test rows are a seeded held-out split of its training data).</p>
        </div>
      </Section>

      {ev ? (
        <Section title={evaluationTitle} id="evaluation">
          <div className="space-y-5">
            <p className="text-sm font-medium text-slate-800" data-testid="evaluation-rows">
              {heldOut
                ? `Held-out ${heldOut.split} split (n = ${heldOut.n}, ${heldOut.events} events): rows never used in training`
                : 'In-sample: the training rows (this version keeps no held-out predictions)'}
            </p>
            <p className="text-sm text-slate-700" data-testid="evaluation-data">
              <span className="font-medium">Evaluation data:</span> {ev.data}.
              {heldOut
                ? ' Risk groups use the tertile cut-offs of the training rows\' risk.'
                : ' These curves show how the model orders and scales the data it was fitted on; the held-out C above is the measure of generalisation.'}
            </p>
            <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
              <div>
                <h3 className="mb-2 text-sm font-semibold text-slate-800">Kaplan–Meier by predicted risk group (tertiles)</h3>
                <SurvivalChart
                  title="Kaplan–Meier curves by predicted risk group"
                  testId="km-risk-groups"
                  timeUnit={ev.timeUnit}
                  series={ev.riskGroups.map((g, i) => ({
                    label: `${g.label} (n = ${g.n}, ${g.events} events)`,
                    times: g.times,
                    survival: g.survival,
                    lower: g.lower,
                    upper: g.upper,
                    color: GROUP_COLOURS[i % GROUP_COLOURS.length]!,
                    testId: 'km-group',
                  }))}
                />
              </div>
              <div>
                <h3 className="mb-2 text-sm font-semibold text-slate-800">Calibration</h3>
                <CalibrationPlot points={ev.calibration.points} horizon={ev.calibration.horizon} timeUnit={ev.timeUnit} />
              </div>
            </div>
            <p className="text-xs text-slate-500">{ev.calibration.method}.</p>
          </div>
        </Section>
      ) : (
        <Section title="Evaluation" id="evaluation">
          <EmptyNote>No evaluation was stored with this version.</EmptyNote>
        </Section>
      )}

      <Section title="Model card" id="card">
        <pre className="max-h-[32rem] overflow-auto text-xs whitespace-pre-wrap text-slate-800" data-testid="model-card">
          {v.card}
        </pre>
      </Section>
    </div>
  );
}
