import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@oncoboard/facts';
import { tinyBertWeightShapes, type TinyBertConfig, type TinyBertWeights } from './tiny-bert';
import { AdamOptimizer, contrastiveGradients } from './tiny-bert-training';

const config: TinyBertConfig = {
  vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 8, typeVocabSize: 2, layerNormEps: 1e-12,
};

function randomWeights(seed: number): TinyBertWeights {
  const random = mulberry32(seed);
  return new Map(tinyBertWeightShapes(config).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const base = name.endsWith('LayerNorm.weight') ? 1 : 0;
    return [name, Float32Array.from({ length: size }, () => base + (random() - 0.5) * 0.8)];
  }));
}

const pairs = [
  { a: [2, 5, 7, 3], b: [2, 6, 3] },
  { a: [2, 8, 9, 10, 11, 3], b: [2, 9, 4, 3] },
  { a: [2, 5, 3], b: [2, 11, 10, 7, 6, 3] },
];

describe('hand-written gradients of the tiny BERT + InfoNCE', () => {
  it('match central finite differences on every kind of weight', () => {
    const w = randomWeights(3);
    const { grads } = contrastiveGradients(config, w, pairs, 0.5);
    const random = mulberry32(11);
    let checked = 0;
    for (const [name] of tinyBertWeightShapes(config)) {
      const values = w.get(name)!;
      for (let r = 0; r < 3; r++) {
        let i = Math.floor(random() * values.length);
        if (name === 'embeddings.word_embeddings.weight') i = (5 * config.hiddenSize) + (i % config.hiddenSize); // a used row
        if (name === 'embeddings.token_type_embeddings.weight') i %= config.hiddenSize; // type 0
        const original = values[i]!;
        const eps = 1e-2;
        values[i] = original + eps;
        const up = contrastiveGradients(config, w, pairs, 0.5).loss;
        values[i] = original - eps;
        const down = contrastiveGradients(config, w, pairs, 0.5).loss;
        values[i] = original;
        const numeric = (up - down) / (2 * eps);
        const analytic = grads.get(name)![i]!;
        expect(Math.abs(numeric - analytic), `${name}[${i}]: numeric ${numeric}, analytic ${analytic}`).toBeLessThan(2e-4 + 2e-2 * Math.abs(analytic));
        checked++;
      }
    }
    expect(checked).toBe(tinyBertWeightShapes(config).length * 3);
  });

  it('lower the loss under Adam, identically on a rerun', () => {
    const run = () => {
      const w = randomWeights(5);
      const adam = new AdamOptimizer();
      const losses: number[] = [];
      for (let step = 0; step < 30; step++) {
        const { loss, grads } = contrastiveGradients(config, w, pairs, 0.5);
        losses.push(loss);
        adam.step(w, grads, 1e-2);
      }
      return { losses, w };
    };
    const a = run();
    const b = run();
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]! * 0.5);
    expect(a.losses).toEqual(b.losses);
    for (const [name, v] of a.w) expect(Buffer.from(v.buffer).equals(Buffer.from(b.w.get(name)!.buffer))).toBe(true);
  });
});
