// Embedding throughput: the TextEmbedder pipeline (its tokenizer — BertFastTokenizer for plain BERT WordPiece,
// else transformers.js — + its onnxruntime-node session + mean pooling + normalisation) against a bare onnxruntime-node session running the same model on the same,
// already-tokenized ids, in the same process and run. The two paths alternate batch by batch so that a change in
// the machine's load hits both; the ratio is the median of the per-round ratios. Prints a table; the last line is one JSON object.
//
//   node --import tsx libs/pathology/scripts/bench-embedding.ts [--model <folder>] [--reports N] [--rounds R]
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '@oncoboard/facts';
import { TextEmbedder } from '../src/embedding/text-embedder';
import { bertConfigJson, tinyBertOnnx, tinyBertWeightShapes, type TinyBertConfig } from '../src/embedding/tiny-bert';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const folder = resolve(arg('--model') ?? join(here, '..', 'models', 'civic-bert-mini'));
const REPORTS = Number(arg('--reports') ?? 256);
const ROUNDS = Number(arg('--rounds') ?? 9);
const BATCH = 32;
const TARGET_RATIO = 1.2;

// Short synthetic pathology reports (2–4 sentences, each report within the 128-token window), seeded.
const random = mulberry32(20261202);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
const sentences = [
  () => `${pick(['Invasive ductal carcinoma', 'Adenocarcinoma', 'Squamous cell carcinoma', 'Invasive lobular carcinoma'])}, grade ${pick([1, 2, 3])}, measuring ${(1 + random() * 40).toFixed(1)} mm.`,
  () => `Margins are ${pick(['free of tumor', 'involved', 'close (1 mm)'])}.`,
  () => `${pick(['ER', 'PR', 'HER2', 'PD-L1', 'Ki-67'])} is ${pick(['positive', 'negative', 'equivocal'])} by immunohistochemistry.`,
  () => `Lymphovascular invasion is ${pick(['present', 'not identified'])}; ${Math.floor(random() * 12)} of ${12 + Math.floor(random() * 10)} lymph nodes are involved.`,
  () => `Next-generation sequencing detected ${pick(['KRAS G12C', 'EGFR L858R', 'BRAF V600E', 'PIK3CA H1047R', 'TP53 R273H'])} at a variant allele fraction of ${Math.floor(5 + random() * 50)}%.`,
];
const reports = Array.from({ length: REPORTS }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)()).join(' '));

async function measure(modelFolder: string, rounds: number) {
  const embedder = await TextEmbedder.load(modelFolder, { batchSize: BATCH });
  for (const r of reports) if (embedder.tokenIds(r).length > embedder.maxTokens) throw new Error(`bench: a report exceeds the model window: ${r}`);
  const batches = Array.from({ length: Math.ceil(REPORTS / BATCH) }, (_, i) => reports.slice(i * BATCH, (i + 1) * BATCH));
  // The same token ids, prepared once for the bare session.
  const feeds = batches.map((b) => {
    const t = embedder.tokenize(b);
    const dims = t.input_ids.dims;
    const tensor = (x: { data: BigInt64Array } | undefined) => new ort.Tensor('int64', x ? x.data : new BigInt64Array(dims[0]! * dims[1]!), dims);
    return { input_ids: tensor(t.input_ids), attention_mask: tensor(t.attention_mask), token_type_ids: tensor(t.token_type_ids) };
  });
  const session = await ort.InferenceSession.create(readFileSync(join(modelFolder, 'onnx', 'model.onnx')));

  /** One round: every batch through the pipeline, then the same batch through the bare session, back to back. */
  async function round(): Promise<{ pipeline: number; bare: number; tokenize: number }> {
    let pipeline = 0;
    let bare = 0;
    let tokenize = 0;
    for (let i = 0; i < batches.length; i++) {
      let t = performance.now();
      await embedder.embedChunks(batches[i]!);
      pipeline += performance.now() - t;
      t = performance.now();
      await session.run(feeds[i]!);
      bare += performance.now() - t;
      t = performance.now();
      embedder.tokenize(batches[i]!);
      tokenize += performance.now() - t;
    }
    return { pipeline, bare, tokenize };
  }
  await round(); // warm-up
  const results: { pipeline: number; bare: number; tokenize: number }[] = [];
  for (let r = 0; r < rounds; r++) results.push(await round());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pMs = median(results.map((r) => r.pipeline));
  const bMs = median(results.map((r) => r.bare));
  const tokMs = median(results.map((r) => r.tokenize));
    // The ratio of each round (both paths measured under the same load), then the median over rounds.
  const ratio = median(results.map((r) => r.pipeline / r.bare));
  const meanTokens = reports.reduce((n, r) => n + embedder.tokenIds(r).length, 0) / REPORTS;
  return { embedder, pMs, bMs, tokMs, ratio, meanTokens };
}

