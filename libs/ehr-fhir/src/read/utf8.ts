/**
 * Finds the first byte that makes a byte stream invalid UTF-8 (the same rules as the WHATWG decoder with
 * fatal: true: no overlong forms, no surrogates, nothing above U+10FFFF). Used after a fatal TextDecoder has
 * failed, to say where.
 */
export class Utf8Validator {
  private offset = 0;
  /** Continuation bytes still expected, and the allowed range of the next one. */
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private sequenceStart = 0;
  private invalidAt: number | undefined;

  /** Returns the absolute offset of the first invalid byte once found. */
  feed(bytes: Uint8Array): number | undefined {
    if (this.invalidAt !== undefined) return this.invalidAt;
    for (let i = 0; i < bytes.length; i++, this.offset++) {
      const b = bytes[i]!;
      if (this.needed === 0) {
        if (b <= 0x7f) continue;
        this.sequenceStart = this.offset;
        if (b >= 0xc2 && b <= 0xdf) {
          this.needed = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) this.lower = 0xa0;
          if (b === 0xed) this.upper = 0x9f;
          this.needed = 2;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) this.lower = 0x90;
          if (b === 0xf4) this.upper = 0x8f;
          this.needed = 3;
        } else {
          return (this.invalidAt = this.offset);
        }
        continue;
      }
      if (b < this.lower || b > this.upper) return (this.invalidAt = this.sequenceStart);
      this.lower = 0x80;
      this.upper = 0xbf;
      this.needed--;
    }
    return undefined;
  }

  /** At the end of the stream: the start of a truncated sequence, if any. */
  end(): number | undefined {
    if (this.invalidAt !== undefined) return this.invalidAt;
    return this.needed > 0 ? (this.invalidAt = this.sequenceStart) : undefined;
  }
}

export function firstInvalidUtf8Offset(bytes: Uint8Array): number | undefined {
  const validator = new Utf8Validator();
  return validator.feed(bytes) ?? validator.end();
}

/** A short, value-free description of a text that is not UTF-8, given its first bytes and the invalid offset. */
export function notUtf8Message(head: Uint8Array, offset: number): string {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'not UTF-8 text: it starts with a UTF-16 byte order mark (save it as UTF-8)';
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    return 'not UTF-8 text: it is gzip-compressed data (name it .json.gz or .ndjson.gz)';
  }
  return `not UTF-8 text: invalid byte sequence at byte offset ${offset}`;
}
