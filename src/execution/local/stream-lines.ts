/**
 * Splits one output stream of a script into lines (supervisor side). A line without its newline
 * is still passed on after a short pause or once it grows large, so a prompt or a progress bar
 * drawn without line breaks shows up while the script runs instead of when it ends.
 */
import type { Readable } from 'node:stream';

const PARTIAL_FLUSH_MS = 200;
const PARTIAL_MAX_CHARS = 64 * 1024;

export class StreamLines {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  readonly ended: Promise<void>;

  constructor(
    stream: Readable,
    private readonly onText: (text: string) => void,
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    this.ended = new Promise((resolve) => {
      stream.once('close', resolve);
      stream.once('end', resolve);
    });
  }

  /** Passes on whatever is left (at the end of the script). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.onText(text);
  }

  private push(chunk: string): void {
    const text = this.pending + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.onText(text.slice(start, newline + 1));
      start = newline + 1;
    }
    this.pending = text.slice(start);
    if (this.pending.length >= PARTIAL_MAX_CHARS) this.flush();
    else if (this.pending && !this.timer) this.timer = setTimeout(() => this.flush(), PARTIAL_FLUSH_MS);
  }
}
