// Writes the project's own models as ONNX graphs: float32/int64 weights as raw little-endian bytes, nodes in the
// order added, no timestamps — the same graph always encodes to the same bytes, so a model's sha256 in its card
// identifies it. Reading back (`readOnnxInitializers`) lets a test or a card check the weights that shipped.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX TensorProto.DataType codes for the element types the project writes. */
const DATA_TYPE = { float32: 1, int64: 7 } as const;
export type OnnxElementType = keyof typeof DATA_TYPE;

/** A dimension: a fixed size, or a name for a dynamic one (e.g. "batch"). */
export type OnnxDim = number | string;

/** Node attribute values; arrays of integers are written as INTS, of other numbers as FLOATS. */
export type OnnxAttributeValue = number | { int: number } | string | readonly number[] | { ints: readonly number[] };

export interface OnnxModelOptions {
  /** Default opset of the ai.onnx domain (default 17: LayerNormalization exists from 17). */
  opset?: number;
  irVersion?: number;
  producerName: string;
  producerVersion?: string;
  modelVersion?: number;
  docString?: string;
  /** Written as the model's metadata_props (e.g. the model card's version, the training data hash). */
  metadata?: Record<string, string>;
}

function littleEndianFloat32(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

function littleEndianInt64(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isSafeInteger(values[i])) throw new Error(`int64 initializer: value ${values[i]} at index ${i} is not a safe integer`);
    view.setBigInt64(i * 8, BigInt(values[i]!), true);
  }
  return bytes;
}

function attribute(name: string, value: OnnxAttributeValue) {
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: 1, f: value };
  if ('int' in value) return { name, type: 2, i: value.int };
  if ('ints' in value) return { name, type: 7, ints: [...value.ints] };
  return { name, type: 6, floats: [...(value as readonly number[])] };
}

/** Kernel, strides and pads of a spatial op (Conv, MaxPool); strides default to 1, pads to 0. */
export interface SpatialOpOptions {
  kernelShape: readonly number[];
  strides?: readonly number[];
  /** Begins for every spatial dim, then ends (length 2 × spatial dims). */
  pads?: readonly number[];
}

