// Runs any ONNX image encoder described by a manifest (manifest.ts) with onnxruntime-node: a small pool of
// sessions, batching where the graph's batch dimension is dynamic, and execution providers from configuration.
// CUDA is opt-in: when it is asked for and cannot be loaded (no CUDA library, as on machines without a GPU),
// the encoder falls back to CPU explicitly, says why, and every encoding records the provider actually used.
// session.run executes on onnxruntime's own threads, so the Node event loop (the API) stays responsive.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readEncoderManifest, type EncoderManifest } from './manifest';

export type ExecutionProviderName = 'cpu' | 'cuda';

export interface OnnxEncoderOptions {
  /** Providers in order of preference (default ['cpu']). 'cuda' falls back to 'cpu' when it cannot load. */
  executionProviders?: ExecutionProviderName[];
  /** Sessions in the pool (default 1); each runs one batch at a time. */
  sessions?: number;
  /** Inputs per run when the batch dimension is dynamic (default 8). */
  maxBatch?: number;
  /** Told once when a provider falls back, with the reason (e.g. to a logger). */
  onFallback?: (message: string) => void;
}

export interface Encoding {
  vector: Float32Array;
  encoder: { id: string; version: string };
  provider: ExecutionProviderName;
  /** The provider that was asked for first, when it differs from the one used. */
  fallbackFrom?: ExecutionProviderName;
}

interface PooledSession {
  session: ort.InferenceSession;
  busy: Promise<unknown>;
}

export class OnnxEncoder {
  readonly manifest: EncoderManifest;
  readonly provider: ExecutionProviderName;
  readonly fallbackReason?: string;
  readonly #requested: ExecutionProviderName;
  readonly #pool: PooledSession[];
  readonly #maxBatch: number;
  #next = 0;

  private constructor(manifest: EncoderManifest, pool: PooledSession[], provider: ExecutionProviderName, requested: ExecutionProviderName, maxBatch: number, fallbackReason?: string) {
    this.manifest = manifest;
    this.#pool = pool;
    this.provider = provider;
    this.#requested = requested;
    this.#maxBatch = maxBatch;
    this.fallbackReason = fallbackReason;
  }

  /** Loads the encoder in `folder` (encoder.json + the ONNX file); checks the graph has the manifest's input and output. */
  static async load(folder: string, options: OnnxEncoderOptions = {}): Promise<OnnxEncoder> {
    const manifest = readEncoderManifest(folder);
    const modelPath = join(folder, manifest.file);
    const wanted = options.executionProviders?.length ? options.executionProviders : (['cpu'] as ExecutionProviderName[]);
    const create = (provider: ExecutionProviderName) =>
      // A failed CUDA attempt also prints onnxruntime's own error line to stderr (its process-wide logger);
      // onFallback carries the same reason to the caller's logger.
      ort.InferenceSession.create(modelPath, { executionProviders: [provider] });
    let provider: ExecutionProviderName | undefined;
    let first: ort.InferenceSession | undefined;
    const failures: string[] = [];
    for (const candidate of [...wanted, 'cpu' as const]) {
      try {
        first = await create(candidate);
        provider = candidate;
        break;
      } catch (error) {
        failures.push(`${candidate}: ${(error as Error).message.split('\n')[0]}`);
        if (candidate === 'cpu') throw new Error(`${modelPath}: could not be loaded by onnxruntime (${failures.join('; ')})`);
      }
    }
    const reason = provider !== wanted[0] ? `${manifest.id}: execution provider ${wanted[0]} unavailable, using ${provider} (${failures.join('; ')})` : undefined;
    if (reason) options.onFallback?.(reason);
    const sessions = [first!];
    for (let i = 1; i < Math.max(1, options.sessions ?? 1); i++) sessions.push(await create(provider!));
    for (const [what, names, name] of [
      ['input', first!.inputNames, manifest.input.name],
      ['output', first!.outputNames, manifest.output.name],
    ] as const) {
      if (!names.includes(name)) throw new Error(`${join(folder, 'encoder.json')}: ${what}.name: the graph has no ${what} "${name}" (it has ${names.map((n) => `"${n}"`).join(', ')})`);
    }
    return new OnnxEncoder(manifest, sessions.map((session) => ({ session, busy: Promise.resolve() })), provider!, wanted[0]!, options.maxBatch ?? 8, reason);
  }

