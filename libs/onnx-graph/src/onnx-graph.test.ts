import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder, readOnnxInitializers, readOnnxMetadata } from './onnx-graph';

// A two-layer perceptron with LayerNormalization written by the builder, run by the real onnxruntime-node,
// compared with the same arithmetic in JavaScript.
function mlp() {
  const w1 = [0.5, -1, 0.25, 2, 1.5, -0.5]; // [3, 2]
  const b1 = [0.1, -0.2];
  const w2 = [1, -2]; // [2, 1]
  const g = new OnnxGraphBuilder('mlp');
  const x = g.input('x', 'float32', ['batch', 3]);
  g.initializer('w1', 'float32', [3, 2], w1);
  g.initializer('b1', 'float32', [2], b1);
  g.initializer('w2', 'float32', [2, 1], w2);
  g.initializer('ln_scale', 'float32', [2], [1, 1]);
  g.initializer('ln_bias', 'float32', [2], [0, 0]);
  const h = g.op('Relu', [g.op('Gemm', [x, 'w1', 'b1'])]);
  const n = g.op('LayerNormalization', [h, 'ln_scale', 'ln_bias'], { axis: { int: -1 }, epsilon: 1e-5 });
  g.node('MatMul', [n, 'w2'], ['y']);
  g.output('y', 'float32', ['batch', 1]);
  return { g, w1, b1, w2 };
}

function reference(x: number[], w1: number[], b1: number[], w2: number[]): number {
  const h = [0, 1].map((j) => Math.max(0, x[0]! * w1[j]! + x[1]! * w1[2 + j]! + x[2]! * w1[4 + j]! + b1[j]!));
  const mean = (h[0]! + h[1]!) / 2;
  const variance = ((h[0]! - mean) ** 2 + (h[1]! - mean) ** 2) / 2;
  const n = h.map((v) => (v - mean) / Math.sqrt(variance + 1e-5));
  return n[0]! * w2[0]! + n[1]! * w2[1]!;
}

describe('OnnxGraphBuilder', () => {
  it('writes a graph that onnxruntime runs to the same numbers as JavaScript', async () => {
    const { g, w1, b1, w2 } = mlp();
    const bytes = g.toBytes({ producerName: 'test', metadata: { card: 'v1' } });
    const session = await ort.InferenceSession.create(bytes);
    const rows = [[1, 2, 3], [-1, 0.5, 2], [3, -2, 1]];
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 3]) });
    const y = out.y!.data as Float32Array;
    rows.forEach((row, i) => expect(y[i]).toBeCloseTo(reference(row, w1, b1, w2), 4));
    expect(readOnnxMetadata(bytes)).toEqual({ card: 'v1' });
    expect([...(readOnnxInitializers(bytes).get('w1')!.values as Float32Array)]).toEqual(w1);
  });

  it('encodes the same graph to the same bytes', () => {
    const a = mlp().g.toBytes({ producerName: 'test' });
    const b = mlp().g.toBytes({ producerName: 'test' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('refuses reused names and weights that do not fill their dims', () => {
    const g = new OnnxGraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.initializer('x', 'float32', [1], [0])).toThrow('ONNX graph bad: the name "x" is already used');
    expect(() => g.initializer('w', 'float32', [2, 2], [1, 2, 3])).toThrow('ONNX graph bad: initializer "w" has 3 values, its dims 2x2 hold 4');
    expect(() => new OnnxGraphBuilder('empty').toBytes({ producerName: 't' })).toThrow('ONNX graph empty: no output declared');
  });
});
