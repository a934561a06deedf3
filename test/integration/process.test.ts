/**
 * The bot as a real process (src/index.ts): it logs where it listens and how to talk to it,
 * serves activities, refuses a bad configuration with a readable message, and shuts down
 * gracefully on SIGTERM — finishing an activity in flight.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { activityText, message, personalChat, postActivity } from '../support/activities.js';
import { FIXTURE_RUNBOOKS } from './harness.js';
import { removeWorkspace } from '../support/remove-workspace.js';

describe('integration: the bot process', function () {
  this.timeout(60_000);
  let tempDir: string;
  let recorder: ConnectorRecorder;
  let env: Record<string, string>;

  before(async () => {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-process-'));
    await cp(FIXTURE_RUNBOOKS, path.join(tempDir, 'runbooks'), { recursive: true });
    recorder = await ConnectorRecorder.start();
    env = { DATA_DIR: path.join(tempDir, 'data'), RUNBOOKS_DIR: path.join(tempDir, 'runbooks'), SWITCHBOARD_DEV: 'true' };
  });
  after(async () => {
    await recorder?.close();
    await removeWorkspace(tempDir);
  });

  describe('running', () => {
    let bot: BotProcess;
    before(async () => {
      bot = await startBotProcess({ env });
    });
    after(async () => {
      await bot?.kill();
    });

    it('logs the URL it listens on, the start-up time and a curl to talk to it', async () => {
      const listening = await bot.waitForLog((line) => line.event === 'listening');
      expect(listening.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(listening.readyMs).to.be.a('number');
      const howTo = await bot.waitForLog((line) => String(line.msg).startsWith('Talk to the bot: curl'));
      expect(howTo.msg).to.contain(`${bot.url}/api/messages`).and.contain('adaptiveCard/action');
    });

    it('answers the curl it printed with the menu card', async () => {
      const howTo = await bot.waitForLog((line) => String(line.msg).startsWith('Talk to the bot: curl'));
      const body = /-d '(.*)'$/m.exec(String(howTo.msg))![1];
      const response = await postActivity(bot.url, JSON.parse(body));
      expect(response.status).to.equal(200);
      expect(JSON.stringify(response.body)).to.contain('Pick a category or search');
    });

    it('answers a message through the connector', async () => {
      const place = personalChat();
      const activity = message(recorder.url, place, 'search greeting');
      expect((await postActivity(bot.url, activity)).status).to.equal(200);
      const answer = await recorder.waitFor((r) => r.conversationId === place.conversationId);
      expect(activityText(answer.activity)).to.contain('Get-Greeting');
    });

    it('finishes the activity in flight on SIGTERM and exits 0', async () => {
      const place = personalChat();
      const release = recorder.hold();
      const inFlight = postActivity(bot.url, message(recorder.url, place, 'help'));
      // The bot is now waiting for the connector to accept its answer: the activity is in flight.
      await recorder.waitFor((r) => r.conversationId === place.conversationId, { description: 'the answer, held' });
      const exit = bot.stop('SIGTERM');
      await bot.waitForLog((line) => String(line.msg).startsWith('shutting down'));
      const refused = await postActivity(bot.url, message(recorder.url, personalChat(), 'help')).catch(() => ({ status: 'closed' }));
      release();
      expect((await inFlight).status).to.equal(200);
      expect(refused.status).to.be.oneOf([503, 'closed']);
      expect(await exit).to.equal(0);
      expect(bot.logs.map((l) => l.msg)).to.include('stopped');
    });
  });

  it('refuses to listen on the network without authentication, saying what to set', async () => {
    const error = await startBotProcess({ env: { ...env, HOST: '0.0.0.0', SWITCHBOARD_DEV: '' } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.contain('exited (1)').and.contain('Refusing to start').and.contain('MicrosoftAppId');
    expect(error?.message).to.not.contain('    at ');
  });

  it('refuses a bad configuration with every problem named, exit code 2', async () => {
    const started = startBotProcess({ env: { ...env, PORT: 'eighty', STORE: 'mysql' } });
    const error = await started.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.contain('exited (2) before the awaited line').and.contain('PORT must be a whole number').and.contain('STORE must be sqlite or azure-tables');
  });
});
