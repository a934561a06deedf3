import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createLiveCatalog, type LiveCatalog } from '../../../src/catalog/live-catalog.js';
import type { ParameterValue } from '../../../src/domain/runbook.js';
import { ExecutionError } from '../../../src/execution/executor.js';
import { findOnPath } from '../../../src/execution/local/interpreters.js';
import { LocalExecutor } from '../../../src/execution/local/local-executor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { JobEvents, type Finished } from './job-events.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNBOOKS = path.resolve(HERE, '../../../runbooks');
const FIXTURES = path.join(HERE, 'fixtures');

type Rows = Record<string, unknown>[];

/**
 * Every sample runbook, loaded through the real catalog (so the samples are known to parse) and
 * run by the real local executor with values shaped as the validator hands them over.
 */
describe('sample runbooks', function () {
  let catalog: LiveCatalog;
  let local: LocalExecutor;
  let spoolDir: string;
  let jobNumber = 0;

  before(async () => {
    catalog = await createLiveCatalog({ runbooksDir: RUNBOOKS, logger: silentLogger() });
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-samples-'));
    local = new LocalExecutor({ runbooksDir: RUNBOOKS, spoolDir, outputCapBytes: 256 * 1024, logger: silentLogger() });
  });

  after(async () => {
    await local.close();
    await catalog.close();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  async function run(name: string, values: Record<string, ParameterValue>): Promise<{ events: JobEvents; finished: Finished; executorJobId: string }> {
    const runbook = catalog.get(name);
    if (!runbook) throw new Error(`${name} is not in the catalog; problems: ${JSON.stringify(catalog.problems())}`);
    const events = new JobEvents();
    jobNumber += 1;
    const executorJobId = await local.start(
      { jobId: `sample-${jobNumber}`, runbook, values, target: 'local', timeoutSeconds: runbook.timeoutSeconds },
      events.listener,
    );
    return { events, finished: await events.finished(), executorJobId };
  }

  /** The (indented) JSON document a runbook printed after its plain-text lines. */
  function json<T = Rows>(events: JobEvents): T {
    const text = events.text();
    return JSON.parse(text.slice(text.search(/^[[{]$/m))) as T;
  }

  it('all parse without problems: at least 10 local samples and PowerShell ones for hybrid workers', () => {
    expect(catalog.problems()).to.deep.equal([]);
    const runbooks = catalog.list();
    expect(runbooks.filter((r) => r.target === 'local').length).to.be.at.least(10);
    const powershell = runbooks.filter((r) => r.language === 'powershell');
    expect(powershell.length).to.be.at.least(2);
    for (const runbook of powershell) expect(runbook.target).to.not.be.oneOf(['local', 'cloud']);
    expect(runbooks.filter((r) => r.tags.includes('incident')).length).to.be.at.least(3);
  });

  describe('Test-Server', () => {
    let server: tls.Server;
    let port: number;

    before(async () => {
      server = tls.createServer({
        cert: fs.readFileSync(path.join(FIXTURES, 'localhost-cert.pem')),
        key: fs.readFileSync(path.join(FIXTURES, 'localhost-key.pem')),
      });
      server.on('secureConnection', (socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    after(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('checks DNS, the TCP port and reads the TLS certificate expiry', async () => {
      const { finished, events } = await run('Test-Server', { host: '127.0.0.1', port, timeout: 2, warn_days: 21, skip_tls: false });
      expect(finished.status).to.equal('completed');
      const rows = json(events);
      expect(rows.map((r) => [r.check, r.result])).to.deep.equal([
        ['DNS', 'ok'],
        [`TCP ${port}`, 'ok'],
        ['TLS', 'ok'],
      ]);
      expect(rows[2].detail).to.match(/expires 2\d{3}-\d\d-\d\d \(\d+ days left\); subject commonName=localhost/);
      expect(rows[2].detail).to.include('NOT trusted here (self-signed certificate)');
    });

    it('fails with a readable row when the port is closed', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const { finished, events } = await run('Test-Server', { host: '127.0.0.1', port: closedPort, timeout: 1 });
      expect(finished).to.include({ status: 'failed', exitCode: 1 });
      expect(json(events)[1]).to.include({ check: `TCP ${closedPort}`, result: 'FAILED' });
      expect(finished.error).to.include('failed a check');
    });
  });

  it('Get-DiskSpace reports file systems as a table', async () => {
    const { finished, events } = await run('Get-DiskSpace', { path: [os.tmpdir()], unit: 'MB', min_free_percent: 0 });
    expect(finished.status).to.equal('completed');
    const [row] = json(events);
    expect(row).to.include({ path: os.tmpdir(), status: 'ok' });
    expect(row.free_MB).to.be.a('number');
  });

  it('Move-StorageVolume reports progress while it copies and ends with a summary', async () => {
    const { finished, events } = await run('Move-StorageVolume', {
      volume: 'vol-finance-01',
      source_array: 'emc-vnx-01',
      target_array: 'emc-unity-02',
      seconds: 1,
      steps: 4,
      verify: true,
    });
    expect(finished.status).to.equal('completed');
    const percents = events.of('progress').map((p) => p.percent);
    expect(percents.at(-1)).to.equal(100);
    expect(percents).to.deep.equal([...percents].sort((a, b) => a - b));
    expect(json<Record<string, unknown>>(events)).to.include({ volume: 'vol-finance-01', to: 'emc-unity-02', verified: true });
  });

  it('Move-StorageVolume can be cancelled mid-copy and says how far it got', async () => {
    const runbook = catalog.get('Move-StorageVolume')!;
    const events = new JobEvents();
    const executorJobId = await local.start(
      {
        jobId: 'sample-cancel',
        runbook,
        values: { volume: 'vol-logs-07', source_array: 'emc-vnx-01', target_array: 'emc-unity-01', seconds: 60, steps: 60 },
        target: 'local',
        timeoutSeconds: 120,
      },
      events.listener,
    );
    await events.until(() => events.of('progress').some((p) => p.percent > 0), 'the first copy step');
    await local.cancel(executorJobId);
    const finished = await events.finished();
    expect(finished.status).to.equal('cancelled');
    expect(events.text('error')).to.match(/^Cancelled after copying \d+ of 500 GB; the volume stays on emc-vnx-01\./);
  });

  it('Invoke-JenkinsJob simulates a build when no Jenkins URL is given', async () => {
    const { finished, events } = await run('Invoke-JenkinsJob', { job: 'retail-pos-build', branch: 'release/2025.03', parameters: ['ENV=qa', 'SKIP_TESTS=false'] });
    expect(finished.status).to.equal('completed');
    expect(json<Record<string, unknown>>(events)).to.deep.include({
      job: 'retail-pos-build',
      parameters: { BRANCH: 'release/2025.03', ENV: 'qa', SKIP_TESTS: 'false' },
      result: 'SUCCESS',
    });
  });

  it('Invoke-JenkinsJob posts to a Jenkins URL with the API token it got as a secret', async () => {
    const received: { url?: string; body: string; authorization?: string }[] = [];
    const jenkins = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ url: request.url, body, authorization: request.headers.authorization });
        // Two statements: restify, loaded by other tests in the same process, makes writeHead return nothing.
        response.writeHead(201, { Location: 'http://127.0.0.1/queue/item/42/' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => jenkins.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(jenkins.address() as AddressInfo).port}`;
      const { finished, events } = await run('Invoke-JenkinsJob', { job: 'platform nightly', url, user: 'chatops', api_token: 'tok-123' });
      expect(finished.status).to.equal('completed');
      expect(received).to.have.length(1);
      expect(received[0].url).to.equal('/job/platform%20nightly/buildWithParameters');
      expect(received[0].body).to.equal('BRANCH=main');
      expect(received[0].authorization).to.equal(`Basic ${Buffer.from('chatops:tok-123').toString('base64')}`);
      expect(json<Record<string, unknown>>(events)).to.include({ status: 201, queue: 'http://127.0.0.1/queue/item/42/' });
      expect(events.text()).to.not.include('tok-123');
    } finally {
      await new Promise((resolve) => jenkins.close(resolve));
    }
  });

  it('New-Repository creates a repository with a valid name and refuses a bad one with the rule', async () => {
    const good = await run('New-Repository', { name: 'pos-price-sync', group: 'retail', visibility: 'private', with_ci: true });
    expect(good.finished.status).to.equal('completed');
    expect(json<Record<string, unknown>>(good.events)).to.include({ repository: 'retail/pos-price-sync', ci: true });
    const bad = await run('New-Repository', { name: 'Pos_Price', group: 'retail' });
    expect(bad.finished).to.include({ status: 'failed', exitCode: 2 });
    expect(bad.finished.error).to.include('"Pos_Price" is not a valid repository name');
  });

  it('New-RetailStore sets up a store in the chosen region', async () => {
    const { finished, events } = await run('New-RetailStore', { store_number: 1287, name: 'Springfield Mall', region: 'us-central', open_date: '2025-09-01', pos_lanes: 3 });
    expect(finished.status).to.equal('completed');
    const store = json<{ store: string; region: string; subnet: string; lanes: unknown[] }>(events);
    expect(store).to.include({ store: 'ST1287', region: 'us-central', subnet: '10.37.7.0/24' });
    expect(store.lanes).to.have.length(3);
  });

  it('Promote-Cookbook promotes one environment at a time', async () => {
    const promoted = await run('Promote-Cookbook', { cookbook: 'retail-pos', version: '2.4.1', from_env: 'dev', to_env: 'qa' });
    expect(promoted.finished.status).to.equal('completed');
    expect(json(promoted.events)).to.deep.include({ environment: 'qa', 'retail-pos': '2.4.1' });
    const skipped = await run('Promote-Cookbook', { cookbook: 'retail-pos', version: '2.4.1', from_env: 'dev', to_env: 'prod' });
    expect(skipped.finished).to.include({ status: 'failed', exitCode: 2 });
    expect(skipped.finished.error).to.include('one environment at a time: dev → qa');
  });

  it('Get-SqlBlocking reports blocked sessions, longest waits first', async () => {
    const { finished, events } = await run('Get-SqlBlocking', { instance: 'sql-retail-01', min_wait_seconds: 1, top: 4 });
    expect(finished.status).to.equal('completed');
    const rows = json(events);
    expect(rows.length).to.be.within(1, 4);
    const waits = rows.map((r) => r.wait_seconds as number);
    expect(waits).to.deep.equal([...waits].sort((a, b) => b - a));
  });

  it('Fail-Deliberately fails with its exit code and error text', async () => {
    const { finished, events } = await run('Fail-Deliberately', { exit_code: 3, message: 'database is read-only' });
    expect(finished).to.include({ status: 'failed', exitCode: 3, error: 'ERROR: database is read-only' });
    expect(events.text()).to.include('Step 2: doing the work');
  });

  it('Rotate-ApiKey receives its secret from the environment and never prints it', async () => {
    const key = 'pos-Gw-2025-rotation-key-0042';
    const { finished, events } = await run('Rotate-ApiKey', { service: 'pos-gateway', new_key: key, revoke_old: true });
    expect(finished.status).to.equal('completed');
    expect(events.text()).to.match(/Stored the new key for pos-gateway in the vault \(fingerprint sha256:[0-9a-f]{12}\)/);
    expect(JSON.stringify(events.events)).to.not.include(key);
  });

  it('Get-IncidentSnapshot collects load, memory, disks and processes', async () => {
    const { finished, events } = await run('Get-IncidentSnapshot', { top: 3 });
    expect(finished.status).to.equal('completed');
    const snapshot = json<{ memory: Record<string, number>; top_processes: unknown[]; disks: unknown[] }>(events);
    expect(snapshot.memory.total_mb).to.be.greaterThan(0);
    expect(snapshot.top_processes).to.have.length(3);
    expect(snapshot.disks.length).to.be.at.least(1);
  });

  it('Find-Process (bash) finds this test run by name', async () => {
    const { finished, events } = await run('Find-Process', { Name: 'node', Limit: 50 });
    expect(finished.status).to.equal('completed');
    expect(events.text()).to.match(new RegExp(`^${process.pid}\\s`, 'm'));
  });

  for (const [name, values, failure] of [
    ['Unlock-ADAccount', { SamAccountName: 'jdoe', Domain: 'corp' }, 'ActiveDirectory'],
    ['Backup-NetScalerConfig', { Appliance: 'ns-dmz-01' }, 'No NITRO password was given'],
  ] as const) {
    it(`${name} needs pwsh and its hybrid worker: here it stops before reaching any server`, async () => {
      const runbook = catalog.get(name)!;
      if (findOnPath('pwsh')) {
        const { finished } = await run(name, values);
        expect(finished.status).to.equal('failed');
        expect(finished.error).to.include(failure);
        return;
      }
      const error = await local
        .start({ jobId: `sample-${name}`, runbook, values, target: runbook.target, timeoutSeconds: 60 }, () => undefined)
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExecutionError).with.property('code', 'not_installed');
      expect((error as ExecutionError).hint).to.include('Hybrid Runbook Worker group');
    });
  }
});
