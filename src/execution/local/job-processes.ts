/**
 * Finding a job's processes again from their pids. Pids are reused by the kernel (after a
 * reboot, or simply over time), so a pid alone is not proof: on Linux the process is checked
 * against /proc — the supervisor by its command line (it names the job directory), the script by
 * its environment (it carries SWITCHBOARD_JOB_ID). Elsewhere only existence can be checked.
 */
import fs from 'node:fs';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The NUL-separated /proc file as strings, or undefined where /proc is not available. */
function procEntries(pid: number, file: 'cmdline' | 'environ'): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'latin1').split('\0');
  } catch {
    return fs.existsSync('/proc/self') ? [] : undefined;
  }
}

export function isSupervisorAlive(supervisorPid: number, jobDir: string): boolean {
  if (!exists(supervisorPid)) return false;
  const cmdline = procEntries(supervisorPid, 'cmdline');
  return cmdline === undefined || cmdline.includes(jobDir);
}

/**
 * Kills what is left of a job whose supervisor is gone, so nothing keeps running untracked —
 * but only when the process group leader is provably that job's script.
 */
export function killOrphanedScript(scriptPid: number, jobId: string): boolean {
  const environ = procEntries(scriptPid, 'environ');
  if (!environ?.includes(`SWITCHBOARD_JOB_ID=${jobId}`)) return false;
  try {
    process.kill(-scriptPid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
