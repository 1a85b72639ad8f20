// The spatial ops the project's convolutional encoder needs (Conv, MaxPool, GlobalAveragePool, Flatten), written
// by the builder, run by the real onnxruntime-node and compared with direct loops in JavaScript.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder } from './onnx-graph';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** 3D convolution, NCDHW input, [M, C, k, k, k] weights, ONNX pads [d0, h0, w0, d1, h1, w1]. */
function conv3d(x: Float32Array, [c, d, h, w]: [number, number, number, number], weight: Float32Array, bias: Float32Array, m: number, k: number, stride: number, pads: number[]) {
  const od = Math.floor((d + pads[0]! + pads[3]! - k) / stride) + 1;
  const oh = Math.floor((h + pads[1]! + pads[4]! - k) / stride) + 1;
  const ow = Math.floor((w + pads[2]! + pads[5]! - k) / stride) + 1;
  const out = new Float64Array(m * od * oh * ow);
  for (let o = 0; o < m; o++)
    for (let z = 0; z < od; z++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let s = bias[o]!;
          for (let ci = 0; ci < c; ci++)
            for (let a = 0; a < k; a++)
              for (let b = 0; b < k; b++)
                for (let e = 0; e < k; e++) {
                  const zi = z * stride - pads[0]! + a, yi = y * stride - pads[1]! + b, xi = xx * stride - pads[2]! + e;
                  if (zi < 0 || yi < 0 || xi < 0 || zi >= d || yi >= h || xi >= w) continue;
                  s += x[((ci * d + zi) * h + yi) * w + xi]! * weight[(((o * c + ci) * k + a) * k + b) * k + e]!;
                }
          out[((o * od + z) * oh + y) * ow + xx] = s;
        }
  return { out, dims: [m, od, oh, ow] };
}

describe('OnnxGraphBuilder spatial ops', () => {
  it('Conv (3D, stride 2, end-only pads) → Relu → MaxPool → GlobalAveragePool, and Flatten, match JavaScript', async () => {
    const [c, d, m, k] = [2, 6, 3, 3];
    const weight = values(m * c * k ** 3, 1);
    const bias = values(m, 2);
    const g = new OnnxGraphBuilder('spatial');
    const x = g.input('x', 'float32', ['batch', c, d, d, d]);
    g.initializer('w', 'float32', [m, c, k, k, k], weight);
    g.initializer('b', 'float32', [m], bias);
    const conv = g.conv(x, 'w', 'b', { kernelShape: [k, k, k], strides: [2, 2, 2], pads: [0, 0, 0, 1, 1, 1] });
    const relu = g.op('Relu', [conv]);
    g.node('Identity', [relu], ['features']);
    g.node('Identity', [g.flatten(relu)], ['flat']);
    g.node('Identity', [g.maxPool(relu, { kernelShape: [2, 2, 2], strides: [2, 2, 2] })], ['pooled']);
    g.node('Identity', [g.globalAveragePool(relu)], ['mean']);
    g.output('features', 'float32', ['batch', m, 3, 3, 3]);
    g.output('flat', 'float32', ['batch', m * 27]);
    g.output('pooled', 'float32', ['batch', m, 1, 1, 1]);
    g.output('mean', 'float32', ['batch', m, 1, 1, 1]);
    const session = await ort.InferenceSession.create(g.toBytes({ producerName: 'test', opset: 13 }));
    const input = values(c * d ** 3 * 2, 3);
    const out = await session.run({ x: new ort.Tensor('float32', input, [2, c, d, d, d]) });
    expect(out.features!.dims).toEqual([2, m, 3, 3, 3]);
    for (let n = 0; n < 2; n++) {
      const ref = conv3d(input.subarray(n * c * d ** 3, (n + 1) * c * d ** 3), [c, d, d, d], weight, bias, m, k, 2, [0, 0, 0, 1, 1, 1]);
      const relu = Array.from(ref.out, (v) => Math.max(0, v));
      const got = (out.features!.data as Float32Array).subarray(n * m * 27, (n + 1) * m * 27);
      relu.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-5));
      expect(Array.from((out.flat!.data as Float32Array).subarray(n * m * 27, (n + 1) * m * 27))).toEqual(Array.from(got));
      for (let o = 0; o < m; o++) {
        const channel = relu.slice(o * 27, (o + 1) * 27);
        // A 2³ max pool with stride 2 on a 3³ map (no pads) keeps one window: the first 2×2×2 corner.
        const corner = [0, 1, 3, 4, 9, 10, 12, 13].map((i) => channel[i]!);
        expect((out.pooled!.data as Float32Array)[n * m + o]).toBeCloseTo(Math.max(...corner), 5);
        expect((out.mean!.data as Float32Array)[n * m + o]).toBeCloseTo(channel.reduce((a, b) => a + b, 0) / 27, 5);
      }
    }
  });

  it('refuses kernels, strides and pads of the wrong length', () => {
    const g = new OnnxGraphBuilder('bad');
    g.input('x', 'float32', [1, 1, 4, 4, 4]);
    expect(() => g.conv('x', 'w', undefined, { kernelShape: [3, 3, 3], pads: [1, 1, 1] })).toThrow('Conv: pads expected 6 non-negative integers, got [1, 1, 1]');
    expect(() => g.maxPool('x', { kernelShape: [2, 2], strides: [2, 2, 2] })).toThrow('MaxPool: strides expected 2 non-negative integers, got [2, 2, 2]');
    expect(() => g.maxPool('x', { kernelShape: [0] })).toThrow('MaxPool: kernelShape expected positive integers, got [0]');
  });
});
