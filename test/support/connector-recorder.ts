/**
 * A local Bot Connector (the service behind an activity's `serviceUrl`) on 127.0.0.1. It speaks
 * the documented v3 REST routes the bot uses — send to a conversation, reply to an activity,
 * update an activity — records every request, can inject faults (429 with Retry-After, 5xx), and
 * checks Teams' per-conversation rate limits (7 messages per second, 60 per 30 seconds), answering
 * 429 as Teams does when a bot exceeds them. Answers can be held back to catch the bot mid-request.
 *
 * Tests await what they expect with `waitFor(predicate)`, which resolves on arrival: no sleeps.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ConnectorOperation = 'send' | 'reply' | 'update';

export interface RecordedRequest {
  /** Order of arrival, starting at 0 (also the index in `requests`). */
  index: number;
  operation: ConnectorOperation;
  conversationId: string;
  /** The activity replied to (reply) or replaced (update). */
  targetActivityId?: string;
  // The wire JSON exactly as the bot sent it (undefined when the recorder keeps no bodies).
  activity: any;
  /** Status the recorder answered with. */
  status: number;
  /** Id of the activity this request created or updated, when it succeeded. */
  activityId?: string;
  /** Fault answered instead of accepting the request, if any. */
  fault?: Fault;
  authorization?: string;
  receivedAt: number;
}

export interface Fault {
  status: number;
  /** Seconds, sent as the Retry-After header. */
  retryAfterSeconds?: number;
  /** Why the recorder answered this way (rate limit, injected fault). */
  reason: string;
}

export interface RateViolation {
  conversationId: string;
  limit: string;
  at: number;
}

/** Decides, per request, whether to answer with a fault instead of accepting it. */
export type FaultInjector = (request: { operation: ConnectorOperation; conversationId: string; index: number }) => Fault | undefined;

interface Window {
  limit: number;
  windowMs: number;
  label: string;
}

/** Teams' documented per-bot, per-conversation limits. */
export const TEAMS_CONVERSATION_LIMITS: readonly Window[] = [
  { limit: 7, windowMs: 1000, label: '7 per second' },
  { limit: 60, windowMs: 30_000, label: '60 per 30 seconds' },
];

interface Waiter {
  predicate: (request: RecordedRequest) => boolean;
  from: number;
  resolve: (request: RecordedRequest) => void;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export class ConnectorRecorder {
  readonly requests: RecordedRequest[] = [];
  readonly violations: RateViolation[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly acceptedAt = new Map<string, number[]>();
  private faults: FaultInjector | undefined;
  private held: Promise<void> | undefined;
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly keepBodies: boolean,
  ) {}

  /**
   * `keepBodies: false` (the bench) reads each body to its end but neither keeps nor parses it:
   * the recorder stands in for Microsoft's service, so on this shared machine its own work on a
   * bot's replies should not take CPU from the bot being measured.
   */
  static async start(options: { keepBodies?: boolean } = {}): Promise<ConnectorRecorder> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const recorder = new ConnectorRecorder(server, `http://127.0.0.1:${port}/`, options.keepBodies ?? true);
    server.on('request', (req, res) => void recorder.handle(req, res));
    return recorder;
  }

  /** Answers later requests through `injector` (undefined: accept everything again). */
  injectFaults(injector: FaultInjector | undefined): void {
    this.faults = injector;
  }

  /**
   * Holds the answers to later requests (they are recorded and awaitable at once) until the
   * returned function is called: a bot waiting on the connector is then provably mid-request.
   */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  /** Number of requests so far; pass it as `from` to wait only for later ones. */
  mark(): number {
    return this.requests.length;
  }

  /** Requests that were accepted (2xx). */
  accepted(): RecordedRequest[] {
    return this.requests.filter((r) => r.status < 300);
  }

