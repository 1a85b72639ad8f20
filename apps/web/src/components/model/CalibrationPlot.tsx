// Calibration: mean predicted survival at the horizon against the Kaplan–Meier estimate (with its 95% interval) in
// each group of predicted risk; the diagonal is perfect calibration.
import type { RouterOutputs } from '../../lib/trpc';
import { linearScale, niceTicks } from './chart-geometry';

/** A calibration point as the API sends it (libs/fusion-model's CalibrationPoint). */
type CalibrationPointView = NonNullable<RouterOutputs['models']['get']['referenceEvaluation']>['calibration']['points'][number];

const S = 260;
const M = 40;

export function CalibrationPlot({ points, horizon, timeUnit }: { points: CalibrationPointView[]; horizon: number; timeUnit: string }) {
  const scale = linearScale([0, 1], [M, S - 12]);
  const yScale = linearScale([0, 1], [S - M, 12]);
  const finite = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);
  return (
    <figure className="space-y-2" data-testid="calibration-plot">
      <svg viewBox={`0 0 ${S} ${S}`} className="w-full max-w-sm" role="img" aria-label={`Calibration at ${horizon} ${timeUnit}`}>
        <title>{`Calibration at ${horizon} ${timeUnit}`}</title>
        {niceTicks(0, 1, 4).map((v) => (
          <g key={v}>
            <line x1={scale(0)} x2={scale(1)} y1={yScale(v)} y2={yScale(v)} stroke="#e2e8f0" />
            <text x={M - 4} y={yScale(v) + 3} textAnchor="end" fontSize="9" fill="#64748b">
              {Math.round(v * 100)}%
            </text>
            <text x={scale(v)} y={S - M + 12} textAnchor="middle" fontSize="9" fill="#64748b">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        <line x1={scale(0)} y1={yScale(0)} x2={scale(1)} y2={yScale(1)} stroke="#94a3b8" strokeDasharray="4 3" />
        {points.map((p) => (
          <g key={p.group} data-testid="calibration-point" data-predicted={p.predicted.toFixed(4)} data-observed={p.observed.toFixed(4)}>
            <line x1={scale(p.predicted)} x2={scale(p.predicted)} y1={yScale(finite(p.lower, p.observed))} y2={yScale(finite(p.upper, p.observed))} stroke="#0f766e" />
            <circle cx={scale(p.predicted)} cy={yScale(p.observed)} r="4" fill="#0f766e">
              <title>{`group ${p.group} (n = ${p.n}): predicted ${(p.predicted * 100).toFixed(1)}%, observed ${(p.observed * 100).toFixed(1)}%`}</title>
            </circle>
          </g>
        ))}
        <text x={(scale(0) + scale(1)) / 2} y={S - 6} textAnchor="middle" fontSize="10" fill="#475569">
          predicted survival
        </text>
        <text x={10} y={(yScale(0) + yScale(1)) / 2} textAnchor="middle" fontSize="10" fill="#475569" transform={`rotate(-90 10 ${(yScale(0) + yScale(1)) / 2})`}>
          observed (Kaplan–Meier)
        </text>
      </svg>
      <figcaption className="text-xs text-slate-600">
        Survival at {horizon} {timeUnit}, by quintile of predicted risk; bars are 95% intervals of the Kaplan–Meier estimate.
      </figcaption>
    </figure>
  );
}
