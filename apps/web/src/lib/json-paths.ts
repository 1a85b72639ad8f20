/**
 * A JSON document as lines that know the FHIR element path of the node they belong to, so the source view can
 * highlight a cited element ("Observation.component[2].valueCodeableConcept") and its whole subtree.
 *
 * Paths follow the form the mappers write: the first segment is the resourceType, members are joined with ".",
 * array items carry their index ("component[2]"). Resolving also accepts what FHIRPath writers commonly produce:
 * a choice element named by its base ("value", "value[x]" → "valueQuantity"), an index on a singleton
 * ("code[0]" → "code"), ".where(url='...')" / ".extension('...')" on extension lists and a missing
 * resourceType prefix. An element that is not in the document resolves to its deepest existing ancestor, and
 * says so.
 */

export type JsonScalar = string | number | boolean | null;

export type JsonNode =
  | { kind: 'object'; path: string; entries: { key: string; node: JsonNode }[] }
  | { kind: 'array'; path: string; items: JsonNode[] }
  | { kind: 'scalar'; path: string; value: JsonScalar };

export type TokenKind = 'string' | 'number' | 'boolean' | 'null' | 'punct';

/** One printed line: `depth` levels of indentation, an optional `"key": `, a value or bracket, an optional comma. */
export interface JsonLine {
  depth: number;
  key?: string;
  text: string;
  kind: TokenKind;
  comma: boolean;
  /** Path of the node this line belongs to (the opening and the closing bracket both belong to their node). */
  path: string;
}

/** The path the mappers give the document's root: its resourceType, or "$" for JSON that is not a FHIR resource. */
export function rootPathOf(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const rt = (value as { resourceType?: unknown }).resourceType;
    if (typeof rt === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(rt)) return rt;
  }
  return '$';
}

export function buildJsonTree(value: unknown, path: string = rootPathOf(value)): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', path, items: value.map((item, i) => buildJsonTree(item, `${path}[${i}]`)) };
  if (value !== null && typeof value === 'object') {
    return {
      kind: 'object',
      path,
      entries: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, node: buildJsonTree(v, `${path}.${key}`) })),
    };
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return { kind: 'scalar', path, value };
  }
  return { kind: 'scalar', path, value: null };
}

function scalarToken(value: JsonScalar): { text: string; kind: TokenKind } {
  if (value === null) return { text: 'null', kind: 'null' };
  if (typeof value === 'string') return { text: JSON.stringify(value), kind: 'string' };
  if (typeof value === 'number') return { text: String(value), kind: 'number' };
  return { text: String(value), kind: 'boolean' };
}

/** The document pretty-printed (two-space indentation, like JSON.stringify(v, null, 2)) as path-carrying lines. */
export function jsonLines(root: JsonNode): JsonLine[] {
  const lines: JsonLine[] = [];
  const visit = (node: JsonNode, depth: number, key: string | undefined, comma: boolean) => {
    if (node.kind === 'scalar') {
      lines.push({ depth, key, ...scalarToken(node.value), comma, path: node.path });
      return;
    }
    const children: { key?: string; node: JsonNode }[] = node.kind === 'object' ? node.entries : node.items.map((n) => ({ node: n }));
    const [open, close] = node.kind === 'object' ? ['{', '}'] : ['[', ']'];
    if (children.length === 0) {
      lines.push({ depth, key, text: `${open}${close}`, kind: 'punct', comma, path: node.path });
      return;
    }
    lines.push({ depth, key, text: open, kind: 'punct', comma: false, path: node.path });
    children.forEach((child, i) => visit(child.node, depth + 1, child.key, i < children.length - 1));
    lines.push({ depth, text: close, kind: 'punct', comma, path: node.path });
  };
  visit(root, 0, undefined, false);
  return lines;
}

/** True when `path` is `ancestor` itself or lies inside it ("a.b[1].c" is within "a.b[1]" and "a.b", not "a.bc"). */
export function isWithinPath(path: string, ancestor: string): boolean {
  if (path === ancestor) return true;
  if (!path.startsWith(ancestor)) return false;
  const next = path.charAt(ancestor.length);
  return next === '.' || next === '[';
}

export interface PathSegment {
  /** Member name, or a function call such as `where(url='...')`. */
  name: string;
  index?: number;
}

