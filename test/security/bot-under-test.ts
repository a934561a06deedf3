/**
 * The HTTP endpoint the authentication suite attacks: restify + botbuilder's CloudAdapter with
 * the product's createBotAuthentication and tenant check, and a turn handler that records what
 * it ran and echoes it to the connector.
 */
import { ActivityHandler, CloudAdapter, type TurnContext } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createBotAuthentication, isTenantAllowed } from '../../src/server/auth.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { tenantOf } from '../../src/bot/activity-mapping.js';

export interface BotUnderTest {
  url: string;
  /** Whether a turn with this text ran past authentication and the tenant check. */
  handled(text: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function startBotUnderTest(config: Config, credentialsFactory: ServiceClientCredentialsFactory): Promise<BotUnderTest> {
  const adapter = new CloudAdapter(createBotAuthentication(config, { credentialsFactory }));
  const ran: string[] = [];
  const bot = new (class extends ActivityHandler {
    override async run(context: TurnContext): Promise<void> {
      if (!isTenantAllowed(config, tenantOf(context.activity))) return;
      await super.run(context);
    }
  })();
  bot.onMessage(async (context, next) => {
    ran.push(context.activity.text ?? '');
    await context.sendActivity(`echo: ${context.activity.text}`);
    await next();
  });
  const server = createHttpServer({ adapter, logic: (context) => bot.run(context), readiness: async () => ({}), logger: silentLogger() });
  const address = await server.listen(config.port, config.host);
  return {
    url: `http://127.0.0.1:${address.port}`,
    async handled(text) {
      return ran.includes(text);
    },
    close: () => server.close(),
  };
}