const shipped = await measure(folder, ROUNDS);
// The same tokenizer with a randomly initialised BERT of BERT-mini size (hidden 256, 4 layers, 4 heads): the
// pipeline's extra cost is per token and fixed, so its share shrinks as the network grows.
const largerFolder = join(mkdtempSync(join(tmpdir(), 'bench-embedding-')), 'random-bert-mini-size');
{
  const c: TinyBertConfig = { vocabSize: JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')).vocab_size, hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024, maxPositionEmbeddings: 128, typeVocabSize: 2, layerNormEps: 1e-12 };
  const rnd = mulberry32(7);
  const w = new Map(tinyBertWeightShapes(c).map(([n, shape]) => [n, Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => (n.endsWith('LayerNorm.weight') ? 1 : (rnd() - 0.5) * 0.04))]));
  mkdirSync(join(largerFolder, 'onnx'), { recursive: true });
  writeFileSync(join(largerFolder, 'onnx', 'model.onnx'), tinyBertOnnx(c, w));
  writeFileSync(join(largerFolder, 'config.json'), JSON.stringify(bertConfigJson(c)));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(folder, f), join(largerFolder, f));
}
const larger = await measure(largerFolder, Math.max(3, Math.ceil(ROUNDS / 3)));
rmSync(dirname(largerFolder), { recursive: true, force: true });
const rate = (ms: number) => (REPORTS * 1000) / ms;
const { embedder, pMs, bMs, tokMs, ratio, meanTokens } = shipped;

const rows = [
  ['path', 'median ms / round', 'reports/s', 'ratio'],
  ['TextEmbedder (tokenize + run + pool)', pMs.toFixed(1), rate(pMs).toFixed(0), ratio.toFixed(3)],
  ['bare onnxruntime-node session (same ids)', bMs.toFixed(1), rate(bMs).toFixed(0), '1.000'],
  [`  of which: tokenization alone (${embedder.path.tokenizer})`, tokMs.toFixed(1), rate(tokMs).toFixed(0), ''],
  ['random BERT-mini size (h256, 4 layers): TextEmbedder', larger.pMs.toFixed(1), rate(larger.pMs).toFixed(0), larger.ratio.toFixed(3)],
  ['random BERT-mini size: bare session (same ids)', larger.bMs.toFixed(1), rate(larger.bMs).toFixed(0), '1.000'],
];
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`embedding throughput — ${embedder.model.id} (tokenizer ${embedder.path.tokenizer}, runtime ${embedder.path.runtime}), ${REPORTS} reports (mean ${meanTokens.toFixed(1)} tokens), batch ${BATCH}, median of ${ROUNDS} rounds, the two paths alternating batch by batch`);
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(JSON.stringify({
  bench: 'pathology-embedding', model: embedder.model.id, path: embedder.path, reports: REPORTS, meanTokens: Math.round(meanTokens * 10) / 10, batch: BATCH, rounds: ROUNDS,
  pipelineReportsPerSec: Math.round(rate(pMs)), bareOrtReportsPerSec: Math.round(rate(bMs)), tokenizeMsPerRound: Math.round(tokMs),
  overheadRatio: Math.round(ratio * 1000) / 1000, targetRatio: TARGET_RATIO, withinTarget: ratio <= TARGET_RATIO,
  bertMiniSizeRandom: { pipelineReportsPerSec: Math.round(rate(larger.pMs)), bareOrtReportsPerSec: Math.round(rate(larger.bMs)), overheadRatio: Math.round(larger.ratio * 1000) / 1000, withinTarget: larger.ratio <= TARGET_RATIO },
}));
