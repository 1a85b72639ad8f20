// Writes the trained joint model as an ONNX graph with the project's deterministic writer (@oncoboard/onnx-graph):
// the same operations as joint-forward-tf.ts, in the same order, float32 weights, opset 17. A model with the
// linear skip path adds MatMul/Concat/Where/MatMul/Add nodes before the final Reshape; the I/O does not change.
//   inputs : one "x_<modality>" [batch, vectorSize] per modality, "mask" [batch, M] (1 present, 0 missing)
//   outputs: "risk" [batch] (log relative hazard), "embedding" [batch, d] (fused), "attention" [batch, M]
import { OnnxGraphBuilder } from '@oncoboard/onnx-graph';
import type { JointModelWeights } from './joint-weights';

export const JOINT_ONNX_OPSET = 17;

/** The graph input name of a modality's vector. */
export function modalityInputName(modalityId: string): string {
  return `x_${modalityId.replace(/[^A-Za-z0-9]/g, '_')}`;
}

export const JOINT_ONNX_NAMES = { mask: 'mask', risk: 'risk', embedding: 'embedding', attention: 'attention' } as const;

export function exportJointModelOnnx(w: JointModelWeights, metadata: Record<string, string> = {}): Uint8Array {
  const { width: d, attentionWidth: a, modalities } = w.shape;
  const M = modalities.length;
  const g = new OnnxGraphBuilder('oncoboard_joint_model');
  const inputs = modalities.map((m) => g.input(modalityInputName(m.id), 'float32', ['batch', m.vectorSize]));
  const mask = g.input(JOINT_ONNX_NAMES.mask, 'float32', ['batch', M]);

  g.initializer('gate_V', 'float32', [d, a], w.gate.V);
  g.initializer('gate_bV', 'float32', [a], w.gate.bV);
  g.initializer('gate_U', 'float32', [d, a], w.gate.U);
  g.initializer('gate_bU', 'float32', [a], w.gate.bU);
  g.initializer('gate_w', 'float32', [a, 1], w.gate.w);
  g.initializer('beta', 'float32', [d, 1], w.beta);
  g.initializer('half', 'float32', [1], [0.5]);
  g.initializer('minus_infinity', 'float32', [1], [Number.NEGATIVE_INFINITY]);
  g.initializer('flat', 'int64', [1], [-1]);

  const h: string[] = [];
  const scores: string[] = [];
  const linearTerms: string[] = [];
  modalities.forEach((m, i) => {
    const mw = w.modalities[i]!;
    const p = `m${i}`;
    g.initializer(`${p}_mean`, 'float32', [m.vectorSize], mw.mean);
    g.initializer(`${p}_inv_std`, 'float32', [m.vectorSize], mw.invStd);
    g.initializer(`${p}_W`, 'float32', [m.vectorSize, d], mw.W);
    g.initializer(`${p}_b`, 'float32', [d], mw.b);
    g.initializer(`${p}_gate_bias`, 'float32', [1], [w.gate.bias[i]!]);
    const standardised = g.op('Mul', [g.op('Sub', [inputs[i]!, `${p}_mean`]), `${p}_inv_std`]);
    if (mw.linear) {
      g.initializer(`${p}_linear`, 'float32', [m.vectorSize, 1], mw.linear);
      linearTerms.push(g.op('MatMul', [standardised, `${p}_linear`])); // [batch, 1]
    }
    const hm = g.op('Tanh', [g.op('Add', [g.op('MatMul', [standardised, `${p}_W`]), `${p}_b`])]);
    h.push(hm);
    const gated = g.op('Mul', [
      g.op('Tanh', [g.op('Add', [g.op('MatMul', [hm, 'gate_V']), 'gate_bV'])]),
      g.op('Sigmoid', [g.op('Add', [g.op('MatMul', [hm, 'gate_U']), 'gate_bU'])]),
    ]);
    scores.push(g.op('Add', [g.op('MatMul', [gated, 'gate_w']), `${p}_gate_bias`])); // [batch, 1]
  });
  const s = M === 1 ? scores[0]! : g.op('Concat', scores, { axis: { int: 1 } });
  const isPresent = g.op('Greater', [mask, 'half']);
  const masked = g.op('Where', [isPresent, s, 'minus_infinity']);
  g.node('Softmax', [masked], [JOINT_ONNX_NAMES.attention], { axis: { int: 1 } });
  const weights = M === 1 ? [JOINT_ONNX_NAMES.attention] : g.node('Split', [JOINT_ONNX_NAMES.attention], M, { axis: { int: 1 } });
  const parts = h.map((hm, i) => g.op('Mul', [weights[i]!, hm]));
  if (parts.length === 1) g.node('Identity', [parts[0]!], [JOINT_ONNX_NAMES.embedding]);
  else g.node('Sum', parts, [JOINT_ONNX_NAMES.embedding]);
  const network = g.op('MatMul', [JOINT_ONNX_NAMES.embedding, 'beta']); // [batch, 1]
  let riskColumn = network;
  if (linearTerms.length > 0) {
    // Linear skip path: zero for a missing modality, summed over modalities (MatMul with ones), added to the network term.
    g.initializer('zero', 'float32', [1], [0]);
    g.initializer('ones_m', 'float32', [M, 1], new Array<number>(M).fill(1));
    const l = M === 1 ? linearTerms[0]! : g.op('Concat', linearTerms, { axis: { int: 1 } });
    const present = g.op('Where', [isPresent, l, 'zero']);
    riskColumn = g.op('Add', [network, g.op('MatMul', [present, 'ones_m'])]);
  }
  g.node('Reshape', [riskColumn, 'flat'], [JOINT_ONNX_NAMES.risk]);
  g.output(JOINT_ONNX_NAMES.risk, 'float32', ['batch']);
  g.output(JOINT_ONNX_NAMES.embedding, 'float32', ['batch', d]);
  g.output(JOINT_ONNX_NAMES.attention, 'float32', ['batch', M]);
  return g.toBytes({
    opset: JOINT_ONNX_OPSET,
    producerName: 'oncoboard-fusion-model',
    docString: `OncoBoard joint survival model: per-modality projection heads, masked gated-attention fusion, Cox head${linearTerms.length > 0 ? ', linear skip path' : ''}`,
    metadata,
  });
}
