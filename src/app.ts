/**
 * Composition root: builds every part from the Config and wires them together, outermost last.
 *
 *   telemetry (Application Insights when configured) · store · catalog (live, watched, snapshots
 *   recorded for `new`) · executors: local, plus one per Azure Automation account (with the
 *   account's published runbooks imported into the catalog) · policy
 *   adapter (CloudAdapter + channel auth) → proactive messenger → outbox (Teams pacing)
 *   job service (store, catalog, routed executors, policy, outbox, card renderers, run limits)
 *   command router (handlers) ← Teams bot ← HTTP server (restify: /api/messages, probes,
 *   request telemetry, the playground page in development mode)
 *
 * start() refuses an unauthenticated network listener, listens, then resumes jobs left by an
 * earlier process. stop() drains: no new activities, in-flight ones finish, jobs hand over
 * (leases released, executors detached), then everything closes in reverse order.
 */
import path from 'node:path';
import { CloudAdapter } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import { ConversationRegistry } from './bot/conversation-registry.js';
import { ProactiveMessenger } from './bot/proactive-messenger.js';
import { SwitchboardBot } from './bot/switchboard-bot.js';
import { answerTurnErrors } from './bot/turn-errors.js';
import { approvalCard, jobCard } from './cards/index.js';
import { createLiveCatalog, type LiveCatalog } from './catalog/live-catalog.js';
import { CommandRouter } from './commands/router.js';
import type { Config } from './config.js';
import type { RunbookDefinition } from './domain/runbook.js';
import { createAutomationClients, type AutomationClientOptions } from './execution/azure/automation-client.js';
import { AzureAutomationExecutor } from './execution/azure/executor.js';
import { startRunbookImport } from './execution/azure/runbook-import.js';
import type { Executor } from './execution/executor.js';
import { LocalExecutor } from './execution/local/local-executor.js';
import { systemClock, type Clock } from './jobs/clock.js';
import { RoutedExecutors } from './jobs/executor-directory.js';
import { JobService, type JobServiceSettings } from './jobs/job-service.js';
import { Outbox, TEAMS_CONVERSATION_LIMITS, TEAMS_GLOBAL_LIMITS } from './jobs/outbox.js';
import type { WindowLimit } from './jobs/sliding-window.js';
import { DEFAULT_REQUEST_LIMITS, SlidingRequestLimiter } from './jobs/request-limiter.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createPolicy } from './policy/index.js';
import { assertSafeToStart, createBotAuthentication, isTenantAllowed } from './server/auth.js';
import { createHttpServer, type HttpServer } from './server/http-server.js';
import { createStore } from './store/index.js';
import type { Store } from './store/store.js';
import { createPlayground, playgroundUnavailable } from './server/playground/playground.js';
import { dependencyTelemetryPolicy } from './telemetry/azure-dependencies.js';
import { createTelemetry, type Telemetry } from './telemetry/index.js';
import { startJobMetrics } from './telemetry/job-metrics.js';
import { trackRequests } from './telemetry/request-telemetry.js';

/** Replacements for tests and tools; production uses none. */
export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  telemetry?: Telemetry;
  /** Channel authentication (tests of JWT validation pass their own). */
  botAuthentication?: BotFrameworkAuthentication;
  jobSettings?: Partial<JobServiceSettings>;
  /** Azure Resource Manager client settings (tests: the local ARM fake's certificate, a static token). */
  azureClient?: Partial<Omit<AutomationClientOptions, 'account' | 'armEndpoint'>>;
  /**
   * Wraps every executor the app builds (local and each Azure account), e.g. a benchmark's slow
   * start. The wrapper must keep `executor.name`: runbooks are routed to executors by name.
   */
  wrapExecutor?: (executor: Executor) => Executor;
}

export interface App {
  readonly http: HttpServer;
  readonly store: Store;
  readonly catalog: LiveCatalog;
  readonly jobs: JobService;
  /** Listens on config.host:config.port and resumes unfinished jobs; resolves with the base URL (and the playground's, when it is on). */
  start(): Promise<{ url: string; port: number; playgroundUrl?: string }>;
  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const telemetry = overrides.telemetry ?? (await createTelemetry(config.appInsightsConnectionString, logger.child({ component: 'telemetry' })));

