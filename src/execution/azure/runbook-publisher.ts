/**
 * Publish-on-commit: uploads every changed script of the runbooks folder to an Automation
 * account as a draft and publishes it; unchanged scripts are skipped.
 *
 * "Unchanged" needs a content hash, and ARM keeps none for uploaded drafts (publishContentLink's
 * contentHash only describes content fetched from a URI), so the sha256 of the script is stored
 * in the runbook's `switchboard-hash` tag. A runbook is skipped only when that tag matches AND
 * its state is Published: if a previous run set the tag but failed to publish, the state is
 * New/Edit and the script is published again.
 *
 * Runbook types: .ps1 → PowerShell72 (PowerShell 7.2, the current PowerShell runtime in Azure
 * Automation; 5.1 "PowerShell" is kept when an existing runbook already uses it, because ARM does
 * not change the type of an existing runbook), .py → Python3.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecutionError } from '../executor.js';
import { ArmError } from './arm-errors.js';
import type { AzureRunbook } from './arm-types.js';
import type { AutomationClient } from './automation-client.js';
import { isPythonRunbookType } from './job-parameters.js';
import { HASH_TAG } from './runbook-import.js';

const RUNBOOK_TYPE_BY_EXTENSION: Record<string, string> = { '.ps1': 'PowerShell72', '.py': 'Python3' };
/** Azure's runbook name pattern (runbook.json, runbookName). */
const RUNBOOK_NAME = /^[a-zA-Z][a-zA-Z-_0-9]*$/;

export interface LocalScript {
  name: string;
  /** Path relative to the runbooks folder. */
  file: string;
  content: string;
  /** sha256 of the file's bytes, hex. */
  hash: string;
  runbookType: string;
}

export interface ScriptProblem {
  file: string;
  reason: string;
}

export type PublishResult = 'published' | 'unchanged' | 'would publish' | 'failed';

export interface PublishOutcome {
  runbook: string;
  account: string;
  result: PublishResult;
  detail?: string;
}

export function contentHash(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Every .ps1 / .py script under `dir` (recursively); names Azure would refuse are problems. */
export async function readScripts(dir: string): Promise<{ scripts: LocalScript[]; problems: ScriptProblem[] }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const scripts: LocalScript[] = [];
  const problems: ScriptProblem[] = [];
  const byName = new Map<string, string>();
  for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const extension = path.extname(entry.name).toLowerCase();
    const runbookType = RUNBOOK_TYPE_BY_EXTENSION[extension];
    if (!runbookType) continue;
    const full = path.join(entry.parentPath, entry.name);
    const file = path.relative(dir, full);
    const name = path.basename(entry.name, path.extname(entry.name));
    if (!RUNBOOK_NAME.test(name)) {
      problems.push({ file, reason: `"${name}" is not a valid Azure runbook name: start with a letter, then letters, digits, - or _ (e.g. Restart-AppPool).` });
      continue;
    }
    const clash = byName.get(name.toLowerCase());
    if (clash) {
      problems.push({ file, reason: `runbook name "${name}" is already used by ${clash}; Azure runbook names are unique per account.` });
      continue;
    }
    byName.set(name.toLowerCase(), file);
    const bytes = await readFile(full);
    scripts.push({ name, file, content: bytes.toString('utf8'), hash: contentHash(bytes), runbookType });
  }
  return { scripts, problems };
}

async function existingRunbook(client: AutomationClient, name: string): Promise<AzureRunbook | undefined> {
  try {
    return await client.getRunbook(name);
  } catch (error) {
    if (error instanceof ArmError && error.statusCode === 404) return undefined;
    throw error;
  }
}

function runbookTypeFor(script: LocalScript, existing: AzureRunbook | undefined): string {
  const current = existing?.properties.runbookType;
  return current && isPythonRunbookType(current) === isPythonRunbookType(script.runbookType) ? current : script.runbookType;
}

function describe(error: unknown): string {
  if (error instanceof ExecutionError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Publishes the changed scripts to one account, one after another; never throws per script. */
export async function publishScripts(
  client: AutomationClient,
  scripts: LocalScript[],
  options: { dryRun: boolean },
): Promise<PublishOutcome[]> {
  const account = client.account.name;
  const outcomes: PublishOutcome[] = [];
  let location: string | undefined;
  for (const script of scripts) {
    try {
      const existing = await existingRunbook(client, script.name);
      const published = existing?.properties.state === 'Published';
      if (published && existing?.tags?.[HASH_TAG] === script.hash) {
        outcomes.push({ runbook: script.name, account, result: 'unchanged' });
        continue;
      }
      const reason = !existing ? 'new' : published ? 'changed' : `not published yet (state ${existing.properties.state})`;
      if (options.dryRun) {
        outcomes.push({ runbook: script.name, account, result: 'would publish', detail: reason });
        continue;
      }
      location ??= existing?.location ?? (await client.getAccount()).location;
      await client.createOrUpdateRunbook({
        name: script.name,
        location: existing?.location ?? location,
        tags: { ...(existing?.tags ?? {}), [HASH_TAG]: script.hash },
        properties: {
          runbookType: runbookTypeFor(script, existing),
          description: existing?.properties.description ?? undefined,
          logVerbose: existing?.properties.logVerbose,
          logProgress: existing?.properties.logProgress,
          draft: {},
        },
      });
      await client.replaceDraftContent(script.name, script.content);
      await client.publishRunbook(script.name);
      outcomes.push({ runbook: script.name, account, result: 'published', detail: reason });
    } catch (error) {
      outcomes.push({ runbook: script.name, account, result: 'failed', detail: describe(error) });
    }
  }
  return outcomes;
}
