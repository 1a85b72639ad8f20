/**
 * The reading position of a PEG (parsing expression grammar) parser over one input string, with the error report
 * PEG parsers give: the furthest position any rule reached, and what the rules expected there.
 */
export const FAIL: unique symbol = Symbol('parse failure');
export type Parsed<T> = T | typeof FAIL;

export class HgvsParseError extends Error {
  constructor(
    /** the whole input */
    readonly input: string,
    /** 0-based index of the character where parsing stopped (input.length at the end) */
    readonly index: number,
    /** what the grammar expected there, in words ("an amino acid", "'>'") */
    readonly expected: readonly string[],
  ) {
    super(`${JSON.stringify(input)}: at ${index + 1}: expected ${joinAlternatives(expected)}${foundText(input, index)}`);
    this.name = 'HgvsParseError';
  }
}

function foundText(input: string, index: number): string {
  if (index >= input.length) return ', found the end';
  return `, found ${JSON.stringify(input.slice(index, index + 8))}`;
}

function joinAlternatives(items: readonly string[]): string {
  if (items.length === 0) return 'nothing more';
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export class Cursor {
  pos = 0;
  private furthest = 0;
  private expectations: string[] = [];
  private quiet = 0;

  constructor(
    readonly text: string,
    /** keywords (del, ins, dup, fs...) in any letter case: for report shorthand ("E746_A750DEL"), not for HGVS */
    readonly caseInsensitiveKeywords = false,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }

  /** Records that `what` was expected at `at` (default: here) and returns FAIL. */
  expect(what: string, at = this.pos): typeof FAIL {
    if (this.quiet > 0) return FAIL;
    if (at > this.furthest) {
      this.furthest = at;
      this.expectations = [what];
    } else if (at === this.furthest && !this.expectations.includes(what)) {
      this.expectations.push(what);
    }
    return FAIL;
  }

  /** The literal `s` (exactly, or in any case when `caseInsensitive`). */
  literal(s: string, caseInsensitive = false): Parsed<string> {
    const got = this.text.slice(this.pos, this.pos + s.length);
    if (got === s || (caseInsensitive && got.toLowerCase() === s.toLowerCase())) {
      this.pos += s.length;
      return got;
    }
    return this.expect(`'${s}'`);
  }

  /** A keyword such as "del": exact in HGVS, any case in shorthand. */
  keyword(s: string): Parsed<string> {
    return this.literal(s, this.caseInsensitiveKeywords);
  }

  /** One character of `set`. */
  charIn(set: string, label: string): Parsed<string> {
    const ch = this.peek();
    if (ch !== '' && set.includes(ch)) {
      this.pos++;
      return ch;
    }
    return this.expect(label);
  }

  digits(): Parsed<string> {
    const start = this.pos;
    while (this.pos < this.text.length && this.text.charCodeAt(this.pos) >= 48 && this.text.charCodeAt(this.pos) <= 57) this.pos++;
    if (this.pos === start) return this.expect('a number');
    return this.text.slice(start, this.pos);
  }

  end(): Parsed<true> {
    return this.atEnd ? true : this.expect('the end');
  }

  /**
   * Runs `rule` as one unit named `label`: if it fails without consuming, the error says `label` was expected
   * here rather than listing the rule's inner alternatives.
   */
  labeled<T>(label: string, rule: () => Parsed<T>): Parsed<T> {
    const start = this.pos;
    this.quiet++;
    let r: Parsed<T>;
    try {
      r = rule();
    } finally {
      this.quiet--;
    }
    if (r === FAIL) {
      this.pos = start;
      return this.expect(label, start);
    }
    return r;
  }

  /** PEG ordered choice: the first alternative that succeeds; the position is restored before each try. */
  choice<T>(...alternatives: (() => Parsed<T>)[]): Parsed<T> {
    const start = this.pos;
    for (const alt of alternatives) {
      const r = alt();
      if (r !== FAIL) return r;
      this.pos = start;
    }
    return FAIL;
  }

  /** Runs `rule`; on failure restores the position (a sequence that fails consumes nothing). */
  attempt<T>(rule: () => Parsed<T>): Parsed<T> {
    const start = this.pos;
    const r = rule();
    if (r === FAIL) this.pos = start;
    return r;
  }

  /** `rule` or nothing (undefined), never failing. */
  optional<T>(rule: () => Parsed<T>): T | undefined {
    const r = this.attempt(rule);
    return r === FAIL ? undefined : r;
  }

  error(): HgvsParseError {
    return new HgvsParseError(this.text, this.furthest, this.expectations);
  }
}
