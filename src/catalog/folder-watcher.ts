/**
 * Watches a folder tree and reports changed paths in batches. Node's recursive fs.watch works on
 * Linux since Node 20 (and natively on Windows and macOS), so no watcher library is needed.
 * Events are collected for `debounceMs` from the first one: editors save with several writes or a
 * write-and-rename, and one batch per save means one re-parse.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';

export interface FolderWatcher {
  close(): void;
}

/** `paths` are relative to the folder with forward slashes; 'everything' when the OS did not say. */
export type ChangeBatch = string[] | 'everything';

export function watchFolder(root: string, onBatch: (batch: ChangeBatch) => void, options: { debounceMs: number; logger: Logger }): FolderWatcher {
  const pending = new Set<string>();
  let everything = false;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const batch: ChangeBatch = everything ? 'everything' : [...pending];
    pending.clear();
    everything = false;
    onBatch(batch);
  };
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, filename) => {
    if (filename === null) everything = true;
    else pending.add(filename.toString().split(path.sep).join('/'));
    timer ??= setTimeout(flush, options.debounceMs);
  });
  watcher.on('error', (error) => options.logger.warn({ err: error, root }, 'runbooks folder watcher failed; changes need a reload'));
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
