// Survival curves as SVG step functions: each series optionally with a shaded band (an ensemble spread or a
// Kaplan–Meier confidence interval), a legend, and axes in the curve's time unit.
import { fromTimeZero, linearScale, niceTicks, stepBandPath, stepPath } from './chart-geometry';

export interface SurvivalSeries {
  label: string;
  times: readonly number[];
  survival: readonly number[];
  lower?: readonly number[];
  upper?: readonly number[];
  color: string;
  dashed?: boolean;
  testId?: string;
}

const W = 560;
const H = 260;
const M = { left: 44, right: 12, top: 10, bottom: 36 };

export function SurvivalChart({ series, timeUnit, title, testId }: { series: SurvivalSeries[]; timeUnit: string; title: string; testId?: string }) {
  const tMax = Math.max(1, ...series.flatMap((s) => s.times.slice(-1)));
  const x = linearScale([0, tMax], [M.left, W - M.right]);
  const y = linearScale([0, 1], [H - M.bottom, M.top]);
  return (
    <figure className="space-y-2" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full max-w-2xl" role="img" aria-label={title}>
        <title>{title}</title>
        {niceTicks(0, 1, 4).map((v) => (
          <g key={`y${v}`}>
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} stroke="#e2e8f0" />
            <text x={M.left - 6} y={y(v) + 4} textAnchor="end" fontSize="10" fill="#64748b">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        {niceTicks(0, tMax, 5).map((t) => (
          <text key={`x${t}`} x={x(t)} y={H - M.bottom + 14} textAnchor="middle" fontSize="10" fill="#64748b">
            {t}
          </text>
        ))}
        <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle" fontSize="11" fill="#475569">
          time ({timeUnit})
        </text>
        {series.map((s) => {
          const band = s.lower && s.upper ? fromTimeZero(s.times, s.lower, s.upper) : undefined;
          return band ? <path key={`band-${s.label}`} d={stepBandPath(band.times, band.curves[0]!, band.curves[1]!, x, y)} fill={s.color} fillOpacity={0.15} stroke="none" data-testid={s.testId ? `${s.testId}-band` : undefined} /> : null;
        })}
        {series.map((s) => {
          const c = fromTimeZero(s.times, s.survival);
          return (
            <path
              key={`line-${s.label}`}
              d={stepPath(c.times, c.curves[0]!, x, y, tMax)}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 4' : undefined}
              data-testid={s.testId}
              data-points={c.times.length}
            />
          );
        })}
      </svg>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {series.map((s) => (
          <span key={s.label} className="inline-flex items-center gap-1.5">
            <svg width="22" height="8" aria-hidden>
              <line x1="0" x2="22" y1="4" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dashed ? '5 4' : undefined} />
            </svg>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
