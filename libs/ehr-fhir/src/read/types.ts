import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

/**
 * Where an item was read: the file (or server base URL) and the place in it.
 * `place` is one of: "file" (the file as a whole), "resource" (a file holding one resource),
 * "entry[3]" (a Bundle entry), "entry" (all entries of a transaction Bundle), "line 42" (an NDJSON line),
 * "line 42 entry[3]" (an entry of a Bundle on an NDJSON line), "Patient/123 (server)" (a server read).
 */
export interface SourceLocation {
  file: string;
  place: string;
}

export type ReadItem =
  /** `text`: the resource's JSON exactly as read, when it stood alone (an NDJSON line), to be kept verbatim. */
  | { kind: 'resource'; resource: Resource; location: SourceLocation; text?: string }
  /** The entries of a transaction Bundle: downstream imports all of them or none. */
  | { kind: 'atomic-group'; location: SourceLocation; items: ReadItem[] }
  /** Something that could not be read (severity error), or was skipped on purpose (severity warning). */
  | { kind: 'error'; location: SourceLocation; outcome: OperationOutcome };

export interface ReadOptions {
  /** Stops reading when aborted: the generator ends after the item it is at (no error item, no throw). */
  signal?: AbortSignal;
  /** Longest NDJSON line read, in bytes (default 64 MiB); a longer line is reported and skipped. */
  maxLineBytes?: number;
  /**
   * A Bundle is streamed in one pass when its "type" precedes its entries and its references point backwards;
   * from its first forward reference on, a second streaming pass reads the entries once the fullUrl map is
   * complete. A Bundle whose "type" comes after its entries is kept in memory when the file is at most this many
   * bytes, else read in two streaming passes (default 8 MiB).
   */
  singlePassBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_SINGLE_PASS_BYTES = 8 * 1024 * 1024;
