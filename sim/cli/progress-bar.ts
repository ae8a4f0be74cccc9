/**
 * A one-line progress bar on stderr (only when stderr is a terminal, so logs and `--json` output
 * stay clean). Wall-clock ETA is computed here, outside the kernel.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    stream: NodeJS.WriteStream = process.stderr,
    private readonly out: NodeJS.WriteStream = stream,
  ) {
    this.enabled = Boolean(stream.isTTY);
  }

  update(done: number, detail = ''): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : 0;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.out.write(
      `\r${this.label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ETA ${eta.toFixed(0)}s ${detail}\x1b[K`,
    );
  }

  finish(): void {
    if (this.enabled) this.out.write('\r\x1b[K');
  }
}
