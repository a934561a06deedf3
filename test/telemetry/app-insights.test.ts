/**
 * Application Insights telemetry through Microsoft's SDK to a local ingestion endpoint: what is
 * sent, under which names, and what is never sent (parameter values, query strings, secrets).
 */
import { createPipelineFromOptions, createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import { expect } from 'chai';
import type { Job, JobStatus } from '../../src/domain/job.js';
import { silentLogger } from '../../src/logging/logger.js';
import { dependencyPath, dependencyTelemetryPolicy } from '../../src/telemetry/azure-dependencies.js';
import { createTelemetry, NO_TELEMETRY, type Telemetry } from '../../src/telemetry/index.js';
import { sampleJobMetrics } from '../../src/telemetry/job-metrics.js';
import { FakeIngestion, TEST_INSTRUMENTATION_KEY, type Envelope } from '../support/fake-ingestion.js';

describe('telemetry: Application Insights', function () {
  this.timeout(20_000);
  let ingestion: FakeIngestion;
  let telemetry: Telemetry;

  beforeEach(async () => {
    ingestion = await FakeIngestion.start();
    telemetry = await createTelemetry(ingestion.connectionString, silentLogger(), { tlsOptions: ingestion.tlsOptions, offlineStorage: false });
  });

  afterEach(async () => {
    await telemetry.close?.();
    await ingestion.close();
  });

  it('is the no-op telemetry, without loading the SDK, when no connection string is configured', async () => {
    expect(await createTelemetry(undefined, silentLogger())).to.equal(NO_TELEMETRY);
    expect(await createTelemetry('', silentLogger())).to.equal(NO_TELEMETRY);
  });

  it('sends run events with runbook, target, outcome and duration to the configured endpoint', async () => {
    telemetry.event('run.finished', { runbook: 'Get-DiskSpace', target: 'local', outcome: 'completed' }, { durationMs: 1234 });
    await telemetry.flush();
    const event = await ingestion.waitFor((e) => e.data.baseData.name === 'run.finished');
    expect(event.iKey).to.equal(TEST_INSTRUMENTATION_KEY);
    expect(event.data.baseData.properties).to.deep.equal({ runbook: 'Get-DiskSpace', target: 'local', outcome: 'completed' });
    expect(event.data.baseData.measurements).to.deep.equal({ durationMs: 1234 });
  });

  it('drops event properties that are not on the allow-list, so parameter values never leave', async () => {
    telemetry.event('run.requested', { runbook: 'Rotate-ApiKey', outcome: 'queued', parameters: '{"ApiKey":"hunter2-value"}', ApiKey: 'hunter2-value' });
    await telemetry.flush();
    const event = await ingestion.waitFor((e) => e.data.baseData.name === 'run.requested');
    expect(event.data.baseData.properties).to.deep.equal({ runbook: 'Rotate-ApiKey', outcome: 'queued' });
    expect(ingestion.bodies.join('\n')).not.to.include('hunter2-value');
  });

  it('records Azure calls through the pipeline policy as HTTP dependencies without query strings or ids', async () => {
    const pipeline = createPipelineFromOptions({ tlsOptions: ingestion.tlsOptions, retryOptions: { maxRetries: 0 } });
    pipeline.addPolicy(dependencyTelemetryPolicy(telemetry));
    const sub = '11111111-2222-3333-4444-555555555555';
    const url = `https://127.0.0.1:${ingestion.port}/subscriptions/${sub}/resourceGroups/ops/providers/Microsoft.Automation/automationAccounts/aa/jobs/${sub}?api-version=2024-10-23&sig=SAS-SECRET`;
    const response = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url, method: 'PUT' }));
    expect(response.status).to.equal(200);
    await telemetry.flush();
    const dependency = await ingestion.waitFor((e) => e.data.baseType === 'RemoteDependencyData');
    const data = dependency.data.baseData;
    expect(data.name).to.equal('PUT /subscriptions/:id/resourceGroups/ops/providers/Microsoft.Automation/automationAccounts/aa/jobs/:id');
    expect(data.type).to.equal('Http');
    expect(data.target).to.equal(`127.0.0.1:${ingestion.port}`);
    expect(data.resultCode).to.equal('200');
    expect(data.success).to.equal(true);
    expect(ingestion.bodies.join('\n')).not.to.include('SAS-SECRET');
    expect(ingestion.bodies.join('\n')).not.to.include(sub);
  });

  it('records a failed Azure call (no answer) as an unsuccessful dependency', async () => {
    const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
    pipeline.addPolicy(dependencyTelemetryPolicy(telemetry));
    // A port nothing listens on: the connection is refused.
    const closed = await FakeIngestion.start();
    const port = closed.port;
    await closed.close();
    const request = createPipelineRequest({ url: `https://127.0.0.1:${port}/tables`, method: 'GET' });
    let failure: unknown;
    await pipeline.sendRequest(createDefaultHttpClient(), request).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
    await telemetry.flush();
    const dependency = await ingestion.waitFor((e) => e.data.baseType === 'RemoteDependencyData');
    expect(dependency.data.baseData.success).to.equal(false);
    expect(dependency.data.baseData.name).to.equal('GET /tables');
  });

  it('sends the queue gauges: queued, awaiting approval and running jobs', async () => {
    const jobs = (['queued', 'queued', 'running', 'cancelling', 'pending_approval'] as JobStatus[]).map((status, i) => ({ id: `j${i}`, status }) as Job);
    let asked: JobStatus[] = [];
    const counts = await sampleJobMetrics({
      telemetry,
      listJobs: async ({ statuses }) => {
        asked = statuses;
        return jobs.filter((j) => statuses.includes(j.status));
      },
    });
    expect(counts).to.deep.equal({ 'jobs.queued': 2, 'jobs.awaitingApproval': 1, 'jobs.running': 2 });
    expect(asked).to.include.members(['queued', 'pending_approval', 'running']);
    await telemetry.flush();
    const metric = (name: string) => (e: Envelope) =>
      e.data.baseType === 'MetricData' && (e.data.baseData.metrics as { name: string }[]).some((m) => m.name === name);
    const running = await ingestion.waitFor(metric('jobs.running'));
    expect((running.data.baseData.metrics as { name: string; value: number }[]).find((m) => m.name === 'jobs.running')?.value).to.equal(2);
    await ingestion.waitFor(metric('jobs.queued'));
    await ingestion.waitFor(metric('jobs.awaitingApproval'));
  });

  it('normalises dependency paths: ids and table keys out, query gone', () => {
    expect(dependencyPath("https://acct.table.core.windows.net/switchboardJobs(PartitionKey='job',RowKey='4k2x')?sig=x")).to.equal('/switchboardJobs()');
    expect(dependencyPath('https://management.azure.com/subscriptions/AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE/x?api-version=1')).to.equal('/subscriptions/:id/x');
  });
});
