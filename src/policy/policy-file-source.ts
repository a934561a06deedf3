/**
 * Keeps the policy file in force: read and checked at startup (an invalid file stops the bot with
 * every problem listed), then re-read when it changes on disk. A broken edit never takes the bot
 * down or opens it up: the last good rules stay in force and the problems are logged.
 *
 * The folder is watched rather than the file, because editors and config-map mounts replace a
 * file by renaming a new one over it, which ends a watch on the file itself.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';
import type { PolicySource } from './policy-engine.js';
import { parsePolicy, PolicyFileError, type PolicyDocument } from './policy-file.js';

export type ReloadEvent = { ok: true; document: PolicyDocument } | { ok: false; error: Error };

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyFileError(file, [
      { line: 1, column: 1, message: code === 'ENOENT' ? 'The file does not exist (check POLICY_FILE).' : `The file cannot be read: ${(error as Error).message}` },
    ]);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class PolicyFileSource implements PolicySource {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(event: ReloadEvent) => void>();
  /** Content already rejected, so one broken save is reported once, not on every file event. */
  private rejectedHash?: string;

  private constructor(
    readonly file: string,
    private document: PolicyDocument,
    private hash: string,
    private readonly logger: Logger,
    private readonly debounceMs: number,
  ) {}

  /** Reads the file (throws PolicyFileError with every problem) and starts watching it. */
  static async open(file: string, logger: Logger, options: { debounceMs?: number } = {}): Promise<PolicyFileSource> {
    const text = await readText(file);
    const document = parsePolicy(text, file);
    const source = new PolicyFileSource(file, document, sha256(text), logger, options.debounceMs ?? 100);
    source.watcher = watch(path.dirname(file), (_event, name) => {
      if (name === null || name === path.basename(file)) source.scheduleReload();
    });
    logger.info({ file, rules: document.rules.length }, 'policy loaded');
    return source;
  }

  current(): PolicyDocument {
    return this.document;
  }

  /** Called after every reload attempt that found changed content; returns an unsubscribe. */
  onReload(listener: (event: ReloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file now; keeps the rules in force if the new text is not valid. */
  async reload(): Promise<ReloadEvent | undefined> {
    let event: ReloadEvent;
    try {
      const text = await readText(this.file);
      const hash = sha256(text);
      if (hash === this.hash || hash === this.rejectedHash) return undefined;
      try {
        this.document = parsePolicy(text, this.file);
      } catch (error) {
        this.rejectedHash = hash;
        throw error;
      }
      this.hash = hash;
      event = { ok: true, document: this.document };
      this.logger.info({ file: this.file, rules: this.document.rules.length }, 'policy reloaded');
    } catch (error) {
      event = { ok: false, error: error as Error };
      this.logger.error({ file: this.file, err: (error as Error).message }, 'policy file change rejected; the previous rules stay in force');
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.listeners.clear();
  }

  /** Editors write in bursts (truncate, write, rename); read once the burst is over. */
  private scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.debounceMs);
  }
}
