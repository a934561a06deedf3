/**
 * The P1/P5 baseline: a bare botbuilder echo bot — CloudAdapter with authentication off (no app
 * id, as Switchboard runs in development mode) hosted by restify 11 with the same body parser
 * settings as src/server/http-server.ts, on 127.0.0.1. Started by bench/run.ts as a child
 * process, exactly like the Switchboard bench server.
 */
import type { AddressInfo } from 'node:net';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { cpuMilliseconds, memoryReading, serveParent } from '../lib/ipc.js';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`You said: ${context.activity.text}`);
      await next();
    });
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoBot();
const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false }));
server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
  await adapter.process(req, res, (context) => bot.run(context));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, { memory: memoryReading, cpu: cpuMilliseconds });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
