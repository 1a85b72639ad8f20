import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readOnnxInitializers } from '@oncoboard/onnx-graph';
import { bertConfigJson, tinyBertForward, tinyBertOnnx, tinyBertWeightShapes, type TinyBertConfig } from './tiny-bert';
import { cosineSimilarity, l2Normalize, meanPool, TextEmbedder } from './text-embedder';
import { bertTokenizerConfigJson, bertTokenizerJson, SPECIAL_TOKENS } from './wordpiece';

const here = dirname(fileURLToPath(import.meta.url));
/** The shipped default model (the test needs nothing outside the repository and no network). */
const MODEL_DIR = process.env.CIVIC_BERT_DIR ?? join(here, '..', '..', 'models', 'civic-bert-mini');
const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8'));
const modelConfig: TinyBertConfig = {
  vocabSize: config.vocab_size, hiddenSize: config.hidden_size, numHiddenLayers: config.num_hidden_layers,
  numAttentionHeads: config.num_attention_heads, intermediateSize: config.intermediate_size,
  maxPositionEmbeddings: config.max_position_embeddings, typeVocabSize: config.type_vocab_size, layerNormEps: config.layer_norm_eps,
};

let embedder: TextEmbedder;
const scratch = mkdtempSync(join(tmpdir(), 'text-embedder-'));
beforeAll(async () => { embedder = await TextEmbedder.load(MODEL_DIR); });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('meanPool and l2Normalize', () => {
  it('average only the positions the mask keeps, then scale to unit length', () => {
    // batch 2, seq 3, dim 2; the second row's last position is padding
    const hidden = [1, 2, 3, 4, 5, 6, /* row 2 */ 2, 0, 4, 0, 100, 100];
    const [a, b] = meanPool(hidden, [2, 3, 2], [1, 1, 1, 1, 1, 0]);
    expect([...a!]).toEqual([3, 4]);
    expect([...b!]).toEqual([3, 0]);
    expect([...l2Normalize(a!)]).toEqual([0.6000000238418579, 0.800000011920929]);
    expect([...l2Normalize([0, 0])]).toEqual([0, 0]);
  });
});

