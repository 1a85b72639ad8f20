// Serves a verified joint-model version with onnxruntime-node: per patient the risk and its percentile in the
// reference cohort, the survival curve with the ensemble band, leave-one-modality-out contributions, and the k
// most similar reference patients in the fused embedding space — stamped with the model version and encodings.
import type { ModalityEncoding } from '../modality-module';
import { baselineHazardAt } from './breslow-baseline';
import { meanRisk } from './ensemble-risk';
import { checkEncoding, NotEnoughDataError } from './joint-dataset';
import type { JointModalitySpec } from './joint-weights';
import { OnnxJointRunner, type JointRunnerOptions } from './onnx-runner';
import type { ModalityContribution, Prediction } from './prediction';
import { BruteForceCosineIndex, type SimilarPatientIndex } from './similar-patients';
import type { VerifiedJointModel } from './model-registry';

export interface PredictOptions {
  /** Similar patients to return (default 5). */
  k?: number;
  /** Timestamp to stamp (default now). */
  now?: Date;
}

export class JointModelPredictor {
  readonly #modalities: JointModalitySpec[];
  private constructor(
    readonly model: VerifiedJointModel,
    readonly main: OnnxJointRunner,
    readonly members: OnnxJointRunner[],
    readonly similarIndex: SimilarPatientIndex,
  ) {
    this.#modalities = model.manifest.modalities.map((m) => ({ id: m.id, moduleVersion: m.moduleVersion, vectorSize: m.vectorSize }));
  }

  /** Opens the runners of a verified version (JointModelRegistry.load or verifyJointModelFolder). */
  static async open(model: VerifiedJointModel, options: JointRunnerOptions & { similarIndex?: SimilarPatientIndex } = {}): Promise<JointModelPredictor> {
    const mods = model.manifest.modalities.map((m) => ({ id: m.id, moduleVersion: m.moduleVersion, vectorSize: m.vectorSize }));
    const main = await OnnxJointRunner.load(model.modelBytes, mods, { ...options, source: `${model.folder}/model.onnx` });
    const members: OnnxJointRunner[] = [];
    for (const [k, bytes] of model.memberBytes.entries()) {
      members.push(await OnnxJointRunner.load(bytes, mods, { ...options, onFallback: undefined, executionProviders: [main.provider], source: `${model.folder}/${model.manifest.files.members[k]!.path}` }));
    }
    const index = options.similarIndex ?? new BruteForceCosineIndex(Float32Array.from(model.reference.embedding), model.manifest.embeddingSize);
    return new JointModelPredictor(model, main, members, index);
  }

  get modalities(): JointModalitySpec[] {
    return this.#modalities;
  }

