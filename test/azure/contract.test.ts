/**
 * Contract tests: for each Azure Automation operation Switchboard uses, the local ARM endpoint
 * answers with Microsoft's documented example, and the test checks (1) the request the client
 * actually sent — method, path, api-version, Authorization, body — against the documented
 * request, and (2) that the product handles the documented response.
 */
import { expect } from 'chai';
import type { AzureRunbook } from '../../src/execution/azure/arm-types.js';
import type { AutomationClient } from '../../src/execution/azure/automation-client.js';
import { liveStatus } from '../../src/execution/azure/job-status.js';
import { toRunbookDefinition } from '../../src/execution/azure/runbook-import.js';
import {
  documentedRequest,
  exampleAccount,
  loadExample,
  startFakeArm,
  TEST_TOKEN,
  type FakeArm,
  type RecordedArmRequest,
} from '../support/fake-arm.js';
import { armClient } from './support.js';

describe('Azure Automation client against the documented REST examples (2024-10-23)', () => {
  let fake: FakeArm;

  before(async () => {
    fake = await startFakeArm();
  });

  after(async () => {
    await fake.close();
  });

  /** The client for the example's account, with the documented answer queued. */
  function clientFor(file: string, status?: string): AutomationClient {
    fake.replyWithExample(file, status);
    return armClient(fake, exampleAccount(file));
  }

  /** The first request the client sent for this operation, checked against the documentation. */
  function expectDocumentedRequest(file: string, from: number): RecordedArmRequest {
    const documented = documentedRequest(file);
    const sent = fake.requests.slice(from).find((r) => r.method === documented.method && r.path === documented.path);
    expect(sent, `${documented.method} ${documented.path} was sent`).to.not.equal(undefined);
    expect(sent!.query['api-version']).to.equal(documented.apiVersion);
    expect(sent!.headers.authorization).to.equal(`Bearer ${TEST_TOKEN}`);
    return sent!;
  }

  function body(file: string, status: string): unknown {
    return loadExample(file).responses[status].body;
  }

  it('Job_Create: PUT jobs/{jobName} with the documented body, and reads the 201 answer', async () => {
    const file = 'job/createJob.json';
    const from = fake.requests.length;
    const documented = documentedRequest(file);
    const job = await clientFor(file).createJob('foo', documented.body as never, 'TestRunbook');
    const sent = expectDocumentedRequest(file, from);
    expect(sent.body).to.deep.equal(documented.body);
    expect(sent.headers['content-type']).to.match(/^application\/json/);
    expect(job).to.deep.equal(body(file, '201'));
    expect(liveStatus(job.properties.status!)).to.equal('queued');
  });

  it('Job_Get: reads status, times and the (null) exception', async () => {
    const file = 'job/getJob.json';
    const from = fake.requests.length;
    const job = await clientFor(file).getJob('foo');
    expectDocumentedRequest(file, from);
    expect(job).to.deep.equal(body(file, '200'));
    expect(job.properties.exception).to.equal(null);
  });

  it('Job_ListByAutomationAccount: sends the $filter and reads every job of the page', async () => {
    const file = 'job/listJobsByAutomationAccount.json';
    const from = fake.requests.length;
    const filter = 'properties/lastModifiedTime ge 2017-03-30T05:00:00.000Z';
    const jobs = await clientFor(file).listJobs(filter);
    const sent = expectDocumentedRequest(file, from);
    expect(sent.query.$filter).to.equal(filter);
    expect(jobs.map((j) => [j.name, j.properties.status])).to.deep.equal([
      ['job1', 'New'],
      ['job2', 'Completed'],
    ]);
  });

  it('JobStream_ListByJob: sends the time $filter and reads the records (summaries only)', async () => {
    const file = 'job/listJobStreamsByJob.json';
    const from = fake.requests.length;
    const filter = 'properties/time ge 2018-02-07T02:33:18.1232703+00:00';
    const streams = await clientFor(file).listJobStreams('foo', filter);
    const sent = expectDocumentedRequest(file, from);
    expect(sent.query.$filter).to.equal(filter);
    expect(streams.map((s) => s.properties.streamType)).to.deep.equal(['Output', 'Output']);
    expect(streams[0].properties.jobStreamId).to.equal('24456a8a-2857-4af6-932c-3455f38bd05e_00636535675981232703_00000000000000000001');
  });

  it('JobStream_Get: addresses the record by its jobStreamId', async () => {
    const file = 'job/getJobStream.json';
    const from = fake.requests.length;
    const stream = await clientFor(file).getJobStream('foo', '851b2101-686f-40e2-8a4b-5b8df08afbd1_00636535684910693884_00000000000000000001');
    expectDocumentedRequest(file, from);
    expect(stream).to.deep.equal(body(file, '200'));
  });

  it('Job_GetOutput: asks for text/plain and returns the text', async () => {
    const file = 'job/getJobOutput.json';
    const from = fake.requests.length;
    const text = await clientFor(file).getJobOutput('foo');
    const sent = expectDocumentedRequest(file, from);
    expect(sent.headers.accept).to.equal('text/plain');
    expect(text).to.equal('Wednesday, February 7, 2018 3:47:17 PM');
  });

  it('Runbook_ListByAutomationAccount: reads names, types and states', async () => {
    const file = 'runbook/listRunbooksByAutomationAccount.json';
    const from = fake.requests.length;
    const runbooks = await clientFor(file).listRunbooks();
    expectDocumentedRequest(file, from);
    expect(runbooks.map((r) => [r.name, r.properties.runbookType, r.properties.state])).to.deep.equal([
      ['ASR-AddPublicIp', 'PowerShellWorkflow', 'Published'],
      ['AutoExport', 'PowerShellWorkflow', 'Published'],
      ['Get-AzureVMTutorial', 'PowerShellWorkflow', 'Published'],
    ]);
    expect(toRunbookDefinition(runbooks[2])).to.include({ name: 'Get-AzureVMTutorial', language: 'powershell', source: 'azure', target: 'cloud' });
  });

  it('Runbook_CreateOrUpdate (create as draft): PUT runbooks/{name} with the documented body', async () => {
    const file = 'runbook/createRunbookAsDraft.json';
    const from = fake.requests.length;
    const documented = documentedRequest(file);
    const runbook = await clientFor(file).createOrUpdateRunbook(documented.body as never);
    const sent = expectDocumentedRequest(file, from);
    expect(sent.body).to.deep.equal(documented.body);
    expect(runbook.properties.state).to.equal('New');
  });

  it('Runbook_CreateOrUpdate (publish from a link): the documented 200 answer is a published runbook', async () => {
    const file = 'runbook/createOrUpdateRunbook.json';
    const from = fake.requests.length;
    const documented = documentedRequest(file);
    const runbook: AzureRunbook = await clientFor(file, '200').createOrUpdateRunbook(documented.body as never);
    expect(expectDocumentedRequest(file, from).body).to.deep.equal(documented.body);
    expect(runbook.properties.state).to.equal('Published');
    expect(runbook.tags).to.deep.equal({ tag01: 'value01', tag02: 'value02' });
  });

  it('RunbookDraft_ReplaceContent: PUT the script as text/powershell, then polls the 202 Location until done', async () => {
    const file = 'runbook/replaceRunbookDraftContent.json';
    const from = fake.requests.length;
    const documented = documentedRequest(file);
    await clientFor(file, '202').replaceDraftContent('Get-AzureVMTutorial', documented.body as string);
    const sent = expectDocumentedRequest(file, from);
    expect(sent.headers['content-type']).to.equal('text/powershell');
    expect(sent.body).to.equal(documented.body);
    const location = new URL(loadExample(file).responses['202'].headers!.Location);
    const polls = fake.requests.slice(from).filter((r) => r.method === 'GET' && r.path.toLowerCase() === location.pathname.toLowerCase());
    expect(polls, 'the operation was polled at its Location').to.have.length(1);
    expect(polls[0].query['api-version']).to.equal('2024-10-23');
  });

  it('Runbook_Publish: POST publish, then polls the 202 Location until done', async () => {
    const file = 'runbook/publishRunbook.json';
    const from = fake.requests.length;
    await clientFor(file).publishRunbook('Get-AzureVMTutorial');
    expect(expectDocumentedRequest(file, from).body).to.equal(undefined);
    const location = new URL(loadExample(file).responses['202'].headers!.Location);
    expect(fake.requests.slice(from).some((r) => r.path.toLowerCase() === location.pathname.toLowerCase())).to.equal(true);
  });

  it('AutomationAccount_Get: reads the location new runbooks must carry', async () => {
    const file = 'getAutomationAccount.json';
    const from = fake.requests.length;
    const account = await clientFor(file).getAccount();
    expectDocumentedRequest(file, from);
    expect(account.location).to.equal('East US 2');
  });

  it('HybridRunbookWorkerGroup_ListByAutomationAccount and HybridRunbookWorkers_ListByHybridRunbookWorkerGroup', async () => {
    const groupsFile = 'listHybridRunbookWorkerGroup.json';
    const workersFile = 'listHybridRunbookWorkers.json';
    const from = fake.requests.length;
    const client = clientFor(groupsFile);
    fake.replyWithExample(workersFile);
    const groups = await client.listWorkerGroups();
    const workers = await client.listWorkers(groups[0].name);
    expectDocumentedRequest(groupsFile, from);
    expectDocumentedRequest(workersFile, from);
    expect(groups.map((g) => g.name)).to.deep.equal(['TestHybridGroup']);
    expect(workers.map((w) => w.properties?.workerName)).to.deep.equal(['vmname']);
  });
});
