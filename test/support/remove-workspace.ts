/**
 * Removing a test bot's temporary folder. The local executor's job supervisors are detached on
 * purpose (a job outlives the bot that started it), so after `app.stop()` a supervisor may still
 * be writing into its job folder — a plain recursive rm then races with it (ENOTEMPTY when
 * status.json appears mid-removal). The jobs still running under the folder are killed first,
 * each process only once /proc proves it is that job's; the removal retries for the one file a
 * dying supervisor may still rename in.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isSupervisorAlive, killOrphanedScript } from '../../src/execution/local/job-processes.js';
import { SPOOL_FILES, type SpoolJob, type SupervisorPids } from '../../src/execution/local/spool.js';

export async function removeWorkspace(dir: string): Promise<void> {
  for (const jobDir of await unfinishedJobDirs(dir)) await killJob(jobDir);
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
}

/** Job folders under `dir` whose supervisor has started and not yet written status.json. */
async function unfinishedJobDirs(dir: string): Promise<string[]> {
  const files = new Set(await readdir(dir, { recursive: true }).catch(() => [] as string[]));
  return [...files]
    .filter((file) => path.basename(file) === SPOOL_FILES.supervisor && !files.has(path.join(path.dirname(file), SPOOL_FILES.status)))
    .map((file) => path.join(dir, path.dirname(file)));
}

async function killJob(jobDir: string): Promise<void> {
  const pids = await readJson<SupervisorPids>(path.join(jobDir, SPOOL_FILES.supervisor));
  const job = await readJson<SpoolJob>(path.join(jobDir, SPOOL_FILES.job));
  if (!pids || !job) return;
  if (isSupervisorAlive(pids.supervisorPid, jobDir)) process.kill(pids.supervisorPid, 'SIGKILL');
  killOrphanedScript(pids.scriptPid, job.jobId);
}

function readJson<T>(file: string): Promise<T | undefined> {
  return readFile(file, 'utf8').then((text) => JSON.parse(text) as T, () => undefined);
}
