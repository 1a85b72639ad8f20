import { isUtf8 } from 'node:buffer';
import { Readable, pipeline } from 'node:stream';
import type { Resource } from '@medplum/fhirtypes';
import StreamJson from 'stream-json';
import Assembler from 'stream-json/Assembler.js';
import Batch from 'stream-json/utils/Batch.js';
import { BundleReferenceMap, bundleItemsFrom, bundleTypeIssue, entryItem, isStreamableBundleType, summarizeEntry, type BundleEntrySummary, type EntryContext } from './bundle';
import { JsonSyntaxLocator } from './json-syntax';
import { errorItem } from './outcome';
import { MAX_JSON_DEPTH, TOO_DEEP_MESSAGE, notAResourceReason } from './resource-shape';
import { SourceReadError, toSourceReadError, type ByteSource } from './source';
import type { ReadItem, SourceLocation } from './types';
import { Utf8Validator, notUtf8Message } from './utf8';

interface Token {
  name: string;
  value?: string;
}

type DocumentEvent =
  /** `head`: the top-level members read so far (those before "entry" in the text). */
  | { type: 'entry'; index: number; value: unknown; head: Record<string, unknown> }
  | { type: 'entry-summary'; index: number; summary: BundleEntrySummary }
  | {
      type: 'end';
      /** The top-level object without its "entry" array (entries come as events), when the text is an object. */
      head?: Record<string, unknown>;
      /** What the text is when it is not an object ("an array", "a string", ...). */
      notObject?: string;
      /** Whether the object has a top-level "entry" array. */
      hasEntries: boolean;
    };

/** Counts what went through the decoder, to tell an empty file from a malformed one. */
interface DecodeCounter {
  bytes: number;
  content: boolean;
}

class NotUtf8Error extends Error {}

/** The text nests deeper than MAX_JSON_DEPTH: stop before assembling it (slow, and a stack overflow downstream). */
class TooDeepError extends Error {}

/** Length of a UTF-8 sequence that starts with this byte (1 for anything that is not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * Checks UTF-8 strictly (node:buffer isUtf8, a chunk at a time, carrying an incomplete sequence over to the
 * next chunk) and decodes it, without a UTF-8 byte order mark; throws NotUtf8Error on invalid data.
 */
async function* checkUtf8(chunks: AsyncIterable<Buffer>, counter: DecodeCounter): AsyncGenerator<string> {
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of chunks) {
    counter.bytes += chunk.length;
    let bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    if (first && bytes.length >= 3) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    } else if (first) {
      carry = bytes;
      continue;
    }
    // Hold back a sequence cut by the end of the chunk.
    let cut = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back]!;
      if ((b & 0xc0) !== 0x80) {
        if (sequenceLength(b) > back) cut = bytes.length - back;
        break;
      }
    }
    if (cut < bytes.length) {
      carry = Buffer.from(bytes.subarray(cut));
      bytes = bytes.subarray(0, cut);
    }
    if (!isUtf8(bytes)) throw new NotUtf8Error('not UTF-8');
    if (!counter.content && /[^\s]/.test(bytes.toString('latin1'))) counter.content = true;
    if (bytes.length > 0) yield bytes.toString('utf8');
  }
  if (carry && carry.length > 0) {
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) carry = carry.subarray(3);
    if (!isUtf8(carry)) throw new NotUtf8Error('not UTF-8');
    if (!counter.content && /[^\s]/.test(carry.toString('latin1'))) counter.content = true;
    if (carry.length > 0) yield carry.toString('utf8');
  }
}

const KIND_OF_TOKEN: Record<string, string> = {
  startArray: 'an array',
  stringValue: 'a string',
  numberValue: 'a number',
  trueValue: 'a boolean',
  falseValue: 'a boolean',
  nullValue: 'null',
};

/**
 * Reads, from the tokens of one Bundle entry, only what the reference map needs (fullUrl, resource.resourceType,
 * resource.id, request.method, request.url) without building the entry: the cheap first pass over a large Bundle.
 */
class EntrySummarizer {
  private depth = 0;
  private key1 = '';
  private key2 = '';
  summary: BundleEntrySummary = {};

