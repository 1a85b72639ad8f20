/**
 * Pure logic of the imaging viewer: decoding the slices the API sends, window/level to grey levels, the mask
 * overlay colours, the displayed size from pixel spacing, and the scales of the diameter chart.
 */

/** CT window presets (HU), the same numbers as WINDOW_PRESETS in libs/imaging (a unit test keeps them equal). */
export const WINDOW_PRESETS = {
  lung: { width: 1500, level: -600 },
  softTissue: { width: 400, level: 40 },
  bone: { width: 1800, level: 400 },
  brain: { width: 80, level: 40 },
} as const;
export type WindowPresetName = keyof typeof WINDOW_PRESETS;
export const PRESET_LABELS: Record<WindowPresetName, string> = { lung: 'Lung', softTissue: 'Soft tissue', bone: 'Bone', brain: 'Brain' };

function bytesOf(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let n = 0; n < binary.length; n++) bytes[n] = binary.charCodeAt(n);
  return bytes;
}

/** The slice values: base64 of little-endian Int16 or Float32 (every browser platform is little-endian). */
export function decodeValues(base64: string, dtype: 'int16' | 'float32'): Int16Array | Float32Array {
  const bytes = bytesOf(base64);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return dtype === 'int16' ? new Int16Array(buffer) : new Float32Array(buffer);
}

export function decodeMask(base64: string): Uint8Array {
  return bytesOf(base64);
}

/** Grey level 0..255 of a value under a window: linear over [level − width/2, level + width/2], clamped. */
export function windowValue(value: number, width: number, level: number): number {
  const w = Math.max(1, width);
  const lo = level - w / 2;
  const g = Math.round(((value - lo) / w) * 255);
  return g < 0 ? 0 : g > 255 ? 255 : g;
}

/** Semi-transparent overlay colour per label (cycled): [r, g, b]. */
export const LABEL_COLOURS: readonly (readonly [number, number, number])[] = [
  [239, 68, 68],
  [34, 197, 94],
  [59, 130, 246],
  [234, 179, 8],
  [168, 85, 247],
  [20, 184, 166],
];
export const OVERLAY_ALPHA = 0.45;

export function labelColour(label: number): readonly [number, number, number] {
  return LABEL_COLOURS[(label - 1) % LABEL_COLOURS.length]!;
}

/** RGBA pixels of a slice under a window, with the mask blended in when given. */
export function renderSlice(values: ArrayLike<number>, width: number, level: number, mask?: ArrayLike<number>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let p = 0; p < values.length; p++) {
    const g = windowValue(values[p]!, width, level);
    let r = g;
    let gr = g;
    let b = g;
    const label = mask ? mask[p]! : 0;
    if (label > 0) {
      const [cr, cg, cb] = labelColour(label);
      r = g * (1 - OVERLAY_ALPHA) + cr * OVERLAY_ALPHA;
      gr = g * (1 - OVERLAY_ALPHA) + cg * OVERLAY_ALPHA;
      b = g * (1 - OVERLAY_ALPHA) + cb * OVERLAY_ALPHA;
    }
    out[p * 4] = r;
    out[p * 4 + 1] = gr;
    out[p * 4 + 2] = b;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * CSS size of a slice drawn to fit a box while keeping its physical aspect ratio (pixel spacing x, y in mm).
 */
export function displaySize(width: number, height: number, spacing: readonly [number, number], box: number): { width: number; height: number } {
  const mmW = width * (spacing[0] > 0 ? spacing[0] : 1);
  const mmH = height * (spacing[1] > 0 ? spacing[1] : 1);
  const scale = box / Math.max(mmW, mmH);
  return { width: Math.max(1, Math.round(mmW * scale)), height: Math.max(1, Math.round(mmH * scale)) };
}

/** The next slice index after a scroll of `delta` slices, kept in 0..count-1. */
export function stepIndex(index: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, index + delta));
}

/** The middle slice, where a viewer opens. */
export function middleIndex(count: number): number {
  return Math.max(0, Math.floor((count - 1) / 2));
}

// ------------------------------------------------------------------------- diameter chart

export interface ChartPoint {
  date: string;
  value: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** x of each date, spaced by time (a single date sits in the middle). */
export function dateScale(dates: readonly string[], layout: ChartLayout): (date: string) => number {
  const times = dates.map((d) => Date.parse(d));
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const x0 = layout.left;
  const x1 = layout.width - layout.right;
  return (date: string) => {
    const t = Date.parse(date);
    if (!(hi > lo)) return (x0 + x1) / 2;
    return x0 + ((t - lo) / (hi - lo)) * (x1 - x0);
  };
}

/** y of a value from 0 to a rounded-up maximum, and that maximum's ticks. */
export function valueScale(max: number, layout: ChartLayout): { y: (v: number) => number; ticks: number[] } {
  const top = niceCeil(Math.max(max, 1));
  const y0 = layout.height - layout.bottom;
  const y1 = layout.top;
  const step = top / 4;
  return { y: (v: number) => y0 - (v / top) * (y0 - y1), ticks: [0, step, 2 * step, 3 * step, top] };
}

/** 1, 2, 2.5 or 5 times a power of ten, at least x. */
export function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export const RECIST_LABELS: Record<string, string> = {
  BASELINE: 'Baseline',
  CR: 'Complete response',
  PR: 'Partial response',
  SD: 'Stable disease',
  PD: 'Progressive disease',
  NE: 'Not evaluable',
};
