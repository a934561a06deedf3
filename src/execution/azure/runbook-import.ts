/**
 * Catalog import: the runbooks published in each Automation account, as RunbookDefinitions built
 * from the runbook resource itself (no local script needed) — parameters from its `parameters`
 * metadata (type, isMandatory, position, defaultValue), language from `runbookType`, synopsis
 * from the description, and optional tags an administrator can set on the runbook: `category`,
 * `target` (a Hybrid Runbook Worker group; default the cloud sandbox), `timeout` (seconds) and
 * `switchboard-hash` (written by `npm run publish`; the content hash the catalog compares with
 * the local script).
 *
 * Cost: one Runbook_ListByAutomationAccount per refresh plus one Runbook_Get for each runbook
 * whose lastModifiedTime changed since the previous refresh (the list leaves parameters out).
 */
import {
  DEFAULT_CATEGORY,
  DEFAULT_TIMEOUT_SECONDS,
  type ParameterDefinition,
  type ParameterType,
  type ParameterValue,
  type RunbookDefinition,
  type RunbookLanguage,
} from '../../domain/runbook.js';
import type { Logger } from '../../logging/logger.js';
import { silentLogger } from '../../logging/logger.js';
import { ExecutionError } from '../executor.js';
import type { AzureRunbook, AzureRunbookParameter } from './arm-types.js';
import type { AutomationClient } from './automation-client.js';
import { isPythonRunbookType } from './job-parameters.js';

export const HASH_TAG = 'switchboard-hash';
const CATEGORY_TAG = 'category';
const TARGET_TAG = 'target';
const TIMEOUT_TAG = 'timeout';
const GET_CONCURRENCY = 8;

/** .NET parameter types as Azure reports them (with or without the `System.` prefix). */
const TYPES: Record<string, ParameterType> = {
  string: 'string',
  char: 'string',
  byte: 'int',
  int16: 'int',
  int32: 'int',
  int64: 'int',
  int: 'int',
  long: 'int',
  uint16: 'int',
  uint32: 'int',
  uint64: 'int',
  double: 'number',
  single: 'number',
  float: 'number',
  decimal: 'number',
  boolean: 'bool',
  bool: 'bool',
  'management.automation.switchparameter': 'switch',
  switchparameter: 'switch',
  switch: 'switch',
  datetime: 'datetime',
  'string[]': 'string[]',
  'object[]': 'string[]',
  array: 'string[]',
  'security.securestring': 'secret',
  securestring: 'secret',
  'management.automation.pscredential': 'credential',
  pscredential: 'credential',
};

export function parameterType(azureType: string | undefined): ParameterType {
  const name = (azureType ?? 'string').trim().toLowerCase().replace(/^system\./, '');
  return TYPES[name] ?? 'string';
}