  /** Returns true when the entry's last token has been consumed. */
  consume(token: Token): boolean {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        this.depth++;
        if (this.depth === 2) this.key2 = '';
        return false;
      case 'endObject':
      case 'endArray':
        this.depth--;
        return this.depth === 0;
      case 'keyValue':
        if (this.depth === 1) this.key1 = token.value ?? '';
        else if (this.depth === 2) this.key2 = token.value ?? '';
        return false;
      case 'stringValue':
        if (this.depth === 1 && this.key1 === 'fullUrl') this.summary.fullUrl = token.value;
        else if (this.depth === 2 && this.key1 === 'resource' && this.key2 === 'resourceType') this.summary.resourceType = token.value;
        else if (this.depth === 2 && this.key1 === 'resource' && this.key2 === 'id') this.summary.id = token.value;
        else if (this.depth === 2 && this.key1 === 'request' && this.key2 === 'method') this.summary.requestMethod = token.value;
        else if (this.depth === 2 && this.key1 === 'request' && this.key2 === 'url') this.summary.requestUrl = token.value;
        return this.depth === 0;
      default:
        return this.depth === 0;
    }
  }
}

/**
 * Streams a JSON text with stream-json: the elements of a top-level "entry" array come one by one as they are
 * parsed, everything else of the top-level object is assembled into `head`. Memory: one entry at a time.
 */
async function* documentEvents(text: AsyncIterable<string>, summarizeOnly?: () => boolean): AsyncGenerator<DocumentEvent> {
  // Strings go to the parser as they are (decodeStrings: false): they are whole UTF-8 sequences already.
  const parser = StreamJson.parser({ packValues: true, streamValues: false, decodeStrings: false } as Parameters<typeof StreamJson.parser>[0]);
  // Tokens come in arrays (fewer awaits than one per token).
  const batches = pipeline(Readable.from(text), parser, new Batch({ batchSize: 512 }), () => undefined);
  let stage: 'start' | 'top' | 'topKey' | 'topValue' | 'entries' | 'entry' | 'skip' = 'start';
  let head: Record<string, unknown> | undefined;
  let notObject: string | undefined;
  let key = '';
  let hasEntries = false;
  let index = 0;
  let assembler = new Assembler();
  let summarizer: EntrySummarizer | undefined;
  let depth = 0;
  const keep = (value: unknown) => {
    if (key !== '__proto__' && head) head[key] = value;
    stage = 'top';
  };
  try {
    for await (const batch of batches as AsyncIterable<Token[]>) {
      for (const token of batch) {
        if (token.name === 'startObject' || token.name === 'startArray') {
          if (++depth > MAX_JSON_DEPTH) throw new TooDeepError(TOO_DEEP_MESSAGE);
        } else if (token.name === 'endObject' || token.name === 'endArray') {
          depth--;
        }
        switch (stage) {
          case 'start':
            if (token.name === 'startObject') {
              head = {};
              stage = 'top';
            } else {
              notObject = KIND_OF_TOKEN[token.name] ?? 'not an object';
              stage = 'skip';
            }
            break;
          case 'top':
            if (token.name === 'keyValue') {
              key = token.value ?? '';
              stage = 'topKey';
            } else {
              stage = 'skip'; // endObject: the end of the text
            }
            break;
          case 'topKey':
            if (key === 'entry' && token.name === 'startArray') {
              hasEntries = true;
              stage = 'entries';
            } else {
              assembler = new Assembler();
              assembler.consume(token);
              if (assembler.done) keep(assembler.current);
              else stage = 'topValue';
            }
            break;
          case 'topValue':
            assembler.consume(token);
            if (assembler.done) keep(assembler.current);
            break;
          case 'entries':
            if (token.name === 'endArray') {
              stage = 'top';
              break;
            }
            if (summarizeOnly?.()) {
              summarizer = new EntrySummarizer();
              if (summarizer.consume(token)) yield { type: 'entry-summary', index: index++, summary: summarizer.summary };
              else stage = 'entry';
              break;
            }
            summarizer = undefined;
            assembler = new Assembler();
            assembler.consume(token);
            if (assembler.done) yield { type: 'entry', index: index++, value: assembler.current, head: head! };
            else stage = 'entry';
            break;
          case 'entry':
            if (summarizer) {
              if (summarizer.consume(token)) {
                stage = 'entries';
                yield { type: 'entry-summary', index: index++, summary: summarizer.summary };
              }
              break;
            }
            assembler.consume(token);
            if (assembler.done) {
              stage = 'entries';
              yield { type: 'entry', index: index++, value: assembler.current, head: head! };
            }
            break;
          case 'skip':
            break;
        }
      }
    }
  } finally {
    batches.destroy();
  }
  yield { type: 'end', head, notObject, hasEntries };
}

