// Trains the project's default sentence encoder (models/civic-bert-mini): a WordPiece vocabulary and a 2-layer
// BERT trained from scratch with an in-batch contrastive (InfoNCE) objective on the CC0 CIViC knowledge base,
// exported to ONNX with the standard BERT interface, checked against onnxruntime and evaluated on held-out
// variants against a TF-IDF baseline and the same network before training. Deterministic (seeded, pure-JS
// single-threaded arithmetic); progress on stderr.
//
//   node --import tsx libs/pathology/scripts/train-text-encoder.ts [--out <folder>] [--steps N] [--civic <folder>]
//
// Needs the CIViC 01-Aug-2021 release (default /work/shared/datasets/civic/01-Aug-2021).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '@oncoboard/facts';
import {
  bertConfigJson, tinyBertForward, tinyBertOnnx, tinyBertParameterCount, tinyBertWeightShapes,
  type TinyBertConfig, type TinyBertWeights,
} from '../src/embedding/tiny-bert';
import { AdamOptimizer, contrastiveGradients, embedSequence, forwardSequence } from '../src/embedding/tiny-bert-training';
import { bertTokenizerConfigJson, bertTokenizerJson, trainWordPiece, WordPieceTokenizer } from '../src/embedding/wordpiece';
import { retrievalMetrics, TfidfIndex, type RetrievalQuery } from '../src/embedding/retrieval-metrics';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const out = resolve(arg('--out') ?? join(here, '..', 'models', 'civic-bert-mini'));
const civicDir = resolve(arg('--civic') ?? '/work/shared/datasets/civic/01-Aug-2021');

