/**
 * The whole bot, in-process, on a random loopback port: buildApp with a temporary data folder
 * and a temporary runbooks folder seeded from fixtures, talking to a ConnectorRecorder as its
 * Bot Connector. Tests speak Teams' wire protocol to it and await what the recorder receives.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ConnectorRecorder, type RecordedRequest } from '../support/connector-recorder.js';
import {
  ADA,
  type Card,
  type ExecuteAction,
  type TeamsPlace,
  type TeamsUser,
  cardAction,
  cardText,
  cardsOf,
  invokeCard,
  message,
  postActivity,
} from '../support/activities.js';
import { removeWorkspace } from '../support/remove-workspace.js';

export const FIXTURE_RUNBOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'runbooks');

export interface PostedJobCard {
  activityId: string;
  jobId: string;
  card: Card;
}

/** Runbook and job id from a job card's title ("Get-Greeting · job 4k2x7m"). */
export function jobOf(card: Card | undefined): { runbook: string; jobId: string } | undefined {
  const match = /^(\S+) · job (\w+)$/m.exec(card ? cardText(card) : '');
  return match ? { runbook: match[1], jobId: match[2] } : undefined;
}

/** The status line of a job card ("Completed", "Running", ...), without its emoji. */
export function statusOf(card: Card): string | undefined {
  const first = (card.body as { items?: { text?: string }[] }[] | undefined)?.[0]?.items?.[0]?.text;
  return first?.replace(/^\S+\s/, '');
}

export interface HarnessOptions {
  /** Extra environment for loadConfig (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** buildApp overrides (e.g. Azure client settings for the local ARM fake). */
  overrides?: AppOverrides;
}

export class Harness {
  /** Who speaks when a call names nobody; tests that run many jobs use a fresh one each (per-user run limits). */
  user: TeamsUser = ADA;

  private constructor(
    readonly app: App,
    readonly url: string,
    readonly recorder: ConnectorRecorder,
    readonly runbooksDir: string,
    private readonly tempDir: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const tempDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-it-'));
    const runbooksDir = path.join(tempDir, 'runbooks');
    await cp(FIXTURE_RUNBOOKS, runbooksDir, { recursive: true });
    const recorder = await ConnectorRecorder.start();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHBOARD_DEV: 'true',
      DATA_DIR: path.join(tempDir, 'data'),
      RUNBOOKS_DIR: runbooksDir,
      ...options.env,
    });
    const app = await buildApp(config, { logger: silentLogger(), ...options.overrides });
    const { url } = await app.start();
    return new Harness(app, url, recorder, runbooksDir, tempDir);
  }

  get serviceUrl(): string {
    return this.recorder.url;
  }

  /** Sends a message and resolves with the bot's answer: its reply to that message. */
  async say(place: TeamsPlace, text: string, user: TeamsUser = this.user): Promise<RecordedRequest> {
    const from = this.recorder.mark();
    const { id } = await this.post(place, text, user);
    return this.recorder.waitFor((r) => r.conversationId === place.conversationId && r.activity.replyToId === id, {
      from,
      description: `the answer to "${text}"`,
    });
  }

  /** The single card of the bot's answer to `text`. */
  async ask(place: TeamsPlace, text: string, user: TeamsUser = this.user): Promise<{ card: Card; activityId: string }> {
    const answer = await this.say(place, text, user);
    const [card] = cardsOf(answer.activity);
    if (!card) throw new Error(`The answer to "${text}" has no card: ${JSON.stringify(answer.activity).slice(0, 300)}`);
    return { card, activityId: answer.activityId! };
  }

  /**
   * Clicks an Action.Execute button of the card posted as `cardActivityId`, with form `inputs`
   * merged into the action data the way Teams does; resolves with the card that replaces it.
   */
  async click(place: TeamsPlace, action: ExecuteAction, cardActivityId: string, inputs: Record<string, unknown> = {}, user: TeamsUser = this.user): Promise<Card> {
    const activity = cardAction(this.serviceUrl, place, action.verb, { ...action.data, ...inputs }, cardActivityId, user);
    const { status, body } = await postActivity(this.url, activity);
    if (status !== 200) throw new Error(`Invoke ${action.verb} answered ${status}: ${JSON.stringify(body)}`);
    return invokeCard(body);
  }

  /** Resolves once the live catalog lists `name` (at once if it does already). */
  untilRunbook(name: string): Promise<void> {
    const { catalog } = this.app;
    if (catalog.get(name)) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = catalog.onChange(() => {
        if (!catalog.get(name)) return;
        stop();
        resolve();
      });
    });
  }

  /** Posts a message without waiting for an answer (a started run answers with its job card, posted separately). */
  async post(place: TeamsPlace, text: string, user: TeamsUser = this.user): Promise<{ id: string }> {
    const activity = message(this.serviceUrl, place, text, user);
    const { status } = await postActivity(this.url, activity);
    if (status !== 200) throw new Error(`POST /api/messages answered ${status} for "${text}"`);
    return { id: activity.id };
  }

  /** The job card of `runbook` the bot posts in `place` (from request index `from`). */
  async postedJobCard(place: TeamsPlace, runbook: string, from: number): Promise<PostedJobCard> {
    const posted = await this.recorder.waitFor(
      (r) => r.operation !== 'update' && r.status < 300 && r.conversationId === place.conversationId && jobOf(cardsOf(r.activity)[0])?.runbook === runbook,
      { from, description: `the job card of ${runbook}` },
    );
    const card = cardsOf(posted.activity)[0];
    return { activityId: posted.activityId!, jobId: jobOf(card)!.jobId, card };
  }

  /** The card of `activityId` once it shows `status` (e.g. "Completed"), from its updates. */
  async jobCardWithStatus(activityId: string, status: string, from = 0): Promise<Card> {
    const update = await this.cardUpdate(activityId, (card) => statusOf(card) === status, { from, description: `status ${status}`, timeoutMs: 30_000 });
    return cardsOf(update.activity)[0];
  }

  /** Resolves with the first update of `activityId` (from request index `from`) matching `predicate`. */
  cardUpdate(activityId: string, predicate: (card: Card) => boolean, options: { from?: number; description?: string; timeoutMs?: number } = {}): Promise<RecordedRequest> {
    return this.recorder.waitFor(
      (r) => r.operation === 'update' && r.targetActivityId === activityId && r.status < 300 && cardsOf(r.activity).some(predicate),
      { description: `an update of card ${activityId}${options.description ? `: ${options.description}` : ''}`, ...options },
    );
  }

  async close(): Promise<void> {
    await this.app.stop();
    await this.recorder.close();
    await removeWorkspace(this.tempDir);
  }
}
