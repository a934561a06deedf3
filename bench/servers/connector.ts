/**
 * The Bot Connector both bots answer through: the tests' local recorder
 * (test/support/connector-recorder.ts, which also answers 429 as Teams does past its
 * per-conversation limits) in a process of its own, so taking thousands of replies never slows
 * the load generator. It keeps no bodies: parsing Switchboard's 4.7 KB help cards (echo: a line
 * of text) took the shared cores from the bot being measured, an effect Teams' real connector,
 * on Microsoft's servers, does not have.
 *
 * Ready message: url. Requests: delivered ({ conversationPrefix } → accepted sends and replies
 * to conversations with that prefix), memory.
 */
import { ConnectorRecorder } from '../../test/support/connector-recorder.js';
import { memoryReading, serveParent } from '../lib/ipc.js';

const recorder = await ConnectorRecorder.start({ keepBodies: false });
serveParent(
  { url: recorder.url },
  {
    delivered: ({ conversationPrefix }: { conversationPrefix: string }) =>
      recorder.requests.filter((r) => r.status < 300 && r.operation !== 'update' && r.conversationId.startsWith(conversationPrefix)).length,
    memory: memoryReading,
  },
);
process.on('SIGTERM', () => {
  recorder.close().then(() => process.exit(0));
});
