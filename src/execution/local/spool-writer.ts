/**
 * Turns a script's stdout/stderr lines into output.jsonl records (supervisor side): recognises
 * `##progress` lines, enforces the output cap with a marker, and remembers the last stderr lines
 * for the failure text. Writes are synchronous appends so every record is in the file (page
 * cache) the moment it is accepted; a bot reading the file never waits for a flush.
 */
import fs from 'node:fs';
import type { SpoolRecord } from './spool.js';

/** `##progress 40 Copying volume 2 of 5` → 40 % with a text; the line is not shown as output. */
const PROGRESS_LINE = /^##progress[ \t]+(\d+(?:\.\d+)?)%?(?:[ \t]+(.*?))?[ \t]*\r?\n$/;
const ERROR_LINES_KEPT = 5;
const ERROR_LINE_MAX_CHARS = 500;

export class SpoolWriter {
  private bytes = 0;
  private cut = false;
  private readonly errorLines: string[] = [];

  constructor(
    private readonly fd: number,
    private readonly capBytes: number,
  ) {}

  get outputBytes(): number {
    return this.bytes;
  }

  get outputCut(): boolean {
    return this.cut;
  }

  get lastErrorLines(): string[] {
    return [...this.errorLines];
  }

  /** A complete line (ending in \n) or a flushed partial line of one stream. */
  text(stream: 'out' | 'err', text: string): void {
    if (stream === 'err') this.rememberErrorLine(text);
    const progress = stream === 'out' ? PROGRESS_LINE.exec(text) : null;
    if (progress) {
      this.append({ t: now(), s: 'progress', p: Math.min(100, Number(progress[1])), x: progress[2] ?? '' });
      return;
    }
    if (this.cut) return;
    const size = Buffer.byteLength(text);
    if (this.bytes + size <= this.capBytes) {
      this.bytes += size;
      this.append({ t: now(), s: stream, x: text });
      return;
    }
    const room = this.capBytes - this.bytes;
    const kept = utf8Prefix(text, room);
    if (kept) this.append({ t: now(), s: stream, x: kept });
    this.bytes += Buffer.byteLength(kept);
    this.cut = true;
    this.note(
      `[output cut: the job wrote more than ${this.capBytes} bytes (the output cap); the rest of its output is discarded, the job keeps running]\n`,
    );
  }

  note(text: string): void {
    this.append({ t: now(), s: 'note', x: text });
  }

  private rememberErrorLine(text: string): void {
    const line = text.trim();
    if (!line) return;
    this.errorLines.push(line.length > ERROR_LINE_MAX_CHARS ? `${line.slice(0, ERROR_LINE_MAX_CHARS)}…` : line);
    if (this.errorLines.length > ERROR_LINES_KEPT) this.errorLines.shift();
  }

  private append(record: SpoolRecord): void {
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }
}

/** The longest prefix of `text` that fits in `bytes` UTF-8 bytes without splitting a character. */
function utf8Prefix(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const decoded = Buffer.from(text).subarray(0, bytes).toString('utf8');
  return decoded.endsWith('\uFFFD') && !text.startsWith(decoded) ? decoded.slice(0, -1) : decoded;
}

function now(): string {
  return new Date().toISOString();
}
