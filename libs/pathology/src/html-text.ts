// Plain text of an HTML report (a DiagnosticReport.presentedForm of type text/html). The derived text, not the
// HTML, is what OncoBoard keeps and what every finding's span indexes into; no mapping back to HTML offsets is kept.

const BLOCK_END = /<\/(p|div|h[1-6]|li|tr|table|thead|tbody|section|article|header|footer|pre|blockquote|dd|dt|ul|ol)\s*>/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', deg: '°', micro: 'µ', plusmn: '±', times: '×', le: '≤', ge: '≥' };

/**
 * HTML → text: drops comments, <script>/<style>/<head>; ends a line at <br> and at the end of block elements
 * (p, div, h1-h6, li, tr, table...), separates table cells with a space; decodes named and numeric character
 * references; trims each line and drops empty ones (one line per block).
 */
export function htmlToText(html: string): string {
  let s = html.replace(/<!--[\s\S]*?-->/g, '');
  s = s.replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, '');
  s = s.replace(/\r\n?/g, '\n').replace(/\s*\n\s*/g, ' ');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(BLOCK_END, '\n');
  s = s.replace(/<(p|div|h[1-6]|li|tr|table|section|pre|blockquote)\b[^>]*>/gi, '\n');
  s = s.replace(/<\/t[dh]\s*>/gi, ' ');
  s = s.replace(/<[^>]*>/g, '');
  s = s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
  const lines = s.split('\n').map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim());
  return lines.filter((l) => l !== '').join('\n');
}
