// A fast tokenizer for the common case of a Hugging Face `tokenizer.json` that is plain uncased BERT WordPiece
// (BertNormalizer with lowercase, BertPreTokenizer, WordPiece, [CLS] A [SEP]): ASCII text is normalised and split
// with lookup tables, and each distinct word's pieces are cached, so a report costs a few map look-ups per word.
// The embedding pipeline's time was mostly transformers.js's general tokenizer (see bench-embedding.ts). Any other
// tokenizer.json — and any text containing an added token such as "[MASK]" literally — stays with transformers.js.
// Same ids as transformers.js: checked in bert-fast-tokenizer.test.ts on the shipped model and on odd text.
import { bertBasicWords, greedyWordPieces } from './wordpiece';

interface TokenizerJson {
  normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; clean_text?: boolean; handle_chinese_chars?: boolean } | null;
  pre_tokenizer?: { type?: string } | null;
  post_processor?: { type?: string; single?: unknown[]; sep?: [string, number]; cls?: [string, number] } | null;
  model?: { type?: string; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number; vocab?: Record<string, number> };
  added_tokens?: { content: string }[];
}

const WORD_CACHE_LIMIT = 200_000;

export class BertFastTokenizer {
  private readonly cache = new Map<string, readonly number[]>();
  private constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    readonly clsId: number,
    readonly sepId: number,
    readonly padId: number,
    private readonly unkId: number,
    private readonly prefix: string,
    private readonly maxCharsPerWord: number,
    private readonly addedTokens: readonly string[],
  ) {}

  /** The fast tokenizer for this tokenizer.json, or undefined when it is not plain uncased BERT WordPiece. */
  static fromTokenizerJson(json: unknown, padToken = '[PAD]'): BertFastTokenizer | undefined {
    const t = json as TokenizerJson;
    const n = t.normalizer;
    if (!n || n.type !== 'BertNormalizer' || n.lowercase !== true || n.strip_accents === false || n.clean_text === false || n.handle_chinese_chars === false) return undefined;
    if (t.pre_tokenizer?.type !== 'BertPreTokenizer') return undefined;
    const m = t.model;
    if (!m || m.type !== 'WordPiece' || !m.vocab || !m.unk_token) return undefined;
    const vocab = new Map(Object.entries(m.vocab));
    const p = t.post_processor;
    let cls: string | undefined;
    let sep: string | undefined;
    if (p?.type === 'TemplateProcessing') {
      const single = JSON.stringify(p.single ?? []);
      const expected = /^\[\{"SpecialToken":\{"id":"([^"]+)","type_id":0\}\},\{"Sequence":\{"id":"A","type_id":0\}\},\{"SpecialToken":\{"id":"([^"]+)","type_id":0\}\}\]$/.exec(single);
      if (!expected) return undefined;
      [cls, sep] = [expected[1], expected[2]];
    } else if (p?.type === 'BertProcessing' && p.cls && p.sep) {
      [cls, sep] = [p.cls[0], p.sep[0]];
    } else return undefined;
    const id = (token: string | undefined) => (token === undefined ? undefined : vocab.get(token));
    const [clsId, sepId, padId, unkId] = [id(cls), id(sep), id(padToken), id(m.unk_token)];
    if (clsId === undefined || sepId === undefined || padId === undefined || unkId === undefined) return undefined;
    return new BertFastTokenizer(vocab, clsId, sepId, padId, unkId, m.continuing_subword_prefix ?? '##', m.max_input_chars_per_word ?? 100, (t.added_tokens ?? []).map((a) => a.content).filter(Boolean));
  }

  /** False when the text holds an added token literally: transformers.js splits those out first, so it must tokenize it. */
  handles(text: string): boolean {
    for (const a of this.addedTokens) if (text.includes(a)) return false;
    return true;
  }

  /** Token ids of `[CLS] text [SEP]`, truncated to maxLength with the [SEP] kept (as Hugging Face tokenizers truncate). */
  encode(text: string, maxLength = Infinity): number[] {
    const ids = [this.clsId];
    const limit = maxLength - 1;
    for (const word of this.words(text)) {
      for (const id of this.pieces(word)) ids.push(id);
      if (ids.length >= limit) break;
    }
    if (ids.length > limit) ids.length = Math.max(1, limit);
    ids.push(this.sepId);
    return ids;
  }

  /** BertNormalizer + BertPreTokenizer words; a table-driven loop for ASCII, the general path for the rest. */
  private words(text: string): string[] {
    const out: string[] = [];
    let start = -1;
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // non-ASCII, and control characters (removed inside a word, not splitting it): the general path
      if (c >= 128 || ASCII_KIND[c] === DROP) {
        ascii = false;
        break;
      }
    }
    if (!ascii) return bertBasicWords(text);
    const lower = text.toLowerCase();
    for (let i = 0; i < lower.length; i++) {
      const c = lower.charCodeAt(i);
      const kind = ASCII_KIND[c]!;
      if (kind === WORD) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) out.push(lower.slice(start, i));
      start = -1;
      if (kind === PUNCT) out.push(lower[i]!);
    }
    if (start >= 0) out.push(lower.slice(start));
    return out;
  }

  private pieces(word: string): readonly number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const ids = this.wordPieces(word);
    if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  /** Greedy longest-match-first WordPiece, as the Hugging Face tokenizers model. */
  private wordPieces(word: string): number[] {
    return greedyWordPieces(word, this.vocab, this.prefix, this.unkId, this.maxCharsPerWord);
  }
}

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const DROP = 3;
/** What each ASCII character is to BertNormalizer + BertPreTokenizer (after lower-casing). */
const ASCII_KIND: Uint8Array = (() => {
  const kinds = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if (c === 9 || c === 10 || c === 13 || c === 32) kinds[c] = SPACE;
    else if (c < 32 || c === 127) kinds[c] = DROP; // control characters (clean_text); NUL too
    else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) kinds[c] = PUNCT;
    else kinds[c] = WORD;
  }
  return kinds;
})();
