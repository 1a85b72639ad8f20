import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';

/** The modalities the joint model knows; a module serves exactly one. */
export type Modality = 'clinical' | 'imaging' | 'pathology' | 'genomics' | (string & {});

/** What a module produced for one patient: a fixed-size vector, the facts it relied on, and its own version. */
export interface ModalityEncoding {
  moduleId: string;
  moduleVersion: string;
  vector: Float32Array;
  /** Provenance of every input the vector was computed from, so a prediction can cite its evidence. */
  usedEvidence: Provenance[];
  /** Hash of the inputs: encodings are cached by (module id, module version, input hash). */
  inputHash: string;
}

/**
 * The extension point (modeled on OHIF's extensions): a plain object declaring what it provides.
 * The fusion model, the API and the UI list modules from the registry, so a new module appears everywhere
 * without edits elsewhere.
 */
export interface ModalityModule<Inputs = unknown> {
  id: string;
  version: string;
  modality: Modality;
  /** Length of every vector this module returns. */
  vectorSize: number;
  description?: string;
  /** Gathers this patient's inputs from the normalized facts; undefined when the patient has none (missing modality). */
  collectInputs(patientKey: PatientKey, facts: readonly Fact[]): Promise<Inputs | undefined> | Inputs | undefined;
  /** Turns the inputs into an encoding. */
  encode(inputs: Inputs): Promise<Omit<ModalityEncoding, 'moduleId' | 'moduleVersion'>> | Omit<ModalityEncoding, 'moduleId' | 'moduleVersion'>;
}

export class ModalityModuleRegistry {
  private readonly modules = new Map<string, ModalityModule>();

  register(module: ModalityModule<any>): void {
    if (!/^[a-z][a-z0-9-]*$/.test(module.id)) {
      throw new Error(`modality module id "${module.id}": expected lowercase letters, digits and dashes`);
    }
    if (!Number.isInteger(module.vectorSize) || module.vectorSize <= 0) {
      throw new Error(`modality module ${module.id}: vectorSize: expected a positive integer, found ${module.vectorSize}`);
    }
    if (this.modules.has(module.id)) throw new Error(`modality module ${module.id} is already registered`);
    this.modules.set(module.id, module);
  }

  list(): ModalityModule[] {
    return [...this.modules.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): ModalityModule | undefined {
    return this.modules.get(id);
  }

  /** Runs one module for one patient; undefined when the patient lacks this modality. */
  async encodePatient(id: string, patientKey: PatientKey, facts: readonly Fact[]): Promise<ModalityEncoding | undefined> {
    const module = this.modules.get(id);
    if (!module) throw new Error(`modality module ${id} is not registered`);
    const inputs = await module.collectInputs(patientKey, facts);
    if (inputs === undefined) return undefined;
    const encoded = await module.encode(inputs);
    if (encoded.vector.length !== module.vectorSize) {
      throw new Error(`modality module ${module.id}@${module.version}: encode returned ${encoded.vector.length} values, expected vectorSize ${module.vectorSize}`);
    }
    if (encoded.vector.some((v) => !Number.isFinite(v))) {
      throw new Error(`modality module ${module.id}@${module.version}: encode returned a non-finite value`);
    }
    return { moduleId: module.id, moduleVersion: module.version, ...encoded };
  }
}
