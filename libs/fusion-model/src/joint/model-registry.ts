// Joint-model versions on disk: <root>/<name>/<version>/ holds model.onnx, ensemble/member-<k>.onnx,
// manifest.json, reference.json, held-out.json (test-split predictions; absent in older versions), metrics.json and MODEL_CARD.md; <root>/<name>/active.json names the active
// version. A version is written to a temporary folder and renamed into place (nothing half-written), never
// overwritten, and loading checks every ONNX file against the manifest.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuiltJointVersion } from './build-model-version';
import { checkJointOnnxAgainstManifest, readJointModelManifest, sha256Hex, type JointModelManifest } from './model-manifest';
import { HELD_OUT_FILE, readHeldOutPredictions, type HeldOutPredictions } from './held-out-predictions';
import { readReferenceCohort, type ReferenceCohort } from './reference-cohort';

export interface VerifiedJointModel {
  folder: string;
  manifest: JointModelManifest;
  reference: ReferenceCohort;
  /** The test split's predictions and outcomes; null for versions written before held-out.json existed. */
  heldOut: HeldOutPredictions | null;
  modelBytes: Uint8Array;
  memberBytes: Uint8Array[];
}

const NAME = /^[a-z][a-z0-9-]*$/;
const VERSION = /^\d+\.\d+\.\d+$/;

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** Reads a version folder and checks it: manifest valid, each ONNX file a model matching the manifest, hashes equal. */
export function verifyJointModelFolder(folder: string): VerifiedJointModel {
  const manifest = readJointModelManifest(folder);
  const read = (entry: { path: string; sha256: string }) => {
    const path = join(folder, entry.path);
    if (!existsSync(path)) throw new Error(`${path}: missing (manifest.json lists it)`);
    const bytes = new Uint8Array(readFileSync(path));
    checkJointOnnxAgainstManifest(bytes, manifest, path, entry.sha256);
    return bytes;
  };
  const modelBytes = read(manifest.files.model);
  const memberBytes = manifest.files.members.map(read);
  const referencePath = join(folder, manifest.files.reference.path);
  const reference = readReferenceCohort(referencePath, manifest.embeddingSize);
  const referenceSha = sha256Hex(readFileSync(referencePath));
  if (referenceSha !== manifest.files.reference.sha256) throw new Error(`${referencePath}: sha256 ${referenceSha} does not match manifest.json (${manifest.files.reference.sha256})`);
  if (reference.memberBaselines.length !== memberBytes.length) throw new Error(`${referencePath}: memberBaselines: expected ${memberBytes.length} (one per ensemble member), found ${reference.memberBaselines.length}`);
  let heldOut: HeldOutPredictions | null = null;
  if (manifest.files.heldOut) {
    const heldOutPath = join(folder, manifest.files.heldOut.path);
    heldOut = readHeldOutPredictions(heldOutPath);
    const heldOutSha = sha256Hex(readFileSync(heldOutPath));
    if (heldOutSha !== manifest.files.heldOut.sha256) throw new Error(`${heldOutPath}: sha256 ${heldOutSha} does not match manifest.json (${manifest.files.heldOut.sha256})`);
  }
  return { folder, manifest, reference, heldOut, modelBytes, memberBytes };
}

export class JointModelRegistry {
  constructor(readonly root: string) {}

  listModels(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true }).filter((d) => d.isDirectory() && NAME.test(d.name)).map((d) => d.name).sort();
  }

  listVersions(name: string): string[] {
    const dir = join(this.root, name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && VERSION.test(d.name)).map((d) => d.name).sort(compareVersions);
  }

  versionFolder(name: string, version: string): string {
    return join(this.root, name, version);
  }

  activeVersion(name: string): string | undefined {
    const path = join(this.root, name, 'active.json');
    if (!existsSync(path)) return undefined;
    const version = (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version;
    if (typeof version !== 'string' || !VERSION.test(version)) throw new Error(`${path}: version: expected "major.minor.patch", found ${JSON.stringify(version)}`);
    return version;
  }

  /** Makes `version` the active one, after checking that it loads. */
  setActive(name: string, version: string): void {
    verifyJointModelFolder(this.versionFolder(name, version));
    const path = join(this.root, name, 'active.json');
    writeFileSync(`${path}.tmp`, `${JSON.stringify({ version }, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }

  /** Loads and verifies a version (default: the active one). */
  load(name: string, version?: string): VerifiedJointModel {
    const v = version ?? this.activeVersion(name);
    if (!v) throw new Error(`${join(this.root, name)}: no active version (active.json) and none asked for; versions: ${this.listVersions(name).join(', ') || 'none'}`);
    const folder = this.versionFolder(name, v);
    if (!existsSync(folder)) throw new Error(`${folder}: no such model version; versions: ${this.listVersions(name).join(', ') || 'none'}`);
    return verifyJointModelFolder(folder);
  }

  /** Writes a new version (refuses an existing one); returns its folder. */
  writeVersion(built: BuiltJointVersion, modelCard: string): string {
    const { name, version } = built.manifest;
    if (!NAME.test(name)) throw new Error(`model name "${name}": expected lowercase letters, digits and dashes`);
    if (!VERSION.test(version)) throw new Error(`model version "${version}": expected major.minor.patch`);
    const folder = this.versionFolder(name, version);
    if (existsSync(folder)) throw new Error(`${folder}: version ${version} of ${name} exists; versions are never overwritten (bump the version)`);
    const temporary = join(this.root, name, `.writing-${version}-${process.pid}`);
    rmSync(temporary, { recursive: true, force: true });
    const referenceJson = JSON.stringify(built.reference);
    const heldOutJson = built.heldOut ? JSON.stringify(built.heldOut) : undefined;
    const manifest: JointModelManifest = {
      ...built.manifest,
      files: {
        model: { path: 'model.onnx', sha256: sha256Hex(built.modelBytes) },
        members: built.memberBytes.map((b, k) => ({ path: `ensemble/member-${k + 1}.onnx`, sha256: sha256Hex(b) })),
        reference: { path: 'reference.json', sha256: sha256Hex(referenceJson) },
        ...(heldOutJson ? { heldOut: { path: HELD_OUT_FILE, sha256: sha256Hex(heldOutJson) } } : {}),
      },
    };
    const files: [string, Uint8Array | string][] = [
      ['model.onnx', built.modelBytes],
      ...built.memberBytes.map((b, k): [string, Uint8Array] => [`ensemble/member-${k + 1}.onnx`, b]),
      ['reference.json', referenceJson],
      ...(heldOutJson ? [[HELD_OUT_FILE, heldOutJson] as [string, string]] : []),
      ['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`],
      ['metrics.json', `${JSON.stringify(built.metrics, null, 2)}\n`],
      ['MODEL_CARD.md', modelCard],
    ];
    try {
      for (const [path, content] of files) {
        mkdirSync(dirname(join(temporary, path)), { recursive: true });
        writeFileSync(join(temporary, path), content);
      }
      verifyJointModelFolder(temporary);
      renameSync(temporary, folder);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      throw error;
    }
    return folder;
  }
}
