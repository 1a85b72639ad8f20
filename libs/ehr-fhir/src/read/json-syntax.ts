/**
 * Finds where JSON text is malformed and says what was expected there, with a line and column.
 * Used only after a parser has failed (stream-json and JSON.parse do not say where, or quote the text):
 * it re-reads the text once, character by character, and never quotes the text in its messages.
 */

export interface JsonSyntaxError {
  /** 1-based line of the offending character (or of the end of the text). */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** What was wrong, e.g. "expected ',' or '}' after a property value". */
  message: string;
}

const enum S {
  Value,
  ArrayValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  AfterValue,
  End,
  String,
  StringEscape,
  StringUnicode,
  Literal,
  NumMinus,
  NumZero,
  NumInt,
  NumDot,
  NumFrac,
  NumE,
  NumExpSign,
  NumExp,
}

const EXPECTED: Partial<Record<S, string>> = {
  [S.Value]: 'expected a value',
  [S.ArrayValueOrEnd]: "expected a value or ']'",
  [S.KeyOrEnd]: "expected a property name in double quotes or '}'",
  [S.Key]: 'expected a property name in double quotes',
  [S.Colon]: "expected ':' after a property name",
};

const isWhitespace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** Incremental: feed text in pieces, then call end(). The first error found is kept. */
export class JsonSyntaxLocator {
  private state: S = S.Value;
  /** true for an object, false for an array. */
  private readonly stack: boolean[] = [];
  private inKey = false;
  private unicodeLeft = 0;
  private literal = '';
  private literalAt = 0;
  private line = 1;
  private column = 1;
  private error: JsonSyntaxError | undefined;

  constructor(private readonly endName = 'end of input') {}

  get found(): JsonSyntaxError | undefined {
    return this.error;
  }

