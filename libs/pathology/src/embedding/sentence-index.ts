// An in-memory vector index of a patient's document sentences: each entry keeps the record it came from and its
// character span there, so a retrieved sentence can be cited. Exact top-k cosine search (a patient has hundreds to
// a few thousand sentences; a linear scan is fast enough and has no approximation to explain).
import type { TextEmbedder, TextSpan } from './text-embedder';
import { l2Normalize } from './text-embedder';

export interface IndexedSentence {
  /** `<recordKey>#<start>-<end>` */
  id: string;
  /** The source record (e.g. a DiagnosticReport reference or a document's content hash key). */
  recordKey: string;
  span: TextSpan;
  text: string;
  /** Unit length. */
  vector: Float32Array;
  /** EmbeddingModelVersion.id of the model that produced the vector. */
  model: string;
}

export interface SentenceHit {
  sentence: IndexedSentence;
  /** Cosine similarity to the query. */
  score: number;
}

export class SentenceIndex {
  private readonly entries = new Map<string, IndexedSentence>();

  /** `model`: when given, every entry must come from this model version (vectors of two models do not compare). */
  constructor(readonly dimension: number, readonly model?: string) {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`sentence index: dimension: expected a positive integer, found ${dimension}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds (or replaces, by id) one sentence; the vector is stored normalised. */
  add(entry: Omit<IndexedSentence, 'id'> & { id?: string }): IndexedSentence {
    const id = entry.id ?? `${entry.recordKey}#${entry.span.start}-${entry.span.end}`;
    if (entry.vector.length !== this.dimension) {
      throw new Error(`sentence index: ${id}: vector has ${entry.vector.length} values, expected ${this.dimension}`);
    }
    if (this.model !== undefined && entry.model !== this.model) {
      throw new Error(`sentence index: ${id}: embedded by ${entry.model}, expected ${this.model}`);
    }
    if (![...entry.vector].every(Number.isFinite)) throw new Error(`sentence index: ${id}: vector holds a non-finite value`);
    const stored: IndexedSentence = { ...entry, id, span: { ...entry.span }, vector: l2Normalize(entry.vector) };
    this.entries.set(id, stored);
    return stored;
  }

  /** Removes every sentence of a record; returns how many. */
  removeRecord(recordKey: string): number {
    let n = 0;
    for (const [id, e] of this.entries) if (e.recordKey === recordKey) { this.entries.delete(id); n++; }
    return n;
  }

  sentences(): IndexedSentence[] {
    return [...this.entries.values()];
  }

  /** The k sentences most similar to the query vector (cosine), best first; ties by id. */
  search(query: ArrayLike<number>, k = 5, filter?: (s: IndexedSentence) => boolean): SentenceHit[] {
    if (query.length !== this.dimension) throw new Error(`sentence index: query has ${query.length} values, expected ${this.dimension}`);
    const q = l2Normalize(query);
    const hits: SentenceHit[] = [];
    for (const sentence of this.entries.values()) {
      if (filter && !filter(sentence)) continue;
      let score = 0;
      for (let i = 0; i < q.length; i++) score += q[i]! * sentence.vector[i]!;
      hits.push({ sentence, score });
    }
    hits.sort((a, b) => b.score - a.score || (a.sentence.id < b.sentence.id ? -1 : a.sentence.id > b.sentence.id ? 1 : 0));
    return hits.slice(0, Math.max(0, k));
  }
}

/**
 * Embeds a document's sentences and puts them in the index under `recordKey`, replacing what the record had
 * (re-indexing the same document changes nothing).
 */
export async function indexDocument(index: SentenceIndex, embedder: TextEmbedder, recordKey: string, text: string): Promise<IndexedSentence[]> {
  const sentences = await embedder.embedSentences(text);
  index.removeRecord(recordKey);
  return sentences.map((s) => index.add({ recordKey, span: s.span, text: s.text, vector: s.vector, model: s.model }));
}

/** Embeds the query text with the same model and searches. */
export async function searchSentences(index: SentenceIndex, embedder: TextEmbedder, query: string, k = 5): Promise<SentenceHit[]> {
  const [q] = await embedder.embed([query]);
  if (index.model !== undefined && q!.model !== index.model) throw new Error(`sentence index: query embedded by ${q!.model}, expected ${index.model}`);
  return index.search(q!.vector, k);
}
