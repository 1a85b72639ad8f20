// Retrieval evaluation shared by the training script and its tests: a TF-IDF cosine baseline over BERT's basic
// words, and recall@k / mean reciprocal rank of the first relevant document.
import { bertBasicWords } from './wordpiece';

/** TF-IDF vectors (raw term counts × smooth idf ln((1+N)/(1+df)) + 1, L2-normalised), idf fitted on the corpus. */
export class TfidfIndex {
  private readonly idf = new Map<string, number>();
  private readonly docs: Map<string, number>[];

  constructor(corpus: readonly string[]) {
    const df = new Map<string, number>();
    const bags = corpus.map((d) => termCounts(d));
    for (const bag of bags) for (const t of bag.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, n] of df) this.idf.set(t, Math.log((1 + corpus.length) / (1 + n)) + 1);
    this.docs = bags.map((b) => this.weigh(b));
  }

  private weigh(bag: Map<string, number>): Map<string, number> {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, n] of bag) {
      const idf = this.idf.get(t);
      if (idf === undefined) continue;
      v.set(t, n * idf);
      norm += (n * idf) ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, x] of v) v.set(t, x / norm);
    return v;
  }

  /** Cosine similarity of the query to every corpus document. */
  scores(query: string): Float64Array {
    const q = this.weigh(termCounts(query));
    return Float64Array.from(this.docs, (d) => {
      let s = 0;
      for (const [t, x] of q) s += x * (d.get(t) ?? 0);
      return s;
    });
  }
}

function termCounts(text: string): Map<string, number> {
  const bag = new Map<string, number>();
  for (const w of bertBasicWords(text)) if (/[\p{L}\p{N}]/u.test(w)) bag.set(w, (bag.get(w) ?? 0) + 1);
  return bag;
}

export interface RetrievalQuery {
  /** Similarity of the query to every corpus document. */
  scores: ArrayLike<number>;
  /** Indices of the relevant documents. */
  relevant: readonly number[];
  /** Indices never ranked (e.g. the query's own document). */
  exclude?: readonly number[];
}

export interface RetrievalMetrics {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

/**
 * Rank of the first relevant document (1-based). Ties count against the query: a relevant document ranks
 * after every non-excluded document with a score ≥ its own, so a constant scorer gets no credit.
 */
export function firstRelevantRank(q: RetrievalQuery): number {
  const excluded = new Set(q.exclude ?? []);
  const relevant = new Set(q.relevant);
  let best = Infinity;
  for (const r of relevant) {
    if (excluded.has(r)) continue;
    const s = q.scores[r]!;
    let rank = 1;
    for (let i = 0; i < q.scores.length; i++) {
      if (i === r || excluded.has(i) || relevant.has(i)) continue;
      if (q.scores[i]! >= s) rank++;
    }
    best = Math.min(best, rank);
  }
  return best;
}

export function retrievalMetrics(queries: readonly RetrievalQuery[]): RetrievalMetrics {
  const ranks = queries.map(firstRelevantRank);
  const n = ranks.length || 1;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    queries: ranks.length,
    recallAt1: round(ranks.filter((r) => r <= 1).length / n),
    recallAt5: round(ranks.filter((r) => r <= 5).length / n),
    recallAt10: round(ranks.filter((r) => r <= 10).length / n),
    mrr: round(ranks.reduce((a, r) => a + (Number.isFinite(r) ? 1 / r : 0), 0) / n),
  };
}
