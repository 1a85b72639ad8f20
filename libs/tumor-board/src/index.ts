// libs/tumor-board: case summaries where every sentence cites its evidence, the verifier that re-reads each cited
// record, the optional LangChain rephrasing (verified the same way), and the corruptions the evaluation uses.
export * from './evidence';
export * from './compose-summary';
export * from './verify-summary';
export * from './rephrase-summary';
export * from './corrupt-summary';
export * from './store-lookup';
export * from './boards';
export * from './document-retriever';
export * from './treatment-lines';
export * from './recist-trend';
export * from './model-prediction';
export * from './chat-model-config';
