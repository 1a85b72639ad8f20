// Which risk a version serves: the main model's (default, every version before this option) or the mean of the
// main model's and its bootstrap ensemble members' risks (bagging: averages out the network's seed and sample noise).

export type ServedRisk = 'main' | 'ensemble-mean';

export const SERVED_RISK_DESCRIPTION: Record<ServedRisk, string> = {
  main: "the main model's risk",
  'ensemble-mean': "mean of the main model's and the bootstrap ensemble members' risks (log relative hazards); embedding, attention and similar patients from the main model",
};

/** Element-wise mean of equally long risk vectors (the main model's first). */
export function meanRisk(risks: readonly ArrayLike<number>[]): Float32Array {
  if (risks.length === 0) throw new Error('meanRisk: no risk vectors to average');
  const n = risks[0]!.length;
  const sum = new Float64Array(n);
  for (const [k, r] of risks.entries()) {
    if (r.length !== n) throw new Error(`meanRisk: risk vector ${k} has ${r.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) sum[i] = sum[i]! + r[i]!;
  }
  return Float32Array.from(sum, (x) => x / risks.length);
}
