// Deliberate corruptions of summary sentences, the kinds of error a buggy composer or a language model makes:
// a wrong value, a wrong date, a dropped negation, a citation of another patient's record. The evaluation
// (scripts/eval-summary.ts) and the tests count how many of them the verifier catches.
import type { Evidence } from './evidence';
import type { SummarySentence } from './compose-summary';

export type CorruptionKind = 'wrong-value' | 'wrong-date' | 'dropped-negation' | 'other-patient-record' | 'wrong-response';

export interface Corruption {
  kind: CorruptionKind;
  sentence: SummarySentence;
  /** Evidence the corrupted sentence needs added to the summary (the other patient's record). */
  extraEvidence?: Evidence;
}

const ROMAN_NEXT: Record<string, string> = { '0': 'I', I: 'II', II: 'III', III: 'IV', IV: 'III' };

/** Changes the first number (not in a date) or stage/TNM value; undefined when the sentence states none. */
export function wrongValue(sentence: SummarySentence): Corruption | undefined {
  const stage = /\b(stage\s+)(0|IV|III|II|I)([A-C]?\d?)\b/i.exec(sentence.text);
  if (stage) {
    const text = sentence.text.slice(0, stage.index) + stage[1] + ROMAN_NEXT[stage[2]!.toUpperCase()] + stage[3] + sentence.text.slice(stage.index + stage[0].length);
    return { kind: 'wrong-value', sentence: { ...sentence, text } };
  }
  const tnm = /\b([cpy]?[TN])([0-4])\b/.exec(sentence.text);
  if (tnm) {
    const text = sentence.text.replace(tnm[0], `${tnm[1]}${(Number(tnm[2]) + 1) % 5}`);
    return { kind: 'wrong-value', sentence: { ...sentence, text } };
  }
  const withoutDates = sentence.text.replace(/\b\d{4}-\d{2}(-\d{2})?\b/g, (d) => 'D'.repeat(d.length));
  const number = /(?<![\w.\-/>])\d+(\.\d+)?(?![\w.]*\d)/.exec(withoutDates);
  if (!number) return undefined;
  const changed = String(Number(number[0]) === 0 ? 1 : Number((Number(number[0]) * 1.5 + 1).toFixed(2)));
  const text = sentence.text.slice(0, number.index) + changed + sentence.text.slice(number.index + number[0].length);
  return { kind: 'wrong-value', sentence: { ...sentence, text } };
}

/** Moves the first date by one day (or month/year at the precision written). */
export function wrongDate(sentence: SummarySentence): Corruption | undefined {
  const m = /\b(\d{4})-(\d{2})(?:-(\d{2}))?\b/.exec(sentence.text);
  if (!m) return undefined;
  let shifted: string;
  if (m[3]) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
    shifted = d.toISOString().slice(0, 10);
  } else {
    shifted = `${m[1]}-${String((Number(m[2]) % 12) + 1).padStart(2, '0')}`;
  }
  return { kind: 'wrong-date', sentence: { ...sentence, text: sentence.text.replace(m[0], shifted) } };
}

/** Drops the negation: "Negative" → "Positive", "no X" → "X", "not detected" → "detected". */
export function droppedNegation(sentence: SummarySentence): Corruption | undefined {
  const rules: [RegExp, string][] = [
    [/\bNegative\b/, 'Positive'],
    [/\bnegative\b/, 'positive'],
    [/\bnot (detected|identified|present|seen)\b/i, '$1'],
    [/\b[Nn]o (?=\w)/, ''],
    [/\babsent\b/i, 'present'],
    [/\bwithout\b/i, 'with'],
  ];
  for (const [re, replacement] of rules) {
    if (re.test(sentence.text)) return { kind: 'dropped-negation', sentence: { ...sentence, text: sentence.text.replace(re, replacement) } };
  }
  return undefined;
}

const OTHER_RESPONSE: Record<string, [string, string]> = {
  CR: ['PD', 'progressive disease'],
  PR: ['SD', 'stable disease'],
  SD: ['PR', 'partial response'],
  PD: ['SD', 'stable disease'],
  NE: ['PR', 'partial response'],
};

/** Swaps a stated response: a RECIST category ("partial response (PR)" → "stable disease (SD)") or a disease status in words; undefined when none is stated. */
export function wrongResponse(sentence: SummarySentence): Corruption | undefined {
  const m = /\b(complete response|partial response|stable disease|progressive disease|not evaluable) \((CR|PR|SD|PD|NE)\)/.exec(sentence.text);
  if (!m) {
    // A disease-status value stated in words ("Patient's condition improved" → "worsened").
    const status = /\b(improved|worsened|stable|progressing|in remission)\b/i.exec(sentence.text);
    const swap: Record<string, string> = { improved: 'worsened', worsened: 'improved', stable: 'worsened', progressing: 'improved', 'in remission': 'progressing' };
    return status ? { kind: 'wrong-response', sentence: { ...sentence, text: sentence.text.replace(status[0], swap[status[1]!.toLowerCase()]!) } } : undefined;
  }
  const [code, words] = OTHER_RESPONSE[m[2]!]!;
  return { kind: 'wrong-response', sentence: { ...sentence, text: sentence.text.replace(m[0], `${words} (${code})`) } };
}

/** Replaces the sentence's first citation with evidence from another patient's record. */
export function otherPatientRecord(sentence: SummarySentence, foreign: Evidence, patientKey: string): Corruption {
  // The wrong record is presented as if it were this patient's evidence: the verifier must look it up itself.
  const disguised: Evidence = { ...foreign, id: `${foreign.id}-x`, patientKey };
  return { kind: 'other-patient-record', sentence: { ...sentence, citations: [disguised.id, ...sentence.citations.slice(1)] }, extraEvidence: disguised };
}
