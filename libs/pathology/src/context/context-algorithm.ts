// ConText (Harkema et al. 2009), built on NegEx (Chapman et al. 2001), as released in chapmanbe/negex genConText:
//   for each pass (negation+uncertainty, historical, hypothetical, experiencer) the sentence is tagged with the
//   pass's triggers, longest phrase first, left to right (pseudo-triggers claim their words, so "no increase" is
//   never the negation trigger "no"); the target's own words are never triggers. A pre-trigger's scope runs forward
//   from the trigger to the end of the sentence, and a post-trigger's scope backward to its start; a scope ends
//   early at the next termination term ([CONJ]) or any other trigger of the same pass ("closest trigger" policy of
//   genConText), and, for negation, at the punctuation genConText terminates on (":", ")", "}"). An [ONEW]
//   trigger ("prior", "s/p") reaches only the next word or two. A target is in a trigger's scope when all of it is.
//   Option `window` switches to the original NegEx (2001) limit: scopes reach at most that many words (5 there).
import type { Span } from '../span';
import { loadDefaultLexicon, type ContextCategory, type ContextLexicon, type ContextPass, type TriggerDirection, type TriggerRule } from './lexicon';
import { sentenceAt, splitSentences } from './sentences';
import { mayHoldPhrase, phraseFilter, tokenize, type PhraseFilter, type Token } from './tokens';

/** The context of one finding: what ConText says about it. A finding with no trigger is affirmed, current, the patient's. */
export interface FindingContext {
  negated: boolean;
  uncertain: boolean;
  historical: boolean;
  hypothetical: boolean;
  experiencer: 'patient' | 'other';
}

