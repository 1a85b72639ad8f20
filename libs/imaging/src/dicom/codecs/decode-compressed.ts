// One compressed DICOM frame -> its stored sample values, for the transfer syntaxes OncoBoard decodes.
// Maintained decoders do the work: jpeg-lossless-decoder-js (JPEG process 14), CharLS (JPEG-LS) and OpenJPEG
// (JPEG 2000) as cornerstone's WASM builds; RLE is decoded in ./rle.ts. Lossy baseline/extended JPEG (.4.50/.4.51)
// is deliberately not decoded: no maintained pure-Node 12-bit decoder is installed, and lossy 8-bit secondary
// captures are not what the volume pipeline is for. HTJ2K and JPEG 2000 Part 2 are not decoded either.

import { createRequire } from 'node:module';
import type { VoxelArray } from '../../volume';
import { decodeRleFrame } from './rle';
import { decodeWithWasm } from './wasm-codecs';

const require = createRequire(import.meta.url);

/** Transfer syntaxes decodeCompressedFrame handles, with their names for messages. */
export const DECODABLE_SYNTAXES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless'],
]);

export interface CompressedFrameLayout {
  rows: number;
  columns: number;
  /** 8, 16 or 32: the output array's width. */
  bitsAllocated: number;
  /** PixelRepresentation 1: the output array is signed (two's complement bit patterns are kept). */
  signed: boolean;
}

/**
 * Decodes one frame into a fresh typed array of rows·columns stored values, typed by BitsAllocated and
 * PixelRepresentation (masking to BitsStored and rescaling are the caller's job). Throws a plain Error on corrupt
 * or mismatching data; the caller adds the file and transfer syntax.
 */
export function decodeCompressedFrame(syntax: string, data: Uint8Array, layout: CompressedFrameLayout): VoxelArray {
  const count = layout.rows * layout.columns;
  // The output is allocated only once the codestream has decoded to Rows x Columns samples: a header may claim
  // 65535 x 65535 for a frame of a few bytes.
  const out = () => storedArray(layout, count);
  switch (syntax) {
    case '1.2.840.10008.1.2.5': {
      // Already little-endian bytes of the stored width: reinterpret, no per-value copy.
      const bytes = decodeRleFrame(data, layout);
      const values = out();
      new Uint8Array(values.buffer).set(bytes);
      return values;
    }
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70': {
      const values = decodeJpegLossless(data, layout);
      return fill(out(), values);
    }
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81': {
      requireEndMarker(data, 'JPEG-LS');
      const { pixels, info } = decodeWithWasm('charls', data);
      checkInfo(info, layout, 'JPEG-LS');
      return fill(out(), samples(pixels, info.bitsPerSample, false));
    }
    case '1.2.840.10008.1.2.4.90':
    case '1.2.840.10008.1.2.4.91': {
      requireEndMarker(data, 'JPEG 2000');
      const { pixels, info } = decodeWithWasm('openjpeg', data);
      checkInfo(info, layout, 'JPEG 2000');
      return fill(out(), samples(pixels, info.bitsPerSample, info.isSigned === true));
    }
    default:
      throw new Error(`transfer syntax ${syntax} is not decodable here`);
  }
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number): Uint8Array | Uint16Array;
  xDim?: number;
  yDim?: number;
  numComp?: number;
}

/** jpeg-lossless-decoder-js reads past the end without complaint, so structure is checked around it. */
function decodeJpegLossless(data: Uint8Array, layout: CompressedFrameLayout): Uint8Array | Uint16Array {
  requireEndMarker(data, 'JPEG Lossless');
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const decoder = new Decoder();
  const values = decoder.decode(data.buffer as ArrayBuffer, data.byteOffset, data.length);
  if (decoder.xDim !== layout.columns || decoder.yDim !== layout.rows || decoder.numComp !== 1) {
    throw new Error(`JPEG Lossless: codestream is ${decoder.xDim}x${decoder.yDim} with ${decoder.numComp} component(s), the header says ${layout.columns}x${layout.rows} grayscale`);
  }
  return values;
}

/**
 * Every JPEG-family codestream ends with FFD9 (EOI / EOC), followed at most by DICOM's even-length padding.
 * Without it the fragment was cut. jpeg-lossless-decoder-js would silently return a partly garbage image, and the
 * WASM decoders fail with no useful message, so this is checked up front for all of them.
 */
function requireEndMarker(data: Uint8Array, what: string): void {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0 && data.length - end < 2) end--;
  if (end < 4 || data[end - 2] !== 0xff || data[end - 1] !== 0xd9) {
    throw new Error(`${what}: codestream of ${data.length} bytes has no end marker (FFD9); the fragment is truncated or corrupt`);
  }
}

function checkInfo(info: { width: number; height: number; componentCount: number; bitsPerSample: number }, layout: CompressedFrameLayout, what: string): void {
  // OpenJPEG reports failure by leaving the frame info empty rather than throwing.
  if (info.width === 0 || info.height === 0) throw new Error(`${what}: the decoder could not decode the codestream (corrupt or truncated)`);
  if (info.width !== layout.columns || info.height !== layout.rows || info.componentCount !== 1) {
    throw new Error(`${what}: codestream is ${info.width}x${info.height} with ${info.componentCount} component(s), the header says ${layout.columns}x${layout.rows} grayscale`);
  }
  if (info.bitsPerSample > layout.bitsAllocated) {
    throw new Error(`${what}: codestream has ${info.bitsPerSample} bits per sample, more than BitsAllocated ${layout.bitsAllocated}`);
  }
}

/** The WASM decoders hand back bytes: 1 per sample up to 8 bits, 2 (little-endian) above. */
function samples(bytes: Uint8Array, bitsPerSample: number, signed: boolean): ArrayLike<number> {
  if (bitsPerSample <= 8) return signed ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
  const copy = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return signed ? new Int16Array(copy.buffer, copy.byteOffset, copy.length >> 1) : new Uint16Array(copy.buffer, copy.byteOffset, copy.length >> 1);
}

function fill(out: VoxelArray, values: ArrayLike<number>): VoxelArray {
  if (values.length !== out.length) throw new Error(`decoded ${values.length} samples, expected ${out.length}`);
  // Assignment into the stored type keeps the bit pattern (e.g. 0xFFFF -> -1 in an Int16Array); the caller
  // sign-extends from BitsStored.
  for (let n = 0; n < out.length; n++) out[n] = values[n] as number;
  return out;
}

/** A typed array for `n` stored values of this width and sign (BitsAllocated 8, 16 or 32; PixelRepresentation). */
export function storedArray(layout: Pick<CompressedFrameLayout, 'bitsAllocated' | 'signed'>, n: number): VoxelArray {
  switch (layout.bitsAllocated) {
    case 8:
      return layout.signed ? new Int8Array(n) : new Uint8Array(n);
    case 16:
      return layout.signed ? new Int16Array(n) : new Uint16Array(n);
    case 32:
      return layout.signed ? new Int32Array(n) : new Uint32Array(n);
    default:
      throw new Error(`BitsAllocated ${layout.bitsAllocated} is not 8, 16 or 32`);
  }
}
