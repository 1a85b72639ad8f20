/**
 * Writes a minimal valid PDF 1.4 whose pages hold the given lines as a text layer (Helvetica, WinAnsi), with a
 * correct cross-reference table. For tests and the committed fixture PDF: a real file that pdf.js parses, made
 * without any PDF library. Characters outside Latin-1 are not supported (throws).
 */
export function writeMinimalPdf(pages: readonly (readonly string[])[]): Uint8Array {
  if (pages.length === 0) throw new Error('writeMinimalPdf: expected at least one page');
  const objects: string[] = [];
  const pageIds = pages.map((_, n) => 5 + n * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Producer (OncoBoard writeMinimalPdf) >>';
  pages.forEach((lines, n) => {
    const pageId = pageIds[n] as number;
    const body = ['BT', '/F1 10 Tf', '14 TL', '56 740 Td', ...lines.map((line, k) => `${k === 0 ? '' : 'T* '}(${escapePdfString(line)}) Tj`), 'ET'].join('\n');
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${latin1Length(body)} >>\nstream\n${body}\nendstream`;
  });
  let out = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = latin1Length(out);
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = latin1Length(out);
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

function escapePdfString(s: string): string {
  for (const c of s) if (c.charCodeAt(0) > 0xff) throw new Error('writeMinimalPdf: only Latin-1 text is supported');
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

function latin1Length(s: string): number {
  return s.length;
}