export const AFFIRMED_CONTEXT: Readonly<FindingContext> = Object.freeze({ negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient' });

/** A trigger that put the target in its scope. */
export interface AppliedTrigger {
  category: ContextCategory;
  phrase: string;
  direction: TriggerDirection;
  /** The trigger's words in the text. */
  span: Span;
  /** The scope it reached, in the text. */
  scope: Span;
  source: string;
}

export interface ContextAssessment extends FindingContext {
  triggers: AppliedTrigger[];
}

export interface ContextOptions {
  /** NegEx (2001) window: a scope reaches at most this many words. Default: none (ConText: to the end of the sentence). */
  window?: number;
}

const PASSES: readonly ContextPass[] = ['negation', 'historical', 'hypothetical', 'experiencer'];
/** genConText tags ":", ")" and "}" as negation terminators before any lexicon rule. */
function isNegationPunctuation(norm: string): boolean {
  if (norm.length !== 1) return false;
  const c = norm.charCodeAt(0);
  return c === 58 || c === 41 || c === 125;
}
const NO_MARKS = new Uint8Array(0);

interface Tagged {
  rule: TriggerRule;
  first: number;
  last: number;
}

/** Per sentence, per pass (in PASSES order): the target-free triggers and the tokens they cover. */
interface TaggedSentence {
  tokens: Token[];
  /** No pass tagged any trigger: every target in it is affirmed (most report lines). */
  empty: boolean;
  tagged: Tagged[][];
  triggerAt: Uint8Array[];
  /** 1 at the tokens that end a negation scope (":", ")", "}"). */
  punctuation: Uint8Array;
}

const EMPTY_SENTENCE: TaggedSentence = { tokens: [], empty: true, tagged: [], triggerAt: [], punctuation: new Uint8Array(0) };

/** The longest rule (rules are longest first) whose words are the tokens from i on; none may be a target word. */
function ruleAt(rules: readonly TriggerRule[], tokens: readonly Token[], i: number, inTarget?: readonly boolean[]): TriggerRule | undefined {
  for (const rule of rules) {
    const words = rule.tokens;
    let k = 0;
    while (k < words.length && i + k < tokens.length && (tokens[i + k] as Token).norm === words[k] && !inTarget?.[i + k]) k++;
    if (k === words.length) return rule;
  }
  return undefined;
}

export class ConTextAnalyzer {
  private readonly byFirst = new Map<ContextPass, Map<string, TriggerRule[]>>();
  /** Every pass's rules under their first word, longest first within a pass: one lookup per token tags all passes. */
  private readonly anyPassByFirst = new Map<string, { pass: number; rules: TriggerRule[] }[]>();
  /** Every rule's words: a sentence the filter rejects has no trigger of any pass. */
  private readonly triggerFilter: PhraseFilter;
  private cacheText: string | undefined;
  /**
   * Keyed by the sentence's start (a small integer key hashes much faster than from * 2^26 + to, a heap number);
   * the entry holds its end, and another end at the same start replaces it.
   */
  private readonly cache = new Map<number, { to: number; tagged: TaggedSentence }>();

  constructor(
    lexicon: ContextLexicon = loadDefaultLexicon(),
    private readonly options: ContextOptions = {},
  ) {
    for (const pass of PASSES) this.byFirst.set(pass, new Map());
    for (const rule of lexicon.rules) {
      const first = rule.tokens[0];
      if (first === undefined) continue;
      const map = this.byFirst.get(rule.pass) as Map<string, TriggerRule[]>;
      const list = map.get(first) ?? [];
      list.push(rule);
      map.set(first, list);
    }
    for (const map of this.byFirst.values()) for (const list of map.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
    for (let pass = 0; pass < PASSES.length; pass++) {
      for (const [first, rules] of this.byFirst.get(PASSES[pass] as ContextPass) as Map<string, TriggerRule[]>) {
        const entry = this.anyPassByFirst.get(first) ?? [];
        entry.push({ pass, rules });
        this.anyPassByFirst.set(first, entry);
      }
    }
    this.triggerFilter = phraseFilter(lexicon.rules.map((rule) => rule.tokens));
  }

  /**
   * The context of the target span of text. `sentence` is the sentence holding it (default: found with
   * splitSentences over the whole text); the target must lie inside it.
   */
  assess(text: string, target: Span, sentence?: Span): ContextAssessment {
    const scopeUnit = sentence ?? sentenceAt(splitSentences(text), target.start) ?? { start: target.start, end: target.end };
    const from = Math.min(scopeUnit.start, target.start);
    const to = Math.max(scopeUnit.end, target.end);
    // Several findings share a sentence: its tokens and its target-free tagging are computed once per text
    if (this.cacheText !== text) {
      this.cacheText = text;
      this.cache.clear();
    }
    const entry = this.cache.get(from);
    let cached = entry !== undefined && entry.to === to ? entry.tagged : undefined;
    if (!cached) {
      // most sentences hold no trigger: a scan without tokens tells (EMPTY_SENTENCE is what tagging them returns),
      // and only the rest are tokenized and tagged
      cached = mayHoldPhrase(text, from, to, this.triggerFilter) ? this.tagSentence(tokenize(text, from, to)) : EMPTY_SENTENCE;
      if (this.cache.size > 4096) this.cache.clear();
      this.cache.set(from, { to, tagged: cached });
    }
    if (cached.empty) return affirmed();
    const { tokens } = cached;
    // the tokens the target overlaps: tokens are in text order and do not overlap, so they are one run, found by a
    // binary search for the first token ending after the target's start
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tokens[mid] as Token).end > target.start) hi = mid;
      else lo = mid + 1;
    }
    let ts = -1;
    let te = -1;
    for (let i = lo; i < tokens.length && (tokens[i] as Token).start < target.end; i++) {
      if (ts < 0) ts = i;
      te = i;
    }
    const result = affirmed();
    if (ts < 0) return result;
    for (let p = 0; p < PASSES.length; p++) {
      const pass = PASSES[p] as ContextPass;
      // the target's own words are never triggers: re-tag only when a cached trigger touches them
      const pre = cached.tagged[p] as Tagged[];
      if (pre.length === 0) continue; // re-tagging without the target's words finds no more triggers
      let retag = false;
      for (const t of pre) if (t.last >= ts && t.first <= te) retag = true;
      const tagged = retag ? this.tag(tokens, tokens.map((_, i) => i >= ts && i <= te), pass) : pre;
      if (tagged.length === 0) continue;
      const triggerAt = retag ? stopMarks(tokens.length, tagged) : (cached.triggerAt[p] as Uint8Array);
      const punctuation = pass === 'negation' ? cached.punctuation : undefined;
      for (const t of tagged) {
        const { rule } = t;
        if (!rule.category) continue;
        const scope = this.scopeOf(t, tokens, triggerAt, punctuation, ts, te);
        if (!scope) continue;
        applyCategory(result, rule.category);
        result.triggers.push({
          category: rule.category,
          phrase: rule.phrase,
          direction: rule.direction,
          span: { start: (tokens[t.first] as Token).start, end: (tokens[t.last] as Token).end },
          scope,
          source: rule.source,
        });
      }
    }
    return result;
  }

  /**
   * The target-free tagging of every pass at once: the same longest-first, left-to-right greedy scan as `tag`, one
   * cursor per pass, but one map lookup per token instead of one per token and pass.
   */
  private tagSentence(tokens: Token[]): TaggedSentence {
    const tagged: Tagged[][] = PASSES.map(() => []);
    const nextFree = PASSES.map(() => 0);
    let empty = true;
    for (let i = 0; i < tokens.length; i++) {
      const entries = this.anyPassByFirst.get((tokens[i] as Token).norm);
      if (!entries) continue;
      for (const { pass, rules } of entries) {
        if (i < (nextFree[pass] as number)) continue;
        const rule = ruleAt(rules, tokens, i);
        if (!rule) continue;
        (tagged[pass] as Tagged[]).push({ rule, first: i, last: i + rule.tokens.length - 1 });
        nextFree[pass] = i + rule.tokens.length;
        empty = false;
      }
    }
    if (empty) return EMPTY_SENTENCE;
    // where the target-free triggers and the negation-ending punctuation sit, once per sentence
    const triggerAt = tagged.map((t) => (t.length === 0 ? NO_MARKS : stopMarks(tokens.length, t))); // assess skips a pass without triggers
    const punctuation = new Uint8Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) if (isNegationPunctuation((tokens[i] as Token).norm)) punctuation[i] = 1;
    return { tokens, empty, tagged, triggerAt, punctuation };
  }

  /** Longest-first, left-to-right trigger tagging of one pass; target words are never part of a trigger. */
  private tag(tokens: Token[], inTarget: boolean[], pass: ContextPass): Tagged[] {
    const map = this.byFirst.get(pass) as Map<string, TriggerRule[]>;
    const out: Tagged[] = [];
    for (let i = 0; i < tokens.length; ) {
      const candidates = inTarget[i] ? undefined : map.get((tokens[i] as Token).norm);
      const rule = candidates ? ruleAt(candidates, tokens, i, inTarget) : undefined;
      if (rule) {
        out.push({ rule, first: i, last: i + rule.tokens.length - 1 });
        i += rule.tokens.length;
      } else i++;
    }
    return out;
  }

  /** The scope (in text offsets) of a trigger when it covers all of target tokens [ts, te]; else undefined. */
  private scopeOf(t: Tagged, tokens: Token[], triggerAt: Uint8Array, punctuation: Uint8Array | undefined, ts: number, te: number): Span | undefined {
    // a scope stops at another trigger of the pass and, for negation, at ":", ")" or "}" outside the target
    const { direction } = t.rule;
    const window = this.options.window;
    const forward = direction === 'forward' || direction === 'both' || direction === 'one-word';
    const backward = direction === 'backward' || direction === 'both';
    if (forward && t.last < ts) {
      if (direction === 'one-word' && tokens.slice(t.last + 1, ts).filter((k) => k.word).length > 1) return undefined;
      const limit = direction === 'one-word' ? Infinity : (window ?? Infinity);
      let end = t.last + 1;
      let words = 0;
      while (end < tokens.length && !stopsAt(end, triggerAt, punctuation, ts, te)) {
        if ((tokens[end] as Token).word && ++words > limit) break;
        end++;
      }
      if (te < end) return { start: (tokens[t.last + 1] as Token).start, end: (tokens[end - 1] as Token).end };
    }
    if (backward && t.first > te) {
      const limit = window ?? Infinity;
      let start = t.first - 1;
      let words = 0;
      while (start >= 0 && !stopsAt(start, triggerAt, punctuation, ts, te)) {
        if ((tokens[start] as Token).word && ++words > limit) break;
        start--;
      }
      if (ts > start) return { start: (tokens[start + 1] as Token).start, end: (tokens[t.first - 1] as Token).end };
    }
    return undefined;
  }
}

