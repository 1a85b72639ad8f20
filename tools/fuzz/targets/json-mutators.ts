// Format-aware mutators for JSON / NDJSON inputs (FHIR): structural edits of the parsed value (delete, retype,
// null, empty, extreme numbers, very long strings, deep nesting, huge arrays, odd keys, other resource types)
// and token-level edits of the text (structural characters, invalid UTF-8, BOM, lone surrogates, line breaks).
import { MAX_INPUT_BYTES, bytesOf, occurrences, textOf, type CustomMutator } from '../fuzz-support';

/** Planted as a string value by the mutators: it stands for a patient's name, and must never reach an error message. */
export const CANARY = 'Zyxwv-Canary-Patient';

const RESOURCE_TYPES = ['Bundle', 'Patient', 'Observation', 'Condition', 'Parameters', 'List', 'OperationOutcome', 'Resource', 'DomainResource', 'Element', 'Extension', 'HumanName', 'bundle', '', '__proto__', 'constructor', 'toString', 'Patient ', '1Patient', 'Ä'];
const BUNDLE_TYPES = ['transaction', 'batch', 'collection', 'searchset', 'document', 'history', 'message', 'transaction-response', 'TRANSACTION', '', 'x'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

/** Up to `limit` places holding a value, breadth first (no recursion: the value may be deep). */
function slots(root: Json, limit = 4000): Slot[] {
  const out: Slot[] = [];
  const queue: Json[] = [root];
  for (let q = 0; q < queue.length && out.length < limit; q++) {
    const v = queue[q]!;
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        out.push({ parent: v, key: i });
        if (child !== null && typeof child === 'object') queue.push(child);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        out.push({ parent: v, key });
        const child = v[key]!;
        if (child !== null && typeof child === 'object') queue.push(child);
      }
    }
  }
  return out;
}

const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key]!;
const set = (s: Slot, value: Json) => {
  (s.parent as Record<string | number, Json>)[s.key] = value;
};

/** Replacement values: type confusion, extremes, emptiness. */
const ODD_VALUES: Json[] = [null, {}, [], '', ' ', true, false, 0, -0, -1, 1.5, 2147483648, -2147483649, 9007199254740993, 1e308, -1e308, 5e-324, '1e999', '\u0000', '\ud800', 'NaN', [null], [[]], [{}], { '': null }, { resourceType: 'Patient' }];

/** Deep nesting is spliced into the text after JSON.stringify (which would itself overflow the stack). */
const DEEP = '@@fuzz-deep@@';

function deepText(depth: number, kind: number): string {
  switch (kind % 3) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    default:
      // FHIR-shaped: extensions of extensions.
      return '{"url":"x","extension":['.repeat(depth) + '{"url":"y","valueString":"z"}' + ']}'.repeat(depth);
  }
}

function serialize(root: Json, deep: { depth: number; kind: number } | undefined): string {
  const text = JSON.stringify(root);
  if (!deep) return text;
  return text.split(JSON.stringify(DEEP)).join(deepText(deep.depth, deep.kind));
}

/** Structural edits of the parsed JSON. An input that is not JSON any more is left to the token-level mutators. */
export const jsonStructureMutator: CustomMutator = {
  name: 'json-structure',
  apply(bytes, at, pick) {
    try {
      return structureEdit(bytes, at, pick);
    } catch {
      return bytes; // nested too deeply for JSON.stringify (an earlier deep-nesting edit): leave it
    }
  },
};

