import { fileURLToPath } from 'node:url';

// Sentence and report embeddings from a local BERT-family model (transformers.js), the in-memory sentence index
// the summary uses for retrieval, and the pieces of the project's own text encoder (tokenizer training, the tiny
// BERT's ONNX export and reference forward pass, retrieval metrics).
export {
  TextEmbedder, checkModelFolder, cosineSimilarity, l2Normalize, meanPool, readModelFolderIdentity,
  type EmbeddingModelVersion, type SentenceEmbedding, type TextEmbedderOptions, type TextEmbedding, type TextSpan,
} from './text-embedder';
export { SentenceIndex, indexDocument, searchSentences, type IndexedSentence, type SentenceHit } from './sentence-index';
export {
  SPECIAL_TOKENS, WordPieceTokenizer, bertBasicWords, bertNormalize, bertPreTokenize, bertTokenizerConfigJson,
  bertTokenizerJson, trainWordPiece, type WordPieceTrainingOptions,
} from './wordpiece';
export {
  MASKED_ATTENTION_BIAS, bertConfigJson, tinyBertForward, tinyBertOnnx, tinyBertParameterCount, tinyBertWeightShapes,
  type TinyBertConfig, type TinyBertWeights,
} from './tiny-bert';
export { TfidfIndex, firstRelevantRank, retrievalMetrics, type RetrievalMetrics, type RetrievalQuery } from './retrieval-metrics';

/** The default model folder shipped with the package (libs/pathology/models/civic-bert-mini). */
export const DEFAULT_TEXT_MODEL_DIR = fileURLToPath(new URL('../../models/civic-bert-mini', import.meta.url));
