// One place where DICOM bytes become a dicom-parser DataSet, for the series and SEG readers alike.
import { inflateRawSync } from 'node:zlib';
// The default import: under plain Node ESM a namespace import of this CommonJS package lacks parseDicom.
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { ImageReadError } from '../read-errors';

/** dicom-parser throws strings, Errors or {exception, dataSet}; turn all of them into ImageReadError. */
export function parseDataSet(bytes: Uint8Array, file: string): DataSet {
  try {
    return dicomParser.parseDicom(bytes, { inflater: inflate });
  } catch (thrown) {
    const partial = typeof thrown === 'object' && thrown !== null && 'exception' in thrown ? (thrown as { exception: unknown; dataSet?: DataSet }) : undefined;
    const pixels = partial?.dataSet?.elements.x7fe00010;
    if (partial?.dataSet && pixels && pixels.dataOffset + pixels.length > partial.dataSet.byteArray.length) {
      const present = partial.dataSet.byteArray.length - pixels.dataOffset;
      throw new ImageReadError('truncated', `${file} is truncated: Pixel Data at byte ${pixels.dataOffset} declares ${pixels.length} bytes, only ${present} present`, { file, cause: thrown });
    }
    const inner = partial ? partial.exception : thrown;
    if (inner instanceof TypeError || inner instanceof RangeError) {
      // dicom-parser failed inside itself on a corrupt length or delimiter: its own message ("Cannot read
      // properties of undefined") says nothing to a user; say where parsing got to instead.
      const last = lastElement(partial?.dataSet);
      const where = last ? ` after element ${last} ` : ' ';
      throw new ImageReadError('not-dicom', `${file}: cannot parse DICOM dataset: malformed element structure${where}(a corrupt element length or sequence delimiter); expected well-formed DICOM elements`, { file, cause: thrown });
    }
    const msg = inner instanceof Error ? inner.message : String(inner);
    const truncated = /end of buffer|overrun|past end|eof|unexpected end/i.test(msg);
    throw new ImageReadError(truncated ? 'truncated' : 'not-dicom', `${file}: cannot parse DICOM dataset (${truncated ? 'file truncated: ' : ''}${msg})`, { file, cause: thrown });
  }
}

/**
 * dicom-parser reads element values lazily, and throws a string when one runs past the end of the buffer (an
 * element length the parser trusted): turn anything a reader hits after parsing into an ImageReadError.
 */
export function valueReadError(thrown: unknown, file: string): unknown {
  // Our own errors, and engine errors (a bug to be seen, not to be reworded as a corrupt file), pass unchanged.
  if (thrown instanceof ImageReadError || thrown instanceof TypeError || thrown instanceof RangeError) return thrown;
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new ImageReadError('truncated', `${file}: cannot read an element value (${detail}); expected every element value inside the file (the file is truncated or an element length is corrupt)`, { file, cause: thrown });
}

/** The largest voxel array a reader allocates (2 GiB): beyond it a header's claim is refused before allocation. */
export const MAX_VOLUME_BYTES = 2 ** 31;

/** "(0062,0002) at byte 576": the element read last (the one with the highest offset) of a partly parsed dataset. */
function lastElement(ds: DataSet | undefined): string | undefined {
  let last: { tag: string; dataOffset: number } | undefined;
  for (const element of Object.values(ds?.elements ?? {})) {
    if (!last || element.dataOffset > last.dataOffset) last = element;
  }
  if (!last || !/^x[0-9a-f]{8}$/i.test(last.tag)) return undefined;
  return `(${last.tag.slice(1, 5).toUpperCase()},${last.tag.slice(5, 9).toUpperCase()}) at byte ${last.dataOffset}`;
}

/** Deflated Explicit VR LE: the dataset after the meta header is raw deflate. */
function inflate(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}
