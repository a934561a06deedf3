/**
 * Telemetry of the running app, end to end: activities POSTed to /api/messages become request
 * telemetry, a run produces run.requested → run.started → run.finished with runbook, target,
 * outcome and duration, and none of the parameter values reach the ingestion endpoint.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/index.js';
import { FakeIngestion } from '../support/fake-ingestion.js';
import { removeWorkspace } from '../support/remove-workspace.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const CANARY = 'canary-message-4711';

describe('telemetry: the running app', function () {
  this.timeout(40_000);
  let ingestion: FakeIngestion;
  let telemetry: Telemetry;
  let app: App;
  let url: string;
  let dir: string;

  before(async () => {
    ingestion = await FakeIngestion.start();
    telemetry = await createTelemetry(ingestion.connectionString, silentLogger(), { tlsOptions: ingestion.tlsOptions, offlineStorage: false });
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-telemetry-'));
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, RUNBOOKS_DIR: path.join(REPO, 'runbooks'), SWITCHBOARD_DEV: 'true' });
    app = await buildApp(config, { logger: silentLogger(), telemetry });
    url = (await app.start()).url;
  });

  after(async () => {
    await app?.stop();
    await telemetry?.close?.();
    await ingestion?.close();
    if (dir) await removeWorkspace(dir);
  });

  it('reports the request and the run lifecycle with names and outcomes, never parameter values', async () => {
    // The playground posts a Teams message activity to /api/messages, as the channel would.
    const response = await fetch(`${url}/playground/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', conversationId: 'telemetry-test-1', place: 'personal', text: `run Fail-Deliberately --exit-code 3 --message ${CANARY}` }),
    });
    expect(response.status).to.equal(200);

    const event = (name: string) => async () => {
      await telemetry.flush();
      return ingestion.waitFor((e) => e.data.baseType === 'EventData' && e.data.baseData.name === name, 2_000);
    };
    const finished = await eventually(event('run.finished'));
    expect(finished.data.baseData.properties).to.deep.equal({ runbook: 'Fail-Deliberately', target: 'local', outcome: 'failed' });
    expect(finished.data.baseData.measurements?.durationMs).to.be.a('number').and.at.least(0);
    expect((await event('run.requested')()).data.baseData.properties).to.include({ runbook: 'Fail-Deliberately', outcome: 'queued' });
    expect((await event('run.started')()).data.baseData.properties).to.deep.equal({ runbook: 'Fail-Deliberately', target: 'local' });

    const request = await ingestion.waitFor((e) => e.data.baseType === 'RequestData' && e.data.baseData.properties?.activityType === 'message');
    expect(request.data.baseData.name).to.equal('POST /api/messages');
    expect(request.data.baseData.responseCode).to.equal('200');
    expect(request.data.baseData.properties?.cid).to.match(/^pg-in-/);

    expect(ingestion.bodies.join('\n')).not.to.include(CANARY);
  });
});

/** Retries an await-with-timeout a bounded number of times (exporters batch on their own schedule). */
async function eventually<T>(attempt: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries) throw error;
    }
  }
}
