/**
 * The environment a local script runs with: built from an allow-list, never a copy of the bot's
 * own environment — which holds MicrosoftAppPassword, storage connection strings and the like.
 */
export interface JobEnvironmentInput {
  jobId: string;
  tmpDir: string;
  secretEnv: Record<string, string>;
  /** The bot's environment; only PATH, HOME and LANG are taken from it. */
  base: NodeJS.ProcessEnv;
}

const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

export function jobEnvironment({ jobId, tmpDir, secretEnv, base }: JobEnvironmentInput): Record<string, string> {
  return {
    PATH: base.PATH || FALLBACK_PATH,
    // Tools such as git, ssh or knife look for their configuration under HOME.
    HOME: base.HOME || tmpDir,
    LANG: base.LANG || 'C.UTF-8',
    TMPDIR: tmpDir,
    SWITCHBOARD_JOB_ID: jobId,
    // Output must reach the job card while the script runs, not when its buffer fills.
    PYTHONUNBUFFERED: '1',
    PYTHONIOENCODING: 'utf-8',
    // pwsh otherwise phones home on every start.
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    ...secretEnv,
  };
}
