import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageReadError } from '../read-errors';
import { ReusableFileBuffer, readFileRange } from './file-bytes';

const dir = mkdtempSync(join(tmpdir(), 'file-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: number[]) => {
  const path = join(dir, name);
  writeFileSync(path, Uint8Array.from(bytes));
  return path;
};

describe('ReusableFileBuffer', () => {
  it('gives each file exactly its own bytes, growing for a larger file and reusing the buffer for a smaller one', () => {
    const buffer = new ReusableFileBuffer();
    const small = file('small', [1, 2, 3]);
    const large = file('large', Array.from({ length: 5000 }, (_, n) => n % 251));
    expect(Array.from(buffer.read(small))).toEqual([1, 2, 3]);
    const big = buffer.read(large);
    expect(big.length).toBe(5000);
    expect(big[4999]).toBe(4999 % 251);
    const again = buffer.read(small);
    expect(Array.from(again)).toEqual([1, 2, 3]);
    expect(again.buffer).toBe(big.buffer); // the same memory, reused
  });

  it('names the file it cannot open', () => {
    const missing = join(dir, 'missing.dcm');
    const error = (() => {
      try {
        new ReusableFileBuffer().read(missing);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ImageReadError);
    expect((error as ImageReadError).code).toBe('io');
    expect((error as ImageReadError).message).toContain(missing);
  });
});

describe('readFileRange', () => {
  it('reads a range, and calls a file that no longer holds it truncated, naming the file and the offset', () => {
    const path = file('range', [10, 11, 12, 13, 14, 15]);
    const into = new Uint8Array(3);
    readFileRange(path, 2, into);
    expect(Array.from(into)).toEqual([12, 13, 14]);
    expect(() => readFileRange(path, 4, new Uint8Array(3))).toThrow(ImageReadError);
    expect(() => readFileRange(path, 4, new Uint8Array(3))).toThrow(/range is truncated: expected 3 bytes of Pixel Data at byte 4, found 2/);
  });
});
