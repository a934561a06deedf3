/**
 * The catalog the bot serves: every runbook script under the runbooks folder, parsed once at
 * start, kept current by a folder watcher (only the changed file is re-parsed), merged with the
 * runbooks published in Azure Automation when an executor reports them.
 *
 * Changes are applied one at a time through a queue; each builds a new immutable view, so queries
 * never see a half-applied change. Nothing here throws to the caller: unreadable files and a
 * missing folder are problems in the catalog, not exceptions.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CatalogProblem, RunbookDefinition } from '../domain/runbook.js';
import type { Logger } from '../logging/logger.js';
import type { Catalog, CategorySummary, SearchHit } from './catalog.js';
import { buildCatalogView, type CatalogView } from './catalog-view.js';
import { watchFolder, type ChangeBatch, type FolderWatcher } from './folder-watcher.js';
import { loadGrammars, type Grammars } from './grammars.js';
import { describeScript, hashContent, listScripts, runbookLanguageOf, toCatalogPath, type ScriptResult } from './script-file.js';
import { closestMatches } from './similarity.js';

export interface LiveCatalog extends Catalog {
  /** Re-reads the whole folder (unchanged files are not re-parsed). */
  reload(): Promise<void>;
  /** Re-reads one script (absolute, or relative to the runbooks folder); a missing file is removed. */
  reloadFile(file: string): Promise<void>;
  /** Runbooks published in Azure Automation; replaces the previous set (see merge.ts). */
  setPublished(definitions: RunbookDefinition[]): void;
  /** Stops watching and waits for a change in progress. */
  close(): Promise<void>;
}

export interface LiveCatalogOptions {
  runbooksDir: string;
  logger: Logger;
  /** Watch the folder and apply changes without a restart. */
  watch?: boolean;
  /** How long to gather file events before re-parsing (default 20 ms). */
  debounceMs?: number;
}

const READ_CONCURRENCY = 32;

export async function createLiveCatalog(options: LiveCatalogOptions): Promise<LiveCatalog> {
  const catalog = new ScriptCatalog(path.resolve(options.runbooksDir), await loadGrammars(), options.logger);
  await catalog.reload();
  if (options.watch) catalog.watch(options.debounceMs ?? 20);
  return catalog;
}

class ScriptCatalog implements LiveCatalog {
  private results = new Map<string, ScriptResult>();
  private published: RunbookDefinition[] = [];
  private folderProblems: CatalogProblem[] = [];
  private view: CatalogView = buildCatalogView([], []);
  private readonly listeners = new Set<(runbooks: RunbookDefinition[]) => void>();
  private queue: Promise<void> = Promise.resolve();
  private watcher: FolderWatcher | undefined;

  constructor(
    private readonly root: string,
    private readonly grammars: Grammars,
    private readonly logger: Logger,
  ) {}

  // ------------------------------------------------------------ queries
  // Lists are copied: the view is shared by every caller, and a caller sorting a result in place
  // must not reorder the catalog. The whole list is the exception: it is frozen and handed out as
  // it is, because help and the menu ask for it on every message, and one list per catalog
  // version lets the policy remember who may see what (PolicyEngine.visibleRunbooks).

  list(): readonly RunbookDefinition[] {
    return this.view.runbooks;
  }

  get(name: string): RunbookDefinition | undefined {
    return this.view.byName.get(name.trim().toLowerCase());
  }

  suggest(name: string, limit?: number): string[] {
    return closestMatches(name, this.view.runbooks.map((r) => r.name), limit);
  }

  categories(): CategorySummary[] {
    return [...this.view.categories];
  }

  byCategory(category: string): RunbookDefinition[] {
    return [...(this.view.byCategory.get(category.trim().toLowerCase()) ?? [])];
  }

  search(query: string, limit?: number): SearchHit[] {
    return this.view.index.search(query, limit);
  }

  problems(): CatalogProblem[] {
    return [...this.view.problems];
  }