  /**
   * Predicts for one patient from the encodings the modality modules gave (absent or undefined = missing
   * modality). A patient with none of the model's modalities gets a NotEnoughDataError, never a default.
   */
  async predict(patientKey: string, encodings: readonly (ModalityEncoding | undefined)[], options: PredictOptions = {}): Promise<Prediction> {
    const mods = this.#modalities;
    const M = mods.length;
    const given = encodings.filter((e): e is ModalityEncoding => !!e);
    const byId = new Map<string, ModalityEncoding>();
    for (const e of given) {
      if (byId.has(e.moduleId)) throw new Error(`${patientKey}: two encodings of module ${e.moduleId}`);
      byId.set(e.moduleId, e);
    }
    const present: number[] = [];
    mods.forEach((spec, m) => {
      const e = byId.get(spec.id);
      if (!e) return;
      checkEncoding(spec, e, patientKey);
      present.push(m);
    });
    if (present.length === 0) {
      throw new NotEnoughDataError(`${patientKey} has none of the modalities ${mods.map((m) => m.id).join(', ')} that model ${this.model.manifest.name}@${this.model.manifest.version} uses`);
    }
    // Row 0: everything the patient has; row 1 + j: the same with present[j] masked (leave-one-modality-out).
    const leaveOut = present.length > 1 ? present : [];
    const batch = 1 + leaveOut.length;
    const inputs = mods.map((spec) => new Float32Array(batch * spec.vectorSize));
    const mask = new Float32Array(batch * M);
    for (let r = 0; r < batch; r++) {
      for (const m of present) {
        if (r > 0 && leaveOut[r - 1] === m) continue;
        inputs[m]!.set(byId.get(mods[m]!.id)!.vector, r * mods[m]!.vectorSize);
        mask[r * M + m] = 1;
      }
    }
    const out = await this.main.run(inputs, mask, batch);
    // Members run on row 0 for the band; on every row when the version serves the ensemble-mean risk.
    const ensembleMean = this.model.manifest.servedRisk?.kind === 'ensemble-mean';
    const row0 = { inputs: mods.map((spec, m) => inputs[m]!.slice(0, spec.vectorSize)), mask: mask.slice(0, M) };
    const memberOut: Float32Array[] = [];
    for (const member of this.members) memberOut.push((ensembleMean ? await member.run(inputs, mask, batch) : await member.run(row0.inputs, row0.mask, 1)).risk);
    const servedRisk = ensembleMean ? meanRisk([out.risk, ...memberOut]) : out.risk;
    const risk = servedRisk[0]!;
    const d = this.model.manifest.embeddingSize;
    const embedding = out.embedding.slice(0, d);

    const ref = this.model.reference;
    const riskPercentile = (100 * ref.risk.filter((r) => r <= risk).length) / ref.risk.length;

    const memberRisks = memberOut.map((r) => r[0]!);
    const times = ref.baseline.times;
    const survival = times.map((_, i) => Math.exp(-ref.baseline.cumulativeHazard[i]! * Math.exp(risk)));
    const memberCurves = memberRisks.map((r, k) => times.map((t) => Math.exp(-baselineHazardAt(ref.memberBaselines[k]!, t) * Math.exp(r))));
    const lower = times.map((_, i) => (memberCurves.length ? Math.min(...memberCurves.map((c) => c[i]!)) : survival[i]!));
    const upper = times.map((_, i) => (memberCurves.length ? Math.max(...memberCurves.map((c) => c[i]!)) : survival[i]!));

    const contributions: ModalityContribution[] = present.map((m) => {
      const attention = out.attention[m]!;
      const j = leaveOut.indexOf(m);
      if (j < 0) {
        return { moduleId: mods[m]!.id, method: 'leave-one-modality-out', riskWithoutModality: null, contribution: null, attention, note: 'the patient has no other modality: the model cannot predict without this one' };
      }
      const without = servedRisk[1 + j]!;
      return { moduleId: mods[m]!.id, method: 'leave-one-modality-out', riskWithoutModality: without, contribution: without - risk, attention };
    });

    const similarPatients = this.similarIndex.query(embedding, options.k ?? 5).map((hit) => {
      const p = ref.patients[hit.index]!;
      return { patientKey: p.patientKey, distance: hit.distance, outcome: { time: p.time, event: p.event, timeUnit: ref.timeUnit }, treatments: p.treatments };
    });

    return {
      modelId: this.model.manifest.name,
      version: this.model.manifest.version,
      modelSha256: this.model.manifest.files.model.sha256,
      createdAt: (options.now ?? new Date()).toISOString(),
      patientKey,
      encodings: present.map((m) => {
        const e = byId.get(mods[m]!.id)!;
        return { moduleId: e.moduleId, moduleVersion: e.moduleVersion, inputHash: e.inputHash };
      }),
      ignoredEncodings: given.filter((e) => !mods.some((m) => m.id === e.moduleId)).map((e) => e.moduleId),
      provider: this.main.provider,
      ...(this.main.fallbackFrom ? { fallbackFrom: this.main.fallbackFrom } : {}),
      risk,
      riskPercentile,
      referenceCohortSize: ref.risk.length,
      survival: { timeUnit: ref.timeUnit, times, survival, lower, upper, band: this.model.manifest.survival.band },
      contributions,
      similarPatients,
      similarity: 'cosine distance between fused embeddings, brute force over the reference cohort (the training rows)',
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.main.close(), ...this.members.map((m) => m.close())]);
  }
}
