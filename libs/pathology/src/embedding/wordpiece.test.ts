import { describe, expect, it } from 'vitest';
import { bertBasicWords, bertTokenizerJson, trainWordPiece, WordPieceTokenizer } from './wordpiece';
import { firstRelevantRank, retrievalMetrics, TfidfIndex } from './retrieval-metrics';

describe('BERT uncased basic tokenization', () => {
  it('lowercases, strips accents, drops control characters and splits punctuation into words', () => {
    expect(bertBasicWords('EGFR-mutant NSCLC (exon 19 del), café\u0007 naïve 5.5%')).toEqual([
      'egfr', '-', 'mutant', 'nsclc', '(', 'exon', '19', 'del', ')', ',', 'cafe', 'naive', '5', '.', '5', '%',
    ]);
  });
});

describe('trainWordPiece', () => {
  const corpus = ['the tumor is positive', 'tumors are positive', 'positivity of tumor cells', 'the cells'];
  it('starts from special tokens and the alphabet, merges frequent pairs, and is deterministic', () => {
    const a = trainWordPiece(corpus, { vocabSize: 60 });
    expect(a.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(a).toContain('tumor');
    expect(a).toContain('positive');
    expect(trainWordPiece([...corpus], { vocabSize: 60 })).toEqual(a);
  });
  it('encodes greedily longest-match-first with ## continuations and [UNK] for unknown characters', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 't', 'tum', 'tumor', '##s', '##or', '##o', '##r', '##m'];
    const t = new WordPieceTokenizer(vocab);
    const ids = t.encode('Tumors €', 16);
    expect(ids[0]).toBe(t.clsId);
    expect(ids.at(-1)).toBe(t.sepId);
    expect(ids.map((i) => vocab[i])).toEqual(['[CLS]', 'tumor', '##s', '[UNK]', '[SEP]']);
    expect(t.encode('tumor '.repeat(40), 8)).toHaveLength(8);
  });
  it('writes a tokenizer.json that transformers.js tokenizes identically', async () => {
    const { PreTrainedTokenizer } = await import('@huggingface/transformers');
    const vocab = trainWordPiece(corpus, { vocabSize: 60 });
    const hf = new PreTrainedTokenizer(bertTokenizerJson(vocab), { model_max_length: 32 });
    const mine = new WordPieceTokenizer(vocab);
    for (const text of ['The tumor cells are POSITIVE.', 'positivity; tumors', 'naïve € cells']) {
      expect(hf.encode(text)).toEqual(mine.encode(text, 32));
    }
  });
});

describe('retrieval metrics', () => {
  it('rank ties against the query and count recall@k and MRR', () => {
    expect(firstRelevantRank({ scores: [0.5, 0.5, 0.1], relevant: [0] })).toBe(2);
    expect(firstRelevantRank({ scores: [0.9, 0.5, 0.1], relevant: [2], exclude: [0] })).toBe(2);
    const m = retrievalMetrics([{ scores: [1, 0], relevant: [0] }, { scores: [1, 0, 0.5], relevant: [1] }]);
    expect(m).toEqual({ queries: 2, recallAt1: 0.5, recallAt5: 1, recallAt10: 1, mrr: 0.6667 });
  });
  it('TF-IDF ranks the document that shares the rare words first', () => {
    const index = new TfidfIndex(['braf v600e melanoma vemurafenib', 'egfr l858r lung erlotinib', 'kras lung']);
    const s = index.scores('EGFR L858R');
    expect(s[1]).toBeGreaterThan(s[0]!);
    expect(s[1]).toBeGreaterThan(s[2]!);
  });
});
