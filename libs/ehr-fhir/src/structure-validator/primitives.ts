// Primitive FHIR R4 types: JSON type, lexical format and numeric range checks.

/** JSON type of each primitive type code, exactly Medplum's `fhirTypeToJsType` (a code not listed here is complex). */
export const PRIMITIVE_JS_TYPES: Readonly<Record<string, 'string' | 'number' | 'boolean'>> = {
  base64Binary: 'string',
  boolean: 'boolean',
  canonical: 'string',
  code: 'string',
  date: 'string',
  dateTime: 'string',
  decimal: 'number',
  id: 'string',
  instant: 'string',
  integer: 'number',
  integer64: 'string',
  markdown: 'string',
  oid: 'string',
  positiveInt: 'number',
  string: 'string',
  time: 'string',
  unsignedInt: 'number',
  uri: 'string',
  url: 'string',
  uuid: 'string',
  xhtml: 'string',
  'http://hl7.org/fhirpath/System.String': 'string',
};

/** Medplum 4.5.2's `validationRegexes` (xhtml's /.*\/ omitted: it accepts everything). */
export const MEDPLUM_REGEXES: Readonly<Record<string, RegExp>> = {
  base64Binary: /^([A-Za-z\d+/]{4})*([A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/,
  canonical: /^\S*$/,
  code: /^[^\s]+( [^\s]+)*$/,
  date: /^(\d(\d(\d[1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2]\d|3[0-1]))?)?$/,
  dateTime:
    /^(\d(\d(\d[1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2]\d|3[0-1])(T([01]\d|2[0-3])(:[0-5]\d:([0-5]\d|60)(\.\d{1,9})?)?)?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)?)?)?$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  instant:
    /^(\d(\d(\d[1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2]\d|3[0-1])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/,
  markdown: /^[\r\n\t\u0020-\uFFFF]+$/,
  oid: /^urn:oid:[0-2](\.(0|[1-9]\d*))+$/,
  string: /^[\r\n\t\u0020-\uFFFF]+$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?$/,
  uri: /^\S*$/,
  url: /^\S*$/,
  uuid: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

/**
 * Translates a regex of the FHIR definitions (XML Schema flavour, implicitly anchored) to a JS regex source:
 * `\s` is only space, tab, CR and LF there, `\S` everything else. (In JS `\s` would also match U+00A0 and
 * friends, so `string`'s `[ \r\n\t\S]+` would reject non-breaking spaces.)
 */
export function xsdRegexToJs(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      const n = source[i + 1]!;
      i++;
      if (n === 's') out += inClass ? ' \\t\\n\\r' : '[ \\t\\n\\r]';
      else if (n === 'S') out += inClass ? '\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x21-\\uFFFF' : '[^ \\t\\n\\r]';
      else out += c + n;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

function innerSource(re: RegExp): string {
  let s = re.source;
  if (s.startsWith('^')) s = s.slice(1);
  if (s.endsWith('$')) s = s.slice(0, -1);
  return s;
}

/**
 * A string value must match both: `^(?=(?:medplum)$)(?:definitions)$`. Medplum's regex goes first: the
 * base64Binary regex of the definitions, `(\s*([0-9a-zA-Z\+/=]){4}\s*)+`, backtracks exponentially on a long
 * value with many whitespace runs that fails at its end; Medplum's allows no whitespace, so it fails first, fast.
 */
export function combineRegexes(definitionRegex: string | undefined, medplum: RegExp | undefined): RegExp | undefined {
  if (definitionRegex === undefined) return medplum;
  const def = `(?:${xsdRegexToJs(definitionRegex)})`;
  if (!medplum) return new RegExp(`^${def}$`);
  return new RegExp(`^(?=(?:${innerSource(medplum)})$)${def}$`);
}

/** Compiled checks for one primitive type code. */
export interface PrimitiveSpec {
  code: string;
  js: 'string' | 'number' | 'boolean';
  regex: RegExp | undefined;
  /** 0: no integer check, 1: integer, 2: positiveInt, 3: unsignedInt. */
  intKind: 0 | 1 | 2 | 3;
  /** Reject integers outside the 32-bit range (formats: 'fhir'). */
  int32: boolean;
}

export function makePrimitiveSpec(
  code: string,
  definitionRegexes: ReadonlyMap<string, string>,
  formats: 'fhir' | 'medplum',
): PrimitiveSpec {
  const js = PRIMITIVE_JS_TYPES[code];
  if (!js) throw new Error(`Not a primitive type: ${code}`);
  let regex: RegExp | undefined;
  if (js === 'string') {
    regex = formats === 'fhir' ? combineRegexes(definitionRegexes.get(code), MEDPLUM_REGEXES[code]) : MEDPLUM_REGEXES[code];
  }
  const intKind = code === 'integer' ? 1 : code === 'positiveInt' ? 2 : code === 'unsignedInt' ? 3 : 0;
  return { code, js, regex, intKind, int32: formats === 'fhir' && intKind !== 0 };
}

const MAX_STRING_LENGTH = 1024 * 1024;

/**
 * Checks a primitive JS value of the right JSON type; returns Medplum's message, or undefined when valid.
 * (The JSON type itself is checked by the caller.)
 */
export function checkPrimitiveValue(spec: PrimitiveSpec, value: string | number | boolean): string | undefined {
  if (spec.js === 'string') {
    const s = value as string;
    // Medplum: `if (!str.trim())`. Fast path: a first character that is printable ASCII is not whitespace.
    const c0 = s.charCodeAt(0);
    if (!(c0 > 32 && c0 < 127) && s.trim() === '') return 'String must contain non-whitespace content';
    if (s.length > MAX_STRING_LENGTH) return 'String cannot be larger than 1 MB';
    if (spec.regex !== undefined && !spec.regex.test(s)) return 'Invalid ' + spec.code + ' format';
    return undefined;
  }
  if (spec.js === 'number') {
    const n = value as number;
    if (Number.isNaN(n) || !Number.isFinite(n)) return 'Invalid numeric value';
    if (spec.intKind !== 0) {
      if (!Number.isInteger(n)) return 'Expected number to be an integer';
      if (spec.intKind === 2 && n <= 0) return 'Expected number to be positive';
      if (spec.intKind === 3 && n < 0) return 'Expected number to be non-negative';
      if (spec.int32 && (n > 2147483647 || n < -2147483648)) return 'Expected number to be a 32-bit integer';
    }
  }
  return undefined;
}
