// A BERT encoder (Devlin et al. 2019) as plain weights: the layout the training script fills, the ONNX graph the
// project ships (standard BERT interface, so transformers.js and any BERT consumer can run it), and a plain
// JavaScript reference forward pass the tests compare onnxruntime against.
//
// Weight names follow Hugging Face's BertModel, except that dense kernels are stored [in, out] (for MatMul)
// where PyTorch stores [out, in].
import { OnnxGraphBuilder } from '@oncoboard/onnx-graph';

export interface TinyBertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
}

/** Additive attention bias for a padded key position (as in the original BERT). */
export const MASKED_ATTENTION_BIAS = -10000;

export type TinyBertWeights = Map<string, Float32Array>;

/** Every weight's name and shape, in a fixed order (initialisation and export walk it in this order). */
export function tinyBertWeightShapes(c: TinyBertConfig): [string, number[]][] {
  const h = c.hiddenSize;
  const shapes: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [c.vocabSize, h]],
    ['embeddings.position_embeddings.weight', [c.maxPositionEmbeddings, h]],
    ['embeddings.token_type_embeddings.weight', [c.typeVocabSize, h]],
    ['embeddings.LayerNorm.weight', [h]],
    ['embeddings.LayerNorm.bias', [h]],
  ];
  for (let l = 0; l < c.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}`;
    for (const n of ['query', 'key', 'value']) shapes.push([`${p}.attention.self.${n}.weight`, [h, h]], [`${p}.attention.self.${n}.bias`, [h]]);
    shapes.push(
      [`${p}.attention.output.dense.weight`, [h, h]], [`${p}.attention.output.dense.bias`, [h]],
      [`${p}.attention.output.LayerNorm.weight`, [h]], [`${p}.attention.output.LayerNorm.bias`, [h]],
      [`${p}.intermediate.dense.weight`, [h, c.intermediateSize]], [`${p}.intermediate.dense.bias`, [c.intermediateSize]],
      [`${p}.output.dense.weight`, [c.intermediateSize, h]], [`${p}.output.dense.bias`, [h]],
      [`${p}.output.LayerNorm.weight`, [h]], [`${p}.output.LayerNorm.bias`, [h]],
    );
  }
  return shapes;
}

export function tinyBertParameterCount(c: TinyBertConfig): number {
  return tinyBertWeightShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

/** The Hugging Face `config.json` of the model. */
export function bertConfigJson(c: TinyBertConfig, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    initializer_range: 0.02,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    ...extra,
  };
}

/** The ONNX graph: input_ids, attention_mask, token_type_ids (int64 [batch, seq]) → last_hidden_state [batch, seq, hidden]. */
export function tinyBertOnnx(c: TinyBertConfig, weights: TinyBertWeights, options: { metadata?: Record<string, string>; docString?: string } = {}): Uint8Array {
  const h = c.hiddenSize;
  const heads = c.numAttentionHeads;
  const dh = h / heads;
  const g = new OnnxGraphBuilder('bert');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']);
  for (const [name, shape] of tinyBertWeightShapes(c)) {
    const w = weights.get(name);
    if (!w) throw new Error(`tiny BERT export: weight ${name} is missing`);
    g.initializer(name, 'float32', shape, w);
  }
  g.initializer('const.one_index', 'int64', [], [1]);
  g.initializer('const.zero', 'int64', [], [0]);
  g.initializer('const.step', 'int64', [], [1]);
  g.initializer('const.mask_axes', 'int64', [2], [1, 2]);
  g.initializer('const.one_f', 'float32', [], [1]);
  g.initializer('const.mask_bias', 'float32', [], [MASKED_ATTENTION_BIAS]);
  g.initializer('const.heads_shape', 'int64', [4], [0, 0, heads, dh]);
  g.initializer('const.hidden_shape', 'int64', [3], [0, 0, h]);
  g.initializer('const.score_scale', 'float32', [], [1 / Math.sqrt(dh)]);
  g.initializer('const.half', 'float32', [], [0.5]);
  g.initializer('const.sqrt2', 'float32', [], [Math.SQRT2]);

  // Embeddings
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), 'const.one_index'], { axis: { int: 0 } });
  const positions = g.op('Range', ['const.zero', seqLen, 'const.step']);
  const wordEmb = g.op('Gather', ['embeddings.word_embeddings.weight', ids], { axis: { int: 0 } });
  const posEmb = g.op('Gather', ['embeddings.position_embeddings.weight', positions], { axis: { int: 0 } });
  const typeEmb = g.op('Gather', ['embeddings.token_type_embeddings.weight', types], { axis: { int: 0 } });
  const layerNorm = (x: string, prefix: string) =>
    g.op('LayerNormalization', [x, `${prefix}.weight`, `${prefix}.bias`], { axis: { int: -1 }, epsilon: c.layerNormEps });
  let x = layerNorm(g.op('Add', [g.op('Add', [wordEmb, posEmb]), typeEmb]), 'embeddings.LayerNorm');

  // Attention bias [batch, 1, 1, seq]: 0 where attention_mask = 1, MASKED_ATTENTION_BIAS where it is 0.
  const maskF = g.op('Cast', [g.op('Unsqueeze', [mask, 'const.mask_axes'])], { to: { int: 1 } });
  const maskBias = g.op('Mul', [g.op('Sub', ['const.one_f', maskF]), 'const.mask_bias']);

  const dense = (input: string, prefix: string) => g.op('Add', [g.op('MatMul', [input, `${prefix}.weight`]), `${prefix}.bias`]);
  for (let l = 0; l < c.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}`;
    const split = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, 'const.heads_shape'])], { perm: { ints: perm } });
    const q = split(dense(x, `${p}.attention.self.query`), [0, 2, 1, 3]); // [b, heads, s, dh]
    const k = split(dense(x, `${p}.attention.self.key`), [0, 2, 3, 1]); // [b, heads, dh, s]
    const v = split(dense(x, `${p}.attention.self.value`), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), 'const.score_scale']), maskBias]);
    const probs = g.op('Softmax', [scores], { axis: { int: -1 } });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } }), 'const.hidden_shape']);
    const attended = layerNorm(g.op('Add', [dense(context, `${p}.attention.output.dense`), x]), `${p}.attention.output.LayerNorm`);
    const inner = dense(attended, `${p}.intermediate.dense`);
    // GELU (exact): 0.5 · x · (1 + erf(x / √2))
    const gelu = g.op('Mul', [g.op('Mul', [inner, 'const.half']), g.op('Add', [g.op('Erf', [g.op('Div', [inner, 'const.sqrt2'])]), 'const.one_f'])]);
    const out = g.op('Add', [dense(gelu, `${p}.output.dense`), attended]);
    x = l === c.numHiddenLayers - 1
      ? g.node('LayerNormalization', [out, `${p}.output.LayerNorm.weight`, `${p}.output.LayerNorm.bias`], ['last_hidden_state'], { axis: { int: -1 }, epsilon: c.layerNormEps })[0]!
      : layerNorm(out, `${p}.output.LayerNorm`);
  }
  g.output('last_hidden_state', 'float32', ['batch_size', 'sequence_length', h]);
  return g.toBytes({
    producerName: 'oncoboard-pathology',
    producerVersion: '1',
    opset: 17,
    ...(options.docString ? { docString: options.docString } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is only 1.5e-7 accurate; use a series/continued fraction for ~1e-12.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc continued fraction (Lentz)
    let f = ax;
    let C = ax;
    let D = 0;
    for (let n = 1; n < 200; n++) {
      const an = n / 2;
      D = ax + an * D;
      D = D === 0 ? 1e-300 : 1 / D;
      C = ax + an / C;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = 1 - Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  }
  return x < 0 ? -r : r;
}

/**
 * Reference forward pass in plain JavaScript (float64 arithmetic): token ids and attention mask (rows of equal
 * length; token type 0) → last_hidden_state, row-major [batch, seq, hidden].
 */
export function tinyBertForward(c: TinyBertConfig, weights: TinyBertWeights, inputIds: readonly (readonly number[])[], attentionMask: readonly (readonly number[])[]): Float32Array {
  const h = c.hiddenSize;
  const heads = c.numAttentionHeads;
  const dh = h / heads;
  const w = (name: string) => {
    const v = weights.get(name);
    if (!v) throw new Error(`tiny BERT forward: weight ${name} is missing`);
    return v;
  };
  const layerNorm = (x: Float64Array, prefix: string) => {
    const gamma = w(`${prefix}.weight`);
    const beta = w(`${prefix}.bias`);
    let mean = 0;
    for (let i = 0; i < h; i++) mean += x[i]!;
    mean /= h;
    let variance = 0;
    for (let i = 0; i < h; i++) variance += (x[i]! - mean) ** 2;
    variance /= h;
    const inv = 1 / Math.sqrt(variance + c.layerNormEps);
    const y = new Float64Array(h);
    for (let i = 0; i < h; i++) y[i] = (x[i]! - mean) * inv * gamma[i]! + beta[i]!;
    return y;
  };
  const dense = (x: Float64Array, prefix: string, nIn: number, nOut: number) => {
    const kernel = w(`${prefix}.weight`);
    const bias = w(`${prefix}.bias`);
    const y = new Float64Array(nOut);
    for (let o = 0; o < nOut; o++) y[o] = bias[o]!;
    for (let i = 0; i < nIn; i++) {
      const xi = x[i]!;
      for (let o = 0; o < nOut; o++) y[o] = y[o]! + (xi * kernel[i * nOut + o]!);
    }
    return y;
  };
  const batch = inputIds.length;
  const seq = inputIds[0]?.length ?? 0;
  const out = new Float32Array(batch * seq * h);
  const wordE = w('embeddings.word_embeddings.weight');
  const posE = w('embeddings.position_embeddings.weight');
  const typeE = w('embeddings.token_type_embeddings.weight');
  for (let b = 0; b < batch; b++) {
    let xs: Float64Array[] = [];
    for (let t = 0; t < seq; t++) {
      const e = new Float64Array(h);
      const id = inputIds[b]![t]!;
      for (let i = 0; i < h; i++) e[i] = wordE[id * h + i]! + posE[t * h + i]! + typeE[i]!;
      xs.push(layerNorm(e, 'embeddings.LayerNorm'));
    }
    const bias = attentionMask[b]!.map((m) => (m ? 0 : MASKED_ATTENTION_BIAS));
    for (let l = 0; l < c.numHiddenLayers; l++) {
      const p = `encoder.layer.${l}`;
      const q = xs.map((x) => dense(x, `${p}.attention.self.query`, h, h));
      const k = xs.map((x) => dense(x, `${p}.attention.self.key`, h, h));
      const v = xs.map((x) => dense(x, `${p}.attention.self.value`, h, h));
      const next: Float64Array[] = [];
      for (let t = 0; t < seq; t++) {
        const ctx = new Float64Array(h);
        for (let hd = 0; hd < heads; hd++) {
          const scores = new Float64Array(seq);
          let max = -Infinity;
          for (let u = 0; u < seq; u++) {
            let s = 0;
            for (let d = 0; d < dh; d++) s += q[t]![hd * dh + d]! * k[u]![hd * dh + d]!;
            scores[u] = s / Math.sqrt(dh) + bias[u]!;
            if (scores[u]! > max) max = scores[u]!;
          }
          let sum = 0;
          for (let u = 0; u < seq; u++) { scores[u] = Math.exp(scores[u]! - max); sum += scores[u]!; }
          for (let u = 0; u < seq; u++) {
            const pu = scores[u]! / sum;
            for (let d = 0; d < dh; d++) ctx[hd * dh + d] = ctx[hd * dh + d]! + (pu * v[u]![hd * dh + d]!);
          }
        }
        const attnOut = dense(ctx, `${p}.attention.output.dense`, h, h);
        for (let i = 0; i < h; i++) attnOut[i] = attnOut[i]! + (xs[t]![i]!);
        const attended = layerNorm(attnOut, `${p}.attention.output.LayerNorm`);
        const inner = dense(attended, `${p}.intermediate.dense`, h, c.intermediateSize);
        for (let i = 0; i < inner.length; i++) inner[i] = 0.5 * inner[i]! * (1 + erf(inner[i]! / Math.SQRT2));
        const o = dense(inner, `${p}.output.dense`, c.intermediateSize, h);
        for (let i = 0; i < h; i++) o[i] = o[i]! + (attended[i]!);
        next.push(layerNorm(o, `${p}.output.LayerNorm`));
      }
      xs = next;
    }
    xs.forEach((x, t) => out.set(x, (b * seq + t) * h));
  }
  return out;
}