function structureEdit(bytes: Uint8Array, at: number, pick: number): Uint8Array {
    let root: Json;
    try {
      root = JSON.parse(textOf(bytes)) as Json;
    } catch {
      return bytes;
    }
    const all = slots(root);
    if (all.length === 0) return bytes;
    const slot = all[at % all.length]!;
    const variant = pick % 12;
    const r = Math.floor(pick / 12);
    let deep: { depth: number; kind: number } | undefined;
    switch (variant) {
      case 0: // delete
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete slot.parent[slot.key as string];
        break;
      case 1:
      case 2: // an odd value
        set(slot, ODD_VALUES[r % ODD_VALUES.length]!);
        break;
      case 3: // deep nesting (a stack overflow probe)
        deep = { depth: [64, 1000, 5000, 20_000, 100_000][r % 5]!, kind: r };
        set(slot, DEEP);
        break;
      case 4: { // a huge array: the value repeated many times
        const v = get(slot);
        const size = Math.max(2, JSON.stringify(v)?.length ?? 4);
        const times = Math.min([10, 1000, 20_000, 100_000][r % 4]!, Math.floor((MAX_INPUT_BYTES - bytes.length) / (size + 1)));
        set(slot, Array.from({ length: Math.max(1, times) }, () => v));
        break;
      }
      case 5: { // another resourceType (or Bundle.type) where one is
        const named = all.filter((s) => s.key === 'resourceType' || s.key === 'type');
        const target = named.length > 0 ? named[r % named.length]! : slot;
        set(target, target.key === 'type' ? BUNDLE_TYPES[r % BUNDLE_TYPES.length]! : RESOURCE_TYPES[r % RESOURCE_TYPES.length]!);
        break;
      }
      case 6: { // odd keys
        const parent = slot.parent;
        if (!Array.isArray(parent)) {
          const key = ['__proto__', 'constructor', '', '_', '_id', 'resourceType', 'entry', 'fullUrl', 'reference', '\u0000', 'a'.repeat(10_000)][r % 11]!;
          // A resourceType gets a type name: readers and the validator name the resourceType they do not know.
          parent[key] = key === 'resourceType' ? RESOURCE_TYPES[r % RESOURCE_TYPES.length]! : get(slot);
        }
        break;
      }
      case 7: { // a very long string
        const length = [1000, 100_000, 1_000_000][r % 3]!;
        if (bytes.length + length <= MAX_INPUT_BYTES) set(slot, 'x'.repeat(length));
        break;
      }
      case 8: { // the canary (a patient name) as a string value, not as a resourceType
        const strings = all.filter((s) => typeof get(s) === 'string' && s.key !== 'resourceType');
        if (strings.length > 0) set(strings[r % strings.length]!, CANARY);
        break;
      }
      case 9: { // swap two values
        const other = all[r % all.length]!;
        const a = get(slot);
        const b = get(other);
        // Not into a resourceType: the validator names the resourceType it does not know (not patient data).
        if (slot.key !== 'resourceType' && other.key !== 'resourceType' && !contains(a, b) && !contains(b, a)) {
          set(slot, b);
          set(other, a);
        }
        break;
      }
      case 10: { // references: to nowhere, forward, to itself, odd schemes
        const refs = all.filter((s) => s.key === 'reference' || s.key === 'fullUrl');
        const target = refs.length > 0 ? refs[r % refs.length]! : slot;
        set(target, ['urn:uuid:00000000-0000-0000-0000-000000000000', 'urn:oid:1.2.3', 'http://x/Patient/1/_history/2', 'Patient/', '#', '', 'urn:', 'http://', 'Patient?name=x', `urn:uuid:${'f'.repeat(36)}`][r % 10]!);
        break;
      }
      default: { // retype: a string number / a number string
        const v = get(slot);
        if (typeof v === 'number') set(slot, String(v));
        else if (typeof v === 'string') set(slot, Number(v.length));
        else if (typeof v === 'boolean') set(slot, v ? 'true' : 0);
        break;
      }
    }
    return bytesOf(serialize(root, deep));
}

function contains(outer: Json, inner: Json): boolean {
  if (outer === inner) return true;
  if (outer === null || typeof outer !== 'object') return false;
  const queue: Json[] = [outer];
  for (let q = 0; q < queue.length && q < 100_000; q++) {
    const v = queue[q]!;
    if (v === inner) return true;
    if (v !== null && typeof v === 'object') queue.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return false;
}

const TOKEN_INSERTS: readonly (readonly number[])[] = [
  [0x7b], [0x7d], [0x5b], [0x5d], [0x2c], [0x3a], [0x22], [0x5c],
  [0xef, 0xbb, 0xbf], // BOM
  [0x00], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff, 0xfe], [0x1f, 0x8b], // invalid UTF-8 / UTF-16 BOM / gzip magic
  [...'\\ud800'].map((c) => c.charCodeAt(0)),
  [0x0d, 0x0a], [0x0a], [0x0d],
  [...'1e999'].map((c) => c.charCodeAt(0)),
  [...'-'].map((c) => c.charCodeAt(0)),
  [...'"resourceType":"Bundle",'].map((c) => c.charCodeAt(0)),
  [...'"entry":['].map((c) => c.charCodeAt(0)),
];

