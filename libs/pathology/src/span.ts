/** A character span [start, end) of a report's verbatim text. */
export interface Span {
  start: number;
  end: number;
}

export function spanText(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The span without leading/trailing whitespace (and, optionally, trailing punctuation). */
export function trimSpan(text: string, span: Span, trailing = /[\s]/): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && trailing.test(text[end - 1] as string)) end--;
  return { start, end };
}

export function contains(outer: Span, inner: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}
