// Shared types and validation for the preprocessing transforms (MONAI-style, pure, composable).
import { voxelCount, type Vec3, type Volume, type VoxelArray } from '../volume';

/** Grid size before/after one step. */
export interface GridSummary {
  dims: Vec3;
  spacing: Vec3;
}

/** One applied step, so an encoding can say exactly how its input was made. */
export interface TransformRecord {
  name: string;
  params: Readonly<Record<string, unknown>>;
  before: GridSummary;
  after: GridSummary;
}

/** What flows through a pipeline. `mask`, when present, must share the image's grid. */
export interface TransformState {
  image: Volume;
  mask?: Volume;
  record: readonly TransformRecord[];
}

/** A pure step: never mutates its input; returns new state with one record entry appended per step. */
export interface Transform {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  apply(input: TransformState): TransformState;
}

/** Thrown for invalid arguments; the message names the argument and what was expected. */
export class TransformArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformArgumentError';
  }
}

function fail(message: string): never {
  throw new TransformArgumentError(message);
}

/** Checks dims, spacing, origin, direction and voxel count of a volume; `arg` names it in errors. */
export function validateVolume(v: Volume | undefined, arg: string): asserts v is Volume {
  if (!v || typeof v !== 'object') fail(`${arg}: expected a Volume, got ${v === undefined ? 'undefined' : typeof v}`);
  if (!Array.isArray(v.dims) || v.dims.length !== 3 || !v.dims.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`${arg}.dims: expected three positive integers, got ${JSON.stringify(v.dims)}`);
  }
  if (!Array.isArray(v.spacing) || v.spacing.length !== 3 || !v.spacing.every((s) => Number.isFinite(s) && s > 0)) {
    fail(`${arg}.spacing: expected three finite millimetre values > 0, got ${JSON.stringify(v.spacing)}`);
  }
  if (!Array.isArray(v.origin) || v.origin.length !== 3 || !v.origin.every((o) => Number.isFinite(o))) {
    fail(`${arg}.origin: expected three finite numbers, got ${JSON.stringify(v.origin)}`);
  }
  const d = v.direction;
  if (!Array.isArray(d) || d.length !== 9 || !d.every((x) => Number.isFinite(x))) {
    fail(`${arg}.direction: expected nine finite numbers (three unit vectors), got ${JSON.stringify(d)}`);
  }
  for (let a = 0; a < 3; a++) {
    const n = Math.hypot(d[3 * a]!, d[3 * a + 1]!, d[3 * a + 2]!);
    if (Math.abs(n - 1) > 1e-3) fail(`${arg}.direction: axis ${a} expected a unit vector, has length ${n}`);
  }
  const n = voxelCount(v.dims);
  if (!ArrayBuffer.isView(v.voxels) || v.voxels.length !== n) {
    fail(`${arg}.voxels: expected a typed array of dims[0]·dims[1]·dims[2] = ${n} values, got ${ArrayBuffer.isView(v.voxels) ? v.voxels.length : typeof v.voxels}`);
  }
}

const GEOMETRY_TOLERANCE = 1e-4;

/** Throws unless `mask` lies on exactly the same voxel grid as `image`. */
export function assertSameGrid(image: Volume, mask: Volume, imageArg = 'image', maskArg = 'mask'): void {
  const close = (a: readonly number[], b: readonly number[]) => a.every((x, i) => Math.abs(x - b[i]!) <= GEOMETRY_TOLERANCE * Math.max(1, Math.abs(x)));
  if (!image.dims.every((d, i) => d === mask.dims[i])) {
    fail(`${maskArg}.dims: expected the ${imageArg} grid ${JSON.stringify(image.dims)}, got ${JSON.stringify(mask.dims)}`);
  }
  if (!close(image.spacing, mask.spacing)) {
    fail(`${maskArg}.spacing: expected the ${imageArg} spacing ${JSON.stringify(image.spacing)}, got ${JSON.stringify(mask.spacing)}`);
  }
  if (!close(image.origin, mask.origin)) {
    fail(`${maskArg}.origin: expected the ${imageArg} origin ${JSON.stringify(image.origin)}, got ${JSON.stringify(mask.origin)}`);
  }
  if (!close(image.direction, mask.direction)) {
    fail(`${maskArg}.direction: expected the ${imageArg} direction ${JSON.stringify(image.direction)}, got ${JSON.stringify(mask.direction)}`);
  }
}

/** Validates a pipeline state (image, optional mask on the same grid, record array). */
export function validateState(input: TransformState, transformName: string): void {
  if (!input || typeof input !== 'object') fail(`${transformName}: input expected { image, mask?, record }, got ${typeof input}`);
  validateVolume(input.image, `${transformName}: input.image`);
  if (input.mask !== undefined) {
    validateVolume(input.mask, `${transformName}: input.mask`);
    assertSameGrid(input.image, input.mask, `${transformName}: input.image`, `${transformName}: input.mask`);
  }
  if (!Array.isArray(input.record)) fail(`${transformName}: input.record expected an array of TransformRecord, got ${typeof input.record}`);
}

export function summary(v: Volume): GridSummary {
  return { dims: [v.dims[0], v.dims[1], v.dims[2]], spacing: [v.spacing[0], v.spacing[1], v.spacing[2]] };
}

/**
 * Builds a Transform from a function of (image, mask): validates the input state, runs `fn`, and appends one
 * record entry. Params are frozen copies so later edits by the caller cannot rewrite history.
 */
export function defineTransform(
  name: string,
  params: Record<string, unknown>,
  fn: (image: Volume, mask: Volume | undefined) => { image: Volume; mask?: Volume },
): Transform {
  const frozen = Object.freeze(structuredClone(params));
  return {
    name,
    params: frozen,
    apply(input: TransformState): TransformState {
      validateState(input, name);
      const out = fn(input.image, input.mask);
      const entry: TransformRecord = { name, params: frozen, before: summary(input.image), after: summary(out.image) };
      const result: TransformState = { image: out.image, record: [...input.record, entry] };
      if (out.mask !== undefined) result.mask = out.mask;
      return result;
    },
  };
}

type TypedCtor = { new (n: number): VoxelArray };

/** A new, zeroed array of the same element type as `like`. */
export function sameTypeArray(like: VoxelArray, n: number): VoxelArray {
  return new (like.constructor as TypedCtor)(n);
}

/** Whether `value` survives a round trip through the element type of `like`. */
export function representable(like: VoxelArray, value: number): boolean {
  const probe = sameTypeArray(like, 1);
  probe[0] = value;
  return Object.is(probe[0], value) || (value === 0 && probe[0] === 0) || (like instanceof Float32Array && Math.abs(probe[0]! - value) <= Math.abs(value) * 1e-7);
}

/** Copies geometry from `g`, replacing voxels (and optionally geometry fields). Keeps `source`. */
export function withVoxels(g: Volume, voxels: VoxelArray, geometry?: Partial<Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>>): Volume {
  const out: Volume = {
    voxels,
    dims: geometry?.dims ?? g.dims,
    spacing: geometry?.spacing ?? g.spacing,
    origin: geometry?.origin ?? g.origin,
    direction: geometry?.direction ?? g.direction,
  };
  if (g.source !== undefined) out.source = g.source;
  return out;
}

export { fail as argumentError };