const MODEL_NAME = 'civic-bert-mini';
const MODEL_VERSION = '1.0.0';
const SEED = 20261202; // split, batches
const INIT_SEED = 4; // weight initialisation
const VOCAB_SIZE = 4096;
const MAX_LENGTH = 128;
const HELD_OUT_FRACTION = 0.15;
const BATCH = 16;
const STEPS = Number(arg('--steps') ?? 180);
const WARMUP = 15;
const PEAK_LR = 2e-3;
const TEMPERATURE = 0.05;
const config: TinyBertConfig = {
  vocabSize: VOCAB_SIZE, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128,
  maxPositionEmbeddings: MAX_LENGTH, typeVocabSize: 2, layerNormEps: 1e-12,
};
const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[train-text-encoder ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

// ---------- data ----------
function readTsv(file: string, textColumn?: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = lines[0]!.split('\t');
  const textAt = textColumn ? header.indexOf(textColumn) : -1;
  return lines.slice(1).map((line, n) => {
    let f = line.split('\t');
    if (f.length > header.length) {
      // VariantSummaries: a few summaries hold tabs; they belong to the free-text column.
      if (textAt < 0) throw new Error(`${file}:${n + 2}: expected ${header.length} fields, found ${f.length}`);
      const extra = f.length - header.length;
      f = [...f.slice(0, textAt), f.slice(textAt, textAt + extra + 1).join(' '), ...f.slice(textAt + extra + 1)];
    }
    if (f.length !== header.length) throw new Error(`${file}:${n + 2}: expected ${header.length} fields, found ${f.length}`);
    return Object.fromEntries(header.map((h, i) => [h, f[i]!]));
  });
}

const files = {
  evidence: join(civicDir, '01-Aug-2021-ClinicalEvidenceSummaries.tsv'),
  variants: join(civicDir, '01-Aug-2021-VariantSummaries.tsv'),
  genes: join(civicDir, '01-Aug-2021-GeneSummaries.tsv'),
};
const evidence = readTsv(files.evidence).filter((r) => r.evidence_statement!.trim().length > 0);
const variantRows = readTsv(files.variants, 'summary');
const geneRows = readTsv(files.genes, 'description');
log(`CIViC: ${evidence.length} evidence statements, ${variantRows.length} variant summaries, ${geneRows.length} gene summaries`);

/** The structured description of an evidence item, as a query a user might type. */
function describeEvidence(r: Record<string, string>): string {
  const drugs = r.drugs ? ` treated with ${r.drugs.split(',').join(', ')}` : '';
  return `${r.gene} ${r.variant} in ${r.disease}${drugs}: ${r.evidence_type} evidence, ${r.evidence_direction} ${r.clinical_significance}`.replace(/\s+/g, ' ');
}

// Split by variant: every evidence item and the summary of a held-out variant stay out of training.
const variantIds = [...new Set(evidence.map((r) => r.variant_id!))].sort((a, b) => Number(a) - Number(b));
const splitRandom = mulberry32(SEED);
const shuffledVariants = [...variantIds];
for (let i = shuffledVariants.length - 1; i > 0; i--) {
  const j = Math.floor(splitRandom() * (i + 1));
  [shuffledVariants[i], shuffledVariants[j]] = [shuffledVariants[j]!, shuffledVariants[i]!];
}
const heldOutVariants = new Set(shuffledVariants.slice(0, Math.round(HELD_OUT_FRACTION * shuffledVariants.length)));
const trainEvidence = evidence.filter((r) => !heldOutVariants.has(r.variant_id!));
const testEvidence = evidence.filter((r) => heldOutVariants.has(r.variant_id!));
const trainVariantSummaries = variantRows.filter((r) => r.summary!.trim() && !heldOutVariants.has(r.variant_id!));
const geneSummaries = geneRows.filter((r) => r.description!.trim());
log(`split by variant (seed ${SEED}): ${variantIds.length - heldOutVariants.size} training variants / ${trainEvidence.length} statements; ${heldOutVariants.size} held-out variants / ${testEvidence.length} statements`);

// ---------- vocabulary (training texts only) ----------
const vocabTexts = [
  ...trainEvidence.map((r) => r.evidence_statement!),
  ...trainEvidence.map(describeEvidence),
  ...trainVariantSummaries.map((r) => r.summary!),
  ...geneSummaries.map((r) => r.description!),
];
const vocab = trainWordPiece(vocabTexts, { vocabSize: VOCAB_SIZE, minCharFrequency: 2 });
if (vocab.length !== VOCAB_SIZE) throw new Error(`vocabulary: expected ${VOCAB_SIZE} tokens, training produced ${vocab.length}`);
const tokenizer = new WordPieceTokenizer(vocab);
log(`WordPiece vocabulary: ${vocab.length} tokens`);

// ---------- training pairs ----------
interface Pair { a: number[]; b: number[]; group: string; kind: string }
const pairs: Pair[] = [];
const enc = (t: string) => tokenizer.encode(t, MAX_LENGTH);
/** Variant summaries are long; the pair uses their opening (≤ 48 tokens), which names the variant and its role. */
const SUMMARY_TOKENS = 48;
for (const r of trainEvidence) pairs.push({ a: enc(describeEvidence(r)), b: enc(r.evidence_statement!), group: r.variant_id!, kind: 'description-statement' });
const byVariantDisease = new Map<string, Record<string, string>[]>();
for (const r of trainEvidence) {
  const key = `${r.variant_id}|${r.disease}`;
  byVariantDisease.set(key, [...(byVariantDisease.get(key) ?? []), r]);
}
for (const rows of byVariantDisease.values()) {
  for (let i = 0; i + 1 < rows.length; i++) {
    if (rows[i]!.evidence_statement === rows[i + 1]!.evidence_statement) continue;
    pairs.push({ a: enc(rows[i]!.evidence_statement!), b: enc(rows[i + 1]!.evidence_statement!), group: rows[i]!.variant_id!, kind: 'statement-statement' });
  }
}
const summaryByVariant = new Map(trainVariantSummaries.map((r) => [r.variant_id!, r.summary!]));
for (const r of trainEvidence) {
  const s = summaryByVariant.get(r.variant_id!);
  if (s) pairs.push({ a: enc(r.evidence_statement!), b: tokenizer.encode(s, SUMMARY_TOKENS), group: r.variant_id!, kind: 'statement-variant-summary' });
}
const kindCounts = Object.fromEntries([...new Set(pairs.map((p) => p.kind))].map((k) => [k, pairs.filter((p) => p.kind === k).length]));
log(`training pairs: ${JSON.stringify(kindCounts)}`);

/** Batches of distinct variants (no in-batch negative is about the same variant), reshuffled every epoch. */
function* batches(random: () => number): Generator<Pair[]> {
  for (;;) {
    const order = [...pairs];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let remaining = order;
    while (remaining.length >= BATCH) {
      const batch: Pair[] = [];
      const used = new Set<string>();
      const rest: Pair[] = [];
      for (const p of remaining) {
        if (batch.length < BATCH && !used.has(p.group)) { batch.push(p); used.add(p.group); } else rest.push(p);
      }
      if (batch.length < BATCH) break;
      yield batch;
      remaining = rest;
    }
  }
}

// ---------- model ----------
function initialWeights(seed: number): TinyBertWeights {
  const random = mulberry32(seed);
  const normal = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const w: TinyBertWeights = new Map();
  for (const [name, shape] of tinyBertWeightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    if (name.endsWith('LayerNorm.weight')) v.fill(1);
    else if (shape.length === 2) for (let i = 0; i < size; i++) v[i] = 0.02 * normal();
    if (name === 'embeddings.word_embeddings.weight') v.fill(0, 0, config.hiddenSize); // [PAD] row
    w.set(name, v);
  }
  return w;
}

const initWeights = initialWeights(INIT_SEED);
const weights: TinyBertWeights = new Map([...initWeights].map(([n, v]) => [n, Float32Array.from(v)]));

/** Sentence embeddings (mean pooling + L2) with the given weights. */
function embedAll(w: TinyBertWeights, texts: readonly string[]): Float32Array[] {
  return texts.map((t) => embedSequence(config, w, enc(t)));
}

// ---------- training ----------
const optimizer = new AdamOptimizer(0.9, 0.999, 1e-8);
const batchRandom = mulberry32(SEED + 1);
const batchStream = batches(batchRandom);
const losses: { step: number; loss: number }[] = [];
log(`model: ${tinyBertParameterCount(config)} parameters; ${STEPS} steps of ${BATCH} pairs, InfoNCE τ=${TEMPERATURE}`);
const trainStart = Date.now();
let running = 0;
for (let step = 1; step <= STEPS; step++) {
  const lr = step <= WARMUP ? (PEAK_LR * step) / WARMUP : PEAK_LR * Math.max(0.05, (STEPS - step) / (STEPS - WARMUP));
  const batch = batchStream.next().value as Pair[];
  const { loss, grads } = contrastiveGradients(config, weights, batch, TEMPERATURE);
  optimizer.step(weights, grads, lr);
  running += loss;
  if (step % 25 === 0 || step === 1) {
    const mean = step === 1 ? loss : running / 25;
    losses.push({ step, loss: Math.round(mean * 10000) / 10000 });
    log(`step ${step}/${STEPS} lr ${lr.toExponential(2)} loss ${mean.toFixed(4)} (${((Date.now() - trainStart) / step).toFixed(0)} ms/step)`);
    running = 0;
  }
}
const trainSeconds = (Date.now() - trainStart) / 1000;

// ---------- export ----------
const trained = weights;
const metadata = { name: MODEL_NAME, version: MODEL_VERSION, training: 'libs/pathology/scripts/train-text-encoder.ts', data: 'CIViC 01-Aug-2021 (CC0)' };
const onnxBytes = tinyBertOnnx(config, trained, { metadata, docString: `${MODEL_NAME} ${MODEL_VERSION}: 2-layer BERT sentence encoder trained on CIViC (CC0); see MODEL_CARD.md` });
mkdirSync(join(out, 'onnx'), { recursive: true });
writeFileSync(join(out, 'onnx', 'model.onnx'), onnxBytes);
writeFileSync(join(out, 'config.json'), `${JSON.stringify(bertConfigJson(config, { _name_or_path: MODEL_NAME, oncoboard_model_version: MODEL_VERSION }), null, 2)}\n`);
writeFileSync(join(out, 'tokenizer.json'), `${JSON.stringify(bertTokenizerJson(vocab), null, 1)}\n`);
writeFileSync(join(out, 'tokenizer_config.json'), `${JSON.stringify(bertTokenizerConfigJson(MAX_LENGTH), null, 2)}\n`);
writeFileSync(join(out, 'special_tokens_map.json'), `${JSON.stringify({ unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' }, null, 2)}\n`);
writeFileSync(join(out, 'vocab.txt'), `${vocab.join('\n')}\n`);
log(`wrote ${out} (model.onnx ${onnxBytes.length} bytes, sha256 ${sha256(onnxBytes)})`);

// ---------- parity: training forward pass and JS reference vs onnxruntime on held-out sentences ----------
const paritySentences = testEvidence.slice(0, 16).map((r) => r.evidence_statement!);
const paritySeqs = paritySentences.map(enc);
const pbS = Math.max(...paritySeqs.map((q) => q.length));
const pbB = paritySeqs.length;
const idRows = paritySeqs.map((q) => [...q, ...new Array(pbS - q.length).fill(tokenizer.padId)]);
const maskRows = paritySeqs.map((q) => [...q.map(() => 1), ...new Array(pbS - q.length).fill(0)]);
const session = await ort.InferenceSession.create(onnxBytes);
const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [pbB, pbS]);
const ortOut = await session.run({
  input_ids: int64(idRows), attention_mask: int64(maskRows), token_type_ids: int64(idRows.map((r) => r.map(() => 0))),
});
const ortHidden = ortOut.last_hidden_state!.data as Float32Array;
const referenceHidden = tinyBertForward(config, trained, idRows, maskRows);
const h = config.hiddenSize;
let parityTraining = 0;
let parityReference = 0;
paritySeqs.forEach((q, b) => {
  const mine = forwardSequence(config, trained, q).hidden;
  for (let t = 0; t < q.length; t++) for (let j = 0; j < h; j++) {
    const o = ortHidden[(b * pbS + t) * h + j]!;
    parityTraining = Math.max(parityTraining, Math.abs(mine[t * h + j]! - o));
    parityReference = Math.max(parityReference, Math.abs(referenceHidden[(b * pbS + t) * h + j]! - o));
  }
});
const parityMaxAbs = Math.max(parityTraining, parityReference);
log(`parity vs onnxruntime on ${pbB} held-out statements (padded to ${pbS}): training forward max |Δ| = ${parityTraining.toExponential(2)}, float64 reference max |Δ| = ${parityReference.toExponential(2)}`);
if (!(parityMaxAbs <= 1e-4)) throw new Error(`parity: the JavaScript model and onnxruntime differ by ${parityMaxAbs}, expected ≤ 1e-4`);

