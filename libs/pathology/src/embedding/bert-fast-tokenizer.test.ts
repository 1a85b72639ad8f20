import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertFastTokenizer } from './bert-fast-tokenizer';
import { cosineSimilarity, TextEmbedder } from './text-embedder';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL_DIR = join(here, '..', '..', 'models', 'civic-bert-mini');
const tokenizerJson = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer.json'), 'utf8'));

let reference: any; // transformers.js's tokenizer of the same folder
beforeAll(async () => {
  const t = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  reference = await t.AutoTokenizer.from_pretrained(MODEL_DIR, { local_files_only: true });
});

describe('BertFastTokenizer', () => {
  it('gives the same ids as transformers.js on reports, odd characters, long words and truncation', () => {
    const fast = BertFastTokenizer.fromTokenizerJson(tokenizerJson)!;
    expect(fast).toBeDefined();
    const reports = join(here, '..', '..', 'fixtures', 'eval', 'reports');
    const texts = [
      ...readdirSync(reports).sort().slice(0, 25).map((f) => readFileSync(join(reports, f), 'utf8')),
      'HER2 (IHC): 2+; ER 95%, PR <1%. KRAS p.G12C — café-au-lait, naïve, Ki‑67 ≥ 20%,  tabs\tand\r\nCRLF',
      'ctrl\u0001chars\u007fin\u000bwords and a NUL\u0000 here; 全角 text and emoji 🧬.',
      `a${'x'.repeat(150)} word longer than the per-word limit`,
      '',
      '   ',
    ];
    for (const text of texts) {
      expect(fast.encode(text), JSON.stringify(text.slice(0, 40))).toEqual(reference.encode(text));
      // truncation keeps [SEP] at the end, as Hugging Face tokenizers do (transformers.js 3 cuts it off)
      const full = reference.encode(text) as number[];
      expect(fast.encode(text, 16)).toEqual(full.length <= 16 ? full : [...full.slice(0, 15), fast.sepId]);
    }
  });

  it('leaves texts with an added token, and tokenizers that are not plain BERT WordPiece, to transformers.js', () => {
    const fast = BertFastTokenizer.fromTokenizerJson(tokenizerJson)!;
    expect(fast.handles('a [MASK] here')).toBe(false);
    expect(fast.handles('no special token')).toBe(true);
    expect(BertFastTokenizer.fromTokenizerJson({ ...tokenizerJson, normalizer: { type: 'NFC' } })).toBeUndefined();
    expect(BertFastTokenizer.fromTokenizerJson({ ...tokenizerJson, model: { ...tokenizerJson.model, type: 'BPE' } })).toBeUndefined();
    expect(BertFastTokenizer.fromTokenizerJson({ ...tokenizerJson, pre_tokenizer: { type: 'Whitespace' } })).toBeUndefined();
  });
});

describe('TextEmbedder paths', () => {
  it('gives the same vectors with the fast tokenizer + own onnxruntime session as through transformers.js', async () => {
    const fast = await TextEmbedder.load(MODEL_DIR);
    const viaTransformers = await TextEmbedder.load(MODEL_DIR, { runtime: 'transformers.js' });
    expect(fast.path).toEqual({ tokenizer: 'bert-fast', runtime: 'onnxruntime' });
    expect(viaTransformers.path).toEqual({ tokenizer: 'transformers.js', runtime: 'transformers.js' });
    const texts = ['Invasive ductal carcinoma, grade 2, ER positive (95%).', 'No lymphovascular invasion. [MASK] token text.', 'KRAS G12C detected at 32%.'];
    const a = await fast.embed(texts);
    const b = await viaTransformers.embed(texts);
    for (let i = 0; i < texts.length; i++) expect(cosineSimilarity(a[i]!.vector, b[i]!.vector)).toBeGreaterThan(0.99999);
    await fast.dispose();
    await viaTransformers.dispose();
  });
});
