export { AFFIRMED_CONTEXT, assessContext, ConTextAnalyzer, type AppliedTrigger, type ContextAssessment, type ContextOptions, type FindingContext } from './context-algorithm';
export { expandMedspacyPattern, LexiconError, loadDefaultLexicon, parseMedspacyRules, parsePyContextRows, parseTriggerFile, PYCONTEXT_UNCERTAINTY_ROWS, type ContextCategory, type ContextLexicon, type ContextPass, type TriggerDirection, type TriggerRule } from './lexicon';
export { sentenceAt, splitSentences } from './sentences';
export { tokenize, type Token } from './tokens';
