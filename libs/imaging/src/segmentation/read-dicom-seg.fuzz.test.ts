import { describe, expect, it } from 'vitest';
import { ImageReadError } from '../read-errors';
import { readDicomSeg } from './read-dicom-seg';
import { buildTestSeg } from './testing';

// Regression tests of bugs the fuzz command found (tools/fuzz; `npm run fuzz`, and its fixed-seed sample in
// tools/fuzz/fuzz-sample.test.ts), each with the minimized input and the exact error it gives now.

// Regression found by the fuzzer (dicom-seg, seed 1, input 213, minimized): corrupt item lengths inside nested
// sequences make dicom-parser fail inside itself with a TypeError, which came out as
// "seg.dcm: cannot parse DICOM dataset (Cannot read properties of undefined (reading 'push'))".
describe('a SEG whose nested sequence items are corrupt', () => {
  const minimized = Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    Buffer.from(
      '0000000000000000000000004f4200000200000000000000000000001c00000000000000000000000000000000000000000000000000000000000000000000001c00000000000000000000000000000000000000000000000000000000000200100000001400000000000000000000000000000000000000000000000000000052000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000535100005c000000feff00e0260000000000000000000200000000000000000006000000000000000000000000000600000000000000feff00e0260000000000000000000200000000000000535100001c000000feff00e0ffffffff0000000000000000',
      'hex',
    ),
  ]);

  it('is rejected with a clear error naming the file and what was expected', () => {
    let thrown: unknown;
    try {
      readDicomSeg(new Uint8Array(minimized), { name: 'seg.dcm' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ImageReadError);
    expect((thrown as ImageReadError).code).toBe('not-dicom');
    expect((thrown as ImageReadError).message).toBe(
      'seg.dcm: cannot parse DICOM dataset: malformed element structure (a corrupt element length or sequence delimiter); expected well-formed DICOM elements',
    );
  });
});

function errorOf(run: () => unknown): ImageReadError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageReadError);
    return error as ImageReadError;
  }
  throw new Error('expected an ImageReadError');
}

// Regression found by the fuzzer (dicom-seg, seed 7, input 593, minimized): an element whose length runs past the
// end of the file is accepted by dicom-parser's parse and throws a bare string when its value is read
// ("dicomParser.readFixedString: attempt to read past end of buffer", not even an Error).
describe('a SEG whose SOP Class UID element runs past the end of the file', () => {
  const minimized = Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    Buffer.from('0200000072000000020001004f4200000200000000010200020055491c00312e322e3834302e31303030382e352e312e342e312e312e36362e340200030055491c00312e322e3832362e302e312e333638303034332e382e3439382e31000200100055491200312e322e3834302e31303030382e312e320008001600555302ff', 'hex'),
  ]);

  it('is rejected with an ImageReadError naming the file and what was expected', () => {
    const error = errorOf(() => readDicomSeg(new Uint8Array(minimized), { name: 'seg.dcm' }));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe(
      'seg.dcm: cannot read an element value (dicomParser.readFixedString: attempt to read past end of buffer); expected every element value inside the file (the file is truncated or an element length is corrupt)',
    );
  });
});

// "A 10 GB claim in a 1 KB file": two 6x8 frames 100 mm apart with a Spacing Between Slices of 0.000001 mm
// made a 100,000,001-slice label volume: new Uint8Array(4,800,000,048) threw "RangeError: Invalid typed array
// length: 4800000048". The label volume is now refused before allocation.
describe('a SEG whose slice spacing would make a label volume of gigabytes', () => {
  const ones = Array.from({ length: 48 }, () => 1);
  const bytes = (spacingBetweenSlices: number) =>
    buildTestSeg({
      rows: 6,
      columns: 8,
      segments: [{ number: 1, label: 'Lesion' }],
      frames: [{ segment: 1, position: [0, 0, 0], pixels: ones }, { segment: 1, position: [0, 0, 100], pixels: ones }],
      spacingBetweenSlices,
    });

  it('is refused before allocation with a clear error', () => {
    const error = errorOf(() => readDicomSeg(bytes(0.000001), { name: 'seg.dcm' }));
    expect(error.code).toBe('unsupported');
    expect(error.message).toBe(
      'seg.dcm: frame positions span 100000001 slices of 0.000001 mm; the 8×6×100000001 label volume would take 4800000048 bytes, more than 2147483648 (is Spacing Between Slices (0018,0088) too small?)',
    );
  });

  it('still reads a fine grid that fits', () => {
    expect(readDicomSeg(bytes(0.001), { name: 'seg.dcm' }).labels.dims).toEqual([8, 6, 100_001]);
  });
});