describe('TextEmbedder on the shipped civic-bert-mini', () => {
  it('loads through transformers.js with remote models disabled and records its version', async () => {
    const { env } = await import('@huggingface/transformers');
    expect(env.allowRemoteModels).toBe(false);
    const sha = createHash('sha256').update(readFileSync(join(MODEL_DIR, 'onnx', 'model.onnx'))).digest('hex');
    expect(embedder.model).toEqual({ name: 'civic-bert-mini', version: '1.0.0', onnxSha256: sha, id: `civic-bert-mini@1.0.0+sha256:${sha.slice(0, 12)}` });
    expect(embedder.dimension).toBe(64);
    expect(embedder.maxTokens).toBe(128);
    const [e] = await embedder.embed(['BRAF V600E predicts sensitivity to vemurafenib in melanoma.']);
    expect(e!.model).toBe(embedder.model.id);
  });

  it('pools last_hidden_state over the attention mask and normalises (checked by hand on a padded batch)', async () => {
    const texts = ['KRAS G12C.', 'EGFR exon 19 deletion predicts response to osimertinib in non-small cell lung cancer.'];
    const inputs = embedder.tokenize(texts);
    const { data, dims } = await embedder.lastHiddenState(inputs);
    const mask = [...inputs.attention_mask.data].map(Number);
    expect(mask.slice(0, dims[1]).includes(0)).toBe(true); // the short text is padded
    const vectors = await embedder.embedChunks(texts);
    for (let b = 0; b < 2; b++) {
      const kept = mask.slice(b * dims[1], (b + 1) * dims[1]).reduce((x, y) => x + y, 0);
      const mean = new Array(dims[2]).fill(0);
      for (let t = 0; t < kept; t++) for (let j = 0; j < dims[2]; j++) mean[j] += data[(b * dims[1] + t) * dims[2] + j]! / kept;
      const norm = Math.hypot(...mean);
      mean.forEach((v, j) => expect(vectors[b]![j]).toBeCloseTo(v / norm, 6));
      expect(Math.hypot(...vectors[b]!)).toBeCloseTo(1, 6);
    }
    // the same text alone (no padding) gives the same vector
    const [alone] = await embedder.embedChunks([texts[0]!]);
    alone!.forEach((v, j) => expect(v).toBeCloseTo(vectors[0]![j]!, 5));
  });

  it("agrees with transformers.js's own feature-extraction pipeline (mean pooling, normalize)", async () => {
    const { pipeline } = await import('@huggingface/transformers');
    const extractor = await pipeline('feature-extraction', MODEL_DIR, { local_files_only: true, dtype: 'fp32' });
    const texts = ['ALK fusion positive lung adenocarcinoma.', 'Margins are free of tumor.'];
    const theirs = await extractor(texts, { pooling: 'mean', normalize: true });
    const ours = await embedder.embedChunks(texts);
    const flat = theirs.data as Float32Array;
    ours.forEach((v, b) => v.forEach((x, j) => expect(x).toBeCloseTo(flat[b * embedder.dimension + j]!, 5)));
  });

  it('puts a paraphrase closer than an unrelated sentence (hand-written sentences, not from CIViC)', async () => {
    const triples = [
      ['BRAF V600E mutation predicts sensitivity to vemurafenib in melanoma.', 'Melanoma patients whose tumors harbor BRAF V600E respond to vemurafenib.', 'Lymph nodes are negative for metastatic carcinoma.'],
      ['EGFR L858R confers sensitivity to erlotinib in non-small cell lung cancer.', 'Lung cancer with the EGFR L858R mutation responds to erlotinib.', 'Tumor cells are positive for ER and PR.'],
      ['KRAS mutations predict resistance to cetuximab in colorectal cancer.', 'Colorectal cancer patients with KRAS mutant tumors do not benefit from cetuximab.', 'The specimen consists of a 3 cm fragment of skin.'],
      // the unrelated sentence is of the same kind (a variant–drug statement), about another gene, drug and disease
      ['HER2 amplification predicts response to trastuzumab in breast cancer.', 'Breast cancers with ERBB2 amplification benefit from trastuzumab.', 'BRAF V600E mutation predicts sensitivity to vemurafenib in melanoma.'],
    ];
    for (const [anchor, paraphrase, unrelated] of triples) {
      const [a, p, u] = await embedder.embed([anchor!, paraphrase!, unrelated!]);
      expect(cosineSimilarity(a!.vector, p!.vector), anchor).toBeGreaterThan(cosineSimilarity(a!.vector, u!.vector) + 0.2);
    }
  });

  it('gives the same text the same vector, bit for bit', async () => {
    const text = 'Tumor cells are positive for ER and PR and negative for HER2.';
    const [a] = await embedder.embed([text]);
    const [b] = await embedder.embed([text]);
    expect(Buffer.from(a!.vector.buffer).equals(Buffer.from(b!.vector.buffer))).toBe(true);
  });

  it('splits a long report into window-sized chunks with spans and averages them', async () => {
    const sentence = 'The BRAF V600E mutation was detected in the resected melanoma specimen by targeted sequencing.';
    const long = `${sentence} ${'word '.repeat(300)}end.\n${sentence}`;
    const chunks = await embedder.embedSentences(long);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const c of chunks) {
      expect(long.slice(c.span.start, c.span.end)).toBe(c.text);
      expect(embedder.tokenIds(c.text).length).toBeLessThanOrEqual(embedder.maxTokens);
    }
    expect(chunks[0]!.text).toBe(sentence);
    expect(cosineSimilarity(chunks[0]!.vector, chunks.at(-1)!.vector)).toBeCloseTo(1, 6);
    const [report] = await embedder.embed([long]);
    expect(report!.chunks).toBe(chunks.length);
    const sum = new Float64Array(embedder.dimension);
    for (const c of chunks) c.vector.forEach((v, j) => { sum[j] = sum[j]! + v; });
    l2Normalize(sum).forEach((v, j) => expect(report!.vector[j]).toBeCloseTo(v, 6));
  });

  it('names the missing file when a folder is incomplete', async () => {
    const folder = join(scratch, 'no-onnx');
    mkdirSync(folder, { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(MODEL_DIR, f), join(folder, f));
    await expect(TextEmbedder.load(folder)).rejects.toThrow(`${folder}: expected onnx/model.onnx (an ONNX export of a BERT-family model)`);
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    await expect(TextEmbedder.load(empty)).rejects.toThrow(`${empty}: expected config.json (the model's Hugging Face configuration)`);
  });

  it('ships an ONNX graph that matches the JavaScript reference forward pass within 1e-4', async () => {
    const bytes = readFileSync(join(MODEL_DIR, 'onnx', 'model.onnx'));
    const weights = new Map([...readOnnxInitializers(bytes)].filter(([, v]) => v.values instanceof Float32Array).map(([n, v]) => [n, v.values as Float32Array]));
    const ids = [embedder.tokenIds('HER2 amplification in gastric cancer predicts benefit from trastuzumab.'), embedder.tokenIds('No tumor seen.')];
    const len = Math.max(...ids.map((r) => r.length));
    const rows = ids.map((r) => [...r, ...new Array(len - r.length).fill(0)]);
    const mask = ids.map((r) => [...r.map(() => 1), ...new Array(len - r.length).fill(0)]);
    const session = await ort.InferenceSession.create(bytes);
    const t = (m: number[][]) => new ort.Tensor('int64', BigInt64Array.from(m.flat(), BigInt), [2, len]);
    const out = await session.run({ input_ids: t(rows), attention_mask: t(mask), token_type_ids: t(rows.map((r) => r.map(() => 0))) });
    const onnx = out.last_hidden_state!.data as Float32Array;
    const reference = tinyBertForward(modelConfig, weights, rows, mask);
    let maxDiff = 0;
    ids.forEach((r, b) => { for (let i = 0; i < r.length * modelConfig.hiddenSize; i++) maxDiff = Math.max(maxDiff, Math.abs(onnx[b * len * modelConfig.hiddenSize + i]! - reference[b * len * modelConfig.hiddenSize + i]!)); });
    expect(maxDiff).toBeLessThan(1e-4);
  });
});

