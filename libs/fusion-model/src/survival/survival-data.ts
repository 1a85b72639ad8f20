// Right-censored survival data: checked once at each public entry point.

/** Times and event indicators (1 = event, 0 = censored), one entry per subject. */
export interface RightCensoredData {
  readonly time: ArrayLike<number>;
  readonly status: ArrayLike<number | boolean>;
}

/** Copies and checks time/status: equal lengths, finite times, status 0/1 (or boolean). */
export function readRightCensored(time: ArrayLike<number>, status: ArrayLike<number | boolean>, where: string): { time: Float64Array; status: Uint8Array } {
  if (time.length !== status.length) {
    throw new Error(`${where}: time has ${time.length} entries but status has ${status.length}; expected one of each per subject`);
  }
  const t = new Float64Array(time.length);
  const s = new Uint8Array(time.length);
  for (let i = 0; i < time.length; i++) {
    const ti = time[i]!;
    if (!Number.isFinite(ti)) throw new Error(`${where}: time[${i}]: expected a finite number, found ${String(ti)}`);
    t[i] = ti;
    const si = status[i]!;
    if (si === true || si === 1) s[i] = 1;
    else if (si === false || si === 0) s[i] = 0;
    else throw new Error(`${where}: status[${i}]: expected 0 (censored) or 1 (event), found ${String(si)}`);
  }
  return { time: t, status: s };
}

/** Indices sorted by time ascending; at tied times events before censorings. */
export function orderByTime(time: Float64Array, status: Uint8Array): Int32Array {
  const idx = Int32Array.from({ length: time.length }, (_, i) => i);
  idx.sort((a, b) => time[a]! - time[b]! || status[b]! - status[a]! || a - b);
  return idx;
}

/** The value of a right-continuous step function (knots ascending) at t; `before` left of the first knot. */
export function stepValue(knots: ArrayLike<number>, values: ArrayLike<number>, t: number, before: number): number {
  let lo = 0;
  let hi = knots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (knots[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? before : values[lo - 1]!;
}

/** The value of a right-continuous step function just before t (its left limit). */
export function stepValueBefore(knots: ArrayLike<number>, values: ArrayLike<number>, t: number, before: number): number {
  let lo = 0;
  let hi = knots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (knots[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? before : values[lo - 1]!;
}
