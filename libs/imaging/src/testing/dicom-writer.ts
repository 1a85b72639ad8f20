// Minimal DICOM encoding (explicit VR little endian) for the phantom writer and the readers' tests: elements,
// padded text, sequence items, and the Part 10 wrapper.

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UN', 'UT']);

/** One element: tag (group, element), VR, value bytes (already padded to even length). */
export function dicomElement(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** A text element padded to even length (UI with NUL, others with a space). */
export function dicomText(group: number, elem: number, vr: string, value: string): Buffer {
  return dicomElement(group, elem, vr, Buffer.from(value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value, 'latin1'));
}

/** An unsigned short (US) element. */
export function dicomUs(group: number, elem: number, value: number): Buffer {
  return dicomElement(group, elem, 'US', Buffer.from(new Uint16Array([value]).buffer));
}

/** An item (FFFE,`tag`: E000 item, E0DD sequence delimiter) with an explicit length. */
export function dicomItem(body: Buffer, tag = 0xe000): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt16LE(tag, 2);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** Preamble, "DICM", the file meta bytes, then the dataset bytes. */
export function dicomPart10(meta: Buffer, ...dataset: Buffer[]): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, ...dataset]);
}
