/**
 * The HTTP edge: restify hosting the Bot Framework endpoint and the health probes.
 *   POST /api/messages  activities from the channel, processed by botbuilder's CloudAdapter
 *                       (which authenticates them) and handed to the bot
 *   GET  /healthz       alive: the process answers
 *   GET  /readyz        ready: every dependency (store, executor) answers; 503 otherwise
 * While draining for shutdown, new activities get 503 (the channel retries them on another
 * instance) and in-flight ones finish.
 */
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from '../logging/logger.js';

/** A dependency probe for /readyz: name → reachable. */
export type ReadinessProbe = () => Promise<Record<string, boolean>>;

export interface HttpServerOptions {
  adapter: CloudAdapter;
  /** The bot's turn logic (ActivityHandler.run). */
  logic: (context: TurnContext) => Promise<void>;
  readiness: ReadinessProbe;
  logger: Logger;
  /** Largest accepted request body; activities are a few KB. */
  maxBodyBytes?: number;
  /** Mounts further routes (the development playground) on the same server. */
  mount?: ((server: restify.Server) => void)[];
}

export interface HttpServer {
  readonly server: restify.Server;
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting activities (503) and waits until those in flight are answered. */
  drain(): Promise<void>;
  /** Closes the listener and its connections. */
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { adapter, logic, readiness, logger } = options;
  const server = restify.createServer({ name: 'switchboard', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes ?? 512 * 1024, mapParams: false }));

  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (draining) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'Switchboard is shutting down; retry on another instance.' });
      return;
    }
    inFlight++;
    const started = Date.now();
    try {
      await adapter.process(req, res, logic);
    } finally {
      inFlight--;
      const body = req.body as { id?: string; type?: string; name?: string } | undefined;
      logger.info({ cid: body?.id, type: body?.type, name: body?.name, status: res.statusCode, ms: Date.now() - started }, 'activity processed');
      if (inFlight === 0) idle?.();
    }
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.send(200, { status: 'alive' });
  });

  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    const checks = await readiness().catch((error: unknown) => {
      logger.warn({ err: error }, 'readiness probe failed');
      return { probe: false };
    });
    const ready = !draining && Object.values(checks).every(Boolean);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : draining ? 'draining' : 'not ready', checks });
  });

  for (const mount of options.mount ?? []) mount(server);

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async drain() {
      draining = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
    async close() {
      if (!server.server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections from the channel would hold the listener open after close().
      server.server.closeIdleConnections();
      await closed;
    },
  };
}
