/**
 * The whole product as the security suites attack it: buildApp with channel authentication ON
 * (an app id, tokens from the local OpenIdIssuer), a policy file, a temporary data folder and
 * runbooks folder, a ConnectorRecorder as the Bot Connector, every log line captured (trace
 * level) and every telemetry call recorded. Requests carry a valid channel token unless a test
 * says otherwise.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock, type Clock, type TimerHandle } from '../../src/jobs/clock.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { createBotAuthentication } from '../../src/server/auth.js';
import { cardAction, invokeCard, message, TENANT_ID, type Card, type ExecuteAction, type TeamsPlace, type TeamsUser, ADA } from '../support/activities.js';
import { ConnectorRecorder, type RecordedRequest } from '../support/connector-recorder.js';
import type { FakeGraph } from '../support/fake-graph.js';
import { OpenIdIssuer } from '../support/openid-issuer.js';
import { FIXTURE_RUNBOOKS } from '../integration/harness.js';
import { capturedLogger } from './fixtures.js';
import { removeWorkspace } from '../support/remove-workspace.js';

export const APP_ID = '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11';

export const ALLOW_ALL_POLICY = `auditors: { users: ['*'] }
rules:
  - { id: test-allow-all, effect: allow, runbooks: ['*'], users: ['*'] }
`;

/** Real time plus an offset a test can jump forward (form and approval expiry) without waiting. */
export class ShiftableClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(callback, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    systemClock.clearTimeout(handle);
  }

  skip(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface SwitchboardOptions {
  policy?: string;
  clock?: Clock;
  /**
   * Group memberships come from this local Graph; the bot's own DefaultAzureCredential gets its
   * token from the fake's App Service identity endpoint (IDENTITY_ENDPOINT, set while running).
   */
  graph?: FakeGraph;
  /** Extra runbook files: name → content. */
  runbooks?: Record<string, string>;
  env?: Record<string, string>;
}

export interface Exchange {
  status: number;
  /** The HTTP response body the bot answered with (invoke responses carry cards). */
  body: string;
}

export class SwitchboardUnderTest {
  /** Every HTTP answer the bot gave to our POSTs. */
  readonly answers: Exchange[] = [];

  private constructor(
    readonly app: App,
    readonly url: string,
    readonly issuer: OpenIdIssuer,
    readonly recorder: ConnectorRecorder,
    readonly dir: string,
    readonly logLines: string[],
    readonly telemetry: unknown[][],
    private readonly restoreEnvironment: () => void,
  ) {}

  static async start(options: SwitchboardOptions = {}): Promise<SwitchboardUnderTest> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-sec-'));
    const runbooksDir = path.join(dir, 'runbooks');
    await cp(FIXTURE_RUNBOOKS, runbooksDir, { recursive: true });
    for (const [name, content] of Object.entries(options.runbooks ?? {})) await writeFile(path.join(runbooksDir, name), content);
    await writeFile(path.join(dir, 'policy.yaml'), options.policy ?? ALLOW_ALL_POLICY);
    const issuer = await OpenIdIssuer.start();
    const recorder = await ConnectorRecorder.start();
    const restoreEnvironment = options.graph ? setEnvironment(options.graph.identityEnvironment()) : () => {};
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'test-app-password-never-used',
      MicrosoftAppType: 'MultiTenant',
      ALLOWED_TENANTS: TENANT_ID,
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: path.join(dir, 'data'),
      RUNBOOKS_DIR: runbooksDir,
      POLICY_FILE: path.join(dir, 'policy.yaml'),
      ...(options.graph ? { GRAPH_ENDPOINT: options.graph.url } : {}),
      ...options.env,
    });
    const { logger, lines } = capturedLogger('trace');
    const telemetry: unknown[][] = [];
    const recording: Telemetry = {
      event: (...args) => void telemetry.push(['event', ...args]),
      metric: (...args) => void telemetry.push(['metric', ...args]),
      dependency: (...args) => void telemetry.push(['dependency', ...args]),
      request: (...args) => void telemetry.push(['request', ...args]),
      flush: async () => undefined,
      close: async () => undefined,
    };
    const app = await buildApp(config, {
      logger,
      clock: options.clock,
      telemetry: recording,
      botAuthentication: createBotAuthentication(config, { credentialsFactory: issuer.credentialsFactory(APP_ID) }),
    });
    const { url } = await app.start();
    return new SwitchboardUnderTest(app, url, issuer, recorder, dir, lines, telemetry, restoreEnvironment);
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** A valid channel token for an activity sent to the recorder. */
  token(): Promise<string> {
    return this.issuer.channelToken({ appId: APP_ID, serviceUrl: this.recorder.url });
  }

  /** POSTs an activity like the Bot Connector: with a valid token unless `authorization` is given (null: none). */
  async post(activity: unknown, authorization?: string | null): Promise<Exchange> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const auth = authorization === undefined ? `Bearer ${await this.token()}` : authorization;
    if (auth !== null) headers.authorization = auth;
    const response = await fetch(new URL('/api/messages', this.url), { method: 'POST', headers, body: JSON.stringify(activity) });
    const exchange = { status: response.status, body: await response.text() };
    this.answers.push(exchange);
    return exchange;
  }

  /**
   * Sends a message and resolves with the bot's answer: the next new message (not an update) in
   * that conversation. Answers go through the bot's paced outbox as proactive messages, so they
   * are not replies to the message's id.
   */
  async say(place: TeamsPlace, text: string, user: TeamsUser = ADA): Promise<RecordedRequest> {
    const activity = message(this.recorder.url, place, text, user);
    const from = this.recorder.mark();
    const { status } = await this.post(activity);
    if (status !== 200) throw new Error(`POST /api/messages answered ${status} for "${text}"`);
    return this.recorder.waitFor((r) => r.conversationId === place.conversationId && r.operation !== 'update' && r.status < 300, {
      from,
      description: `the answer to "${text}"`,
    });
  }

  /** Clicks an Action.Execute with `data` (merged with form inputs, as Teams does); resolves with the invoke's card. */
  async invoke(place: TeamsPlace, verb: string, data: Record<string, unknown>, cardActivityId: string, user: TeamsUser = ADA): Promise<Card> {
    const { status, body } = await this.post(cardAction(this.recorder.url, place, verb, data, cardActivityId, user));
    if (status !== 200) throw new Error(`Invoke ${verb} answered ${status}: ${body}`);
    return invokeCard(JSON.parse(body));
  }

  click(place: TeamsPlace, action: ExecuteAction, cardActivityId: string, inputs: Record<string, unknown> = {}, user: TeamsUser = ADA): Promise<Card> {
    return this.invoke(place, action.verb, { ...action.data, ...inputs }, cardActivityId, user);
  }

  async close(): Promise<void> {
    await this.app.stop();
    await this.recorder.close();
    await this.issuer.close();
    this.restoreEnvironment();
    await removeWorkspace(this.dir);
  }
}

/** Sets process environment variables; returns how to put the previous values back. */
function setEnvironment(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