/** Token-level edits: remove or double a structural character, or insert an awkward byte sequence. */
export const jsonTokenMutator: CustomMutator = {
  name: 'json-token',
  apply(bytes, at, pick) {
    const text = textOf(bytes);
    const tokens = occurrences(text, /[{}[\],:"]/g, 20_000);
    const variant = pick % 3;
    const r = Math.floor(pick / 3);
    if (variant === 0 && tokens.length > 0) {
      const t = tokens[at % tokens.length]!;
      const offset = bytesOf(text.slice(0, t.index)).length;
      return concat(bytes.subarray(0, offset), bytes.subarray(offset + 1));
    }
    if (variant === 1 && tokens.length > 0) {
      const t = tokens[at % tokens.length]!;
      const offset = bytesOf(text.slice(0, t.index)).length;
      return concat(bytes.subarray(0, offset + 1), bytes.subarray(offset));
    }
    const insert = Uint8Array.from(TOKEN_INSERTS[r % TOKEN_INSERTS.length]!);
    const offset = at % (bytes.length + 1);
    return concat(bytes.subarray(0, offset), insert, bytes.subarray(offset));
  },
};

/** NDJSON line edits: split a line, join two, blank / whitespace lines, CRLF, a line repeated, a very long line. */
export const ndjsonLineMutator: CustomMutator = {
  name: 'ndjson-line',
  apply(bytes, at, pick) {
    const text = textOf(bytes);
    const lines = text.split('\n');
    const i = at % lines.length;
    const r = Math.floor(pick / 7);
    switch (pick % 7) {
      case 0: {
        const line = lines[i]!;
        const cut = r % (line.length + 1);
        lines.splice(i, 1, line.slice(0, cut), line.slice(cut));
        break;
      }
      case 1:
        if (i + 1 < lines.length) lines.splice(i, 2, lines[i]! + lines[i + 1]!);
        break;
      case 2:
        lines.splice(i, 0, ['', ' ', '\t', '\r', '   \r'][r % 5]!);
        break;
      case 3:
        for (let n = 0; n < lines.length; n++) lines[n] = lines[n]!.endsWith('\r') ? lines[n]! : lines[n] + '\r';
        break;
      case 4: {
        const times = Math.min([2, 100, 5000][r % 3]!, Math.floor(MAX_INPUT_BYTES / Math.max(1, text.length)) + 1);
        lines.splice(i, 0, ...Array.from({ length: times }, () => lines[i]!));
        break;
      }
      case 5: // a line longer than the reader's line limit in the fuzz target (64 KiB)
        lines.splice(i, 0, `{"resourceType":"Patient","id":"long","text":{"div":"${'x'.repeat(70_000 + (r % 1000))}"}}`);
        break;
      default: // a Bundle on one line
        lines.splice(i, 0, `{"resourceType":"Bundle","type":"${BUNDLE_TYPES[r % BUNDLE_TYPES.length]}","entry":[{"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{"resourceType":"Patient"}},{"resource":{"resourceType":"Observation","subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"}}}]}`);
        break;
    }
    const out = lines.join('\n');
    return bytesOf(out.length > MAX_INPUT_BYTES ? out.slice(0, MAX_INPUT_BYTES) : out);
  },
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Patient names in a FHIR JSON text ("family" and "given" values of 4+ characters): secrets for the leak check. */
export function patientNamesIn(text: string): string[] {
  const names = new Set<string>([CANARY]);
  for (const m of text.matchAll(/"(?:family|given)"\s*:\s*(?:\[\s*)?"([^"\\]{4,})"/g)) names.add(m[1]!);
  return [...names];
}
