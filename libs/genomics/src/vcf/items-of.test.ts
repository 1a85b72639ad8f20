/** itemsOf behaves as `async function* () { for await (const b of batches) yield* b; }` does. */
import { describe, expect, it } from 'vitest';
import { itemsOf } from './items-of.js';

function source(batches: number[][], failAfter?: number) {
  const log: string[] = [];
  async function* gen(): AsyncGenerator<number[]> {
    try {
      for (let k = 0; k < batches.length; k++) {
        if (k === failAfter) throw new Error(`batch ${k} failed`);
        await new Promise((r) => setTimeout(r, 1));
        yield batches[k] as number[];
      }
    } finally {
      log.push('closed');
    }
  }
  return { gen: gen(), log };
}

describe('itemsOf', () => {
  it('gives every item in order, empty arrays skipped, then done', async () => {
    const { gen, log } = source([[1, 2], [], [3], [4, 5, 6]]);
    const out: number[] = [];
    for await (const v of itemsOf(gen)) out.push(v);
    expect(out).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log).toEqual(['closed']);
  });

  it('serves calls made before earlier ones resolved in order', async () => {
    const it = itemsOf(source([[1], [2, 3], [4]]).gen);
    const results = await Promise.all([it.next(), it.next(), it.next(), it.next(), it.next()]);
    expect(results).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: 3, done: false },
      { value: 4, done: false },
      { value: undefined, done: true },
    ]);
  });

  it('a break stops the source (its finally runs)', async () => {
    const { gen, log } = source([[1, 2], [3, 4], [5]]);
    const out: number[] = [];
    for await (const v of itemsOf(gen)) {
      out.push(v);
      if (v === 3) break;
    }
    expect(out).toEqual([1, 2, 3]);
    expect(log).toEqual(['closed']);
  });

  it('an error of the source comes after the items before it, then the sequence is done', async () => {
    const { gen, log } = source([[1, 2], [3], [4]], 2);
    const it = itemsOf(gen);
    const out: number[] = [];
    await expect(
      (async () => {
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          out.push(r.value);
        }
      })(),
    ).rejects.toThrow('batch 2 failed');
    expect(out).toEqual([1, 2, 3]);
    expect(log).toEqual(['closed']);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
