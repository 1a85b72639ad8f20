// compose(...transforms): run steps in order, accumulating the record.
import type { Volume } from '../volume';
import { argumentError, validateState, type Transform, type TransformRecord, type TransformState } from './types';

export interface ComposedTransform extends Transform {
  readonly transforms: readonly Transform[];
  /** Convenience: start from an image (and optional mask) with an empty record. */
  run(image: Volume, mask?: Volume): TransformState;
}

/**
 * A transform that applies `transforms` in order. Its own apply appends one record entry per inner step (no
 * entry for the composition itself), so the final record lists every step with its params and grid change.
 */
export function compose(...transforms: Transform[]): ComposedTransform {
  transforms.forEach((t, n) => {
    if (!t || typeof t.apply !== 'function') argumentError(`compose: transforms[${n}] expected a Transform with apply(), got ${t === null ? 'null' : typeof t}`);
  });
  const list = Object.freeze([...transforms]);
  const apply = (input: TransformState): TransformState => {
    validateState(input, 'compose');
    let state = input;
    for (const t of list) state = t.apply(state);
    return state;
  };
  return {
    name: 'compose',
    params: Object.freeze({ steps: list.map((t) => t.name) }),
    transforms: list,
    apply,
    run(image: Volume, mask?: Volume): TransformState {
      const record: TransformRecord[] = [];
      return apply(mask === undefined ? { image, record } : { image, mask, record });
    },
  };
}
