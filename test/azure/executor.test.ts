/**
 * Behaviour of the Azure Automation executor against the local ARM endpoint: jobs scripted
 * through their life (New → Running with streams arriving → Completed / Failed / Suspended /
 * Stopped), parameter passing per runbook type, targets, and every failure the issue names.
 */
import { expect } from 'chai';
import { AzureAutomationExecutor } from '../../src/execution/azure/executor.js';
import { startFakeArm, type FakeAccount, type FakeArm, type FakeJob } from '../support/fake-arm.js';
import { armClient, azureExecutor, EventLog, executionSpec, param, rejection, runbookDefinition } from './support.js';

describe('AzureAutomationExecutor', () => {
  let fake: FakeArm;
  let account: FakeAccount;
  let executor: AzureAutomationExecutor;

  const restart = runbookDefinition('Restart-AppPool', [
    param('Server', { required: true }),
    param('Pool'),
    param('Replicas', { type: 'int' }),
    param('Force', { type: 'switch' }),
    param('Tags', { type: 'string[]' }),
  ]);

  beforeEach(async () => {
    fake = await startFakeArm();
    account = fake.account();
    account.addRunbook({
      name: 'Restart-AppPool',
      parameters: {
        Server: { type: 'System.String', isMandatory: true, position: 0 },
        Pool: { type: 'System.String', isMandatory: false, position: 1, defaultValue: "'DefaultAppPool'" },
        Replicas: { type: 'System.Int32', isMandatory: false, position: 2 },
        Force: { type: 'System.Management.Automation.SwitchParameter', isMandatory: false, position: 3 },
        Tags: { type: 'System.String[]', isMandatory: false, position: 4 },
      },
    });
    executor = azureExecutor(fake);
  });

  afterEach(async () => {
    await executor.close();
    await fake.close();
  });

  function createdJobBody(): { properties: { runbook: { name: string }; parameters: Record<string, string>; runOn: string } } {
    const put = fake.requests.find((r) => r.method === 'PUT' && r.path.includes('/jobs/'));
    expect(put, 'a Job_Create request').to.not.equal(undefined);
    return put!.body as never;
  }

  async function startRestart(log: EventLog, values = { Server: 'web01' }, target = 'cloud'): Promise<FakeJob> {
    const name = await executor.start(executionSpec(restart, values, target), log.listener);
    return account.job(name);
  }

  it('is named after its account', () => {
    expect(executor.name).to.equal('azure:prod');
  });

  it('starts a PowerShell runbook in the cloud sandbox with JSON-serialized values keyed by parameter name', async () => {
    const log = new EventLog();
    const job = await startRestart(log, { Server: 'web01', Replicas: 3, Force: true, Tags: ['a', 'b'] } as never);
    expect(job.name).to.match(/^[0-9a-f-]{36}$/);
    expect(createdJobBody()).to.deep.equal({
      properties: {
        runbook: { name: 'Restart-AppPool' },
        parameters: { Server: '"web01"', Replicas: '3', Force: 'true', Tags: '["a","b"]' },
        runOn: '',
      },
    });
    expect(log.events[0]).to.include({ kind: 'status', status: 'queued', executorStatus: 'New' });
  });

  it('leaves out a switch that is off and uses Azure\'s spelling of parameter names', async () => {
    const lowerCase = runbookDefinition('Restart-AppPool', [param('server'), param('force', { type: 'switch' })]);
    await executor.start(executionSpec(lowerCase, { server: 'web01', force: false }), new EventLog().listener);
    expect(createdJobBody().properties.parameters).to.deep.equal({ Server: '"web01"' });
  });

  it('sends a Python runbook\'s values as ordered positions, argparse options as flag then value', async () => {
    account.addRunbook({ name: 'rotate_logs', runbookType: 'Python3' });
    const python = runbookDefinition(
      'rotate_logs',
      [
        param('path', { positional: true }),
        param('days', { type: 'int', flag: '--days' }),
        param('dry_run', { type: 'switch', flag: '--dry-run' }),
        param('verbose', { type: 'switch', flag: '--verbose' }),
      ],
      'python',
    );
    await executor.start(executionSpec(python, { path: '/var/log', days: 7, dry_run: true, verbose: false }), new EventLog().listener);
    const parameters = createdJobBody().properties.parameters;
    expect(Object.entries(parameters)).to.deep.equal([
      ['[Parameter 1]', '"/var/log"'],
      ['[Parameter 2]', '"--days"'],
      ['[Parameter 3]', '"7"'],
      ['[Parameter 4]', '"--dry-run"'],
    ]);
  });

  it('reports a job\'s life from New to Completed with each output record once, in order', async () => {
    const log = new EventLog();
    const job = await startRestart(log);
    job.setStatus('Running');
    await log.status('Running');
    job.write('Output', 'stopping pool');
    await log.output('stopping pool');
    job.write('Warning', 'pool took 20 s to stop');
    job.write('Output', 'starting pool');
    job.write('Progress', '', { summary: 'Restarting' });
    await log.output('starting pool');
    job.write('Output', 'done');
    job.setStatus('Completed');
    const finished = await log.finished();

    expect(finished).to.include({ status: 'completed', executorStatus: 'Completed' });
    expect(log.texts()).to.deep.equal(['stopping pool', 'pool took 20 s to stop', 'starting pool', 'Restarting', 'done']);
    expect(log.texts('warning')).to.deep.equal(['pool took 20 s to stop']);
    expect(log.events.filter((e) => e.kind === 'status').map((e) => e.kind === 'status' && e.status)).to.deep.equal(['queued', 'running']);
    const streamGets = fake.requests.filter((r) => /\/streams\/[^/]+$/.test(r.path));
    expect(streamGets, 'each record text fetched once (Progress uses its summary)').to.have.length(4);
    expect(new Set(streamGets.map((r) => r.path)).size).to.equal(4);
  });

  it('reports a failed job with Azure\'s exception text', async () => {
    const log = new EventLog();
    const job = await startRestart(log);
    job.setStatus('Running');
    job.write('Error', 'Cannot find pool api');
    job.setStatus('Failed', { exception: "The term 'Restart-WebAppPool' is not recognized." });
    const finished = await log.finished();
    expect(finished).to.include({ status: 'failed', executorStatus: 'Failed', error: "The term 'Restart-WebAppPool' is not recognized." });
    expect(log.texts('error')).to.deep.equal(['Cannot find pool api']);
  });

  it('shows Suspended, Blocked and Disconnected as suspended, keeping Azure\'s word', async () => {
    const log = new EventLog();
    const job = await startRestart(log);
    for (const status of ['Running', 'Suspended', 'Resuming', 'Blocked', 'Disconnected']) {
      job.setStatus(status);
      await log.status(status);
    }
    const mapped = log.events.flatMap((e) => (e.kind === 'status' ? [[e.executorStatus, e.status]] : []));
    expect(mapped).to.deep.equal([
      ['New', 'queued'],
      ['Running', 'running'],
      ['Suspended', 'suspended'],
      ['Resuming', 'running'],
      ['Blocked', 'suspended'],
      ['Disconnected', 'suspended'],
    ]);
  });

  it('cancels by stopping the job in Azure and reports it cancelled', async () => {
    const log = new EventLog();
    const job = await startRestart(log);
    job.setStatus('Running');
    await log.status('Running');
    await executor.cancel(job.name);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/jobs/${job.name}/stop`))).to.equal(true);
    await log.status('Stopping');
    job.setStatus('Stopped');
    expect(await log.finished()).to.include({ status: 'cancelled', executorStatus: 'Stopped' });
  });

  it('stops a job that runs past the runbook\'s timeout and reports timed_out', async () => {
    const log = new EventLog();
    fake.onJobCreated((job) => job.setStatus('Running'));
    const name = await executor.start(executionSpec(restart, { Server: 'web01' }, 'cloud', 0), log.listener);
    await log.status('Stopping');
    account.job(name).setStatus('Stopped');
    const finished = await log.finished();
    expect(finished.status).to.equal('timed_out');
    expect(finished.error).to.match(/timeout of 0 s/);
  });

  it('reads a finished job\'s Output stream in one Job_GetOutput call when nothing was shown yet', async () => {
    const log = new EventLog();
    fake.onJobCreated((job) => {
      job.setStatus('Running');
      for (let line = 1; line <= 20; line += 1) job.write('Output', `line ${line}`);
      job.write('Warning', 'disk almost full');
      job.setStatus('Completed');
    });
    await startRestart(log);
    await log.finished();
    expect(log.texts('output')).to.deep.equal([Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')]);
    expect(log.texts('warning')).to.deep.equal(['disk almost full']);
    expect(fake.requests.filter((r) => r.path.endsWith('/output'))).to.have.length(1);
    expect(fake.requests.filter((r) => /\/streams\/[^/]+$/.test(r.path)), 'only the warning text is fetched').to.have.length(1);
  });

  it('tracks many jobs with one job-list call per poll, not one GET per job', async () => {
    const logs = Array.from({ length: 20 }, () => new EventLog());
    const jobs = [];
    for (const log of logs) jobs.push(await startRestart(log));
    for (const job of jobs) job.setStatus('Running');
    await Promise.all(logs.map((log) => log.status('Running')));
    for (const job of jobs) job.setStatus('Completed');
    await Promise.all(logs.map((log) => log.finished()));
    const lists = fake.requests.filter((r) => r.method === 'GET' && /\/jobs$/.test(r.path));
    const jobGets = fake.requests.filter((r) => r.method === 'GET' && /\/jobs\/[^/]+$/.test(r.path));
    expect(jobGets, 'no per-job status GETs').to.have.length(0);
    expect(lists.length).to.be.greaterThan(0);
    expect(lists.every((r) => /^properties\/lastModifiedTime ge \S+Z$/.test(r.query.$filter))).to.equal(true);
  });

  it('spends no more on output than its budgets, and finished jobs still get all of theirs', async () => {
    await executor.close();
    executor = azureExecutor(fake, { streamCallsPerMinute: 600 });
    const logs = Array.from({ length: 20 }, () => new EventLog());
    const jobs: FakeJob[] = [];
    for (const log of logs) jobs.push(await startRestart(log));
    const from = fake.requests.length;
    const startedAt = Date.now();
    for (const job of jobs) {
      job.setStatus('Running');
      for (let round = 0; round < 5; round += 1) job.write('Output', `round ${round}`);
    }
    await logs[0].output('round 0');
    for (const job of jobs) job.setStatus('Completed');
    await Promise.all(logs.map((log) => log.finished()));
    const seconds = (Date.now() - startedAt) / 1000;
    const streamCalls = fake.requests.slice(from).filter((r) => /\/streams|\/output$/.test(r.path)).length;
    // Running jobs: 10 calls/s; finished jobs: 30 calls/s; each budget may start with a burst of 5.
    expect(streamCalls).to.be.at.most(Math.ceil(10 + 40 * seconds));
    const expected = ['round 0', 'round 1', 'round 2', 'round 3', 'round 4'].join('\n');
    for (const log of logs) expect(log.texts('output').join('\n')).to.equal(expected);
  });

  describe('targets', () => {
    it('runs on a Hybrid Runbook Worker group through runOn, using Azure\'s spelling of the group', async () => {
      account.addWorkerGroup('OnPrem-Web', ['web-hw-01']);
      await startRestart(new EventLog(), { Server: 'web01' }, 'onprem-web');
      expect(createdJobBody().properties.runOn).to.equal('OnPrem-Web');
    });

    it('lists worker groups for forms and caches the listing', async () => {
      account.addWorkerGroup('OnPrem-Web', ['web-hw-01']);
      account.addWorkerGroup('Branch-Office', ['bo-hw-01']);
      expect(await executor.workerGroups()).to.deep.equal(['OnPrem-Web', 'Branch-Office']);
      await executor.workerGroups();
      expect(fake.requests.filter((r) => r.path.endsWith('/hybridRunbookWorkerGroups'))).to.have.length(1);
    });

    it('refuses an unknown worker group without creating a job', async () => {
      account.addWorkerGroup('OnPrem-Web', ['web-hw-01']);
      const error = await rejection(() => startRestart(new EventLog(), { Server: 'web01' }, 'Mars'));
      expect(error.code).to.equal('unknown_worker_group');
      expect(error.message).to.contain('"Mars"');
      expect(error.hint).to.contain('OnPrem-Web');
      expect(account.jobs.size).to.equal(0);
    });

    it('refuses a worker group without workers', async () => {
      account.addWorkerGroup('Empty-Group', []);
      const error = await rejection(() => startRestart(new EventLog(), { Server: 'web01' }, 'Empty-Group'));
      expect(error.code).to.equal('empty_worker_group');
      expect(account.jobs.size).to.equal(0);
    });

    it('refuses the local target', async () => {
      const error = await rejection(() => startRestart(new EventLog(), { Server: 'web01' }, 'local'));
      expect(error.code).to.equal('unsupported_target');
    });
  });

  describe('refusals before anything runs', () => {
    it('a runbook missing from the account: not_found, with how to publish it', async () => {
      const error = await rejection(() => executor.start(executionSpec(runbookDefinition('Nope')), new EventLog().listener));
      expect(error.code).to.equal('not_found');
      expect(error.message).to.contain('"Nope"');
      expect(error.hint).to.contain('npm run publish');
    });

    it('a runbook that was never published: not_published', async () => {
      account.addRunbook({ name: 'Draft-Only', state: 'New' });
      const error = await rejection(() => executor.start(executionSpec(runbookDefinition('Draft-Only')), new EventLog().listener));
      expect(error.code).to.equal('not_published');
      expect(account.jobs.size).to.equal(0);
    });

    it('a published runbook with unpublished draft edits runs, with a warning on the card', async () => {
      account.addRunbook({ name: 'Being-Edited', state: 'Edit' });
      const log = new EventLog();
      await executor.start(executionSpec(runbookDefinition('Being-Edited')), log.listener);
      expect(log.texts('warning')[0]).to.contain('unpublished draft changes');
    });

    it('a parameter the published runbook does not declare: parameter_mismatch', async () => {
      const newer = runbookDefinition('Restart-AppPool', [param('Server'), param('Region')]);
      const error = await rejection(() => executor.start(executionSpec(newer, { Server: 'a', Region: 'eu' }), new EventLog().listener));
      expect(error.code).to.equal('parameter_mismatch');
      expect(error.message).to.contain('"Region"');
    });

    it('a missing mandatory parameter of the published runbook: parameter_mismatch', async () => {
      const error = await rejection(() => executor.start(executionSpec(restart, { Pool: 'api' }), new EventLog().listener));
      expect(error.code).to.equal('parameter_mismatch');
      expect(error.message).to.contain('"Server"');
    });

    it('a secret value: refused, because Azure keeps job parameters readable', async () => {
      account.addRunbook({ name: 'Set-Password', parameters: { Password: { type: 'System.Security.SecureString', isMandatory: true } } });
      const definition = runbookDefinition('Set-Password', [param('Password', { type: 'secret', secret: true })]);
      const error = await rejection(() => executor.start(executionSpec(definition, { Password: 'hunter2' }), new EventLog().listener));
      expect(error.code).to.equal('secret_parameter');
      expect(JSON.stringify(fake.requests)).to.not.contain('hunter2');
    });
  });

  describe('Azure failures', () => {
    it('403 on Job_Create: forbidden, naming the role to grant', async () => {
      fake.setFault({ kind: 403, when: (r) => r.method === 'PUT' });
      const error = await rejection(() => startRestart(new EventLog()));
      expect(error.code).to.equal('forbidden');
      expect(error.message).to.contain('ContoseAutomationAccount');
      expect(error.hint).to.contain('Automation Job Operator');
    });

    it('403 on reading the runbook: forbidden, naming the runbook reader role', async () => {
      fake.setFault({ kind: 403, when: (r) => r.path.endsWith('/runbooks/Restart-AppPool') });
      const error = await rejection(() => startRestart(new EventLog()));
      expect(error.code).to.equal('forbidden');
      expect(error.hint).to.contain('Automation Runbook Operator');
    });

    it('401: auth_failed', async () => {
      fake.setFault({ kind: 401 });
      expect((await rejection(() => startRestart(new EventLog()))).code).to.equal('auth_failed');
    });

    it('a credential that cannot produce a token: auth_failed with how to sign in, and not ready', async () => {
      const broken = new AzureAutomationExecutor({
        client: armClient(fake, undefined, {
          credential: {
            getToken: async () => {
              throw new Error('ManagedIdentityCredential: no managed identity endpoint found');
            },
          },
        }),
        pollIntervalMs: 30,
      });
      const error = await rejection(() => broken.start(executionSpec(restart, { Server: 'web01' }), new EventLog().listener));
      expect(error.code).to.equal('auth_failed');
      expect(error.message).to.contain('no managed identity endpoint found');
      expect(error.hint).to.contain('az login');
      expect(await broken.ready()).to.equal(false);
      expect(await executor.ready()).to.equal(true);
      await broken.close();
    });

    it('429 with Retry-After: waits as long as Azure asks, then succeeds', async () => {
      fake.setFault({ kind: 429, retryAfterSeconds: 1, when: (r) => r.method === 'PUT' });
      await startRestart(new EventLog());
      const puts = fake.requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.fault)).to.deep.equal([429, undefined]);
      expect(puts[1].at - puts[0].at).to.be.at.least(900);
    });

    it('500 then success: retried with backoff by the pipeline', async () => {
      fake.setFault({ kind: 500, times: 2, when: (r) => r.method === 'PUT' });
      await startRestart(new EventLog());
      expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.fault)).to.deep.equal([500, 500, undefined]);
    });

    it('persistent 500: azure_unavailable after the retries', async () => {
      fake.setFault({ kind: 500, times: Infinity, when: (r) => r.method === 'PUT' });
      const error = await rejection(() => startRestart(new EventLog()));
      expect(error.code).to.equal('azure_unavailable');
      expect(fake.requests.filter((r) => r.method === 'PUT')).to.have.length(4);
    });

    it('a dropped connection before Azure saw the request: the retried PUT creates the job once', async () => {
      fake.setFault({ kind: 'drop', when: (r) => r.method === 'PUT' });
      await startRestart(new EventLog());
      expect(account.jobs.size).to.equal(1);
    });

    it('a dropped connection after Azure created the job: the retry\'s 409 is recognised, one job', async () => {
      fake.setFault({ kind: 'drop-after', when: (r) => r.method === 'PUT' });
      const log = new EventLog();
      const job = await startRestart(log);
      expect(account.jobs.size).to.equal(1);
      expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.fault)).to.deep.equal(['drop-after', undefined]);
      job.setStatus('Completed');
      expect((await log.finished()).status).to.equal('completed');
    });

    it('no Resource Manager at all: network, with what to check', async () => {
      const port = new URL(fake.url).port;
      await fake.close();
      const offline = new AzureAutomationExecutor({ client: armClient(fake, undefined, { armEndpoint: `https://127.0.0.1:${port}` }), pollIntervalMs: 30 });
      const error = await rejection(() => offline.start(executionSpec(restart, { Server: 'web01' }), new EventLog().listener));
      expect(error.code).to.equal('network');
      expect(error.hint).to.contain('proxy');
      await offline.close();
      fake = await startFakeArm();
    });

    it('job-list polls that keep failing: the card is told, then the job is reported lost with the reason', async () => {
      const log = new EventLog();
      await startRestart(log);
      fake.setFault({ kind: 403, times: Infinity, when: (r) => r.method === 'GET' && r.path.endsWith('/jobs') });
      const finished = await log.finished();
      expect(finished.status).to.equal('lost');
      expect(finished.error).to.contain('Automation Job Operator');
      expect(log.texts('warning').some((t) => t.startsWith('Switchboard: cannot read the job status'))).to.equal(true);
    });

    it('one 404 while reading a job (replication delay) does not lose it', async () => {
      const log = new EventLog();
      const job = await startRestart(log);
      fake.setFault({ kind: 404, when: (r) => r.path.endsWith(`/jobs/${job.name}/streams`) });
      job.setStatus('Running');
      job.write('Output', 'still here');
      await log.output('still here');
      job.setStatus('Completed');
      expect(await log.finished()).to.include({ status: 'completed' });
      expect(fake.requests.some((r) => r.fault === 404)).to.equal(true);
    });

    it('a job deleted in Azure while tracked: lost', async () => {
      const log = new EventLog();
      const job = await startRestart(log);
      account.jobs.delete(job.name);
      expect(await log.finished()).to.include({ status: 'lost' });
    });
  });

  describe('reattach', () => {
    it('resumes output after the last record already stored, and finishes', async () => {
      const first = new EventLog();
      const job = await startRestart(first);
      job.setStatus('Running');
      job.write('Output', 'one');
      const two = job.write('Output', 'two');
      await first.output('two');
      await executor.close();

      job.write('Output', 'three');
      executor = azureExecutor(fake, { resumeCursor: async () => two.time });
      const second = new EventLog();
      await executor.reattach('job-r', job.name, second.listener);
      await second.output('three');
      job.setStatus('Completed');
      await second.finished();
      expect(second.texts()).to.deep.equal(['three']);
      expect(second.events[0]).to.include({ kind: 'status', status: 'running', executorStatus: 'Running' });
    });

    it('a job that finished while nobody watched is reported finished with its output', async () => {
      const first = new EventLog();
      const job = await startRestart(first);
      await executor.close();
      job.setStatus('Running');
      job.write('Output', 'all done');
      job.setStatus('Completed');
      executor = azureExecutor(fake);
      const second = new EventLog();
      await executor.reattach('job-f', job.name, second.listener);
      expect(await second.finished()).to.include({ status: 'completed' });
      expect(second.texts()).to.deep.equal(['all done']);
    });

    it('a job Azure no longer has: lost', async () => {
      const log = new EventLog();
      await executor.reattach('job-x', '00000000-0000-0000-0000-000000000000', log.listener);
      expect(await log.finished()).to.include({ status: 'lost' });
    });

    it('detach stops reporting without stopping the job', async () => {
      const detached = new EventLog();
      const job = await startRestart(detached);
      executor.detach(job.name);
      const watched = new EventLog();
      const other = await startRestart(watched);
      job.setStatus('Completed');
      other.setStatus('Completed');
      await watched.finished();
      expect(detached.events.some((e) => e.kind === 'finished')).to.equal(false);
      expect(fake.requests.some((r) => r.path.endsWith('/stop'))).to.equal(false);
    });
  });
});
