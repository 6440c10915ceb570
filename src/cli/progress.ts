/**
 * A one-line progress bar on stderr: steps, loss, tokens/s and ETA. On a terminal it redraws in
 * place (at most 10 times a second); in a log file it prints a line at every 10% instead.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private tokens = 0;
  private readonly firstStep: number;

  constructor(private readonly total: number, private readonly label: string, startStep = 0,
    private readonly stream: NodeJS.WriteStream | null = process.stderr) {
    this.firstStep = startStep;
  }

  update(step: number, loss: number, tokensThisStep: number): void {
    if (!this.stream) return;
    this.tokens += tokensThisStep;
    const now = performance.now();
    const done = step + 1;
    const finished = done >= this.total;
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 100 && !finished) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(done, loss, now)}\x1b[K${finished ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((10 * done) / this.total);
    if (decile !== this.lastDecile || finished) {
      this.lastDecile = decile;
      this.stream.write(`${this.line(done, loss, now)}\n`);
    }
  }

  private line(done: number, loss: number, now: number): string {
    const width = 24;
    const filled = Math.round((width * done) / this.total);
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.tokens / seconds : 0;
    const perStep = seconds / Math.max(1, done - this.firstStep);
    const eta = perStep * (this.total - done);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} `
      + `loss ${loss.toFixed(4)} | ${formatRate(rate)} tok/s | ETA ${formatDuration(eta)}`;
  }
}

const formatRate = (r: number) => (r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0));

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
