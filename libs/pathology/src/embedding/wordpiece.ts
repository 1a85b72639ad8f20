// BERT's uncased text pipeline, written out so the project can train its own vocabulary and write it in the
// Hugging Face `tokenizer.json` format that transformers.js reads:
//   normalize (BertNormalizer: clean text, space CJK characters, strip accents, lowercase)
//   → pre-tokenize (BertPreTokenizer: split on whitespace, each punctuation character is its own word)
//   → WordPiece (greedy longest-match-first, continuation pieces prefixed "##", [UNK] for a word it cannot cover).
// The trainer is BPE-style (as Hugging Face's WordPieceTrainer): start from the characters (word-initial "c" and
// continuation "##c"), repeatedly merge the most frequent adjacent pair; ties broken by the pair's text, so the
// vocabulary depends only on the input texts.

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const MAX_INPUT_CHARS_PER_WORD = 100;

function isControl(c: string): boolean {
  if (c === '\t' || c === '\n' || c === '\r') return false;
  return /\p{Cc}|\p{Cf}/u.test(c);
}

function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df)
    || (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

/** BertNormalizer(clean_text, handle_chinese_chars, strip_accents, lowercase). */
export function bertNormalize(text: string): string {
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
    if (/\s/u.test(c)) out += ' ';
    else if (isCjk(cp)) out += ` ${c} `;
    else out += c;
  }
  return out.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
}

function isPunctuation(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /\p{P}/u.test(c);
}

/** BertPreTokenizer: words split on whitespace, every punctuation character a word of its own. */
export function bertPreTokenize(normalized: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const c of normalized) {
    if (/\s/u.test(c)) {
      if (current) words.push(current);
      current = '';
    } else if (isPunctuation(c)) {
      if (current) words.push(current);
      words.push(c);
      current = '';
    } else current += c;
  }
  if (current) words.push(current);
  return words;
}

/** The basic (pre-WordPiece) words of a text, as BERT's uncased tokenizer sees them. */
export function bertBasicWords(text: string): string[] {
  return bertPreTokenize(bertNormalize(text));
}

export interface WordPieceTrainingOptions {
  vocabSize: number;
  /** Characters seen fewer times are left out of the alphabet (they become [UNK]). */
  minCharFrequency?: number;
}

/** Trains a WordPiece vocabulary (special tokens first, then the alphabet, then merges in order). */
export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainingOptions): string[] {
  const wordCounts = new Map<string, number>();
  for (const text of texts) for (const w of bertBasicWords(text)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  const words = [...wordCounts.keys()].filter((w) => [...w].length <= MAX_INPUT_CHARS_PER_WORD).sort();
  const freq = words.map((w) => wordCounts.get(w)!);

  const charCounts = new Map<string, number>();
  words.forEach((w, i) => [...w].forEach((c, j) => {
    const sym = j === 0 ? c : `##${c}`;
    charCounts.set(sym, (charCounts.get(sym) ?? 0) + freq[i]!);
  }));
  const minChar = options.minCharFrequency ?? 1;
  const alphabet = [...charCounts.entries()].filter(([, n]) => n >= minChar).map(([s]) => s).sort();
  const alphabetSet = new Set(alphabet);
  const vocab: string[] = [...SPECIAL_TOKENS, ...alphabet];
  const inVocab = new Set(vocab);

  // Words whose characters are all in the alphabet take part in merges.
  const symbols: string[][] = [];
  const wordFreq: number[] = [];
  words.forEach((w, i) => {
    const syms = [...w].map((c, j) => (j === 0 ? c : `##${c}`));
    if (syms.every((s) => alphabetSet.has(s))) {
      symbols.push(syms);
      wordFreq.push(freq[i]!);
    }
  });

  const SEP = '\u0000';
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addWordPairs = (wi: number, sign: number) => {
    const syms = symbols[wi]!;
    for (let j = 0; j + 1 < syms.length; j++) {
      const key = syms[j] + SEP + syms[j + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * wordFreq[wi]!);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  symbols.forEach((_, wi) => addWordPairs(wi, 1));

  while (vocab.length < options.vocabSize) {
    let bestKey = '';
    let bestCount = 0;
    for (const [key, count] of pairCount) {
      if (count > bestCount || (count === bestCount && count > 0 && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestCount <= 0) break;
    const [a, b] = bestKey.split(SEP) as [string, string];
    const merged = a + (b.startsWith('##') ? b.slice(2) : b);
    const affected = [...(pairWords.get(bestKey) ?? [])].sort((x, y) => x - y);
    for (const wi of affected) {
      addWordPairs(wi, -1);
      const syms = symbols[wi]!;
      const next: string[] = [];
      for (let j = 0; j < syms.length; j++) {
        if (j + 1 < syms.length && syms[j] === a && syms[j + 1] === b) {
          next.push(merged);
          j++;
        } else next.push(syms[j]!);
      }
      symbols[wi] = next;
      addWordPairs(wi, 1);
    }
    pairCount.delete(bestKey);
    pairWords.delete(bestKey);
    for (const [key, count] of pairCount) if (count <= 0) { pairCount.delete(key); pairWords.delete(key); }
    if (!inVocab.has(merged)) {
      vocab.push(merged);
      inVocab.add(merged);
    }
  }
  return vocab;
}

/** WordPiece over a fixed vocabulary, as BertTokenizer / Hugging Face's WordPiece model (uncased). */
/**
 * Greedy longest-match-first WordPiece (as BERT and the Hugging Face tokenizers model): the word's ids, or [unkId]
 * when a piece cannot be matched or the word is longer than maxChars.
 */
export function greedyWordPieces(word: string, ids: ReadonlyMap<string, number>, prefix: string, unkId: number, maxChars: number): number[] {
  const chars = [...word];
  if (chars.length > maxChars) return [unkId];
  const out: number[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: number | undefined;
    while (start < end) {
      found = ids.get((start > 0 ? prefix : '') + chars.slice(start, end).join(''));
      if (found !== undefined) break;
      end--;
    }
    if (found === undefined) return [unkId];
    out.push(found);
    start = end;
  }
  return out;
}

export class WordPieceTokenizer {
  private readonly ids: Map<string, number>;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;

  constructor(readonly vocab: readonly string[]) {
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    const id = (t: string) => {
      const v = this.ids.get(t);
      if (v === undefined) throw new Error(`WordPiece vocabulary: expected the special token ${t}`);
      return v;
    };
    this.padId = id('[PAD]');
    this.unkId = id('[UNK]');
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.maskId = id('[MASK]');
  }

  wordPieces(word: string): number[] {
    return greedyWordPieces(word, this.ids, '##', this.unkId, MAX_INPUT_CHARS_PER_WORD);
  }

  /** Token ids of `[CLS] text [SEP]`, truncated to maxLength (the [SEP] kept). */
  encode(text: string, maxLength: number): number[] {
    const ids = [this.clsId];
    for (const w of bertBasicWords(text)) {
      for (const id of this.wordPieces(w)) ids.push(id);
      if (ids.length >= maxLength - 1) break;
    }
    return [...ids.slice(0, maxLength - 1), this.sepId];
  }
}

/** The Hugging Face tokenizers `tokenizer.json` for an uncased BERT WordPiece vocabulary. */
export function bertTokenizerJson(vocab: readonly string[]): object {
  const id = (t: string) => vocab.indexOf(t);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: MAX_INPUT_CHARS_PER_WORD,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

export function bertTokenizerConfigJson(maxLength: number): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
}
