/**
 * The whole bot with EXECUTOR=azure against the local Azure Resource Manager fake: published
 * runbooks join the catalog, a typed run becomes an Azure Automation job, and the one job card
 * follows the job's Azure status and output to the end.
 */
import { expect } from 'chai';
import { cardText, findAction, inputsOf, personalChat, someone } from '../support/activities.js';
import { fakeArmBotSettings, startFakeArm, TEST_ACCOUNT, type FakeArm } from '../support/fake-arm.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { Harness, statusOf } from './harness.js';

type Dependency = Parameters<Telemetry['dependency']>[0];

/** Telemetry that keeps the dependencies reported to it. */
function recordingTelemetry(dependencies: Dependency[]): Telemetry {
  return { event() {}, metric() {}, dependency: (d) => void dependencies.push(d), async flush() {} };
}

describe('integration: running on Azure Automation', function () {
  this.timeout(60_000);
  let fake: FakeArm;
  let harness: Harness;
  const dependencies: Dependency[] = [];

  before(async () => {
    fake = await startFakeArm();
    fake.account(TEST_ACCOUNT).addWorkerGroup('OnPrem-Web', ['web-host-1']);
    fake.account(TEST_ACCOUNT).addRunbook({
      name: 'Restart-AppPool',
      description: 'Restarts an IIS application pool',
      parameters: { Server: { type: 'System.String', isMandatory: true, position: 0 }, Pool: { type: 'System.String', isMandatory: false, position: 1 } },
      tags: { category: 'IIS' },
    });
    const { env, azureClient } = fakeArmBotSettings(fake, 100);
    harness = await Harness.start({ env, overrides: { azureClient, telemetry: recordingTelemetry(dependencies) } });
  });
  after(async () => {
    await harness?.close();
    await fake?.close();
  });

  it('lists the runbooks published in the account', async () => {
    await harness.untilRunbook('Restart-AppPool');
    const { card } = await harness.ask(personalChat(), 'help Restart-AppPool');
    expect(cardText(card)).to.contain('Restarts an IIS application pool').and.contain('Server');
  });

  it('runs a typed command as an Azure job and follows it on one card to completion', async () => {
    harness.user = someone();
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    const created = fake.nextJob();
    await harness.post(place, 'run Restart-AppPool -Server web01 -Pool api');
    const job = await created;
    expect(job.runbook).to.equal('Restart-AppPool');
    expect(job.parameters).to.deep.equal({ Server: '"web01"', Pool: '"api"' });

    const posted = await harness.postedJobCard(place, 'Restart-AppPool', from);
    job.setStatus('Running');
    job.write('Output', 'Stopping pool api on web01');
    job.write('Output', 'Pool api started');
    job.setStatus('Completed');
    const final = await harness.jobCardWithStatus(posted.activityId, 'Completed', from);
    expect(cardText(final)).to.contain('Pool api started').and.contain('azure:prod');
    expect(statusOf(final)).to.equal('Completed');
  });

  it('offers the account worker groups on the form and runs the job on the chosen group', async () => {
    harness.user = someone();
    const place = personalChat(harness.user);
    await harness.untilRunbook('Restart-AppPool');
    const { card: form, activityId } = await harness.ask(place, 'run Restart-AppPool');
    const runOn = inputsOf(form).get('target');
    expect(runOn).to.include({ type: 'Input.ChoiceSet', label: 'Run on', value: 'cloud' });
    expect(runOn?.choices).to.deep.equal([
      { title: 'Azure cloud sandbox', value: 'cloud' },
      { title: 'Hybrid worker group OnPrem-Web', value: 'OnPrem-Web' },
    ]);

    const created = fake.nextJob();
    await harness.click(place, findAction(form, 'submitRun'), activityId, { 'p.Server': 'web01', target: 'OnPrem-Web' });
    const job = await created;
    expect(job.runOn).to.equal('OnPrem-Web');
    expect(job.parameters).to.deep.equal({ Server: '"web01"' });
  });

  it('reports every Azure Resource Manager call as a dependency, with ids out of the name', async () => {
    await harness.untilRunbook('Restart-AppPool');
    const arm = dependencies.filter((d) => d.target === new URL(fake.url).host);
    expect(arm.length, 'dependencies reported for the ARM fake').to.be.greaterThan(0);
    const listRunbooks = arm.find((d) => d.name.startsWith('GET ') && d.name.endsWith('/runbooks'));
    expect(listRunbooks, `runbook list among ${arm.map((d) => d.name).join(', ')}`).to.not.equal(undefined);
    expect(listRunbooks!.success).to.equal(true);
    expect(listRunbooks!.name).to.not.contain(TEST_ACCOUNT.subscriptionId);
  });

  it('still runs local scripts (target local, the default for a script) on this machine', async () => {
    harness.user = someone();
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    const jobsBefore = fake.jobs.length;
    await harness.post(place, 'run Get-Greeting -name Local');
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    expect(cardText(await harness.jobCardWithStatus(posted.activityId, 'Completed', from))).to.contain('Hello, Local!');
    expect(fake.jobs.length).to.equal(jobsBefore);
  });
});
