import { expect } from 'chai';
import type { JobService } from '../../src/jobs/job-service.js';
import { settle } from './support/fake-clock.js';
import { FakeExecutor } from './support/fake-executor.js';
import { alice, useJobWorld, type World } from './support/harness.js';

/** An executor that, like Azure Automation, offers targets besides the runbook's own. */
class TargetedExecutor extends FakeExecutor {
  offered = ['cloud', 'OnPrem-Web'];
  listingError?: Error;

  async targets(): Promise<string[]> {
    if (this.listingError) throw this.listingError;
    return this.offered;
  }
}

describe('JobService: choosing the target', () => {
  const jobs = useJobWorld((world) => {
    world.executor = new TargetedExecutor();
  });
  let world: World;
  let service: JobService;
  let executor: TargetedExecutor;
  beforeEach(() => {
    ({ world, service } = jobs);
    executor = world.executor as TargetedExecutor;
  });

  async function openForm() {
    const issued = await service.issueForm(alice, world.chat, 'Restart-AppPool');
    if (issued.kind !== 'form') throw new Error(`no form: ${issued.kind}`);
    return issued;
  }

  const submit = (formId: string, target?: string) =>
    service.submitForm(alice, world.chat, formId, { Server: 'web01' }, { cardActivityId: 'form-card', target });

  async function refusals() {
    return (await world.store.readAudit({})).filter((r) => r.action === 'request.refused').map((r) => r.detail);
  }

  it('offers the executor targets, the runbook own first, and runs on the chosen one', async () => {
    world.policy.targetChoosers.add('Restart-AppPool');
    const issued = await openForm();
    expect(issued.targetChoices).to.deep.equal(['local', 'cloud', 'OnPrem-Web']);

    const result = await submit(issued.form.id, 'onprem-web');
    expect(result.kind).to.equal('started');
    if (result.kind !== 'started') return;
    // Azure's spelling is kept, whatever the card sent.
    expect(result.job.target).to.equal('OnPrem-Web');
    await settle();
    expect(executor.run(result.job.id).spec.target).to.equal('OnPrem-Web');
    expect((await world.store.getJob(result.job.id))?.target).to.equal('OnPrem-Web');
  });

  it('offers no choice, and refuses a chosen target, when the policy does not allow choosing', async () => {
    const issued = await openForm();
    expect(issued.targetChoices).to.equal(undefined);

    const result = await submit(issued.form.id, 'OnPrem-Web');
    expect(result).to.include({ kind: 'forbidden_form' });
    expect((result as { reason: string }).reason).to.contain('You may not choose where Restart-AppPool runs here');
    expect(await refusals()).to.deep.equal([{ reason: 'target_not_allowed', target: 'OnPrem-Web' }]);
    expect(executor.started).to.have.length(0);

    // The form was not used up: sent again without a choice it runs on the runbook's own target.
    const again = await submit(issued.form.id);
    expect(again.kind).to.equal('started');
    if (again.kind === 'started') expect(again.job.target).to.equal('local');
  });

  it('refuses a target the executor does not offer, naming the ones it does', async () => {
    world.policy.targetChoosers.add('Restart-AppPool');
    const issued = await openForm();
    const result = await submit(issued.form.id, 'Nowhere');
    expect(result).to.deep.equal({ kind: 'forbidden_form', reason: '"Nowhere" is not a target of fake. Choose one of: cloud, OnPrem-Web (e.g. open the form again with `run Restart-AppPool`).' });
    expect(await refusals()).to.deep.equal([{ reason: 'unknown_target', target: 'Nowhere' }]);
    expect(executor.started).to.have.length(0);
  });

  it('still hands out the form, without a choice, when the targets cannot be listed', async () => {
    world.policy.targetChoosers.add('Restart-AppPool');
    executor.listingError = new Error('ARM unavailable');
    const issued = await openForm();
    expect(issued.kind).to.equal('form');
    expect(issued.targetChoices).to.equal(undefined);
  });
});