/** Whether a scope stops at token i: another trigger of the pass, or (negation) ":", ")", "}" outside the target [ts, te]. */
function stopsAt(i: number, triggerAt: Uint8Array, punctuation: Uint8Array | undefined, ts: number, te: number): boolean {
  return triggerAt[i] === 1 || (punctuation !== undefined && punctuation[i] === 1 && (i < ts || i > te));
}

/** A fresh affirmed assessment (a literal: spreading the frozen AFFIRMED_CONTEXT per finding cost more). */
function affirmed(): ContextAssessment {
  return { negated: false, uncertain: false, historical: false, hypothetical: false, experiencer: 'patient', triggers: [] };
}

/** 1 at every token a trigger covers (a trigger ends the scope of the others of its pass). */
function stopMarks(length: number, tagged: readonly Tagged[]): Uint8Array {
  const marks = new Uint8Array(length);
  for (const t of tagged) for (let i = t.first; i <= t.last; i++) marks[i] = 1;
  return marks;
}

function applyCategory(result: FindingContext, category: ContextCategory): void {
  if (category === 'experiencer') result.experiencer = 'other';
  else result[category] = true;
}

let defaultAnalyzer: ConTextAnalyzer | undefined;

/** ConText with the default lexicon and sentence scope. */
export function assessContext(text: string, target: Span, sentence?: Span): ContextAssessment {
  defaultAnalyzer ??= new ConTextAnalyzer();
  return defaultAnalyzer.assess(text, target, sentence);
}