  onChange(listener: (runbooks: RunbookDefinition[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------ changes

  reload(): Promise<void> {
    return this.enqueue(() => this.readEverything());
  }

  reloadFile(file: string): Promise<void> {
    return this.enqueue(() => this.readChanged([toCatalogPath(path.relative(this.root, path.resolve(this.root, file)))]));
  }

  setPublished(definitions: RunbookDefinition[]): void {
    void this.enqueue(async () => {
      this.published = definitions;
      return true;
    });
  }

  watch(debounceMs: number): void {
    try {
      this.watcher = watchFolder(this.root, (batch) => void this.enqueue(() => this.readBatch(batch)), { debounceMs, logger: this.logger });
    } catch (error) {
      // A missing folder is already a catalog problem; the bot keeps serving without live reload.
      this.logger.warn({ err: error, root: this.root }, 'runbooks folder cannot be watched; changes need a restart');
    }
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  /** Runs changes one after another; a task returns whether the catalog changed. */
  private enqueue(task: () => Promise<boolean>): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        if (await task()) this.publish();
      } catch (error) {
        this.logger.error({ err: error }, 'catalog update failed; the previous catalog stays in use');
      }
    });
    return this.queue;
  }

  private publish(): void {
    this.view = buildCatalogView(this.results.values(), this.published, this.folderProblems);
    for (const listener of this.listeners) {
      try {
        listener([...this.view.runbooks]);
      } catch (error) {
        this.logger.error({ err: error }, 'catalog change listener failed');
      }
    }
  }

  private readBatch(batch: ChangeBatch): Promise<boolean> {
    return batch === 'everything' ? this.readEverything() : this.readChanged(batch);
  }

  private async readEverything(): Promise<boolean> {
    const started = performance.now();
    let files: string[] = [];
    const folderProblems: CatalogProblem[] = [];
    try {
      files = await listScripts(this.root);
    } catch (error) {
      folderProblems.push({ file: this.root, line: 0, reason: `the runbooks folder cannot be read: ${(error as Error).message}; set RUNBOOKS_DIR to a folder of scripts` });
    }
    const next = new Map<string, ScriptResult>();
    await forEachLimited(files, READ_CONCURRENCY, async (file) => {
      const result = await this.readScript(file);
      if (result) next.set(file, result);
    });
    const changed = !sameResults(this.results, next) || !sameProblems(this.folderProblems, folderProblems);
    this.results = next;
    this.folderProblems = folderProblems;
    const problems = [...next.values()].flatMap((r) => r.problems);
    for (const problem of [...folderProblems, ...problems]) this.logger.warn(problem, 'runbook script not understood');
    this.logger.info(
      { runbooks: [...next.values()].filter((r) => r.runbook).length, problems: problems.length + folderProblems.length, ms: Math.round(performance.now() - started) },
      'runbook catalog loaded',
    );
    return changed;
  }

  private async readChanged(files: string[]): Promise<boolean> {
    let changed = false;
    for (const file of new Set(files)) {
      if (file.startsWith('..')) continue;
      if (!runbookLanguageOf(file)) {
        // A folder added, removed or renamed: its scripts were not reported one by one.
        if (await this.isFolder(file)) return (await this.readEverything()) || changed;
        continue;
      }
      const previous = this.results.get(file);
      const result = await this.readScript(file);
      if (result) this.results.set(file, result);
      else this.results.delete(file);
      if (previous?.contentHash === result?.contentHash) continue;
      changed = true;
      for (const problem of result?.problems ?? []) this.logger.warn(problem, 'runbook script not understood');
      this.logger.info({ file, runbook: result?.runbook?.name, removed: !result }, 'runbook script changed');
    }
    return changed;
  }

  private async isFolder(file: string): Promise<boolean> {
    const stat = await fs.stat(path.join(this.root, file)).catch(() => undefined);
    if (stat) return stat.isDirectory();
    return [...this.results.keys()].some((known) => known.startsWith(`${file}/`));
  }

  /** undefined when the file no longer exists (deleted between the event and the read). */
  private async readScript(file: string): Promise<ScriptResult | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path.join(this.root, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return { file, contentHash: '', problems: [{ file, line: 0, reason: `cannot be read: ${(error as Error).message}` }] };
    }
    const contentHash = hashContent(bytes);
    const previous = this.results.get(file);
    if (previous?.contentHash === contentHash) return previous;
    return describeScript(file, bytes, this.grammars, contentHash);
  }
}

function sameResults(a: Map<string, ScriptResult>, b: Map<string, ScriptResult>): boolean {
  if (a.size !== b.size) return false;
  for (const [file, result] of a) if (b.get(file)?.contentHash !== result.contentHash) return false;
  return true;
}

function sameProblems(a: CatalogProblem[], b: CatalogProblem[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
