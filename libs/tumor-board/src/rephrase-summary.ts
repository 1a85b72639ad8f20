// Optional: a chat model (any LangChain chat model — a local OpenAI-compatible or Ollama endpoint, configured by
// the user) may rephrase the composed summary. Its output is parsed back into sentences with citation markers and
// goes through the same verifier: an invented or altered claim is dropped and reported, never shown. The default
// platform needs none of this (no network, no language model).
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { CaseSummary, SummarySentence } from './compose-summary';
import { memoizeLookup, verifySentence, type RecordLookup, type RejectedSentence } from './verify-summary';

export const REPHRASE_INSTRUCTIONS = [
  'You rewrite a tumor-board case summary so it reads well aloud.',
  'Each input sentence ends with a citation marker like [3]. Rewrite sentence by sentence, one output sentence per line,',
  'and end every output sentence with the marker(s) of the input sentence(s) it restates.',
  'Keep every value, unit, date, stage, gene change, negation and uncertainty exactly as given. Add nothing.',
].join(' ');

export interface RephraseResult {
  summary: CaseSummary;
  rejected: RejectedSentence[];
  /** The model's raw text, kept for audit. */
  raw: string;
}

/** The numbered input the model sees: "[n] sentence" lines, n indexing `sentences`. */
export function numberedSentences(summary: CaseSummary): { sentences: SummarySentence[]; prompt: string } {
  const sentences = summary.sections.flatMap((s) => s.sentences);
  return { sentences, prompt: sentences.map((s, i) => `${s.text} [${i + 1}]`).join('\n') };
}

/** Parses the model's lines back into sentences: markers map to the cited input sentences' evidence. */
export function parseRephrased(raw: string, sentences: SummarySentence[]): SummarySentence[] {
  const out: SummarySentence[] = [];
  for (const line of raw.split(/\n+/).map((l) => l.trim()).filter(Boolean)) {
    const markers = [...line.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) - 1);
    const sources = markers.map((n) => sentences[n]).filter((s): s is SummarySentence => !!s);
    const text = line.replace(/\s*\[\d+\]/g, '').trim();
    out.push({
      section: sources[0]?.section ?? 'diagnosis',
      text,
      citations: [...new Set(sources.flatMap((s) => s.citations))],
    });
  }
  return out;
}

/** Asks `model` to rephrase, then verifies every returned sentence against the records. */
export async function rephraseCaseSummary(summary: CaseSummary, model: BaseChatModel, recordLookup: RecordLookup, options: { timeoutMs?: number } = {}): Promise<RephraseResult> {
  const lookup = memoizeLookup(recordLookup);
  const { sentences, prompt } = numberedSentences(summary);
  const response = await model.invoke([new SystemMessage(REPHRASE_INSTRUCTIONS), new HumanMessage(prompt)], options.timeoutMs ? { timeout: options.timeoutMs } : undefined);
  const raw = typeof response.content === 'string' ? response.content : response.content.map((part) => ('text' in part ? String(part.text) : '')).join('');
  const rejected: RejectedSentence[] = [];
  const kept = new Map<string, SummarySentence[]>();
  for (const sentence of parseRephrased(raw, sentences)) {
    const reasons = await verifySentence(summary, sentence, lookup);
    if (reasons.length > 0) rejected.push({ ...sentence, reasons });
    else kept.set(sentence.section, [...(kept.get(sentence.section) ?? []), sentence]);
  }
  return {
    summary: {
      ...summary,
      composer: `${summary.composer} + rephrased by ${model._llmType()}`,
      sections: summary.sections.map((s) => {
        const sentencesKept = kept.get(s.id) ?? [];
        return { id: s.id, title: s.title, sentences: sentencesKept, ...(sentencesKept.length === 0 ? { note: s.note ?? 'The rephrased sentences of this section failed verification and were withheld.' } : {}) };
      }),
    },
    rejected,
    raw,
  };
}
