import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { approvalCard, jobCard } from '../../../src/cards/index.js';
import type { ConversationInfo } from '../../../src/domain/conversation.js';
import type { JobStatus, Principal } from '../../../src/domain/job.js';
import type { AdaptiveCard } from '../../../src/domain/message.js';
import type { RunbookDefinition } from '../../../src/domain/runbook.js';
import type { Executor } from '../../../src/execution/executor.js';
import type { Clock } from '../../../src/jobs/clock.js';
import { RoutedExecutors } from '../../../src/jobs/executor-directory.js';
import type { JobCardRenderers } from '../../../src/jobs/job-cards.js';
import { JobService, type JobServiceSettings } from '../../../src/jobs/job-service.js';
import { Outbox } from '../../../src/jobs/outbox.js';
import type { RequestLimiter } from '../../../src/jobs/request-limiter.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { NO_TELEMETRY, type Telemetry } from '../../../src/telemetry/telemetry.js';
import { param, sampleRunbook } from '../../validation/sample-runbook.js';
import { FakeClock, settle } from './fake-clock.js';
import { FakeExecutor } from './fake-executor.js';
import { fixedCatalog, ScriptedPolicy } from './fakes.js';
import { conversation, RecordingMessenger } from './recording-messenger.js';

export const alice: Principal = { id: 'user-alice', name: 'Alice', aadObjectId: 'aad-alice' };
export const bob: Principal = { id: 'user-bob', name: 'Bob', aadObjectId: 'aad-bob' };
export const carol: Principal = { id: 'user-carol', name: 'Carol', aadObjectId: 'aad-carol' };
export const mallory: Principal = { id: 'user-mallory', name: 'Mallory' };

export const SECRET = 'hunter2-Very-Secret';

export const restartAppPool = sampleRunbook([
  param('Server', { required: true, pattern: '^web\\d+$', patternMessage: 'a web server name like web01' }),
  param('Pool', { default: 'DefaultAppPool' }),
  param('Password', { type: 'secret', secret: true }),
]);
export const deployProd = sampleRunbook([param('Version', { required: true }), param('Token', { type: 'secret', secret: true })], {
  name: 'Deploy-Prod',
});
export const report = sampleRunbook([], { name: 'Get-Report' });

/** Card marker for assertions: which status a rendered card showed. */
export function cardStatus(card: AdaptiveCard | undefined): JobStatus | undefined {
  return (card as { testStatus?: JobStatus } | undefined)?.testStatus;
}

/** The real card renderers, with the rendered status noted on the card for assertions. */
export const markedRenderers: JobCardRenderers = {
  jobCard: (input) => ({ ...jobCard(input), testStatus: input.job.status }),
  approvalCard: (input) => ({ ...approvalCard(input), testStatus: input.job.status }),
};

export interface World {
  dir: string;
  file: string;
  store: SqliteStore;
  clock: FakeClock;
  target: RecordingMessenger;
  executor: FakeExecutor;
  policy: ScriptedPolicy;
  runbooks: RunbookDefinition[];
  chat: ConversationInfo;
  otherChat: ConversationInfo;
  events: { name: string; properties?: Record<string, string> }[];
}

export async function newWorld(): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-jobs-'));
  const file = path.join(dir, 'store.db');
  const store = new SqliteStore(file, silentLogger());
  await store.init();
  const clock = new FakeClock();
  const chat = conversation('chat-ops');
  const otherChat = conversation('chat-other');
  await store.saveConversation(chat);
  await store.saveConversation(otherChat);
  return {
    dir,
    file,
    store,
    clock,
    target: new RecordingMessenger(clock),
    executor: new FakeExecutor(),
    policy: new ScriptedPolicy(),
    runbooks: [restartAppPool, deployProd, report],
    chat,
    otherChat,
    events: [],
  };
}

export async function closeWorld(world: World): Promise<void> {
  await world.store.close();
  fs.rmSync(world.dir, { recursive: true, force: true });
}

export interface ServiceOptions {
  instanceId?: string;
  /** A clock of its own: an instance that "crashed" must not keep acting when the world's time moves. */
  clock?: Clock;
  executors?: Executor[];
  requestLimiter?: RequestLimiter;
  settings?: Partial<JobServiceSettings>;
}

/** A JobService (with its own outbox) on the world's store, clock and Teams stand-in. */
export function newService(world: World, options: ServiceOptions = {}): { service: JobService; outbox: Outbox } {
  const clock = options.clock ?? world.clock;
  const outbox = new Outbox(world.target, { clock, random: () => 0.5 });
  const executors = options.executors ?? [world.executor];
  const telemetry: Telemetry = { ...NO_TELEMETRY, event: (name, properties) => world.events.push({ name, properties }) };
  const service = new JobService({
    store: world.store,
    catalog: fixedCatalog(world.runbooks),
    executors: new RoutedExecutors(executors, () => executors[0]?.name),
    policy: world.policy,
    messenger: outbox,
    render: markedRenderers,
    telemetry,
    logger: silentLogger(),
    instanceId: options.instanceId ?? 'instance-a',
    clock,
    requestLimiter: options.requestLimiter,
    settings: { cardRefreshMs: 1_000, leaseTtlMs: 30_000, leaseRenewMs: 10_000, resumeEveryMs: 15_000, ...options.settings },
  });
  return { service, outbox };
}

/** Everything stored about jobs and audit, as text (to look for secrets). */
export async function storedText(world: World): Promise<string> {
  const jobs = await world.store.listJobs({});
  const audit = await world.store.readAudit({});
  return JSON.stringify({ jobs, audit });
}

/** Shuts a service down while moving virtual time, so its bounded waits can run out. */
export async function stopService(world: World, service: JobService, outbox: Outbox): Promise<void> {
  let stopped = false;
  const stopping = service.shutdown().then(() => {
    stopped = true;
  });
  await world.clock.advanceUntil(() => stopped, 60_000, 1_000);
  await stopping;
  outbox.close();
}

/** Asks for a Get-Report run by text and lets the fake executor accept it. */
export async function acceptedRun(world: World, service: JobService, executorJobId = 'exec-1'): Promise<string> {
  const result = await service.submitText(alice, world.chat, 'Get-Report', {});
  if (result.kind !== 'started') throw new Error(`expected started, got ${result.kind}`);
  await settle();
  world.executor.run(result.job.id).accepted.resolve(executorJobId);
  await settle();
  return result.job.id;
}

export interface JobWorld {
  world: World;
  service: JobService;
  outbox: Outbox;
  /** Stops the current service and starts another on the same world. */
  replaceService(options?: ServiceOptions): Promise<void>;
}

/** Registers hooks that give every test a fresh world and service, and stop them afterwards. */
export function useJobWorld(prepare: (world: World) => void = () => undefined): JobWorld {
  const context = {
    async replaceService(options?: ServiceOptions) {
      await stopService(context.world, context.service, context.outbox);
      Object.assign(context, newService(context.world, options));
    },
  } as JobWorld;
  beforeEach(async () => {
    context.world = await newWorld();
    prepare(context.world);
    Object.assign(context, newService(context.world));
  });
  afterEach(async () => {
    await stopService(context.world, context.service, context.outbox);
    await closeWorld(context.world);
  });
  return context;
}