function checkedSpatial(op: string, name: string, values: readonly number[], length: number): number[] {
  if (values.length !== length || !values.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${op}: ${name} expected ${length} non-negative integers, got [${values.join(', ')}]`);
  }
  return [...values];
}

function spatialAttributes(op: string, options: SpatialOpOptions): Record<string, OnnxAttributeValue> {
  const n = options.kernelShape.length;
  if (n === 0 || !options.kernelShape.every((k) => Number.isInteger(k) && k >= 1)) throw new Error(`${op}: kernelShape expected positive integers, got [${options.kernelShape.join(', ')}]`);
  const attributes: Record<string, OnnxAttributeValue> = { kernel_shape: { ints: [...options.kernelShape] } };
  if (options.strides) attributes.strides = { ints: checkedSpatial(op, 'strides', options.strides, n) };
  if (options.pads) attributes.pads = { ints: checkedSpatial(op, 'pads', options.pads, 2 * n) };
  return attributes;
}

/** Builds one ONNX graph; `toBytes` encodes it as a ModelProto. */
export class OnnxGraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private readonly names = new Set<string>();
  private nodeCount = 0;

  constructor(readonly graphName: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.graphName}: the name "${name}" is already used`);
    this.names.add(name);
    return name;
  }

  private valueInfo(name: string, type: OnnxElementType, dims: readonly OnnxDim[]) {
    return {
      name,
      type: { tensorType: { elemType: DATA_TYPE[type], shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
    };
  }

  input(name: string, type: OnnxElementType, dims: readonly OnnxDim[]): string {
    this.inputs.push(this.valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares a graph output; `name` must be produced by a node. */
  output(name: string, type: OnnxElementType, dims: readonly OnnxDim[]): string {
    this.outputs.push(this.valueInfo(name, type, dims));
    return name;
  }

  /** A constant tensor (weights); values are row-major. */
  initializer(name: string, type: OnnxElementType, dims: readonly number[], values: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`ONNX graph ${this.graphName}: initializer "${name}" has ${values.length} values, its dims ${dims.join('x') || 'scalar'} hold ${size}`);
    const rawData = type === 'float32' ? littleEndianFloat32(values) : littleEndianInt64(values);
    this.initializers.push({ name: this.claim(name), dims: [...dims], dataType: DATA_TYPE[type], rawData });
    return name;
  }

  /**
   * Adds a node. `outputs` may be names or a count (then fresh names `<opType>_<n>_<i>` are made); returns the
   * output names so graphs read as a chain of calls.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number = 1,
    attributes: Record<string, OnnxAttributeValue> = {},
    options: { name?: string; domain?: string } = {},
  ): string[] {
    const index = this.nodeCount++;
    const names = typeof outputs === 'number'
      ? Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}_${index}_${i}`)
      : [...outputs];
    for (const n of names) this.claim(n);
    this.nodes.push({
      name: options.name ?? `${opType.toLowerCase()}_${index}`,
      opType,
      ...(options.domain ? { domain: options.domain } : {}),
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** The single output of a one-output node. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}): string {
    return this.node(opType, inputs, 1, attributes)[0]!;
  }

  /**
   * Convolution (ONNX Conv, any number of spatial dims) of `input` [N, C, ...spatial] with `weight`
   * [M, C/group, ...kernel] and an optional `bias` [M]. `pads` are ONNX order: all begins, then all ends (TensorFlow's
   * 'same' with stride 2 on an even size pads only at the end, e.g. [0, 0, 0, 1, 1, 1] in 3D).
   */
  conv(input: string, weight: string, bias: string | undefined, options: SpatialOpOptions & { dilations?: readonly number[]; group?: number }): string {
    const attributes = spatialAttributes('Conv', options);
    if (options.dilations) attributes.dilations = { ints: checkedSpatial('Conv', 'dilations', options.dilations, options.kernelShape.length) };
    if (options.group !== undefined) attributes.group = { int: options.group };
    return this.op('Conv', bias ? [input, weight, bias] : [input, weight], attributes);
  }

  /** Max pooling (ONNX MaxPool) over the spatial dims of [N, C, ...spatial]. */
  maxPool(input: string, options: SpatialOpOptions): string {
    return this.op('MaxPool', [input], spatialAttributes('MaxPool', options));
  }

  /** Mean over all spatial dims: [N, C, ...spatial] → [N, C, 1, ...]. */
  globalAveragePool(input: string): string {
    return this.op('GlobalAveragePool', [input]);
  }

  /** [N, d1, d2, ...] → [N, d1·d2·…] (ONNX Flatten, axis 1): channel-major for an NC… tensor. */
  flatten(input: string): string {
    return this.op('Flatten', [input], { axis: { int: 1 } });
  }

  toBytes(options: OnnxModelOptions): Uint8Array {
    if (this.outputs.length === 0) throw new Error(`ONNX graph ${this.graphName}: no output declared`);
    const model = onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      producerName: options.producerName,
      producerVersion: options.producerVersion ?? '1',
      modelVersion: options.modelVersion ?? 1,
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export interface OnnxInitializer {
  dims: number[];
  values: Float32Array | BigInt64Array;
}

/** Reads the raw-data initializers (weights) of an ONNX model, e.g. to check what a shipped model holds. */
export function readOnnxInitializers(bytes: Uint8Array): Map<string, OnnxInitializer> {
  const model = onnx.ModelProto.decode(bytes);
  const out = new Map<string, OnnxInitializer>();
  for (const t of model.graph?.initializer ?? []) {
    if (!t.name || !t.rawData) continue;
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const dims = (t.dims ?? []).map(Number);
    if (t.dataType === DATA_TYPE.float32) {
      const values = new Float32Array(raw.byteLength / 4);
      for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
      out.set(t.name, { dims, values });
    } else if (t.dataType === DATA_TYPE.int64) {
      const values = new BigInt64Array(raw.byteLength / 8);
      for (let i = 0; i < values.length; i++) values[i] = view.getBigInt64(i * 8, true);
      out.set(t.name, { dims, values });
    }
  }
  return out;
}

/** The model's metadata_props as a plain object. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
