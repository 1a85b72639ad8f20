// Similar patients in the fused embedding space. `SimilarPatientIndex` is the seam: brute-force cosine search
// here; an approximate (ANN) index can implement the same interface when the reference cohort grows.

export interface SimilarPatientHit {
  /** Row in the reference cohort. */
  index: number;
  /** Cosine distance 1 − cos(query, reference) in [0, 2]. */
  distance: number;
}

export interface SimilarPatientIndex {
  readonly size: number;
  readonly dimension: number;
  /** The k nearest rows, nearest first (ties: lower row first). */
  query(embedding: Float32Array, k: number): SimilarPatientHit[];
}

export class BruteForceCosineIndex implements SimilarPatientIndex {
  readonly size: number;
  readonly #unit: Float32Array;
  constructor(embeddings: Float32Array, readonly dimension: number) {
    if (embeddings.length % dimension !== 0) throw new Error(`similar-patient index: ${embeddings.length} values are not rows of ${dimension}`);
    this.size = embeddings.length / dimension;
    this.#unit = new Float32Array(embeddings.length);
    for (let r = 0; r < this.size; r++) {
      const row = embeddings.subarray(r * dimension, (r + 1) * dimension);
      const norm = Math.hypot(...row);
      // A zero embedding has no direction: it stays zero, at distance 1 from everything.
      if (norm > 0) for (let k = 0; k < dimension; k++) this.#unit[r * dimension + k] = row[k]! / norm;
    }
  }

  query(embedding: Float32Array, k: number): SimilarPatientHit[] {
    if (embedding.length !== this.dimension) throw new Error(`similar-patient query: expected ${this.dimension} values, found ${embedding.length}`);
    const norm = Math.hypot(...embedding);
    const want = Math.min(Math.max(0, Math.floor(k)), this.size);
    // Keep the best `want` in a sorted array (insertion): O(n·k) instead of sorting all n rows.
    const hits: SimilarPatientHit[] = [];
    for (let r = 0; r < this.size; r++) {
      let dot = 0;
      for (let j = 0; j < this.dimension; j++) dot += this.#unit[r * this.dimension + j]! * embedding[j]!;
      const distance = 1 - (norm > 0 ? dot / norm : 0);
      if (hits.length === want && (want === 0 || distance >= hits[want - 1]!.distance)) continue;
      let at = hits.length;
      while (at > 0 && hits[at - 1]!.distance > distance) at--;
      hits.splice(at, 0, { index: r, distance });
      if (hits.length > want) hits.pop();
    }
    return hits;
  }
}
