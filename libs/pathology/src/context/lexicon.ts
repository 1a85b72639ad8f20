// Loads the published NegEx / ConText trigger lists (./lexicons, verbatim copies; see ./lexicons/README.md) into
// one rule list per ConText pass. Nothing in the lists is edited: the few rows used from larger lexicons are named
// here and checked against the files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { phraseTokens } from './tokens';

/** The contextual properties ConText assigns. */
export type ContextCategory = 'negated' | 'uncertain' | 'historical' | 'hypothetical' | 'experiencer';

/**
 * What a trigger does: `forward` (NegEx [PREN]/[PREP], ConText pre-triggers), `backward` ([POST]/[POSP]),
 * `both` (pyConTextNLP "bidirectional"), `one-word` (ConText [ONEW]: scope of one word forward), `pseudo`
 * ([PSEU]: looks like a trigger, is not one), `terminate` ([CONJ]: ends the scope of a trigger).
 */
export type TriggerDirection = 'forward' | 'backward' | 'both' | 'one-word' | 'pseudo' | 'terminate';

/** The four ConText passes; negation and uncertainty share one (as in NegEx, where [PREP]/[POSP] live beside [PREN]). */
export type ContextPass = 'negation' | 'historical' | 'hypothetical' | 'experiencer';

export interface TriggerRule {
  phrase: string;
  tokens: string[];
  pass: ContextPass;
  /** The category a forward/backward/both/one-word trigger assigns; absent for pseudo and terminate. */
  category?: ContextCategory;
  direction: TriggerDirection;
  /** Which list it came from, e.g. "negex:[PREN]", "medspacy:POSSIBLE_EXISTENCE", "pyConTextNLP:AMBIVALENT_EXISTENCE". */
  source: string;
}

export interface ContextLexicon {
  rules: TriggerRule[];
}

/** The pyConTextNLP rows used for uncertainty (Lex column, as in the file); each is checked to exist with this type. */
export const PYCONTEXT_UNCERTAINTY_ROWS: readonly { lex: string; type: string }[] = [
  { lex: 'cannot be excluded', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'not excluded', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'is not excluded', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'was not excluded', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'cannot exclude', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'cannot rule out', type: 'AMBIVALENT_EXISTENCE' },
  { lex: 'suspicious', type: 'PROBABLE_EXISTENCE' },
  { lex: 'suspected', type: 'PROBABLE_EXISTENCE' },
  { lex: 'suspect', type: 'PROBABLE_EXISTENCE' },
  { lex: 'concerning for', type: 'PROBABLE_EXISTENCE' },
  { lex: 'probable', type: 'PROBABLE_EXISTENCE' },
  { lex: 'possibly', type: 'PROBABLE_EXISTENCE' },
  { lex: 'could represent', type: 'PROBABLE_EXISTENCE' },
  { lex: 'may represent', type: 'PROBABLE_EXISTENCE' },
  { lex: 'favor', type: 'PROBABLE_EXISTENCE' },
];

/**
 * Family members as experiencer pre-triggers, added here (not in the verbatim lists): genConText's experiencer list
 * has possessives and compounds ("father's", "grandfather") but not the plain nouns pathology histories use
 * ("father had colon cancer", "her sister, age 44"). Source "oncoboard:family".
 */
export const FAMILY_EXPERIENCER_TRIGGERS: readonly string[] = [
  'mother', 'father', 'sister', 'sisters', 'brother', 'brothers', 'aunt', 'aunts', 'uncle', 'uncles', 'son', 'daughter',
  'cousin', 'cousins', 'grandmother', 'niece', 'nephew', 'sibling', 'siblings', 'maternal', 'paternal', 'parents',
];

/** Project triggers of the negation pass (NegEx's pass, where uncertainty lives too), one category and direction each. */
function negationPass(category: 'negated' | 'uncertain', direction: TriggerDirection, ...phrases: string[]) {
  return phrases.map((phrase) => ({ phrase, pass: 'negation' as const, category, direction }));
}

/**
 * Pathology-specific triggers, added here (not in the verbatim lists; source "oncoboard:pathology"): a procedure or
 * test a comment recommends has not been done ("Wide local excision with 1-2 cm margins ... is recommended":
 * hypothetical, backward), and one the history calls not feasible was not done ("lobectomy not feasible": negated,
 * backward); "FH of" (family history) makes what follows a relative's (experiencer, forward); "not diagnostic of"
 * (a finding short of a diagnosis) leaves what follows uncertain, not negated (forward).
 */
