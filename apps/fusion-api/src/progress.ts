/**
 * A terminal progress line for long jobs: redrawn in place on a TTY, one line every few seconds otherwise
 * (so CI logs stay readable).
 */
export class ProgressLine {
  private lastPrint = 0;
  private readonly started = Date.now();
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(text: string, force = false): void {
    const now = Date.now();
    const interval = this.stream.isTTY ? 100 : 5000;
    if (!force && now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const line = `${this.label} ${text} (${seconds} s)`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  done(text: string): void {
    this.update(text, true);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}

/** A bar like "[#########-----------]" for a fraction in 0..1. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