  /**
   * Resolves with the first request at index ≥ `from` matching `predicate` — one already
   * recorded or the next to arrive — or rejects after `timeoutMs` saying what was awaited.
   */
  waitFor(
    predicate: (request: RecordedRequest) => boolean,
    options: { from?: number; timeoutMs?: number; description?: string } = {},
  ): Promise<RecordedRequest> {
    const from = options.from ?? 0;
    const found = this.requests.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        from,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.requests
          .slice(from)
          .map((r) => `${r.operation} ${r.status} ${summarize(r.activity)}`)
          .join('\n    ');
        reject(new Error(`Timed out waiting for ${options.description ?? 'a connector request'}; saw:\n    ${seen || '(nothing)'}`));
      }, options.timeoutMs ?? 15_000);
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = ROUTE.exec((req.url ?? '').split('?')[0]);
    const operation = match ? operationOf(req.method, match[2]) : undefined;
    if (!match || !operation) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: `${req.method} ${req.url} is not a connector route` } }));
      return;
    }
    const body = this.keepBodies ? await readBody(req) : await drainBody(req);
    const conversationId = decodeURIComponent(match[1]);
    const targetActivityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const index = this.requests.length;
    const fault = this.faults?.({ operation, conversationId, index }) ?? this.rateLimitFault(conversationId);
    const activityId = fault ? undefined : operation === 'update' ? targetActivityId : `rec-${this.nextId++}`;
    const record: RecordedRequest = {
      index,
      operation,
      conversationId,
      targetActivityId,
      activity: body === undefined ? undefined : parseJson(body),
      status: fault?.status ?? (operation === 'update' ? 200 : 201),
      activityId,
      fault,
      authorization: req.headers.authorization,
      receivedAt: Date.now(),
    };
    this.requests.push(record);
    const held = this.held;
    if (held) {
      this.notify(record);
      await held;
    }
    if (fault) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers);
      res.end(JSON.stringify({ error: { code: fault.status === 429 ? 'Throttled' : 'ServiceError', message: fault.reason } }));
    } else {
      res.writeHead(record.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: activityId }));
    }
    if (!held) this.notify(record);
  }

  /** Counts accepted messages per conversation and answers 429 once a Teams limit is exceeded. */
  private rateLimitFault(conversationId: string): Fault | undefined {
    const now = Date.now();
    const longest = Math.max(...TEAMS_CONVERSATION_LIMITS.map((w) => w.windowMs));
    const times = (this.acceptedAt.get(conversationId) ?? []).filter((t) => now - t < longest);
    for (const window of TEAMS_CONVERSATION_LIMITS) {
      const inWindow = times.filter((t) => now - t < window.windowMs);
      if (inWindow.length >= window.limit) {
        this.violations.push({ conversationId, limit: window.label, at: now });
        this.acceptedAt.set(conversationId, times);
        const retryMs = inWindow[0] + window.windowMs - now;
        return { status: 429, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)), reason: `rate limit ${window.label} exceeded` };
      }
    }
    times.push(now);
    this.acceptedAt.set(conversationId, times);
    return undefined;
  }

  private notify(record: RecordedRequest): void {
    for (const waiter of [...this.waiters]) {
      if (record.index >= waiter.from && waiter.predicate(record)) {
        this.waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
  }
}

function operationOf(method: string | undefined, activityId: string | undefined): ConnectorOperation | undefined {
  if (method === 'POST') return activityId === undefined ? 'send' : 'reply';
  if (method === 'PUT' && activityId !== undefined) return 'update';
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function drainBody(req: http.IncomingMessage): Promise<undefined> {
  return new Promise((resolve, reject) => {
    req.on('end', () => resolve(undefined));
    req.on('error', reject);
    req.resume();
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return { unparsable: body };
  }
}

/** One line describing an activity, for timeout messages. */
function summarize(activity: { text?: string; attachments?: { content?: unknown }[] } | undefined): string {
  const text = activity?.text ? `text=${JSON.stringify(activity.text).slice(0, 80)}` : '';
  const card = activity?.attachments?.length ? `card=${JSON.stringify(activity.attachments[0].content).slice(0, 160)}` : '';
  return [text, card].filter(Boolean).join(' ');
}
