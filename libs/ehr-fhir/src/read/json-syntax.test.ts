import { describe, expect, it } from 'vitest';
import { JsonSyntaxLocator, locateJsonSyntaxError } from './json-syntax';

describe('locateJsonSyntaxError', () => {
  it('accepts well-formed JSON of every kind', () => {
    for (const text of ['{}', '[]', '"x"', '0', '-1.5e+3', 'true', 'null', ' {"a": [1, {"b": "\\u00e9\\n"}], "c": false} \n', '[0.5,-0,1E2]']) {
      expect(locateJsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{"resourceType": "Patient", "id": ', 1, 35, 'unexpected end of input, expected a value'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after a property value"],
    ['[1 2]', 1, 4, "expected ',' or ']' after an array element"],
    ['{"a" 1}', 1, 6, "expected ':' after a property name"],
    ['{a: 1}', 1, 2, "expected a property name in double quotes or '}'"],
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes'],
    ['[1,]', 1, 4, 'expected a value'],
    ['[', 1, 2, "unexpected end of input, expected a value or ']'"],
    ['{"a": tru}', 1, 10, 'invalid literal, expected true, false or null'],
    ['{"a": 01}', 1, 8, 'invalid number: leading zero'],
    ['{"a": 1.}', 1, 9, 'invalid number: expected a digit after "."'],
    ['{"a": -}', 1, 8, 'invalid number: expected a digit after "-"'],
    ['{"a": 1e}', 1, 9, 'invalid number: expected a digit in the exponent'],
    ['{"a": "x\\q"}', 1, 10, 'invalid escape sequence in a string'],
    ['{"a": "\\u12G4"}', 1, 12, 'invalid \\u escape sequence in a string'],
    ['{"a": "tab\there"}', 1, 11, 'unescaped control character in a string'],
    ['{"a": "open', 1, 12, 'unexpected end of input inside a string'],
    ['{} {}', 1, 4, 'unexpected data after the end of the JSON value'],
    ['', 1, 1, 'unexpected end of input, expected a value'],
  ])('%j: line %i, column %i: %s', (text, line, column, message) => {
    expect(locateJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it('names the end it met (end of line for NDJSON)', () => {
    expect(locateJsonSyntaxError('{"a": [1', 'end of line')).toEqual({ line: 1, column: 9, message: "unexpected end of line, expected ',' or ']' after an array element" });
  });

  it('finds the same place when the text comes in pieces', () => {
    const locator = new JsonSyntaxLocator('end of file');
    expect(locator.feed('{"resourceType": "Pat')).toBeUndefined();
    expect(locator.feed('ient",\n "id": "a"\n "x"')).toEqual({ line: 3, column: 2, message: "expected ',' or '}' after a property value" });
    expect(locator.end()).toEqual({ line: 3, column: 2, message: "expected ',' or '}' after a property value" });
  });

  it('never quotes the text it reports on', () => {
    const secret = 'Jane-Doe-1970';
    const found = locateJsonSyntaxError(`{"name": "${secret}" "x": 1}`)!;
    expect(found.message).not.toContain('Jane');
  });
});
