// Geometry of the model charts (plain SVG: no chart library in the app). Pure functions, unit-tested.

export type Scale = (value: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toFixed(10)));
  return ticks;
}

/**
 * SVG path of a right-continuous step function: value[i] holds from times[i] until times[i+1], and the last value
 * until `end` (default: the last time).
 */
export function stepPath(times: readonly number[], values: readonly number[], x: Scale, y: Scale, end?: number): string {
  if (times.length === 0) return '';
  let d = `M${x(times[0]!).toFixed(1)},${y(values[0]!).toFixed(1)}`;
  for (let i = 1; i < times.length; i++) d += `H${x(times[i]!).toFixed(1)}V${y(values[i]!).toFixed(1)}`;
  if (end !== undefined && end > times[times.length - 1]!) d += `H${x(end).toFixed(1)}`;
  return d;
}

/** Closed SVG path of the area between two step functions on the same times (upper forwards, lower back). */
export function stepBandPath(times: readonly number[], lower: readonly number[], upper: readonly number[], x: Scale, y: Scale): string {
  const n = times.length;
  if (n === 0) return '';
  const pts: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    pts.push([times[i]!, upper[i]!]);
    if (i + 1 < n) pts.push([times[i + 1]!, upper[i]!]);
  }
  for (let i = n - 1; i >= 0; i--) {
    if (i + 1 < n) pts.push([times[i + 1]!, lower[i]!]);
    pts.push([times[i]!, lower[i]!]);
  }
  return `M${pts.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('L')}Z`;
}

/** Prepends (0, 1) to a survival curve that does not start at time 0 (every survival curve starts at 1). */
export function fromTimeZero(times: readonly number[], ...curves: (readonly number[])[]): { times: number[]; curves: number[][] } {
  if (times.length > 0 && times[0] === 0) return { times: [...times], curves: curves.map((c) => [...c]) };
  return { times: [0, ...times], curves: curves.map((c) => [1, ...c]) };
}