function unquote(text: string): string {
  const trimmed = text.trim();
  return /^(['"]).*\1$/s.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}

/** Azure keeps the default as script text: `'web01'`, `$true`, `5`, `@('a','b')`. */
export function parseDefault(text: string | null | undefined, type: ParameterType): ParameterValue | undefined {
  if (text === undefined || text === null || text.trim() === '' || type === 'secret' || type === 'credential') return undefined;
  const raw = text.trim();
  switch (type) {
    case 'bool':
    case 'switch':
      return /^\$?true$/i.test(raw) ? true : /^\$?false$/i.test(raw) ? false : undefined;
    case 'int':
    case 'number': {
      const value = Number(unquote(raw));
      return Number.isFinite(value) ? value : undefined;
    }
    case 'string[]':
      return raw
        .replace(/^@\((.*)\)$/s, '$1')
        .split(',')
        .map(unquote)
        .filter(Boolean);
    default:
      return unquote(raw);
  }
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isInteger(value) && value > 0 ? value : undefined;
}

function language(runbookType: string | undefined): RunbookLanguage {
  return isPythonRunbookType(runbookType) ? 'python' : 'powershell';
}

function parameters(runbook: AzureRunbook, lang: RunbookLanguage): ParameterDefinition[] {
  const entries = Object.entries(runbook.properties.parameters ?? {}) as [string, AzureRunbookParameter][];
  return entries
    .map(([name, meta], index) => ({ name, meta, order: meta.position ?? Number.MAX_SAFE_INTEGER, index }))
    .sort((a, b) => a.order - b.order || a.index - b.index)
    .map(({ name, meta }) => {
      const type = parameterType(meta.type);
      const parameter: ParameterDefinition = {
        name,
        type,
        required: Boolean(meta.isMandatory),
        secret: type === 'secret' || type === 'credential',
      };
      const fallback = parseDefault(meta.defaultValue, type);
      if (fallback !== undefined) parameter.default = fallback;
      if (lang === 'python') parameter.positional = true;
      return parameter;
    });
}

export function toRunbookDefinition(runbook: AzureRunbook): RunbookDefinition {
  const tags = runbook.tags ?? {};
  const description = (runbook.properties.description ?? '').trim();
  const lang = language(runbook.properties.runbookType);
  return {
    name: runbook.name,
    language: lang,
    category: tags[CATEGORY_TAG]?.trim() || DEFAULT_CATEGORY,
    tags: [],
    synopsis: description.split(/\r?\n/)[0] ?? '',
    description,
    examples: [],
    parameters: parameters(runbook, lang),
    target: tags[TARGET_TAG]?.trim() || 'cloud',
    timeoutSeconds: positiveInteger(tags[TIMEOUT_TAG]) ?? DEFAULT_TIMEOUT_SECONDS,
    contentHash: tags[HASH_TAG] ?? '',
    source: 'azure',
  };
}

/** Published runbooks of one account, re-reading only runbooks that changed since last time. */
export class AccountRunbookImporter {
  private readonly known = new Map<string, { modified?: string; definition: RunbookDefinition }>();

  constructor(readonly client: AutomationClient) {}

  async read(): Promise<RunbookDefinition[]> {
    const listed = (await this.client.listRunbooks()).filter((r) => r.properties.state === 'Published' || r.properties.state === 'Edit');
    const stale = listed.filter((r) => this.known.get(r.name)?.modified !== r.properties.lastModifiedTime || !this.known.has(r.name));
    await forEachLimited(stale, GET_CONCURRENCY, async (item) => {
      const full = await this.client.getRunbook(item.name);
      this.known.set(item.name, { modified: item.properties.lastModifiedTime, definition: toRunbookDefinition(full) });
    });
    const names = new Set(listed.map((r) => r.name));
    for (const name of this.known.keys()) if (!names.has(name)) this.known.delete(name);
    return listed.map((r) => this.known.get(r.name)!.definition);
  }
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

export interface ImportReport {
  /** Config name of the account each runbook comes from, by lower-case runbook name. */
  accountOf: Map<string, string>;
  /** Accounts that could not be read this time; their previous runbooks are kept. */
  failures: { account: string; error: ExecutionError }[];
  /** Runbooks published in more than one account: the first configured account wins. */
  duplicates: { runbook: string; accounts: string[] }[];
}

export interface RunbookImportOptions {
  clients: AutomationClient[];
  onDefinitions: (definitions: RunbookDefinition[], report: ImportReport) => void;
  intervalMs: number;
  logger?: Logger;
}

export interface RunbookImport {
  /** Imports now (after a refresh already in progress); resolves once delivered. */
  refresh(): Promise<void>;
  stop(): void;
}

/** Imports at once, then every `intervalMs`; refreshes never overlap. */
export function startRunbookImport(options: RunbookImportOptions): RunbookImport {
  const logger = options.logger ?? silentLogger();
  const importers = options.clients.map((client) => new AccountRunbookImporter(client));
  const lastGood = new Map<string, RunbookDefinition[]>();
  let running: Promise<void> | undefined;
  let stopped = false;

  const importAll = async (): Promise<void> => {
    const failures: ImportReport['failures'] = [];
    for (const importer of importers) {
      const account = importer.client.account.name;
      try {
        lastGood.set(account, await importer.read());
      } catch (error) {
        const failure = error instanceof ExecutionError ? error : new ExecutionError(String(error), 'azure_error');
        failures.push({ account, error: failure });
        logger.warn({ account, err: error }, 'importing runbooks from Azure Automation failed; keeping the previous list');
      }
    }
    const accountOf = new Map<string, string>();
    const seenIn = new Map<string, string[]>();
    const definitions: RunbookDefinition[] = [];
    for (const importer of importers) {
      const account = importer.client.account.name;
      for (const definition of lastGood.get(account) ?? []) {
        const key = definition.name.toLowerCase();
        seenIn.set(key, [...(seenIn.get(key) ?? []), account]);
        if (accountOf.has(key)) continue;
        accountOf.set(key, account);
        definitions.push(definition);
      }
    }
    const duplicates = [...seenIn.entries()]
      .filter(([, accounts]) => accounts.length > 1)
      .map(([key, accounts]) => ({ runbook: definitions.find((d) => d.name.toLowerCase() === key)!.name, accounts }));
    if (!stopped) options.onDefinitions(definitions, { accountOf, failures, duplicates });
  };

  /** Waits for a refresh in progress, then imports again (so the answer reflects "now"). */
  const refresh = async (): Promise<void> => {
    while (running) await running.catch(() => undefined);
    running = importAll().finally(() => {
      running = undefined;
    });
    return running;
  };

  const refreshInBackground = (): void => {
    if (running) return;
    refresh().catch((error: unknown) => logger.error({ err: error }, 'runbook import failed'));
  };
  const timer = setInterval(refreshInBackground, options.intervalMs);
  refreshInBackground();
  return {
    refresh,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