describe('TextEmbedder on any BERT-family folder', () => {
  it('loads and runs a different BERT (other vocabulary, width, depth) written in the Hugging Face layout', async () => {
    const vocab = [...SPECIAL_TOKENS, 'tumor', 'margin', 'negative', 'positive', '##s', '.', 'a', 'b', 'c'];
    const c: TinyBertConfig = { vocabSize: vocab.length, hiddenSize: 12, numHiddenLayers: 1, numAttentionHeads: 3, intermediateSize: 24, maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12 };
    let seed = 1;
    const weights = new Map(tinyBertWeightShapes(c).map(([n, s]) => [n, Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5)]));
    const folder = join(scratch, 'other-bert');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    writeFileSync(join(folder, 'onnx', 'model.onnx'), tinyBertOnnx(c, weights));
    writeFileSync(join(folder, 'config.json'), JSON.stringify(bertConfigJson(c)));
    writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(vocab)));
    writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify(bertTokenizerConfigJson(16)));
    const other = await TextEmbedder.load(folder);
    expect(other.dimension).toBe(12);
    expect(other.maxTokens).toBe(16);
    expect(other.model.id).toMatch(/^other-bert@unversioned\+sha256:[0-9a-f]{12}$/);
    expect(other.tokenIds('Tumor margins negative.')).toEqual([2, 5, 6, 9, 7, 10, 3]);
    const [v] = await other.embed(['Tumor margins negative.']);
    expect(v!.vector.length).toBe(12);
    expect(Math.hypot(...v!.vector)).toBeCloseTo(1, 5);
    // a text longer than its 16-token window is chunked and averaged
    const [long] = await other.embed(['a b c a b c a b c a b c a b c a b c a b c.']);
    expect(long!.chunks).toBe(2);
  });
});
