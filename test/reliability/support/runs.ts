/**
 * Many runs at once, the way Teams delivers them: `run Copy-Batch -batch bNN -seconds S` (or
 * another command) messages POSTed to /api/messages, spread over several channels (Teams' limits are per
 * conversation) and users (the bot limits runs per user), each channel's answers going to the
 * connector recorder.
 */
import { message, postActivity, someone, teamChannel, type TeamsPlace, type TeamsUser } from '../../support/activities.js';
import { RUNBOOK } from './workspace.js';

export interface PlannedRun {
  /** Unique per run; the job card's output names it. */
  batch: string;
  seconds: number;
  place: TeamsPlace;
  user: TeamsUser;
}

/**
 * `count` runs over `channels` channels, one user per run. Durations cycle through
 * `seconds` so runs end at different times (some before a crash, some after).
 */
export function planRuns(count: number, options: { channels: number; seconds: number[] }): PlannedRun[] {
  const places = Array.from({ length: options.channels }, (_, i) => teamChannel(`batch-ops-${i}`));
  return Array.from({ length: count }, (_, i) => ({
    batch: `b${String(i).padStart(3, '0')}`,
    seconds: options.seconds[i % options.seconds.length],
    place: places[i % places.length],
    user: someone('Operator'),
  }));
}

export interface SubmittedRun extends PlannedRun {
  /** HTTP status /api/messages answered with. */
  status: number;
  /** Time from POST to answer. */
  ms: number;
}

/** The local fixture runbook's command line for a run. */
export const copyBatch = (run: PlannedRun) => `run ${RUNBOOK} -batch ${run.batch} -seconds ${run.seconds}`;

/** POSTs the runs' messages (all at once, each to the bot chosen for it) and resolves when all are answered. */
export function submitRuns(
  runs: PlannedRun[],
  serviceUrl: string,
  botFor: (run: PlannedRun, index: number) => string,
  command: (run: PlannedRun) => string = copyBatch,
): Promise<SubmittedRun[]> {
  return Promise.all(
    runs.map(async (run, index) => {
      const started = Date.now();
      const activity = message(serviceUrl, run.place, command(run), run.user);
      const { status } = await postActivity(botFor(run, index), activity);
      return { ...run, status, ms: Date.now() - started };
    }),
  );
}
