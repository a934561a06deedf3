/**
 * One of several processes hammering the same SQLite file (see sqlite-store.test.ts), as
 * separate bot processes would. Takes its task as JSON in argv, prints its results as JSON.
 */
import { silentLogger } from '../../src/logging/logger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

interface Task {
  file: string;
  worker: number;
  rounds: number;
  forms: number;
}

const { file, worker, rounds, forms } = JSON.parse(process.argv[2]) as Task;
const store = new SqliteStore(file, silentLogger());
await store.init();
const formAnswers: (string | undefined)[] = [];
const leases: number[] = [];
for (let round = 0; round < rounds; round++) {
  await store.appendOutput('job1', [{ stream: 'output', text: `${worker}.${round}`, at: new Date().toISOString() }]);
  await store.appendAudit({ at: new Date().toISOString(), action: `w${worker}.r${round}` });
  if (await store.acquireLease(`lease-${round}`, `worker-${worker}`, 60_000)) leases.push(round);
  if (round < forms) formAnswers.push(await store.useForm(`form-${round}`, `job-${worker}-${round}`));
}
await store.close();
process.stdout.write(JSON.stringify({ formAnswers: formAnswers.map((answer) => answer ?? null), leases }));