export const PATHOLOGY_TRIGGERS: readonly { phrase: string; pass: ContextPass; category: ContextCategory; direction: TriggerDirection }[] = [
  { phrase: 'is recommended', pass: 'hypothetical', category: 'hypothetical', direction: 'backward' },
  { phrase: 'are recommended', pass: 'hypothetical', category: 'hypothetical', direction: 'backward' },
  { phrase: 'not feasible', pass: 'negation', category: 'negated', direction: 'backward' },
  // "No FH of bowel cancer": FH is the usual abbreviation of family history ("FH of" is never fumarate hydratase)
  { phrase: 'fh of', pass: 'experiencer', category: 'experiencer', direction: 'forward' },
  // "ASAP, suspicious for but not diagnostic of carcinoma": findings short of a diagnosis leave the carcinoma
  // possible (a re-biopsy follows), not absent; longer than "not", so it is tagged in its place
  ...negationPass('uncertain', 'forward', 'not diagnostic of'),
  // the usual hedges of a pathology differential that the lists write otherwise: "Phyllodes tumor cannot be entirely
  // excluded" (the lists: "cannot be excluded"), "the immunoprofile favors metaplastic carcinoma" (the lists: "favor"),
  // "lentigo maligna vs lentigo maligna melanoma", "recurrence versus new primary" (a differential: both sides possible)
  ...negationPass('uncertain', 'backward', 'cannot be entirely excluded', 'cannot be completely excluded', 'cannot be entirely ruled out'),
  ...negationPass('uncertain', 'both', 'favors', 'favours', 'favour', 'favoring', 'favouring', 'vs', 'versus'),
  // denials the lists write otherwise: "Negative for: EGFR, KRAS, ..." (the colon would end "negative for"'s scope),
  // "NKX3.1 negative (argues against metastatic prostatic carcinoma)", "lymphovascular invasion not confirmed",
  // "Perineural invasion is absent" (a bracket between still ends the scope, as NegEx punctuation does)
  ...negationPass('negated', 'forward', 'negative for:', 'argues against', 'argue against'),
  ...negationPass('negated', 'backward', 'not confirmed', 'is absent', 'are absent', 'was absent', 'were absent'),
];

const NEGEX_TAGS: Record<string, { direction: TriggerDirection; category?: ContextCategory }> = {
  '[PREN]': { direction: 'forward', category: 'negated' },
  '[POST]': { direction: 'backward', category: 'negated' },
  '[PREP]': { direction: 'forward', category: 'uncertain' },
  '[POSP]': { direction: 'backward', category: 'uncertain' },
  '[PSEU]': { direction: 'pseudo' },
  '[CONJ]': { direction: 'terminate' },
};

export class LexiconError extends Error {
  override name = 'LexiconError';
}

/** Parses a NegEx/genConText trigger file (`phrase<TAB><TAB>[TAG]` lines). */
export function parseTriggerFile(content: string, file: string, pass: ContextPass, category: ContextCategory): TriggerRule[] {
  const rules: TriggerRule[] = [];
  content.split(/\r?\n/).forEach((line, n) => {
    if (!line.trim()) return;
    const m = /^(.+?)\t+(\[[A-Z]{4}\])\s*$/.exec(line);
    if (!m) throw new LexiconError(`${file}:${n + 1}: expected "phrase<TAB><TAB>[TAG]"`);
    const phrase = (m[1] as string).trim();
    const tag = m[2] as string;
    let kind = NEGEX_TAGS[tag];
    if (tag === '[ONEW]') kind = { direction: 'one-word', category };
    if (!kind) throw new LexiconError(`${file}:${n + 1}: unknown tag ${tag}`);
    const ruleCategory = kind.category === undefined ? undefined : pass === 'negation' ? kind.category : category;
    rules.push({ phrase, tokens: phraseTokens(phrase), pass, direction: kind.direction, ...(ruleCategory ? { category: ruleCategory } : {}), source: `${file.replace(/^.*\//, '')}:${tag}` });
  });
  return rules;
}

interface MedspacyRule {
  category: string;
  literal: string;
  pattern: { LOWER: string | { IN: string[] }; OP?: string }[] | null;
  direction: string;
}