/** Splits an element path into segments, keeping dots inside quotes and parentheses (URLs in where()). */
export function parseElementPath(path: string): PathSegment[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | undefined;
  for (const ch of path.trim()) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '.' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  const segments: PathSegment[] = [];
  for (const part of parts) {
    if (!part) continue;
    // name[2] or name[x] or name[2][0] (the last index wins for FHIR, which has no nested arrays)
    const m = /^(.*?)((?:\[(?:\d+|x)\])*)$/.exec(part);
    const name = m?.[1] ?? part;
    const brackets = m?.[2] ?? '';
    const indexes = [...brackets.matchAll(/\[(\d+|x)\]/g)].map((b) => b[1]!);
    const choice = indexes.includes('x');
    const numeric = indexes.filter((i) => i !== 'x').map(Number);
    segments.push({ name: choice ? `${name}[x]` : name, ...(numeric.length ? { index: numeric[numeric.length - 1] } : {}) });
  }
  return segments;
}

export interface ResolvedPath {
  /** The node found: the cited element, or its deepest existing ancestor when `exact` is false. */
  node: JsonNode;
  /** The found node's own path in this document (what to highlight). */
  path: string;
  exact: boolean;
  /** When not exact: the first segment that could not be found. */
  missing?: string;
}

function memberOf(node: JsonNode, name: string): { key: string; node: JsonNode } | undefined {
  if (node.kind !== 'object') return undefined;
  const exact = node.entries.find((e) => e.key === name);
  if (exact) return exact;
  // A choice element named by its base: "value" or "value[x]" → "valueQuantity", "onset" → "onsetDateTime".
  const base = name.endsWith('[x]') ? name.slice(0, -3) : name;
  return node.entries.find((e) => e.key.length > base.length && e.key.startsWith(base) && /[A-Z]/.test(e.key.charAt(base.length)));
}

const WHERE_URL = /^where\(\s*url\s*=\s*(['"])(.*)\1\s*\)$/;
const EXTENSION_FN = /^(extension|modifierExtension)\(\s*(['"])(.*)\2\s*\)$/;

function itemsWithUrl(node: JsonNode, url: string): JsonNode | undefined {
  const items = node.kind === 'array' ? node.items : [node];
  return items.find((item) => item.kind === 'object' && item.entries.some((e) => e.key === 'url' && e.node.kind === 'scalar' && e.node.value === url));
}

/** Finds the element a path names in the tree; see the module comment for the forms accepted. */
export function resolveElementPath(root: JsonNode, elementPath: string): ResolvedPath {
  let segments: PathSegment[] = parseElementPath(elementPath);
  const rootName = root.path;
  const head = segments[0];
  if (head && (head.name === rootName || head.name === '$')) {
    // The root itself; an index on it ("$[2]") selects an item of a root array.
    segments = head.index !== undefined ? [{ name: '', index: head.index }, ...segments.slice(1)] : segments.slice(1);
  } else if (head && /^[A-Z]/.test(head.name) && memberOf(root, head.name) === undefined) {
    // A path about another resource type (e.g. a contained or bundled resource's own path): nothing matches.
    return { node: root, path: root.path, exact: false, missing: head.name };
  }
  let node = root;
  const notFound = (segment: PathSegment, at: JsonNode): ResolvedPath => ({
    node: at,
    path: at.path,
    exact: false,
    missing: `${segment.name}${segment.index !== undefined ? `[${segment.index}]` : ''}`,
  });
  for (const segment of segments) {
    let next: JsonNode | undefined;
    const where = WHERE_URL.exec(segment.name);
    const ext = EXTENSION_FN.exec(segment.name);
    const ofType = /^ofType\(\s*([A-Za-z]+)\s*\)$/.exec(segment.name);
    if (segment.name === '') {
      next = node;
    } else if (where) {
      next = itemsWithUrl(node, where[2]!);
    } else if (ext) {
      const list = memberOf(node, ext[1]!)?.node;
      next = list ? itemsWithUrl(list, ext[3]!) : undefined;
    } else if (ofType) {
      // value.ofType(Quantity): the choice was resolved by the previous step already when it exists.
      next = node;
    } else {
      next = memberOf(node, segment.name)?.node;
    }
    if (next && segment.index !== undefined) {
      if (next.kind === 'array') {
        const item = next.items[segment.index];
        if (!item) return notFound(segment, next); // the list exists, the item does not: show the list
        next = item;
      } else if (segment.index !== 0) {
        return notFound(segment, next); // a singleton is a collection of one
      }
    }
    if (!next) return notFound(segment, node);
    node = next;
  }
  return { node, path: node.path, exact: true };
}
