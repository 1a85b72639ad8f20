// manifest.json of a joint-model version (zod-validated) and the checks that a folder's ONNX files are models and
// match it: loading never trusts a file the manifest does not describe.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { z } from 'zod';
import { JOINT_ONNX_NAMES, modalityInputName } from './export-joint-onnx';

const fileEntry = z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

export const jointModelManifestSchema = z
  .object({
    format: z.literal('oncoboard-joint-model/1'),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    createdAt: z.string(),
    modalities: z.array(z.object({ id: z.string().min(1), moduleVersion: z.string().min(1), vectorSize: z.number().int().positive(), inputName: z.string().min(1) }).strict()).min(1),
    mask: z.object({ inputName: z.string() }).strict(),
    outputs: z.object({ risk: z.string(), embedding: z.string(), attention: z.string() }).strict(),
    embeddingSize: z.number().int().positive(),
    attentionWidth: z.number().int().positive(),
    opset: z.number().int(),
    // heldOut: held-out.json (test-split predictions); absent in versions written before it existed.
    files: z.object({ model: fileEntry, members: z.array(fileEntry), reference: fileEntry, heldOut: fileEntry.optional() }).strict(),
    preprocessing: z.array(z.object({ modality: z.string(), mean: z.array(z.number()), invStd: z.array(z.number()) }).strict()),
    survival: z.object({ timeUnit: z.string(), head: z.string(), baseline: z.string(), band: z.string() }).strict(),
    // servedRisk: absent = the main model's risk (every version before the option); 'ensemble-mean' = mean over main and members.
    servedRisk: z.object({ kind: z.enum(['main', 'ensemble-mean']), description: z.string() }).strict().optional(),
    training: z
      .object({
        seed: z.number().int(),
        data: z.string(),
        dataSha256: z.string(),
        synthetic: z.boolean(),
        command: z.string(),
        rows: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }).strict(),
        options: z.record(z.string(), z.unknown()),
        bestEpoch: z.number().int(),
        seconds: z.number(),
      })
      .strict(),
  })
  .strict();

export type JointModelManifest = z.infer<typeof jointModelManifestSchema>;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readJointModelManifest(folder: string): JointModelManifest {
  const path = join(folder, 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path}: no manifest.json in this model version folder`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: expected JSON (${(error as Error).message})`);
  }
  const parsed = jointModelManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'));
  return parsed.data;
}

interface GraphIo {
  name: string;
  dims: (number | string)[];
}

/** The graph's inputs and outputs, or a clear error when the bytes are not an ONNX model. */
export function readOnnxGraphIo(bytes: Uint8Array, source: string): { inputs: GraphIo[]; outputs: GraphIo[] } {
  let model: ReturnType<typeof onnxProto.onnx.ModelProto.decode>;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`${source}: not an ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length || !graph.output?.length || !model.opsetImport?.length) {
    throw new Error(`${source}: not an ONNX model (no graph with nodes, outputs and an opset)`);
  }
  const io = (list: typeof graph.input): GraphIo[] =>
    (list ?? []).map((v) => ({
      name: v.name ?? '',
      dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
    }));
  return { inputs: io(graph.input), outputs: io(graph.output) };
}

/** Checks one ONNX file against the manifest: a model, the declared inputs/outputs and sizes, the sha256. */
export function checkJointOnnxAgainstManifest(bytes: Uint8Array, manifest: JointModelManifest, source: string, expectedSha256: string): void {
  const { inputs, outputs } = readOnnxGraphIo(bytes, source);
  const find = (list: GraphIo[], name: string, what: string) => {
    const found = list.find((x) => x.name === name);
    if (!found) throw new Error(`${source}: the graph has no ${what} "${name}" that manifest.json declares (it has ${list.map((x) => `"${x.name}"`).join(', ')})`);
    return found;
  };
  for (const m of manifest.modalities) {
    if (m.inputName !== modalityInputName(m.id)) throw new Error(`${source}: manifest.json: modality ${m.id}: inputName "${m.inputName}", expected "${modalityInputName(m.id)}"`);
    const input = find(inputs, m.inputName, 'input');
    if (input.dims[1] !== m.vectorSize) throw new Error(`${source}: input "${m.inputName}": manifest.json says ${m.vectorSize} values per patient, the graph has ${input.dims[1]}`);
  }
  const mask = find(inputs, manifest.mask.inputName, 'input');
  if (mask.dims[1] !== manifest.modalities.length) throw new Error(`${source}: input "${manifest.mask.inputName}": manifest.json says ${manifest.modalities.length} modalities, the graph has ${mask.dims[1]}`);
  const extra = inputs.filter((i) => i.name !== manifest.mask.inputName && !manifest.modalities.some((m) => m.inputName === i.name));
  if (extra.length > 0) throw new Error(`${source}: the graph has inputs manifest.json does not declare: ${extra.map((x) => `"${x.name}"`).join(', ')}`);
  find(outputs, manifest.outputs.risk, 'output');
  const embedding = find(outputs, manifest.outputs.embedding, 'output');
  if (embedding.dims[1] !== manifest.embeddingSize) throw new Error(`${source}: output "${manifest.outputs.embedding}": manifest.json says ${manifest.embeddingSize} values, the graph has ${embedding.dims[1]}`);
  find(outputs, manifest.outputs.attention, 'output');
  const actual = sha256Hex(bytes);
  if (actual !== expectedSha256) throw new Error(`${source}: sha256 ${actual} does not match manifest.json (${expectedSha256}): the file is not the one this version shipped`);
}

/** The manifest's I/O names for these modalities (what the exporter writes). */
export function jointIoNames(modalityIds: string[]): Pick<JointModelManifest, 'mask' | 'outputs'> & { inputs: string[] } {
  return { inputs: modalityIds.map(modalityInputName), mask: { inputName: JOINT_ONNX_NAMES.mask }, outputs: { risk: JOINT_ONNX_NAMES.risk, embedding: JOINT_ONNX_NAMES.embedding, attention: JOINT_ONNX_NAMES.attention } };
}