/** Every phrase a medspaCy token pattern matches (LOWER / IN alternatives, OP "?" optional). */
export function expandMedspacyPattern(rule: MedspacyRule): string[] {
  if (!rule.pattern) return [rule.literal];
  let phrases: string[][] = [[]];
  for (const element of rule.pattern) {
    const options = typeof element.LOWER === 'string' ? [element.LOWER] : element.LOWER.IN;
    const next: string[][] = [];
    for (const p of phrases) {
      if (element.OP === '?') next.push(p);
      for (const o of options) next.push([...p, o]);
    }
    phrases = next;
  }
  return phrases.filter((p) => p.length > 0).map((p) => p.join(' '));
}

export function parseMedspacyRules(content: string, file: string): TriggerRule[] {
  const json = JSON.parse(content) as { context_rules?: MedspacyRule[] };
  if (!Array.isArray(json.context_rules)) throw new LexiconError(`${file}: expected {"context_rules": [...]}`);
  const rules: TriggerRule[] = [];
  for (const rule of json.context_rules) {
    if (rule.category !== 'POSSIBLE_EXISTENCE') continue;
    const direction: TriggerDirection = rule.direction === 'BACKWARD' ? 'backward' : rule.direction === 'TERMINATE' ? 'terminate' : 'forward';
    for (const phrase of expandMedspacyPattern(rule)) {
      rules.push({ phrase, tokens: phraseTokens(phrase), pass: 'negation', direction, category: 'uncertain', source: 'medspacy:POSSIBLE_EXISTENCE' });
    }
  }
  return rules;
}

export function parsePyContextRows(content: string, file: string, wanted: readonly { lex: string; type: string }[]): TriggerRule[] {
  const rows = content.split(/\r?\n/).map((l) => l.split('\t'));
  return wanted.map(({ lex, type }) => {
    const row = rows.find((r) => r[0] === lex && r[1] === type);
    if (!row) throw new LexiconError(`${file}: expected a row "${lex}" of type ${type}, found none`);
    const dir = row[3]?.trim();
    const direction: TriggerDirection = dir === 'backward' ? 'backward' : dir === 'bidirectional' ? 'both' : 'forward';
    return { phrase: lex, tokens: phraseTokens(lex), pass: 'negation' as const, direction, category: 'uncertain' as const, source: `pyConTextNLP:${type}` };
  });
}

const LEXICON_DIR = fileURLToPath(new URL('./lexicons/', import.meta.url));

function read(name: string): string {
  try {
    return readFileSync(LEXICON_DIR + name, 'utf8');
  } catch (error) {
    throw new LexiconError(`context lexicon ${LEXICON_DIR + name}: cannot read file (${error instanceof Error ? error.message : String(error)})`);
  }
}

let cached: ContextLexicon | undefined;

/**
 * The default lexicon: NegEx triggers (negation, possible), medspaCy POSSIBLE_EXISTENCE and the named
 * pyConTextNLP rows (uncertainty), genConText history / hypothetical / experiencer triggers. When two lists hold
 * the same phrase for one pass, the first loaded wins (NegEx before medspaCy before pyConTextNLP).
 */
export function loadDefaultLexicon(): ContextLexicon {
  if (cached) return cached;
  const all: TriggerRule[] = [
    ...parseTriggerFile(read('negex_triggers.txt'), 'negex_triggers.txt', 'negation', 'negated'),
    ...parseMedspacyRules(read('medspacy_context_rules.json'), 'medspacy_context_rules.json'),
    ...parsePyContextRows(read('pyConTextNLP_lexical_kb_05042016.tsv'), 'pyConTextNLP_lexical_kb_05042016.tsv', PYCONTEXT_UNCERTAINTY_ROWS),
    ...parseTriggerFile(read('history_triggers.txt'), 'history_triggers.txt', 'historical', 'historical'),
    ...parseTriggerFile(read('hypothetical_triggers.txt'), 'hypothetical_triggers.txt', 'hypothetical', 'hypothetical'),
    ...parseTriggerFile(read('experiencer_triggers.txt'), 'experiencer_triggers.txt', 'experiencer', 'experiencer'),
    ...FAMILY_EXPERIENCER_TRIGGERS.map((phrase): TriggerRule => ({ phrase, tokens: phraseTokens(phrase), pass: 'experiencer', direction: 'both', category: 'experiencer', source: 'oncoboard:family' })),
    ...PATHOLOGY_TRIGGERS.map((t): TriggerRule => ({ ...t, tokens: phraseTokens(t.phrase), source: 'oncoboard:pathology' })),
  ];
  const seen = new Set<string>();
  const rules = all.filter((r) => {
    const key = `${r.pass}|${r.tokens.join(' ')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  cached = { rules };
  return cached;
}
