import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { indexDocument, searchSentences, SentenceIndex } from './sentence-index';
import { TextEmbedder } from './text-embedder';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL_DIR = process.env.CIVIC_BERT_DIR ?? join(here, '..', '..', 'models', 'civic-bert-mini');

describe('SentenceIndex', () => {
  const entry = (recordKey: string, start: number, vector: number[]) => ({
    recordKey, span: { start, end: start + 5 }, text: 'x', vector: Float32Array.from(vector), model: 'm@1',
  });

  it('returns the k nearest sentences by cosine, best first, with their record and span', () => {
    const index = new SentenceIndex(2, 'm@1');
    index.add(entry('DiagnosticReport/1', 0, [1, 0]));
    index.add(entry('DiagnosticReport/1', 10, [0, 3]));
    index.add(entry('DiagnosticReport/2', 0, [1, 1]));
    const hits = index.search([2, 0.1], 2);
    expect(hits.map((h) => h.sentence.id)).toEqual(['DiagnosticReport/1#0-5', 'DiagnosticReport/2#0-5']);
    expect(hits[0]!.score).toBeCloseTo(2 / Math.hypot(2, 0.1), 6);
    expect(index.search([0, 1], 5, (s) => s.recordKey === 'DiagnosticReport/2').map((h) => h.sentence.id)).toEqual(['DiagnosticReport/2#0-5']);
    expect(index.removeRecord('DiagnosticReport/1')).toBe(2);
    expect(index.size).toBe(1);
  });

  it('refuses vectors of the wrong size or from another model', () => {
    const index = new SentenceIndex(2, 'm@1');
    expect(() => index.add(entry('r', 0, [1, 0, 0]))).toThrow('sentence index: r#0-5: vector has 3 values, expected 2');
    expect(() => index.add({ ...entry('r', 0, [1, 0]), model: 'other@2' })).toThrow('sentence index: r#0-5: embedded by other@2, expected m@1');
    expect(() => index.search([1], 1)).toThrow('sentence index: query has 1 values, expected 2');
  });

  it("indexes a report's sentences with the shipped model; re-indexing changes nothing; a sentence finds itself", async () => {
    const embedder = await TextEmbedder.load(MODEL_DIR);
    const index = new SentenceIndex(embedder.dimension, embedder.model.id);
    const report = 'FINAL DIAGNOSIS: Invasive ductal carcinoma, grade 2.\nER positive (90%); PR positive; HER2 negative by IHC.\nNext-generation sequencing detected PIK3CA H1047R.';
    const first = await indexDocument(index, embedder, 'DiagnosticReport/7', report);
    const again = await indexDocument(index, embedder, 'DiagnosticReport/7', report);
    expect(index.size).toBe(first.length);
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
    for (const s of first) expect(report.slice(s.span.start, s.span.end)).toBe(s.text);
    const [hit] = await searchSentences(index, embedder, 'Next-generation sequencing detected PIK3CA H1047R.', 1);
    expect(hit!.sentence.text).toBe('Next-generation sequencing detected PIK3CA H1047R.');
    expect(hit!.score).toBeCloseTo(1, 5);
  });
});
