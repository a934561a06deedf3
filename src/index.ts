/**
 * Entry point: read the configuration, build the bot, listen, and shut down gracefully on
 * SIGTERM/SIGINT (App Service and Ctrl+C): stop taking activities, let those in flight finish,
 * release job leases and close the store. A second signal exits at once.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logging/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  // Loaded only once the configuration is known to be good, so a mistake is reported at once.
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config, { logger });
  const { url, playgroundUrl } = await app.start();
  logger.info(
    { event: 'listening', url, readyMs: Math.round(process.uptime() * 1000), development: config.development, executor: config.executor.kind, store: config.store.kind },
    `Switchboard is listening on ${url}`,
  );
  if (playgroundUrl) logger.info({ url: playgroundUrl }, `Playground (chat with the bot in a browser): ${playgroundUrl}`);
  logger.info(howToTalk(url, config.development));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new activities; finishing the ones in flight');
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** A copy-paste way to talk to the bot without Teams (details in docs/usage.md). */
function howToTalk(url: string, development: boolean): string {
  const invoke = JSON.stringify({
    type: 'invoke',
    name: 'adaptiveCard/action',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:3979/',
    from: { id: 'local-user', name: 'Local User' },
    recipient: { id: 'switchboard', name: 'Switchboard' },
    conversation: { id: 'local-chat', conversationType: 'personal' },
    value: { action: { type: 'Action.Execute', verb: 'menu', data: {} } },
  });
  const lines = [
    `Talk to the bot: curl -s ${url}/api/messages -H 'content-type: application/json' -d '${invoke}'`,
    'That answers with the menu card. Messages and job cards go to the activity\'s serviceUrl; see docs/usage.md for a local one.',
  ];
  if (development) lines.push(`Development mode: no authentication, local use only.`);
  return lines.join('\n');
}

/** What went wrong at start, in words for the common cases; the stack only for the unexpected. */
function startFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `${(error as Error).message}. Another process uses that port: stop it, or set PORT to a free one.`;
  if (code === 'EACCES') return `${(error as Error).message}. Ports below 1024 need privileges: set PORT to 1024 or above (default 3978).`;
  // Refusing to listen unauthenticated on a network (src/server/auth.ts) explains itself.
  if (error instanceof Error && error.name === 'UnsafeStartError') return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`Switchboard could not start: ${startFailure(error)}\n`);
  process.exit(1);
});
