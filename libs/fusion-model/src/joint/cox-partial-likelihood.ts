// The Cox partial likelihood as the training loss, with Breslow's handling of tied times: every subject whose
// time is ≥ t_i is in the risk set of an event at t_i, tied events included (Efron's correction is not applied;
// the survival statistics module's Cox fit uses Efron — with few ties the two agree closely).
import * as tf from '@tensorflow/tfjs-core';

/** Precomputed for rows already sorted by time, longest first. */
export interface CoxRiskSets {
  /** For row i, the index of the last row whose time equals row i's: its risk set is rows 0..riskSetEnd[i]. */
  riskSetEnd: Int32Array;
  /** 1 where the row is an event. */
  event: Float32Array;
  /**
   * At the last row of each tie group: the number of events in the group (else 0). Σ_events log R(t_i) equals
   * Σ_k eventsEndingAt[k] · log(cumsum_k), which needs no gather (tfjs's gather gradient is slow on the CPU).
   */
  eventsEndingAt: Float32Array;
  events: number;
}

/** Row order that sorts times descending (stable: equal times keep their order). */
export function descendingTimeOrder(time: ArrayLike<number>, rows: readonly number[]): number[] {
  return [...rows].sort((a, b) => time[b]! - time[a]! || 0);
}

export function coxRiskSets(sortedTime: ArrayLike<number>, sortedEvent: ArrayLike<number>): CoxRiskSets {
  const n = sortedTime.length;
  const riskSetEnd = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    riskSetEnd[i] = i + 1 < n && sortedTime[i + 1] === sortedTime[i] ? riskSetEnd[i + 1]! : i;
  }
  const event = Float32Array.from({ length: n }, (_, i) => (sortedEvent[i] ? 1 : 0));
  const eventsEndingAt = new Float32Array(n);
  for (let i = 0; i < n; i++) eventsEndingAt[riskSetEnd[i]!] = eventsEndingAt[riskSetEnd[i]!]! + event[i]!;
  return { riskSetEnd, event, eventsEndingAt, events: event.reduce((a, b) => a + b, 0) };
}

/**
 * Mean negative log partial likelihood over events: −(1/E) Σ_{i: event} [r_i − log Σ_{j: t_j ≥ t_i} exp r_j].
 * `risk` must be in the sorted order of `sets`. The log-sum-exp is shifted by max(r) (a constant: the value and
 * the gradient do not depend on the shift).
 */
export function coxNegLogPartialLikelihood(risk: tf.Tensor1D, sets: CoxRiskSets): tf.Scalar {
  if (sets.events === 0) throw new Error('Cox partial likelihood: no events in this set (every row is censored)');
  const shift = Math.max(...(risk.dataSync() as Float32Array));
  return tf.tidy(() => {
    const m = tf.scalar(shift);
    const logRiskSet = tf.add(tf.log(tf.cumsum(tf.exp(tf.sub(risk, m)))), m) as tf.Tensor1D;
    const eventTerm = tf.sum(tf.mul(risk, tf.tensor1d(sets.event)));
    const riskSetTerm = tf.sum(tf.mul(logRiskSet, tf.tensor1d(sets.eventsEndingAt)));
    return tf.div(tf.sub(riskSetTerm, eventTerm), sets.events) as tf.Scalar;
  });
}
