// Sentence and report embeddings with transformers.js (@huggingface/transformers) from a local BERT-family model
// folder — config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx — never from the network.
// The vector of a text is the mean of the model's last_hidden_state over the attention mask, L2-normalised.
// A text longer than the model's window is cut at sentence boundaries (then at word boundaries) into chunks that
// fit; `embedSentences` returns one vector per chunk with its character span, `embed` averages them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { splitSentences } from '../context/sentences';
import { BertFastTokenizer } from './bert-fast-tokenizer';

/** A character span [start, end) of the embedded text. */
export interface TextSpan {
  start: number;
  end: number;
}

/** Which model made a vector: name, version and the sha256 of its ONNX file, as `id` = name@version+sha256:<12 hex>. */
export interface EmbeddingModelVersion {
  name: string;
  version: string;
  onnxSha256: string;
  id: string;
}

export interface TextEmbedding {
  vector: Float32Array;
  /** EmbeddingModelVersion.id of the model that produced it. */
  model: string;
  /** Number of chunks averaged (1 when the text fits the model's window). */
  chunks: number;
}

export interface SentenceEmbedding extends TextEmbedding {
  span: TextSpan;
  text: string;
}

/** The files a model folder needs, and what each is. */
const REQUIRED_FILES: [string, string][] = [
  ['config.json', "the model's Hugging Face configuration"],
  ['tokenizer.json', 'a Hugging Face tokenizers file'],
  ['tokenizer_config.json', "the tokenizer's Hugging Face configuration"],
  ['onnx/model.onnx', 'an ONNX export of a BERT-family model'],
];

const ModelConfig = z.object({
  model_type: z.string(),
  hidden_size: z.number().int().positive().optional(),
  dim: z.number().int().positive().optional(), // DistilBERT
  max_position_embeddings: z.number().int().positive().optional(),
  _name_or_path: z.string().optional(),
  oncoboard_model_version: z.string().optional(),
}).passthrough();

/** Mean of `hidden` [batch, seq, dim] over the positions where mask = 1; one vector per row. */
export function meanPool(hidden: ArrayLike<number>, dims: readonly [number, number, number], mask: ArrayLike<number | bigint>): Float32Array[] {
  const [batch, seq, dim] = dims;
  const out: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      const m = mask[b * seq + t];
      if (m === 0 || m === 0n) continue;
      count++;
      const o = (b * seq + t) * dim;
      for (let j = 0; j < dim; j++) acc[j] = acc[j]! + hidden[o + j]!;
    }
    const v = new Float32Array(dim);
    if (count > 0) for (let j = 0; j < dim; j++) v[j] = acc[j]! / count;
    out.push(v);
  }
  return out;
}

/** The vector scaled to unit Euclidean length (a zero vector stays zero). */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const norm = Math.sqrt(n);
  const out = new Float32Array(v.length);
  if (norm > 0) for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Throws the error a user reads when the folder lacks one of the files a model needs. */
export function checkModelFolder(folder: string): void {
  for (const [file, what] of REQUIRED_FILES) {
    if (!existsSync(join(folder, file))) throw new Error(`${folder}: expected ${file} (${what})`);
  }
}

/**
 * What a model folder is, without loading it: its version (name, version, ONNX sha256) and vector length. Cheap
 * (reads config.json and hashes the ONNX file), so a caller can state the model version before the first encode.
 */
export function readModelFolderIdentity(folder: string): { model: EmbeddingModelVersion; dimension: number; config: z.infer<typeof ModelConfig> } {
  const dir = resolve(folder);
  checkModelFolder(dir);
  let config: z.infer<typeof ModelConfig>;
  try {
    config = ModelConfig.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  } catch (e) {
    throw new Error(`${join(dir, 'config.json')}: expected a Hugging Face model configuration with model_type (${(e as Error).message.split('\n')[0]})`);
  }
  const dimension = config.hidden_size ?? config.dim;
  if (!dimension) throw new Error(`${join(dir, 'config.json')}: expected hidden_size (or dim), found neither`);
  const onnxSha256 = createHash('sha256').update(readFileSync(join(dir, 'onnx', 'model.onnx'))).digest('hex');
  const name = config._name_or_path || basename(dir);
  const version = config.oncoboard_model_version ?? 'unversioned';
  return { model: { name, version, onnxSha256, id: `${name}@${version}+sha256:${onnxSha256.slice(0, 12)}` }, dimension, config };
}

type Transformers = typeof import('@huggingface/transformers');
let transformersModule: Promise<Transformers> | undefined;

/** transformers.js configured for local files only: no remote hub, no cache writes. */
async function localTransformers(): Promise<Transformers> {
  transformersModule ??= import('@huggingface/transformers').then((t) => {
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.useFSCache = false;
    t.env.useBrowserCache = false;
    return t;
  });
  return transformersModule;
}

interface Tokenized {
  input_ids: { data: BigInt64Array; dims: number[] };
  attention_mask: { data: BigInt64Array; dims: number[] };
  token_type_ids?: { data: BigInt64Array; dims: number[] };
}