  // Calls to Azure (Tables, Automation) are reported as dependencies when telemetry is on.
  const azurePolicies = [dependencyTelemetryPolicy(telemetry)];
  const store = await createStore(config.store, logger, { azurePolicies });
  const catalog = await createLiveCatalog({ runbooksDir: config.runbooksDir, logger: logger.child({ component: 'catalog' }), watch: true });
  const stopSnapshots = recordCatalogSnapshots(catalog, store, now, logger);
  const wrap = overrides.wrapExecutor ?? ((executor: Executor) => executor);
  const local = wrap(
    new LocalExecutor({
      runbooksDir: config.runbooksDir,
      spoolDir: path.join(config.dataDir, 'jobs'),
      outputCapBytes: config.executor.outputCapBytes,
      logger: logger.child({ component: 'executor', executor: 'local' }),
    }),
  );
  const azure =
    config.executor.kind === 'azure'
      ? azureExecution(config, catalog, store, logger, { policies: azurePolicies, ...overrides.azureClient })
      : undefined;
  const executors: Executor[] = [local, ...(azure?.executors ?? []).map(wrap)];
  const policy = await createPolicy(config, { logger: logger.child({ component: 'policy' }) });

  const adapter = new CloudAdapter(overrides.botAuthentication ?? createBotAuthentication(config));
  const outbox = new Outbox(new ProactiveMessenger(adapter, config.bot.appId ?? ''), {
    clock,
    logger: logger.child({ component: 'outbox' }),
    settings: { perConversation: withJitterMargin(TEAMS_CONVERSATION_LIMITS), global: withJitterMargin(TEAMS_GLOBAL_LIMITS) },
  });
  const jobs = new JobService({
    store,
    catalog,
    // Locally every runbook runs here, whatever target it names; with Azure only `Target: local` does.
    executors: new RoutedExecutors(executors, (runbook, target) => (azure && target !== 'local' ? azure.route(runbook) : local.name)),
    policy: policy.policy,
    messenger: outbox,
    render: { jobCard, approvalCard },
    telemetry,
    logger,
    instanceId: config.instanceId,
    clock,
    requestLimiter: new SlidingRequestLimiter(DEFAULT_REQUEST_LIMITS),
    settings: {
      leaseTtlMs: config.jobs.leaseTtlMs,
      leaseRenewMs: Math.round(config.jobs.leaseTtlMs / 3),
      resumeEveryMs: config.jobs.resumeEveryMs,
      ...overrides.jobSettings,
    },
  });