function sourceErrorItem(file: string, error: SourceReadError): ReadItem {
  return errorItem({ file, place: 'file' }, error.message, { code: error.code });
}

/**
 * Says what is wrong with a JSON text that failed to parse: re-reads it once to find the first invalid UTF-8
 * byte or the line and column of the first syntax error (never quoting the text).
 */
async function diagnose(file: string, source: ByteSource, parserMessage: string): Promise<ReadItem> {
  const utf8 = new Utf8Validator();
  const locator = new JsonSyntaxLocator('end of file');
  const decoder = new TextDecoder('utf-8');
  let head: Buffer | undefined;
  let content = false;
  const fileLocation: SourceLocation = { file, place: 'file' };
  const syntaxItem = () => {
    const found = locator.found!;
    if (!content) return errorItem(fileLocation, 'empty file, expected a FHIR resource or Bundle', { code: 'invalid' });
    return errorItem({ file, place: `line ${found.line}` }, `malformed JSON: ${found.message}`, {
      code: 'structure',
      where: `line ${found.line}, column ${found.column}`,
    });
  };
  try {
    for await (const chunk of source()) {
      head ??= Buffer.from(chunk.subarray(0, 4));
      const invalidAt = utf8.feed(chunk);
      if (invalidAt !== undefined) return errorItem(fileLocation, notUtf8Message(head, invalidAt), { code: 'invalid' });
      const text = decoder.decode(chunk, { stream: true });
      if (!content && /\S/.test(text)) content = true;
      if (locator.feed(text)) return syntaxItem();
    }
    const invalidAt = utf8.end();
    if (invalidAt !== undefined) return errorItem(fileLocation, notUtf8Message(head ?? Buffer.alloc(0), invalidAt), { code: 'invalid' });
    if (locator.feed(decoder.decode()) || locator.end()) return syntaxItem();
  } catch (error) {
    const e = toSourceReadError(error);
    if (e instanceof SourceReadError) return sourceErrorItem(file, e);
  }
  return errorItem(fileLocation, `malformed JSON: ${parserMessage}`, { code: 'structure' });
}

export interface JsonDocumentOptions {
  signal?: AbortSignal;
  singlePassBytes: number;
}

/**
 * Reads one JSON document: a single resource, or a Bundle whose entries are streamed.
 *
 * A Bundle is read in one streaming pass when it can be: its "type" comes before its entries, it is not a
 * transaction, and every entry's references to other entries (urn:uuid:, absolute fullUrls) point backwards.
 * At the first reference that points at an entry not read yet, the rest of the pass only collects the
 * fullUrl → Type/id map, and a second streaming pass yields the entries from there. A Bundle whose type comes
 * last is kept in memory up to `singlePassBytes`, else read in two passes. A transaction is all-or-nothing, so
 * its entries are kept (the atomic group holds them anyway). Memory otherwise holds one entry and the map.
 */