// Tokenizer agreement: the project's WordPiece vs transformers.js reading tokenizer.json.
const { AutoTokenizer, env } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${dirname(out)}/`;
const hfTokenizer = await AutoTokenizer.from_pretrained(basename(out));
const tokenizerCheckTexts = testEvidence.map((r) => r.evidence_statement!);
let tokenizerAgree = 0;
for (const t of tokenizerCheckTexts) {
  // Without truncation: transformers.js truncates after adding [SEP] (drops it), the embedder never truncates.
  const hf = (hfTokenizer(t).input_ids as { data: BigInt64Array }).data;
  const mine = tokenizer.encode(t, 1_000_000);
  if (hf.length === mine.length && mine.every((v, i) => BigInt(v) === hf[i])) tokenizerAgree++;
}
log(`tokenizer agreement with transformers.js on held-out statements: ${tokenizerAgree}/${tokenizerCheckTexts.length}`);

// ---------- evaluation on held-out variants ----------
const corpus = testEvidence.map((r) => r.evidence_statement!);
const sameText = (i: number) => corpus.flatMap((t, j) => (t === corpus[i] ? [j] : []));
// Task A: structured description → its own statement (any held-out statement with identical text counts).
const taskA = testEvidence.map((r, i) => ({ query: describeEvidence(r), relevant: sameText(i), exclude: [] as number[] }));
// Task B: a statement → another statement about the same variant and disease (its own text excluded).
const taskB = testEvidence.flatMap((r, i) => {
  const own = sameText(i);
  const relevant = testEvidence.flatMap((o, j) => (o.variant_id === r.variant_id && o.disease === r.disease && !own.includes(j) ? [j] : []));
  return relevant.length ? [{ query: r.evidence_statement!, relevant, exclude: own }] : [];
});
const tfidf = new TfidfIndex(corpus);
const cosine = (a: Float32Array, b: Float32Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
const docCache = new Map<TinyBertWeights, Float32Array[]>();
function evaluate(weights: TinyBertWeights | 'tfidf') {
  const run = (task: { query: string; relevant: number[]; exclude: number[] }[]): RetrievalQuery[] => {
    if (weights === 'tfidf') return task.map((q) => ({ scores: tfidf.scores(q.query), relevant: q.relevant, exclude: q.exclude }));
    const docs = docCache.get(weights) ?? embedAll(weights, corpus);
    docCache.set(weights, docs);
    const qs = task.map((q) => { const i = corpus.indexOf(q.query); return i >= 0 ? docs[i]! : embedAll(weights, [q.query])[0]!; });
    return task.map((q, i) => ({ scores: docs.map((d) => cosine(qs[i]!, d)), relevant: q.relevant, exclude: q.exclude }));
  };
  return { descriptionToStatement: retrievalMetrics(run(taskA)), statementToSameVariantDisease: retrievalMetrics(run(taskB)) };
}
const metrics = {
  model: evaluate(trained),
  tfidf: evaluate('tfidf'),
  randomInit: evaluate(initWeights),
};
for (const [name, m] of Object.entries(metrics)) log(`${name}: ${JSON.stringify(m)}`);

const training = {
  model: MODEL_NAME,
  version: MODEL_VERSION,
  command: 'node --import tsx libs/pathology/scripts/train-text-encoder.ts',
  data: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { file: f.split('/').slice(-2).join('/'), sha256: sha256(readFileSync(f)) }])),
  split: {
    by: 'variant_id', seed: SEED, heldOutFraction: HELD_OUT_FRACTION,
    trainingVariants: variantIds.length - heldOutVariants.size, heldOutVariants: heldOutVariants.size,
    trainingStatements: trainEvidence.length, heldOutStatements: testEvidence.length,
    trainingVariantSummaries: trainVariantSummaries.length, geneSummaries: geneSummaries.length,
    heldOutVariantIds: [...heldOutVariants].sort((a, b) => Number(a) - Number(b)).map(Number),
  },
  trainingTruncation: { statementsAndDescriptions: MAX_LENGTH, variantSummaries: SUMMARY_TOKENS },
  vocabulary: { size: vocab.length, trainedOn: 'training statements, their descriptions, training variant summaries, all gene summaries', minCharFrequency: 2 },
  architecture: { ...config, parameters: tinyBertParameterCount(config) },
  objective: { kind: 'in-batch InfoNCE (symmetric), mean pooling over the attention mask, L2-normalised', temperature: TEMPERATURE, pairs: kindCounts, batchOfDistinctVariants: BATCH },
  optimisation: { optimizer: 'Adam(0.9, 0.999, 1e-8)', peakLearningRate: PEAK_LR, warmupSteps: WARMUP, schedule: 'linear warm-up, linear decay to 5%', steps: STEPS, initSeed: INIT_SEED, batchSeed: SEED + 1 },
  losses,
  parity: { sentences: pbB, paddedLength: pbS, maxAbsDiffTrainingForwardVsOnnxruntime: parityTraining, maxAbsDiffFloat64ReferenceVsOnnxruntime: parityReference, unpaddedPositionsOnly: true },
  tokenizerAgreementWithTransformersJs: { identical: tokenizerAgree, of: tokenizerCheckTexts.length },
  evaluation: {
    corpus: `the ${corpus.length} held-out evidence statements`,
    descriptionToStatement: 'query: describeEvidence(row) = "<gene> <variant> in <disease>[ treated with <drugs>]: <evidence_type> evidence, <direction> <significance>"; relevant: that row\'s statement',
    statementToSameVariantDisease: 'query: a held-out statement; relevant: other held-out statements about the same variant and disease; the query\'s own text excluded',
    tieRule: 'a relevant document ranks after every other document with an equal or higher score',
    metrics,
  },
  onnx: { file: 'onnx/model.onnx', bytes: onnxBytes.length, sha256: sha256(onnxBytes), opset: 17 },
  wallSeconds: { training: Math.round(trainSeconds), total: Math.round((Date.now() - t0) / 1000) },
};
writeFileSync(join(out, 'training.json'), `${JSON.stringify(training, null, 2)}\n`);
log(`wrote training.json; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
