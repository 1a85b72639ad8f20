// DICOM RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G, written here because it is small and has no
// maintained standalone npm decoder. A frame is a 64-byte header (segment count + 15 segment offsets) followed by
// PackBits-like segments; each segment holds one byte plane of one sample, most significant byte first.

export interface RleFrameLayout {
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel?: number;
}

/**
 * Decodes one RLE frame into native little-endian bytes, samples interleaved (rows·columns·samples·bytes long).
 * Throws a plain Error describing the problem (bad header, segment outside the frame, segment too short):
 * corrupt input must fail loudly rather than yield a half-filled image.
 */
export function decodeRleFrame(data: Uint8Array, layout: RleFrameLayout): Uint8Array {
  const samples = layout.samplesPerPixel ?? 1;
  const bytesPerSample = layout.bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample) || bytesPerSample < 1) throw new Error(`RLE: BitsAllocated ${layout.bitsAllocated} is not a whole number of bytes`);
  const pixels = layout.rows * layout.columns;
  const expectedSegments = samples * bytesPerSample;
  if (data.length < 64) throw new Error(`RLE: frame is ${data.length} bytes, shorter than the 64-byte RLE header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== expectedSegments) {
    throw new Error(`RLE: header declares ${segments} segment(s), expected ${expectedSegments} (${samples} sample(s) × ${bytesPerSample} byte(s))`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  // A replicate run (2 bytes) yields at most 128 bytes: a frame too short to hold Rows x Columns samples is
  // rejected before the output is allocated on the header's word.
  const minimum = 64 + segments * 2 * Math.ceil(pixels / 128);
  if (data.length < minimum) {
    throw new Error(`RLE: frame is ${data.length} bytes, too short to hold ${pixels} pixels in ${segments} segment(s) (at least ${minimum} bytes)`);
  }
  const out = new Uint8Array(pixels * expectedSegments);
  const stride = expectedSegments;
  for (let s = 0; s < segments; s++) {
    const start = offsets[s] as number;
    const end = s + 1 < segments ? (offsets[s + 1] as number) : data.length;
    if (start < 64 || end > data.length || end < start) {
      throw new Error(`RLE: segment ${s + 1} spans bytes ${start}..${end}, outside the ${data.length}-byte frame`);
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segment 0 = most significant byte
    const first = sample * bytesPerSample + byteInSample;
    const written = unpackSegment(data, start, end, out, first, stride, pixels);
    if (written < pixels) throw new Error(`RLE: segment ${s + 1} decodes to ${written} bytes, expected ${pixels} (data truncated or corrupt)`);
  }
  return out;
}

/** PackBits: n in 0..127 copies n+1 literal bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op. */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): number {
  let i = start;
  let n = 0;
  while (i < end && n < count) {
    const header = src[i++] as number;
    if (header < 128) {
      const len = header + 1;
      if (i + len > end) throw new Error(`RLE: literal run of ${len} bytes at byte ${i - 1} runs past the segment end ${end}`);
      for (let k = 0; k < len && n < count; k++) out[first + stride * n++] = src[i + k] as number;
      i += len;
    } else if (header > 128) {
      if (i >= end) throw new Error(`RLE: replicate run at byte ${i - 1} has no value byte`);
      const len = 257 - header;
      const value = src[i++] as number;
      for (let k = 0; k < len && n < count; k++) out[first + stride * n++] = value;
    }
  }
  return n;
}
