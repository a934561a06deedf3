/**
 * A throw-away folder for one reliability test: the runbooks (a script that runs a few seconds)
 * and a data folder (SQLite file, local executor spool) that outlives the bot processes started
 * on it — which is the point: a restarted or second bot finds what the first one left.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeWorkspace } from '../../support/remove-workspace.js';

const FIXTURE_RUNBOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'runbooks');

/** The fixture runbook every reliability run uses (Copy-Batch.py: `--batch`, `--seconds`). */
export const RUNBOOK = 'Copy-Batch';

export interface Workspace {
  readonly dir: string;
  readonly runbooksDir: string;
  readonly dataDir: string;
  /** Environment of a development bot on this workspace, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  remove(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-reliability-'));
  const runbooksDir = path.join(dir, 'runbooks');
  const dataDir = path.join(dir, 'data');
  await cp(FIXTURE_RUNBOOKS, runbooksDir, { recursive: true });
  return {
    dir,
    runbooksDir,
    dataDir,
    env: (extra = {}) => ({ SWITCHBOARD_DEV: 'true', RUNBOOKS_DIR: runbooksDir, DATA_DIR: dataDir, ...extra }),
    remove: () => removeWorkspace(dir),
  };
}
