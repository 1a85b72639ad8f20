// The text layer of a PDF report, through pdf.js (pdfjs-dist, legacy build for Node). Scanned PDFs without a text
// layer give no text (no OCR here): the caller reports that as an error.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface TextItem {
  str: string;
  hasEOL?: boolean;
  transform?: number[];
}

let standardFontDataUrl: string | undefined;
function fontDataDir(): string | undefined {
  if (standardFontDataUrl !== undefined) return standardFontDataUrl || undefined;
  try {
    const require = createRequire(import.meta.url);
    standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
  } catch {
    standardFontDataUrl = '';
  }
  return standardFontDataUrl || undefined;
}

/**
 * The text of every page, in reading order as pdf.js gives it: items joined, a line break where pdf.js marks an
 * end of line or the baseline moves, a blank line between pages. Throws pdf.js's error (the caller names the input).
 */
export async function readPdfTextLayer(bytes: Uint8Array): Promise<{ text: string; pages: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const fonts = fontDataDir();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    ...(fonts ? { standardFontDataUrl: fonts } : {}),
  });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = '';
      let lastY: number | undefined;
      for (const raw of content.items) {
        const item = raw as TextItem;
        if (typeof item.str !== 'string') continue;
        const y = item.transform?.[5];
        if (lastY !== undefined && y !== undefined && Math.abs(y - lastY) > 1 && !text.endsWith('\n') && text !== '') text += '\n';
        text += item.str;
        if (item.hasEOL) text += '\n';
        if (y !== undefined) lastY = y;
      }
      pages.push(text.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').replace(/\n+$/, ''));
      page.cleanup();
    }
    return { text: pages.join('\n\n'), pages: doc.numPages };
  } finally {
    await task.destroy();
  }
}