export interface TextEmbedderOptions {
  /** Texts per model call (default 32). */
  batchSize?: number;
  /**
   * How the ONNX model runs: "onnxruntime" (default) — our own onnxruntime-node session fed the token ids
   * directly; "transformers.js" — transformers.js's AutoModel (its session, its tensors). Same vectors.
   */
  runtime?: 'onnxruntime' | 'transformers.js';
  /** Tokenize plain uncased BERT WordPiece tokenizers with BertFastTokenizer (default true); false: transformers.js always. */
  fastTokenizer?: boolean;
}

type OrtModule = typeof import('onnxruntime-node');
interface OrtRunner {
  ort: OrtModule;
  session: import('onnxruntime-node').InferenceSession;
}

export class TextEmbedder {
  private constructor(
    readonly folder: string,
    readonly model: EmbeddingModelVersion,
    /** Length of every vector. */
    readonly dimension: number,
    /** Tokens per model call including [CLS] and [SEP]. */
    readonly maxTokens: number,
    private readonly tokenizer: any,
    private readonly network: any,
    private readonly batchSize: number,
    private readonly fast: BertFastTokenizer | undefined,
    private readonly runner: OrtRunner | undefined,
  ) {}

  private bigIdCache: bigint[] | undefined;
  private get bigIds(): bigint[] {
    return (this.bigIdCache ??= Array.from({ length: 1 << 16 }, (_, i) => BigInt(i)));
  }

  /** Which tokenizer and runtime this embedder uses (for benchmarks and logs). */
  get path(): { tokenizer: 'bert-fast' | 'transformers.js'; runtime: 'onnxruntime' | 'transformers.js' } {
    return { tokenizer: this.fast ? 'bert-fast' : 'transformers.js', runtime: this.runner ? 'onnxruntime' : 'transformers.js' };
  }

