/**
 * The adapter's last line of defence: an error nobody handled is logged with the activity id as
 * correlation id, and the user gets a short apology quoting that id instead of silence (for an
 * invoke: the apology card as the invoke response, which Teams shows in place of the clicked card).
 */
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { TurnHandlers } from '../commands/handlers.js';
import type { Logger } from '../logging/logger.js';
import { activityOf } from './outgoing.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './switchboard-bot.js';

export function answerTurnErrors(adapter: CloudAdapter, handlers: Pick<TurnHandlers, 'apology'>, logger: Logger): void {
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const { activity } = context;
    const cid = activity.id ?? 'unknown';
    logger.error({ err: error, cid, type: activity.type, name: activity.name }, 'turn failed');
    const apology = handlers.apology(cid);
    try {
      if (activity.type === 'invoke' && apology.card) {
        await context.sendActivity({
          type: 'invokeResponse',
          value: { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: apology.card } },
        });
      } else if (activity.type === 'message') {
        await context.sendActivity(activityOf(apology));
      }
    } catch (sendError) {
      logger.error({ err: sendError, cid }, 'could not deliver the apology');
    }
  };
}