  feed(text: string): JsonSyntaxError | undefined {
    for (let i = 0; i < text.length && !this.error; i++) {
      const c = text.charCodeAt(i);
      this.step(c);
      if (this.error) break;
      if (c === 0x0a) {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
    return this.error;
  }

  end(): JsonSyntaxError | undefined {
    if (this.error) return this.error;
    // A number may end the text.
    if (this.state >= S.NumMinus) {
      if (this.state === S.NumZero || this.state === S.NumInt || this.state === S.NumFrac || this.state === S.NumExp) {
        this.valueDone();
      } else {
        return this.fail(`unexpected ${this.endName} inside a number`);
      }
    }
    switch (this.state) {
      case S.End:
        return undefined;
      case S.String:
      case S.StringEscape:
      case S.StringUnicode:
        return this.fail(`unexpected ${this.endName} inside a string`);
      case S.Literal:
        return this.fail(`unexpected ${this.endName} inside a literal, expected true, false or null`);
      case S.AfterValue:
        return this.fail(`unexpected ${this.endName}, ${this.afterValueExpectation()}`);
      default:
        return this.fail(`unexpected ${this.endName}, ${EXPECTED[this.state] ?? 'expected a value'}`);
    }
  }

  private fail(message: string): JsonSyntaxError {
    this.error = { line: this.line, column: this.column, message };
    return this.error;
  }

  private afterValueExpectation(): string {
    return this.stack[this.stack.length - 1] ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element";
  }

  private valueDone(): void {
    this.state = this.stack.length === 0 ? S.End : S.AfterValue;
  }

  private startValue(c: number): boolean {
    switch (c) {
      case 0x7b: // {
        this.stack.push(true);
        this.state = S.KeyOrEnd;
        return true;
      case 0x5b: // [
        this.stack.push(false);
        this.state = S.ArrayValueOrEnd;
        return true;
      case 0x22: // "
        this.inKey = false;
        this.state = S.String;
        return true;
      case 0x2d: // -
        this.state = S.NumMinus;
        return true;
      case 0x74: // t
        this.literal = 'true';
        break;
      case 0x66: // f
        this.literal = 'false';
        break;
      case 0x6e: // n
        this.literal = 'null';
        break;
      default:
        if (c === 0x30) {
          this.state = S.NumZero;
          return true;
        }
        if (isDigit(c)) {
          this.state = S.NumInt;
          return true;
        }
        return false;
    }
    this.literalAt = 1;
    this.state = S.Literal;
    return true;
  }

  private step(c: number): void {
    switch (this.state) {
      case S.Value:
      case S.ArrayValueOrEnd:
        if (isWhitespace(c)) return;
        if (this.state === S.ArrayValueOrEnd && c === 0x5d) {
          this.stack.pop();
          this.valueDone();
          return;
        }
        if (!this.startValue(c)) this.fail(EXPECTED[this.state]!);
        return;
      case S.KeyOrEnd:
      case S.Key:
        if (isWhitespace(c)) return;
        if (c === 0x22) {
          this.inKey = true;
          this.state = S.String;
          return;
        }
        if (this.state === S.KeyOrEnd && c === 0x7d) {
          this.stack.pop();
          this.valueDone();
          return;
        }
        this.fail(EXPECTED[this.state]!);
        return;
      case S.Colon:
        if (isWhitespace(c)) return;
        if (c === 0x3a) this.state = S.Value;
        else this.fail(EXPECTED[S.Colon]!);
        return;
      case S.AfterValue: {
        if (isWhitespace(c)) return;
        const inObject = this.stack[this.stack.length - 1];
        if (c === 0x2c) {
          this.state = inObject ? S.Key : S.Value;
        } else if ((inObject && c === 0x7d) || (!inObject && c === 0x5d)) {
          this.stack.pop();
          this.valueDone();
        } else {
          this.fail(this.afterValueExpectation());
        }
        return;
      }
      case S.End:
        if (!isWhitespace(c)) this.fail('unexpected data after the end of the JSON value');
        return;
      case S.String:
        if (c === 0x22) {
          if (this.inKey) this.state = S.Colon;
          else this.valueDone();
        } else if (c === 0x5c) {
          this.state = S.StringEscape;
        } else if (c < 0x20) {
          this.fail('unescaped control character in a string');
        }
        return;
      case S.StringEscape:
        if (c === 0x75) {
          this.unicodeLeft = 4;
          this.state = S.StringUnicode;
        } else if ('"\\/bfnrt'.includes(String.fromCharCode(c))) {
          this.state = S.String;
        } else {
          this.fail('invalid escape sequence in a string');
        }
        return;
      case S.StringUnicode:
        if (!isHex(c)) {
          this.fail('invalid \\u escape sequence in a string');
          return;
        }
        if (--this.unicodeLeft === 0) this.state = S.String;
        return;
      case S.Literal:
        if (c !== this.literal.charCodeAt(this.literalAt)) {
          this.fail('invalid literal, expected true, false or null');
          return;
        }
        if (++this.literalAt === this.literal.length) this.valueDone();
        return;
      case S.NumMinus:
        if (c === 0x30) this.state = S.NumZero;
        else if (isDigit(c)) this.state = S.NumInt;
        else this.fail('invalid number: expected a digit after "-"');
        return;
      case S.NumZero:
      case S.NumInt:
        if (this.state === S.NumInt && isDigit(c)) return;
        if (c === 0x2e) this.state = S.NumDot;
        else if (c === 0x65 || c === 0x45) this.state = S.NumE;
        else if (isDigit(c)) this.fail('invalid number: leading zero');
        else this.endNumberAndStep(c);
        return;
      case S.NumDot:
        if (isDigit(c)) this.state = S.NumFrac;
        else this.fail('invalid number: expected a digit after "."');
        return;
      case S.NumFrac:
        if (isDigit(c)) return;
        if (c === 0x65 || c === 0x45) this.state = S.NumE;
        else this.endNumberAndStep(c);
        return;
      case S.NumE:
        if (c === 0x2b || c === 0x2d) this.state = S.NumExpSign;
        else if (isDigit(c)) this.state = S.NumExp;
        else this.fail('invalid number: expected a digit in the exponent');
        return;
      case S.NumExpSign:
        if (isDigit(c)) this.state = S.NumExp;
        else this.fail('invalid number: expected a digit in the exponent');
        return;
      case S.NumExp:
        if (isDigit(c)) return;
        this.endNumberAndStep(c);
        return;
    }
  }

  private endNumberAndStep(c: number): void {
    this.valueDone();
    this.step(c);
  }
}

/** The first syntax error of a complete JSON text, or undefined when it is well-formed. */
export function locateJsonSyntaxError(text: string, endName = 'end of input'): JsonSyntaxError | undefined {
  const locator = new JsonSyntaxLocator(endName);
  return locator.feed(text) ?? locator.end();
}