  const router = new CommandRouter({ catalog, store, policy: policy.policy, jobs, clock: now, logger });
  const bot = new SwitchboardBot({
    handlers: router,
    conversations: new ConversationRegistry(store, now),
    messenger: outbox,
    servesTenant: (tenantId) => isTenantAllowed(config, tenantId),
    logger: logger.child({ component: 'bot' }),
  });
  answerTurnErrors(adapter, router, logger);
  // The playground: a local chat page acting as a Teams channel, in development mode only.
  const unavailable = playgroundUnavailable(config);
  const playground = unavailable ? undefined : createPlayground({ logger: logger.child({ component: 'playground' }) });
  if (unavailable && config.development) logger.info({ reason: unavailable }, 'the playground page is off');
  const http = createHttpServer({
    adapter,
    logic: (context) => bot.run(context),
    readiness: async () => ({ store: await store.ready(), executor: (await Promise.all(executors.map((e) => e.ready()))).every(Boolean) }),
    logger: logger.child({ component: 'http' }),
    mount: [trackRequests(telemetry), ...(playground ? [playground.mount] : [])],
  });
  const stopJobMetrics = startJobMetrics({ listJobs: (filter) => store.listJobs(filter), telemetry, logger });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await http.drain();
    await jobs.shutdown();
    playground?.close();
    await http.close();
    stopSnapshots();
    azure?.stopImport();
    await catalog.close();
    await Promise.all(executors.map((e) => e.close()));
    policy.close();
    stopJobMetrics();
    // Telemetry this app created is closed; one passed in belongs to the caller.
    await (overrides.telemetry ? telemetry.flush() : (telemetry.close?.() ?? telemetry.flush()));
    await store.close();
  };

  return {
    http,
    store,
    catalog,
    jobs,
    async start() {
      assertSafeToStart(config);
      const address = await http.listen(config.port, config.host);
      const report = await jobs.startMaintenance();
      if (report.reattached.length || report.lost.length || report.finalCardsDelivered.length) logger.info({ ...report }, 'resumed jobs of an earlier run');
      const url = baseUrl(address.address, address.port);
      return { url, port: address.port, playgroundUrl: playground ? `${url}/` : undefined };
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}

/**
 * Keeps the store's catalog snapshots current so `new` can tell what changed and when: one at
 * start, one after every reload. Instances sharing a store record the same snapshot; the store
 * reports no change for it.
 */
function recordCatalogSnapshots(catalog: LiveCatalog, store: Store, now: () => Date, logger: Logger): () => void {
  const record = () => {
    const entries = catalog.list().map((r) => ({ name: r.name, contentHash: r.contentHash, synopsis: r.synopsis, category: r.category }));
    store.recordCatalog(entries, now().toISOString()).then(
      (changes) => changes.length && logger.info({ changes: changes.length }, 'catalog changed'),
      (error: unknown) => logger.warn({ err: error }, 'could not record a catalog snapshot'),
    );
  };
  record();
  return catalog.onChange(record);
}

/**
 * Azure Automation: one executor per configured account (tracking all of that account's jobs
 * with batched list calls), the account's published runbooks merged into the catalog (refreshed
 * periodically), and each runbook routed to the account that publishes it — the first account
 * for a runbook known only from a local script.
 */
function azureExecution(
  config: Config,
  catalog: LiveCatalog,
  store: Store,
  logger: Logger,
  clientOptions: AppOverrides['azureClient'],
): { executors: Executor[]; route: (runbook: RunbookDefinition) => string; stopImport: () => void } {
  const log = logger.child({ component: 'executor', executor: 'azure' });
  const clients = createAutomationClients(config.executor.azure, clientOptions);
  const executors = clients.map(
    (client) =>
      new AzureAutomationExecutor({
        client,
        pollIntervalMs: config.executor.azure.pollIntervalMs,
        resumeCursor: (jobId) => lastOutputAt(store, jobId),
        logger: log,
      }),
  );
  let accountOf = new Map<string, string>();
  const runbookImport = startRunbookImport({
    clients,
    intervalMs: AZURE_IMPORT_INTERVAL_MS,
    logger: log,
    onDefinitions: (definitions, report) => {
      accountOf = report.accountOf;
      catalog.setPublished(definitions);
    },
  });
  const fallback = clients[0].account.name;
  return {
    executors,
    route: (runbook) => `azure:${accountOf.get(runbook.name.toLowerCase()) ?? fallback}`,
    stopImport: () => runbookImport.stop(),
  };
}

/** How often the runbooks published in Azure Automation are read again. */
const AZURE_IMPORT_INTERVAL_MS = 5 * 60_000;
const OUTPUT_PAGE = 1000;

/** When the last output stored for a job was written: where a reattached Azure job resumes. */
async function lastOutputAt(store: Store, jobId: string): Promise<string | undefined> {
  let last: string | undefined;
  for (let after = 0; ; ) {
    const page = await store.readOutput(jobId, after, OUTPUT_PAGE);
    if (page.length === 0) return last;
    last = page[page.length - 1].at;
    after = page[page.length - 1].seq;
    if (page.length < OUTPUT_PAGE) return last;
  }
}

/**
 * Teams counts messages when they arrive, the outbox when it sends them: a message that travels
 * faster than the one sent a window earlier would land inside that window. Measured on loopback,
 * a burst of 12 messages to one conversation through the outbox put 8 arrivals into one second
 * without a margin.
 */
const JITTER_MARGIN_MS = 150;

function withJitterMargin(limits: readonly WindowLimit[]): WindowLimit[] {
  return limits.map((limit) => ({ ...limit, windowMs: limit.windowMs + JITTER_MARGIN_MS }));
}

function baseUrl(address: string, port: number): string {
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}
