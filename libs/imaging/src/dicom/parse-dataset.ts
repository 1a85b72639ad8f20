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
    const msg = inner instanceof Error ? inner.message : String(inner);
    const truncated = /end of buffer|overrun|past end|eof|unexpected end/i.test(msg);
    throw new ImageReadError(truncated ? 'truncated' : 'not-dicom', `${file}: cannot parse DICOM dataset (${truncated ? 'file truncated: ' : ''}${msg})`, { file, cause: thrown });
  }
}

/** Deflated Explicit VR LE: the dataset after the meta header is raw deflate. */
function inflate(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}
