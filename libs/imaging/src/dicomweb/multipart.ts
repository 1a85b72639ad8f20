// multipart/related bodies (RFC 2387) as DICOMweb uses them: WADO-RS answers with one part per instance,
// STOW-RS takes one part per instance. Binary-safe: parts are DICOM Part-10 bytes, never decoded as text.

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Splits a multipart body into its parts. Throws naming `what` when the body is not the multipart it claims. */
export function parseMultipart(body: Buffer, boundary: string, what: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error(`${what}: multipart body without its boundary "${boundary}"`);
  for (;;) {
    let start = at + delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error(`${what}: multipart body ends inside part ${parts.length + 1} (no closing boundary)`);
    // The CRLF before the next delimiter belongs to the delimiter.
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0 || headerEnd > end) throw new Error(`${what}: part ${parts.length + 1} has no header section`);
    const headers: Record<string, string> = {};
    for (const line of body.subarray(start, headerEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(headerEnd + 4, end) });
    at = next;
  }
  return parts;
}

/** Builds a multipart/related body of DICOM instances; returns the body and its Content-Type. */
export function buildMultipart(instances: readonly Uint8Array[], type = 'application/dicom'): { body: Buffer; contentType: string } {
  const boundary = `oncoboard-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const instance of instances) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`, 'latin1'), Buffer.from(instance.buffer, instance.byteOffset, instance.byteLength), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}