export async function* readJsonDocument(file: string, source: ByteSource, options: JsonDocumentOptions): AsyncGenerator<ReadItem> {
  const counter: DecodeCounter = { bytes: 0, content: false };
  const map = new BundleReferenceMap();
  /** retain: keep entries up to singlePassBytes; retain-all: a transaction; stream: yield as read; summarize: map only. */
  let mode: 'retain' | 'retain-all' | 'stream' | 'summarize' | undefined;
  let retained: unknown[] = [];
  let restartAt = 0;
  let end: Extract<DocumentEvent, { type: 'end' }> | undefined;
  const unresolved = { count: 0 };
  try {
    for await (const event of documentEvents(checkUtf8(source(), counter), () => mode === 'summarize')) {
      if (options.signal?.aborted) return;
      if (event.type === 'end') {
        end = event;
        continue;
      }
      if (event.type === 'entry-summary') {
        map.add(event.summary);
        continue;
      }
      map.add(summarizeEntry(event.value));
      if (mode === undefined) {
        const { head } = event;
        const isBundle = head.resourceType === 'Bundle';
        mode = isBundle && isStreamableBundleType(head.type) ? 'stream' : isBundle && head.type === 'transaction' ? 'retain-all' : 'retain';
      }
      if (mode === 'stream') {
        unresolved.count = 0;
        const item = entryItem(event.value, event.index, { file, placePrefix: '', bundleType: event.head.type, map, unresolved });
        if (unresolved.count > 0) {
          // A forward reference: finish the map first, then read the entries again from this one.
          mode = 'summarize';
          restartAt = event.index;
          continue;
        }
        yield item;
      } else if (mode === 'retain' || mode === 'retain-all') {
        retained.push(event.value);
        if (mode === 'retain' && counter.bytes > options.singlePassBytes) {
          mode = 'summarize';
          retained = [];
          restartAt = 0;
        }
      }
    }
  } catch (error) {
    const e = toSourceReadError(error);
    if (e instanceof SourceReadError) {
      yield sourceErrorItem(file, e);
    } else if (e instanceof TooDeepError) {
      yield errorItem({ file, place: 'file' }, TOO_DEEP_MESSAGE, { code: 'structure' });
    } else if (!counter.content && !(e instanceof NotUtf8Error)) {
      yield errorItem({ file, place: 'file' }, 'empty file, expected a FHIR resource or Bundle', { code: 'invalid' });
    } else {
      yield await diagnose(file, source, (e as Error)?.message ?? String(e));
    }
    return;
  }
  if (mode === 'stream') return; // every entry has been yielded
  const resourceLocation: SourceLocation = { file, place: 'resource' };
  if (!end || !counter.content) {
    yield errorItem({ file, place: 'file' }, 'empty file, expected a FHIR resource or Bundle', { code: 'invalid' });
    return;
  }
  if (!end.head) {
    yield errorItem(resourceLocation, `not a FHIR resource: expected a JSON object, found ${end.notObject}`, { code: 'structure' });
    return;
  }
  const head = end.head;
  const notResource = notAResourceReason(head);
  if (notResource) {
    yield errorItem(resourceLocation, notResource, { code: 'structure' });
    return;
  }

  /** The second pass: the entries again, one at a time, from `from` on. */
  async function* entriesAgain(from: number): AsyncGenerator<unknown> {
    for await (const event of documentEvents(checkUtf8(source(), { bytes: 0, content: false }))) {
      if (event.type === 'entry' && event.index >= from) yield event.value;
    }
  }

  try {
    if (head.resourceType !== 'Bundle') {
      // A resource with a top-level "entry" (e.g. List): the entries belong to it.
      if (end.hasEntries) {
        if (mode === 'summarize') {
          retained = [];
          for await (const entry of entriesAgain(0)) retained.push(entry);
        }
        head.entry = retained;
      }
      yield { kind: 'resource', resource: head as unknown as Resource, location: resourceLocation };
      return;
    }
    const context: EntryContext = { file, placePrefix: '', bundleType: head.type, map };
    if (mode !== 'summarize') {
      for (const item of bundleItemsFrom(retained, context, 'resource')) {
        if (options.signal?.aborted) return;
        yield item;
      }
      return;
    }
    let index = restartAt;
    if (restartAt === 0) {
      const typeIssue = bundleTypeIssue(head.type, resourceLocation);
      if (typeIssue) yield typeIssue;
    }
    if (head.type === 'transaction') {
      const items: ReadItem[] = [];
      for await (const entry of entriesAgain(0)) items.push(entryItem(entry, index++, context));
      yield { kind: 'atomic-group', location: { file, place: 'entry' }, items };
      return;
    }
    for await (const entry of entriesAgain(restartAt)) {
      if (options.signal?.aborted) return;
      yield entryItem(entry, index++, context);
    }
  } catch (error) {
    // The file changed or became unreadable between the two passes.
    const e = toSourceReadError(error);
    if (e instanceof SourceReadError) yield sourceErrorItem(file, e);
    else yield errorItem({ file, place: 'file' }, 'the file changed while it was read; read it again', { code: 'exception' });
  }
}
