// LangChain retrieval over a patient's documents (the pathology report texts): every sentence embedded by the
// local text model (libs/pathology, transformers.js, no network) in a SentenceIndex; a query returns LangChain
// Documents whose metadata cite the record and the character span, so whatever uses them can cite them.
import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { indexDocument, searchSentences, SentenceIndex, type TextEmbedder } from '@oncoboard/pathology';
import type { Store } from '@oncoboard/store';

export interface PatientDocumentMetadata {
  sourceRecordKey: string;
  span: { start: number; end: number };
  score: number;
  model: string;
}

export class PatientDocumentRetriever extends BaseRetriever {
  override lc_namespace = ['oncoboard', 'retrievers'];

  constructor(
    private readonly index: SentenceIndex,
    private readonly embedder: TextEmbedder,
    private readonly k = 4,
  ) {
    super();
  }

  /** Indexes every report text of the patient (sentences with their spans). */
  static async forPatient(store: Store, patientKey: string, embedder: TextEmbedder, k = 4): Promise<PatientDocumentRetriever> {
    const index = new SentenceIndex(embedder.dimension, embedder.model.id);
    for (const record of await store.listPatientRecords(patientKey, 'report-text')) await indexDocument(index, embedder, record.key, record.content);
    return new PatientDocumentRetriever(index, embedder, k);
  }

  get size(): number {
    return this.index.sentences().length;
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PatientDocumentMetadata>[]> {
    const hits = await searchSentences(this.index, this.embedder, query, this.k);
    return hits.map(
      (h) =>
        new Document<PatientDocumentMetadata>({
          pageContent: h.sentence.text,
          metadata: { sourceRecordKey: h.sentence.recordKey, span: { start: h.sentence.span.start, end: h.sentence.span.end }, score: h.score, model: h.sentence.model },
        }),
    );
  }
}