  /** Loads a BERT-family model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx). */
  static async load(folder: string, options: TextEmbedderOptions = {}): Promise<TextEmbedder> {
    const dir = resolve(folder);
    const { model, dimension, config } = readModelFolderIdentity(dir);
    const { name, version, onnxSha256 } = model;
    const t = await localTransformers();
    const tokenizer = await t.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const viaTransformers = options.runtime === 'transformers.js';
    const network = viaTransformers ? await t.AutoModel.from_pretrained(dir, { local_files_only: true, dtype: 'fp32', device: 'cpu' }) : undefined;
    let runner: OrtRunner | undefined;
    if (!viaTransformers) {
      const ort = await import('onnxruntime-node');
      try {
        runner = { ort, session: await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx')) };
      } catch (e) {
        throw new Error(`${join(dir, 'onnx', 'model.onnx')}: expected an ONNX model onnxruntime can load (${(e as Error).message.split('\n')[0]})`);
      }
      if (!runner.session.inputNames.includes('input_ids')) throw new Error(`${join(dir, 'onnx', 'model.onnx')}: expected an input "input_ids", found ${runner.session.inputNames.join(', ')}`);
    }
    // The fast tokenizer only for the transformers-free path's usual case, never with the transformers.js runtime
    // (whose model call wants transformers.js tensors).
    const fast = options.fastTokenizer === false || viaTransformers ? undefined : BertFastTokenizer.fromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), (tokenizer as { pad_token?: string }).pad_token ?? '[PAD]');
    const tokenizerMax = Number((tokenizer as { model_max_length?: number }).model_max_length);
    const maxTokens = Math.min(config.max_position_embeddings ?? 512, Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? tokenizerMax : Infinity);
    return new TextEmbedder(dir, model, dimension, maxTokens, tokenizer, network, options.batchSize ?? 32, fast, runner);
  }

  /** Token ids with [CLS]/[SEP] as the model sees them. */
  tokenIds(text: string): number[] {
    if (this.fast?.handles(text)) return this.fast.encode(text);
    return this.tokenizer.encode(text) as number[];
  }

  /** Tokenizes a batch (padded to its longest text, truncated to maxTokens). */
  tokenize(texts: readonly string[]): Tokenized {
    const fast = this.fast;
    if (!fast || !texts.every((t) => fast.handles(t))) return this.tokenizer([...texts], { padding: true, truncation: true, max_length: this.maxTokens }) as Tokenized;
    const rows = texts.map((t) => fast.encode(t, this.maxTokens));
    let seq = 1;
    for (const r of rows) if (r.length > seq) seq = r.length;
    const dims = [rows.length, seq];
    const ids = new BigInt64Array(rows.length * seq).fill(BigInt(fast.padId));
    const mask = new BigInt64Array(rows.length * seq);
    const big = this.bigIds; // BigInt of each id, made once: BigInt() per token costs more than the model's input copy
    rows.forEach((row, b) => {
      for (let i = 0; i < row.length; i++) {
        const id = row[i]!;
        ids[b * seq + i] = big[id] ?? BigInt(id);
        mask[b * seq + i] = 1n;
      }
    });
    return { input_ids: { data: ids, dims }, attention_mask: { data: mask, dims }, token_type_ids: { data: new BigInt64Array(rows.length * seq), dims } };
  }

  /** The model's last_hidden_state for a tokenized batch, as [batch, seq, dim]. */
  async lastHiddenState(inputs: Tokenized): Promise<{ data: Float32Array; dims: [number, number, number] }> {
    if (this.runner) {
      const { ort, session } = this.runner;
      const dims = inputs.input_ids.dims;
      const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
      for (const name of session.inputNames) {
        const given = name === 'input_ids' ? inputs.input_ids : name === 'attention_mask' ? inputs.attention_mask : name === 'token_type_ids' ? inputs.token_type_ids : undefined;
        feeds[name] = new ort.Tensor('int64', given ? given.data : new BigInt64Array(dims[0]! * dims[1]!), dims);
      }
      const out = await session.run(feeds);
      const hidden = out.last_hidden_state ?? out[session.outputNames[0]!]!;
      return { data: hidden.data as Float32Array, dims: hidden.dims as [number, number, number] };
    }
    const out = await this.network(inputs);
    const hidden = out.last_hidden_state ?? out.token_embeddings ?? Object.values(out)[0];
    return { data: hidden.data as Float32Array, dims: hidden.dims as [number, number, number] };
  }

  /**
   * Mean-pooled, L2-normalised vectors of texts that each fit the window (longer ones are truncated). Batches are
   * pipelined: the next batch is tokenized, and the previous one pooled, while onnxruntime runs the current one.
   */
  async embedChunks(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const pool = (inputs: Tokenized, hidden: { data: Float32Array; dims: [number, number, number] }) => {
      for (const v of meanPool(hidden.data, hidden.dims, inputs.attention_mask.data)) out.push(l2Normalize(v));
    };
    let pending: { inputs: Tokenized; run: Promise<{ data: Float32Array; dims: [number, number, number] }> } | undefined;
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const inputs = this.tokenize(texts.slice(i, i + this.batchSize));
      const run = this.lastHiddenState(inputs);
      if (pending) pool(pending.inputs, await pending.run);
      pending = { inputs, run };
    }
    if (pending) pool(pending.inputs, await pending.run);
    return out;
  }

  /**
   * Chunks of `text` that fit the window: its sentences (the pathology sentence splitter), a sentence longer
   * than the window cut at whitespace; each with its character span in `text`.
   */
  chunkSpans(text: string): TextSpan[] {
    const limit = this.maxTokens - 2;
    const spans: TextSpan[] = [];
    for (const sentence of splitSentences(text)) {
      const piece = text.slice(sentence.start, sentence.end);
      if (this.tokenIds(piece).length - 2 <= limit) {
        spans.push(sentence);
        continue;
      }
      let start = -1;
      let end = -1;
      let tokens = 0;
      for (const m of piece.matchAll(/\S+/g)) {
        const wordStart = sentence.start + m.index!;
        const wordEnd = wordStart + m[0].length;
        const n = this.tokenIds(m[0]).length - 2;
        if (start >= 0 && tokens + n > limit) {
          spans.push({ start, end });
          start = -1;
          tokens = 0;
        }
        if (start < 0) start = wordStart;
        end = wordEnd;
        tokens += n;
      }
      if (start >= 0) spans.push({ start, end });
    }
    return spans;
  }

  /** One vector per sentence (or window-sized chunk of a long sentence), with its character span. */
  async embedSentences(text: string): Promise<SentenceEmbedding[]> {
    const spans = this.chunkSpans(text);
    const vectors = await this.embedChunks(spans.map((s) => text.slice(s.start, s.end)));
    return spans.map((span, i) => ({ span, text: text.slice(span.start, span.end), vector: vectors[i]!, model: this.model.id, chunks: 1 }));
  }

  /**
   * One vector per text: a text that fits the window is embedded whole; a longer one (a report) is the
   * normalised mean of its chunks' vectors.
   */
  async embed(texts: readonly string[]): Promise<TextEmbedding[]> {
    const fits = texts.map((t) => this.tokenIds(t).length <= this.maxTokens);
    const whole = await this.embedChunks(texts.filter((_, i) => fits[i]));
    let w = 0;
    const out: TextEmbedding[] = [];
    for (let i = 0; i < texts.length; i++) {
      if (fits[i]) {
        out.push({ vector: whole[w++]!, model: this.model.id, chunks: 1 });
        continue;
      }
      const chunks = await this.embedSentences(texts[i]!);
      const sum = new Float64Array(this.dimension);
      for (const c of chunks) for (let j = 0; j < this.dimension; j++) sum[j] = sum[j]! + c.vector[j]!;
      out.push({ vector: l2Normalize(sum), model: this.model.id, chunks: chunks.length });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.runner?.session.release();
    await this.network?.dispose?.();
  }
}