  /** The per-input shape (without the batch dimension), with dynamic dimensions taken from `dims`. */
  #checkInput(data: Float32Array, dims: readonly number[], index: number): void {
    const declared = this.manifest.input.shape.slice(1);
    if (dims.length !== declared.length) throw new Error(`${this.manifest.id}: input ${index}: expected ${declared.length} dimensions (${declared.join('x')}), got ${dims.length}`);
    declared.forEach((d, i) => {
      if (typeof d === 'number' && dims[i] !== d) throw new Error(`${this.manifest.id}: input ${index}: dimension ${i + 1} must be ${d}, got ${dims[i]}`);
    });
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`${this.manifest.id}: input ${index}: ${data.length} values for shape ${dims.join('x')} (${size} expected)`);
  }

  /** Pools one output (batch item `b`) into the embedding. */
  #pool1(output: ort.Tensor, b: number): Float32Array {
    const values = output.data as Float32Array;
    const per = values.length / output.dims[0]!;
    const item = values.subarray(b * per, (b + 1) * per);
    let vector: Float32Array;
    if (this.manifest.output.pooling === 'flatten') vector = Float32Array.from(item);
    else {
      const channels = output.dims[1]!;
      const spatial = per / channels;
      vector = new Float32Array(channels);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let s = 0; s < spatial; s++) sum += item[c * spatial + s]!;
        vector[c] = sum / spatial;
      }
    }
    if (vector.length !== this.manifest.output.embeddingSize) {
      throw new Error(`${this.manifest.id}: output ${this.manifest.output.name} gives ${vector.length} values per input after ${this.manifest.output.pooling}, the manifest says embeddingSize ${this.manifest.output.embeddingSize}`);
    }
    return vector;
  }

  /** Runs a batch on the next session of the pool once it is free. */
  async #run(batch: { data: Float32Array; dims: readonly number[] }[]): Promise<Float32Array[]> {
    const pooled = this.#pool[this.#next++ % this.#pool.length]!;
    const run = pooled.busy.then(async () => {
      const dims = [batch.length, ...batch[0]!.dims];
      const data = new Float32Array(batch.reduce((n, x) => n + x.data.length, 0));
      let at = 0;
      for (const x of batch) {
        data.set(x.data, at);
        at += x.data.length;
      }
      const result = await pooled.session.run({ [this.manifest.input.name]: new ort.Tensor('float32', data, dims) });
      const output = result[this.manifest.output.name]!;
      return batch.map((_, b) => this.#pool1(output, b));
    });
    pooled.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * Encodes inputs (each without the batch dimension). Inputs of equal shape are batched when the graph's batch
   * dimension is dynamic; batches run in parallel over the session pool. Order is kept.
   */
  async encode(inputs: { data: Float32Array; dims: readonly number[] }[]): Promise<Encoding[]> {
    inputs.forEach((x, i) => this.#checkInput(x.data, x.dims, i));
    const batchable = typeof this.manifest.input.shape[0] === 'string';
    const batches: number[][] = [];
    for (let i = 0; i < inputs.length; i++) {
      const last = batches.at(-1);
      const sameShape = last && inputs[last[0]!]!.dims.join('x') === inputs[i]!.dims.join('x');
      if (batchable && last && sameShape && last.length < this.#maxBatch) last.push(i);
      else batches.push([i]);
    }
    const vectors = new Array<Float32Array>(inputs.length);
    await Promise.all(
      batches.map(async (indexes) => {
        const out = await this.#run(indexes.map((i) => inputs[i]!));
        indexes.forEach((i, b) => (vectors[i] = out[b]!));
      }),
    );
    const encoder = { id: this.manifest.id, version: this.manifest.version };
    return vectors.map((vector) => ({ vector, encoder, provider: this.provider, ...(this.provider !== this.#requested ? { fallbackFrom: this.#requested } : {}) }));
  }

  async close(): Promise<void> {
    await Promise.all(this.#pool.map(async (p) => {
      await p.busy;
      await p.session.release();
    }));
  }
}
