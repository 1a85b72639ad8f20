// Runs an exported joint model with onnxruntime-node. CPU by default; CUDA is opt-in: when asked for and it
// cannot load (no CUDA library, no GPU), the runner falls back to CPU explicitly, reports why through
// onFallback, and records the provider actually used (same pattern as libs/imaging's ONNX encoder runner).
import * as ort from 'onnxruntime-node';
import { JOINT_ONNX_NAMES, modalityInputName } from './export-joint-onnx';
import type { JointModalitySpec } from './joint-weights';

export type ExecutionProviderName = 'cpu' | 'cuda';

export interface JointRunnerOptions {
  /** Providers in order of preference (default ['cpu']); 'cuda' falls back to 'cpu' when it cannot load. */
  executionProviders?: ExecutionProviderName[];
  /** Told once when a provider falls back, with the reason (e.g. to a logger). */
  onFallback?: (message: string) => void;
}

export interface JointRunOutput {
  risk: Float32Array;
  embedding: Float32Array;
  attention: Float32Array;
}

export class OnnxJointRunner {
  private constructor(
    readonly source: string,
    readonly modalities: JointModalitySpec[],
    readonly session: ort.InferenceSession,
    /** The provider actually used. */
    readonly provider: ExecutionProviderName,
    /** The provider asked for first, when it differs from the one used. */
    readonly fallbackFrom: ExecutionProviderName | undefined,
    readonly fallbackReason: string | undefined,
  ) {}

  /** Loads `model` (bytes or a path; `source` names it in errors) for these modalities. */
  static async load(model: Uint8Array | string, modalities: JointModalitySpec[], options: JointRunnerOptions & { source?: string } = {}): Promise<OnnxJointRunner> {
    const source = options.source ?? (typeof model === 'string' ? model : 'model.onnx');
    const wanted = options.executionProviders?.length ? options.executionProviders : (['cpu'] as ExecutionProviderName[]);
    const failures: string[] = [];
    for (const candidate of [...wanted, 'cpu' as const]) {
      try {
        const session = typeof model === 'string'
          ? await ort.InferenceSession.create(model, { executionProviders: [candidate] })
          : await ort.InferenceSession.create(model, { executionProviders: [candidate] });
        const reason = candidate !== wanted[0] ? `${source}: execution provider ${wanted[0]} unavailable, using ${candidate} (${failures.join('; ')})` : undefined;
        if (reason) options.onFallback?.(reason);
        const expectedInputs = [...modalities.map((m) => modalityInputName(m.id)), JOINT_ONNX_NAMES.mask];
        for (const name of expectedInputs) {
          if (!session.inputNames.includes(name)) throw new Error(`${source}: the graph has no input "${name}" (it has ${session.inputNames.map((n) => `"${n}"`).join(', ')})`);
        }
        for (const name of [JOINT_ONNX_NAMES.risk, JOINT_ONNX_NAMES.embedding, JOINT_ONNX_NAMES.attention]) {
          if (!session.outputNames.includes(name)) throw new Error(`${source}: the graph has no output "${name}" (it has ${session.outputNames.map((n) => `"${n}"`).join(', ')})`);
        }
        return new OnnxJointRunner(source, modalities, session, candidate, reason ? wanted[0] : undefined, reason);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0]!;
        if (message.startsWith(`${source}: the graph has no`)) throw error;
        failures.push(`${candidate}: ${message}`);
        if (candidate === 'cpu') throw new Error(`${source}: not a loadable ONNX model (onnxruntime: ${failures.join('; ')})`);
      }
    }
    throw new Error(`${source}: no execution provider could load it`);
  }

  /** inputs: per modality [batch × vectorSize] (zeros where missing); mask [batch × M]. */
  async run(inputs: Float32Array[], mask: Float32Array, batch: number): Promise<JointRunOutput> {
    const M = this.modalities.length;
    if (mask.length !== batch * M) throw new Error(`${this.source}: mask: expected ${batch * M} values (${batch} × ${M}), found ${mask.length}`);
    for (let i = 0; i < batch; i++) {
      if (!mask.subarray(i * M, (i + 1) * M).some((v) => v > 0.5)) throw new Error(`${this.source}: row ${i}: no modality present (not enough data to predict)`);
    }
    const feeds: Record<string, ort.Tensor> = { [JOINT_ONNX_NAMES.mask]: new ort.Tensor('float32', mask, [batch, M]) };
    this.modalities.forEach((m, i) => {
      const x = inputs[i]!;
      if (x.length !== batch * m.vectorSize) throw new Error(`${this.source}: ${m.id}: expected ${batch * m.vectorSize} values (${batch} × ${m.vectorSize}), found ${x.length}`);
      feeds[modalityInputName(m.id)] = new ort.Tensor('float32', x, [batch, m.vectorSize]);
    });
    const out = await this.session.run(feeds);
    return {
      risk: out[JOINT_ONNX_NAMES.risk]!.data as Float32Array,
      embedding: out[JOINT_ONNX_NAMES.embedding]!.data as Float32Array,
      attention: out[JOINT_ONNX_NAMES.attention]!.data as Float32Array,
    };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
