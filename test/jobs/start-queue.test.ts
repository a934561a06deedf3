import { expect } from 'chai';
import { BoundedQueue } from '../../src/jobs/bounded-queue.js';
import { settle } from './support/fake-clock.js';
import { deferred } from './support/fake-executor.js';
import { alice, useJobWorld } from './support/harness.js';

describe('executor starts: at most startsInFlight at once', () => {
  const jobs = useJobWorld();

  it('asks the executor for two starts at a time; the rest start in submit order as earlier ones are accepted', async () => {
    await jobs.replaceService({ settings: { startsInFlight: 2 } });
    const { world, service } = jobs;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await service.submitText(alice, world.chat, 'Get-Report', {});
      if (result.kind !== 'started') throw new Error(`expected started, got ${result.kind}`);
      ids.push(result.job.id);
    }
    await settle();
    expect(world.executor.started.map((s) => s.spec.jobId)).to.deep.equal(ids.slice(0, 2));

    world.executor.run(ids[0]).accepted.resolve('exec-0');
    await settle(6);
    expect(world.executor.started.map((s) => s.spec.jobId)).to.deep.equal(ids.slice(0, 3));

    world.executor.run(ids[1]).accepted.reject(new Error('quota exceeded'));
    world.executor.run(ids[2]).accepted.resolve('exec-2');
    await settle(6);
    expect(world.executor.started.map((s) => s.spec.jobId)).to.deep.equal(ids);
    expect((await world.store.getJob(ids[0]))?.executorJobId).to.equal('exec-0');
    expect((await world.store.getJob(ids[1]))?.status).to.equal('failed');
    for (const id of ids.slice(3)) world.executor.run(id).accepted.resolve(`exec-${id}`);
  });
});

describe('BoundedQueue', () => {
  it('never runs more than its limit at once, and runs every task', async () => {
    const queue = new BoundedQueue(3);
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 10 }, () => deferred<void>());
    const done = gates.map((gate) =>
      queue.run(async () => {
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
      }),
    );
    await settle();
    expect(running).to.equal(3);
    // Release them out of order: a slot freed by any task goes to the oldest waiter.
    for (const index of [2, 0, 1, 5, 3, 4, 9, 8, 7, 6]) {
      gates[index].resolve();
      await settle();
    }
    expect(await Promise.all(done)).to.deep.equal(Array(10).fill(true));
    expect(most).to.equal(3);
  });

  it('a failing task frees its slot', async () => {
    const queue = new BoundedQueue(1);
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => undefined);
    const error = await failed.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error).with.property('message', 'boom');
    expect(await next).to.equal(true);
  });

  it('close() drops the tasks still waiting and lets the running one finish', async () => {
    const queue = new BoundedQueue(1);
    const gate = deferred<void>();
    const ran: string[] = [];
    const first = queue.run(async () => {
      await gate.promise;
      ran.push('first');
    });
    const second = queue.run(async () => {
      ran.push('second');
    });
    await settle();
    queue.close();
    gate.resolve();
    expect([await first, await second]).to.deep.equal([true, false]);
    expect(await queue.run(async () => void ran.push('after close'))).to.equal(false);
    expect(ran).to.deep.equal(['first']);
  });
});
