/**
 * Every behaviour of the Store interface, written once and run against each backend. A backend
 * passes by behaving the same as the others here, so callers never need to know which one runs.
 */
import { expect } from 'chai';
import type { ConversationInfo } from '../../src/domain/conversation.js';
import { SECRET_MASK, type Job, type JobStatus, type Principal } from '../../src/domain/job.js';
import { DEFAULT_HISTORY_LIMIT, MAX_OUTPUT_CHUNK_CHARS } from '../../src/store/limits.js';
import {
  ConflictError,
  NotFoundError,
  type CatalogSnapshotEntry,
  type FormGrant,
  type FrictionItem,
  type Store,
} from '../../src/store/store.js';

/**
 * Builds the harness for a backend from how to open one instance over the test's data and how to
 * remove that data afterwards.
 */
export async function storeUnderTest(open: () => Promise<Store>, removeData: () => Promise<void>): Promise<StoreUnderTest> {
  const store = await open();
  return {
    store,
    openPeer: open,
    cleanup: async () => {
      await store.close();
      await removeData();
    },
  };
}

export interface StoreUnderTest {
  store: Store;
  /** Another instance of the same backend over the same data, as a second bot process would open it. */
  openPeer(): Promise<Store>;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

const BASE = Date.parse('2024-05-01T10:00:00.000Z');
/** A fixed point in time `minutes` after the base, so orderings are deterministic. */
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

const alice: Principal = { id: '29:alice', name: 'Alice', aadObjectId: 'aad-alice' };
const bob: Principal = { id: '29:bob', name: 'Bob' };
const CHANNEL = '19:ops@thread.tacv2;messageid=1700000000000';
const CHAT = 'a:1on1/with#odd?chars';

function makeJob(overrides: Partial<Omit<Job, 'version'>> = {}): Omit<Job, 'version'> {
  return {
    id: 'job1',
    runbook: 'Restart-AppPool',
    parameters: { Server: 'web01', Pool: 'api', Force: true, Password: SECRET_MASK, Retries: 3 },
    requester: alice,
    conversationKey: CHANNEL,
    target: 'local',
    executor: 'local',
    status: 'queued',
    createdAt: at(0),
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  if (!error) expect.fail('expected the call to fail, but it succeeded');
  return error as Error;
}

const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id);

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, function () {
    let sut: StoreUnderTest;
    let store: Store;
    let peers: Store[];

    /** A second instance sharing the data; closed after the test. */
    async function peer(): Promise<Store> {
      const opened = await sut.openPeer();
      peers.push(opened);
      return opened;
    }

    beforeEach(async function () {
      sut = await makeStore();
      store = sut.store;
      peers = [];
    });

    afterEach(async function () {
      for (const opened of peers) await opened.close();
      await sut.cleanup();
    });

    describe('lifecycle', function () {
      it('is ready after init, and init can run again', async function () {
        await store.init();
        expect(await store.ready()).to.equal(true);
      });
    });

    describe('jobs', function () {
      it('creates a job at version 1 and reads it back unchanged', async function () {
        const job = makeJob({
          cardActivityId: 'act-1',
          approvals: [{ by: bob, decision: 'approved', at: at(1), comment: 'ok' }],
          progress: 40,
        });
        const created = await store.createJob(job);
        expect(created).to.deep.equal({ ...job, version: 1 });
        expect(await store.getJob('job1')).to.deep.equal({ ...job, version: 1 });
      });

      it('answers undefined for an unknown job', async function () {
        expect(await store.getJob('nope')).to.equal(undefined);
      });

      it('refuses a second job with the same id', async function () {
        await store.createJob(makeJob());
        expect(await failure(store.createJob(makeJob({ runbook: 'Other' })))).to.be.instanceOf(ConflictError);
        expect((await store.getJob('job1'))?.runbook).to.equal('Restart-AppPool');
      });

      it('refuses a creation time that is not a date', async function () {
        expect(await failure(store.createJob(makeJob({ createdAt: 'yesterday' })))).to.be.instanceOf(TypeError);
      });

      it('updates with the current version and stores version + 1', async function () {
        const created = await store.createJob(makeJob());
        const updated = await store.updateJob({ ...created, status: 'running', startedAt: at(1), executorJobId: 'pid-7' });
        expect(updated.version).to.equal(2);
        expect(await store.getJob('job1')).to.deep.equal(updated);
        const again = await store.updateJob({ ...updated, status: 'completed', endedAt: at(2), exitCode: 0 });
        expect(again.version).to.equal(3);
        expect((await store.getJob('job1'))?.status).to.equal('completed');
      });

      it('rejects an update from a stale version and keeps the stored job', async function () {
        const created = await store.createJob(makeJob());
        await store.updateJob({ ...created, status: 'running' });
        const error = await failure(store.updateJob({ ...created, status: 'cancelled' }));
        expect(error).to.be.instanceOf(ConflictError);
        expect(error.message).to.contain('job1');
        expect(await store.getJob('job1')).to.include({ status: 'running', version: 2 });
      });

      it('rejects an update of a job that does not exist', async function () {
        expect(await failure(store.updateJob({ ...makeJob({ id: 'ghost' }), version: 1 }))).to.be.instanceOf(NotFoundError);
      });

      it('lets exactly one of two instances win a concurrent update', async function () {
        const other = await peer();
        const created = await store.createJob(makeJob());
        const results = await Promise.allSettled([
          store.updateJob({ ...created, status: 'completed' }),
          other.updateJob({ ...created, status: 'failed' }),
        ]);
        const won = results.filter((result) => result.status === 'fulfilled');
        const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(won).to.have.length(1);
        expect(lost).to.have.length(1);
        expect(lost[0].reason).to.be.instanceOf(ConflictError);
        const stored = await store.getJob('job1');
        expect(stored?.version).to.equal(2);
        expect(stored?.status).to.equal((won[0] as PromiseFulfilledResult<Job>).value.status);
      });

      describe('listJobs', function () {
        beforeEach(async function () {
          const rows: [string, Principal, string, string, JobStatus, number][] = [
            ['a1', alice, CHANNEL, 'Restart-AppPool', 'completed', 1],
            ['a2', alice, CHAT, 'Get-DiskSpace', 'running', 2],
            ['b1', bob, CHANNEL, 'restart-apppool', 'failed', 3],
            ['a3', alice, CHANNEL, 'Get-DiskSpace', 'queued', 4],
            ['b2', bob, CHAT, 'Restart-AppPool', 'pending_approval', 5],
          ];
          for (const [id, requester, conversationKey, runbook, status, minute] of rows)
            await store.createJob(makeJob({ id, requester, conversationKey, runbook, status, createdAt: at(minute) }));
        });

        it('lists every job newest first without a filter', async function () {
          expect(ids(await store.listJobs({}))).to.deep.equal(['b2', 'a3', 'b1', 'a2', 'a1']);
        });

        it('filters by requester, conversation, runbook (any case) and status', async function () {
          expect(ids(await store.listJobs({ requesterId: alice.id }))).to.deep.equal(['a3', 'a2', 'a1']);
          expect(ids(await store.listJobs({ conversationKey: CHAT }))).to.deep.equal(['b2', 'a2']);
          expect(ids(await store.listJobs({ runbook: 'RESTART-APPPOOL' }))).to.deep.equal(['b2', 'b1', 'a1']);
          expect(ids(await store.listJobs({ statuses: ['completed', 'failed'] }))).to.deep.equal(['b1', 'a1']);
          expect(ids(await store.listJobs({ statuses: ['queued', 'running', 'pending_approval'] }))).to.deep.equal([
            'b2',
            'a3',
            'a2',
          ]);
        });

        it('combines filters and applies the limit after filtering', async function () {
          expect(ids(await store.listJobs({ requesterId: alice.id, conversationKey: CHANNEL }))).to.deep.equal(['a3', 'a1']);
          expect(ids(await store.listJobs({ conversationKey: CHANNEL, statuses: ['failed', 'queued'], limit: 1 }))).to.deep.equal([
            'a3',
          ]);
          expect(ids(await store.listJobs({ runbook: 'get-diskspace', requesterId: alice.id, statuses: ['running'] }))).to.deep.equal([
            'a2',
          ]);
          expect(ids(await store.listJobs({ limit: 2 }))).to.deep.equal(['b2', 'a3']);
        });

        it('returns nothing for an empty status list, a zero limit or an unknown requester', async function () {
          expect(await store.listJobs({ statuses: [] })).to.deep.equal([]);
          expect(await store.listJobs({ limit: 0 })).to.deep.equal([]);
          expect(await store.listJobs({ requesterId: '29:nobody' })).to.deep.equal([]);
        });

        it('follows status changes between in-flight and final', async function () {
          const a3 = (await store.getJob('a3'))!;
          await store.updateJob({ ...a3, status: 'completed', endedAt: at(9) });
          expect(ids(await store.listJobs({ statuses: ['queued', 'running'] }))).to.deep.equal(['a2']);
          expect(ids(await store.listJobs({ statuses: ['completed'] }))).to.deep.equal(['a3', 'a1']);
          const a1 = (await store.getJob('a1'))!;
          await store.updateJob({ ...a1, status: 'running' });
          expect(ids(await store.listJobs({ statuses: ['running'] }))).to.deep.equal(['a2', 'a1']);
        });

        it('lists unsettled jobs (not final, or final card not delivered) and the settled rest', async function () {
          expect(ids(await store.listJobs({ unsettled: true }))).to.deep.equal(['b2', 'a3', 'b1', 'a2', 'a1']);
          for (const id of ['a1', 'b1']) {
            const job = (await store.getJob(id))!;
            await store.updateJob({ ...job, finalCardSent: true });
          }
          expect(ids(await store.listJobs({ unsettled: true }))).to.deep.equal(['b2', 'a3', 'a2']);
          expect(ids(await store.listJobs({ unsettled: false }))).to.deep.equal(['b1', 'a1']);
          expect(ids(await store.listJobs({ unsettled: true, requesterId: alice.id, limit: 1 }))).to.deep.equal(['a3']);
          const a2 = (await store.getJob('a2'))!;
          await store.updateJob({ ...a2, status: 'completed' });
          expect(ids(await store.listJobs({ unsettled: true, statuses: ['completed'] }))).to.deep.equal(['a2']);
          const done = (await store.getJob('a2'))!;
          await store.updateJob({ ...done, finalCardSent: true });
          expect(ids(await store.listJobs({ unsettled: true }))).to.deep.equal(['b2', 'a3']);
        });

        it('follows a job whose conversation changes', async function () {
          const a1 = (await store.getJob('a1'))!;
          await store.updateJob({ ...a1, conversationKey: CHAT });
          expect(ids(await store.listJobs({ conversationKey: CHAT }))).to.deep.equal(['b2', 'a2', 'a1']);
          expect(ids(await store.listJobs({ conversationKey: CHANNEL }))).to.deep.equal(['a3', 'b1']);
        });
      });
    });

    describe('output', function () {
      const chunk = (text: string, minute = 0) => ({ stream: 'output' as const, text, at: at(minute) });

      it('numbers chunks from 1 in append order across calls', async function () {
        await store.appendOutput('job1', [chunk('one'), { stream: 'error', text: 'two', at: at(1) }]);
        await store.appendOutput('job1', [chunk('three', 2)]);
        expect(await store.readOutput('job1')).to.deep.equal([
          { jobId: 'job1', seq: 1, stream: 'output', text: 'one', at: at(0) },
          { jobId: 'job1', seq: 2, stream: 'error', text: 'two', at: at(1) },
          { jobId: 'job1', seq: 3, stream: 'output', text: 'three', at: at(2) },
        ]);
      });

      it('reads after a sequence number and up to a limit', async function () {
        await store.appendOutput('job1', ['a', 'b', 'c', 'd', 'e'].map((text) => chunk(text)));
        expect((await store.readOutput('job1', 2)).map((c) => c.text)).to.deep.equal(['c', 'd', 'e']);
        expect((await store.readOutput('job1', 1, 2)).map((c) => c.seq)).to.deep.equal([2, 3]);
        expect(await store.readOutput('job1', 5)).to.deep.equal([]);
      });

      it('keeps the output of each job apart and answers empty for a job without output', async function () {
        await store.appendOutput('job1', [chunk('mine')]);
        await store.appendOutput('job2', [chunk('yours')]);
        await store.appendOutput('job2', []);
        expect((await store.readOutput('job2')).map((c) => [c.seq, c.text])).to.deep.equal([[1, 'yours']]);
        expect(await store.readOutput('job3')).to.deep.equal([]);
      });

      it('stores hundreds of chunks from one call in order', async function () {
        const many = Array.from({ length: 250 }, (_, i) => chunk(`line ${i + 1}`));
        await store.appendOutput('job1', many);
        const read = await store.readOutput('job1');
        expect(read.map((c) => c.seq)).to.deep.equal(many.map((_, i) => i + 1));
        expect(read[249].text).to.equal('line 250');
      });

      it('keeps a 100,000-character chunk whole and splits an oversized one into consecutive chunks', async function () {
        const large = 'x'.repeat(99_999) + '€';
        await store.appendOutput('job1', [chunk(large)]);
        // An emoji (a surrogate pair) straddles the split point: it must survive intact.
        const oversized = 'y'.repeat(MAX_OUTPUT_CHUNK_CHARS - 1) + '😀' + 'z'.repeat(10);
        await store.appendOutput('job1', [chunk(oversized), chunk('after')]);
        const read = await store.readOutput('job1');
        expect(read[0].text).to.equal(large);
        expect(read.map((c) => c.seq)).to.deep.equal([1, 2, 3, 4]);
        expect(read[1].text.length).to.be.at.most(MAX_OUTPUT_CHUNK_CHARS);
        expect(read[1].text + read[2].text).to.equal(oversized);
        expect(read[3].text).to.equal('after');
      });

      it('gives unique, gap-free numbers when two instances append at once', async function () {
        const other = await peer();
        await Promise.all(
          Array.from({ length: 10 }, (_, call) =>
            (call % 2 ? other : store).appendOutput('job1', [0, 1, 2].map((part) => chunk(`${call}.${part}`))),
          ),
        );
        const read = await store.readOutput('job1');
        expect(read.map((c) => c.seq)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
        // Each call's chunks stay together and in order.
        for (let i = 0; i < 30; i += 3) {
          const call = read[i].text.split('.')[0];
          expect(read.slice(i, i + 3).map((c) => c.text)).to.deep.equal([`${call}.0`, `${call}.1`, `${call}.2`]);
        }
      });
    });

    describe('history', function () {
      it('lists runs of one runbook newest first, any case, with what was run and how it ended', async function () {
        const first = await store.createJob(makeJob({ id: 'h1', createdAt: at(1) }));
        await store.updateJob({ ...first, status: 'completed', endedAt: at(2) });
        await store.createJob(makeJob({ id: 'h2', runbook: 'restart-apppool', requester: bob, createdAt: at(3), status: 'failed' }));
        await store.createJob(makeJob({ id: 'other', runbook: 'Get-DiskSpace', createdAt: at(4) }));
        const history = await store.history('RESTART-APPPOOL');
        expect(history).to.deep.equal([
          {
            jobId: 'h2',
            runbook: 'restart-apppool',
            requester: bob,
            parameters: makeJob().parameters,
            status: 'failed',
            conversationKey: CHANNEL,
            createdAt: at(3),
          },
          {
            jobId: 'h1',
            runbook: 'Restart-AppPool',
            requester: alice,
            parameters: makeJob().parameters,
            status: 'completed',
            conversationKey: CHANNEL,
            createdAt: at(1),
            endedAt: at(2),
          },
        ]);
        expect(await store.history('Unknown-Runbook')).to.deep.equal([]);
      });

      it(`returns the newest ${DEFAULT_HISTORY_LIMIT} by default and honours a limit`, async function () {
        for (let i = 1; i <= DEFAULT_HISTORY_LIMIT + 3; i++) await store.createJob(makeJob({ id: `h${i}`, createdAt: at(i) }));
        const history = await store.history('Restart-AppPool');
        expect(history).to.have.length(DEFAULT_HISTORY_LIMIT);
        expect(history[0].jobId).to.equal(`h${DEFAULT_HISTORY_LIMIT + 3}`);
        expect((await store.history('Restart-AppPool', 2)).map((h) => h.jobId)).to.deep.equal([
          `h${DEFAULT_HISTORY_LIMIT + 3}`,
          `h${DEFAULT_HISTORY_LIMIT + 2}`,
        ]);
      });
    });

    describe('friction', function () {
      const item = (id: string, minute: number): FrictionItem => ({
        id,
        text: `the form for ${id} is confusing`,
        reporter: bob,
        conversationKey: CHANNEL,
        createdAt: at(minute),
        ...(minute % 2 ? { jobId: 'job1', runbook: 'Restart-AppPool' } : {}),
      });

      it('lists friction newest first, up to a limit', async function () {
        await store.addFriction(item('f1', 1));
        await store.addFriction(item('f3', 3));
        await store.addFriction(item('f2', 2));
        expect(await store.listFriction()).to.deep.equal([item('f3', 3), item('f2', 2), item('f1', 1)]);
        expect((await store.listFriction(2)).map((f) => f.id)).to.deep.equal(['f3', 'f2']);
      });

      it('refuses the same item twice', async function () {
        await store.addFriction(item('f1', 1));
        expect(await failure(store.addFriction(item('f1', 1)))).to.be.instanceOf(ConflictError);
        expect(await store.listFriction()).to.have.length(1);
      });
    });

    describe('conversations', function () {
      const conversation = (key: string, name: string): ConversationInfo => ({
        key,
        kind: 'channel',
        tenantId: 'tenant',
        teamId: 'team',
        channelId: key,
        name,
        serviceUrl: 'http://127.0.0.1:1/',
        reference: { conversation: { id: key }, bot: { id: 'bot' }, nested: [1, 'two', { three: true }] },
        updatedAt: at(0),
      });

      it('saves, replaces, reads and lists conversation references', async function () {
        await store.saveConversation(conversation(CHANNEL, 'inc-database'));
        await store.saveConversation(conversation(CHAT, 'ops'));
        await store.saveConversation({ ...conversation(CHANNEL, 'inc-db-renamed'), updatedAt: at(5) });
        expect(await store.getConversation(CHANNEL)).to.deep.equal({ ...conversation(CHANNEL, 'inc-db-renamed'), updatedAt: at(5) });
        expect(await store.getConversation(CHAT)).to.deep.equal(conversation(CHAT, 'ops'));
        expect(await store.getConversation('19:unknown')).to.equal(undefined);
        const listed = await store.listConversations();
        expect(listed.map((c) => c.name).sort()).to.deep.equal(['inc-db-renamed', 'ops']);
      });
    });

    describe('catalog snapshots', function () {
      const entry = (name: string, contentHash = `${name}-v1`): CatalogSnapshotEntry => ({
        name,
        contentHash,
        synopsis: `${name} does things`,
        category: 'Azure',
      });

      it('reports added, changed and removed runbooks against the previous snapshot', async function () {
        const first = await store.recordCatalog([entry('Zeta'), entry('Alpha')], at(0));
        expect(first).to.deep.equal([
          { name: 'Alpha', change: 'added', at: at(0), synopsis: 'Alpha does things', category: 'Azure' },
          { name: 'Zeta', change: 'added', at: at(0), synopsis: 'Zeta does things', category: 'Azure' },
        ]);
        expect(await store.recordCatalog([entry('Alpha'), entry('Zeta')], at(1))).to.deep.equal([]);
        const second = await store.recordCatalog([entry('Alpha', 'Alpha-v2'), entry('Beta')], at(2));
        expect(second.map((c) => [c.name, c.change, c.at])).to.deep.equal([
          ['Alpha', 'changed', at(2)],
          ['Beta', 'added', at(2)],
          ['Zeta', 'removed', at(2)],
        ]);
        expect(await store.recordCatalog([entry('Alpha', 'Alpha-v2'), entry('Beta')], at(3))).to.deep.equal([]);
      });

      it('lists changes since a time, oldest first', async function () {
        await store.recordCatalog([entry('Alpha')], at(0));
        await store.recordCatalog([entry('Alpha'), entry('Beta')], at(10));
        await store.recordCatalog([entry('Beta', 'Beta-v2')], at(20));
        const since = await store.catalogChanges(at(10));
        expect(since.map((c) => [c.name, c.change, c.at])).to.deep.equal([
          ['Beta', 'added', at(10)],
          ['Alpha', 'removed', at(20)],
          ['Beta', 'changed', at(20)],
        ]);
        expect(await store.catalogChanges(at(0))).to.have.length(4);
        expect(await store.catalogChanges(at(21))).to.deep.equal([]);
        expect(await failure(store.catalogChanges('last tuesday'))).to.be.instanceOf(TypeError);
      });

      it('logs each change once when two instances record the same catalog at once', async function () {
        const other = await peer();
        const catalog = ['A', 'B', 'C', 'D'].map((name) => entry(name));
        const [mine, theirs] = await Promise.all([store.recordCatalog(catalog, at(0)), other.recordCatalog(catalog, at(0))]);
        expect([...mine, ...theirs].map((c) => c.name).sort()).to.deep.equal(['A', 'B', 'C', 'D']);
        expect((await store.catalogChanges(at(0))).map((c) => c.name).sort()).to.deep.equal(['A', 'B', 'C', 'D']);
      });
    });

    describe('markers', function () {
      it('remembers a value per user and name', async function () {
        expect(await store.getMarker(alice.id, 'new')).to.equal(undefined);
        await store.setMarker(alice.id, 'new', at(1));
        await store.setMarker(bob.id, 'new', at(2));
        await store.setMarker(alice.id, 'other', 'x');
        await store.setMarker(alice.id, 'new', at(3));
        expect(await store.getMarker(alice.id, 'new')).to.equal(at(3));
        expect(await store.getMarker(bob.id, 'new')).to.equal(at(2));
        expect(await store.getMarker(alice.id, 'other')).to.equal('x');
      });
    });

    describe('forms', function () {
      const form: FormGrant = {
        id: 'form-1',
        runbook: 'Restart-AppPool',
        userId: alice.id,
        conversationKey: CHANNEL,
        issuedAt: at(0),
        expiresAt: at(30),
      };

      it('stores a form and refuses a second one with the same id', async function () {
        await store.createForm(form);
        expect(await store.getForm('form-1')).to.deep.equal(form);
        expect(await store.getForm('form-2')).to.equal(undefined);
        expect(await failure(store.createForm({ ...form, runbook: 'Other' }))).to.be.instanceOf(ConflictError);
      });

      it('binds the first job and answers later submits with that job', async function () {
        await store.createForm(form);
        expect(await store.useForm('form-1', 'jobA')).to.equal(undefined);
        expect(await store.useForm('form-1', 'jobB')).to.equal('jobA');
        expect(await store.useForm('form-1', 'jobA')).to.equal('jobA');
        expect(await store.getForm('form-1')).to.deep.equal({ ...form, jobId: 'jobA' });
      });

      it('refuses to use a form that was never issued', async function () {
        expect(await failure(store.useForm('forged', 'jobA'))).to.be.instanceOf(NotFoundError);
      });

      it('lets exactly one of many concurrent submits win, across instances', async function () {
        const other = await peer();
        await store.createForm(form);
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).useForm('form-1', `job${i}`)),
        );
        const winners = answers
          .map((answer, i) => (answer === undefined ? `job${i}` : undefined))
          .filter((id): id is string => id !== undefined);
        expect(winners).to.have.length(1);
        expect(answers.filter((answer) => answer !== undefined)).to.deep.equal(Array(9).fill(winners[0]));
        expect((await store.getForm('form-1'))?.jobId).to.equal(winners[0]);
      });
    });

    describe('audit', function () {
      it('numbers records in append order and reads them back in that order', async function () {
        const requested = {
          at: at(1),
          action: 'run.requested',
          actor: alice,
          jobId: 'job1',
          runbook: 'Restart-AppPool',
          conversationKey: CHANNEL,
          detail: { rule: 'ops-can-run', parameters: ['Server'] },
        };
        await store.appendAudit(requested);
        await store.appendAudit({ at: at(2), action: 'job.started', jobId: 'job1' });
        await store.appendAudit({ at: at(3), action: 'request.refused', actor: bob, seq: 999 });
        const records = await store.readAudit({});
        expect(records.map((r) => r.action)).to.deep.equal(['run.requested', 'job.started', 'request.refused']);
        const seqs = records.map((r) => r.seq!);
        expect(seqs[0]).to.be.below(seqs[1]);
        expect(seqs[1]).to.be.below(seqs[2]);
        expect(records[0]).to.deep.equal({ seq: seqs[0], ...requested });
      });

      it('filters by job and time and honours a limit', async function () {
        await store.appendAudit({ at: at(1), action: 'run.requested', jobId: 'job1' });
        await store.appendAudit({ at: at(2), action: 'run.requested', jobId: 'job2' });
        await store.appendAudit({ at: at(3), action: 'job.finished', jobId: 'job1' });
        await store.appendAudit({ at: at(4), action: 'job.finished', jobId: 'job2' });
        expect((await store.readAudit({ jobId: 'job1' })).map((r) => r.at)).to.deep.equal([at(1), at(3)]);
        expect((await store.readAudit({ since: at(2) })).map((r) => r.at)).to.deep.equal([at(2), at(3), at(4)]);
        expect((await store.readAudit({ since: at(2), jobId: 'job2', limit: 1 })).map((r) => r.at)).to.deep.equal([at(2)]);
        expect((await store.readAudit({ limit: 2 })).map((r) => r.at)).to.deep.equal([at(1), at(2)]);
      });

      it('keeps every record with a unique number when two instances append at once', async function () {
        const other = await peer();
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? other : store).appendAudit({ at: at(i), action: `a${i}` })),
        );
        const records = await store.readAudit({});
        expect(records.map((r) => r.action).sort()).to.deep.equal(Array.from({ length: 12 }, (_, i) => `a${i}`).sort());
        expect(new Set(records.map((r) => r.seq)).size).to.equal(12);
      });
    });

    describe('leases', function () {
      const now = new Date(BASE);
      const later = (ms: number) => new Date(BASE + ms);
      const RESOURCE = 'job:4k2x/tracking';

      it('grants a free lease until now + ttl', async function () {
        expect(await store.acquireLease(RESOURCE, 'instance-a', 30_000, now)).to.deep.equal({
          resource: RESOURCE,
          owner: 'instance-a',
          expiresAt: new Date(BASE + 30_000).toISOString(),
        });
      });

      it('refuses a lease someone else holds and renews it for its owner', async function () {
        await store.acquireLease(RESOURCE, 'instance-a', 30_000, now);
        expect(await store.acquireLease(RESOURCE, 'instance-b', 30_000, later(10_000))).to.equal(undefined);
        const renewed = await store.acquireLease(RESOURCE, 'instance-a', 30_000, later(20_000));
        expect(renewed?.expiresAt).to.equal(new Date(BASE + 50_000).toISOString());
        expect(await store.acquireLease(RESOURCE, 'instance-b', 30_000, later(40_000))).to.equal(undefined);
      });

      it('lets another owner take over an expired lease, shutting out the old owner', async function () {
        await store.acquireLease(RESOURCE, 'instance-a', 30_000, now);
        const takeover = await store.acquireLease(RESOURCE, 'instance-b', 30_000, later(30_000));
        expect(takeover?.owner).to.equal('instance-b');
        expect(await store.acquireLease(RESOURCE, 'instance-a', 30_000, later(31_000))).to.equal(undefined);
      });

      it('releases only for the owner', async function () {
        await store.acquireLease(RESOURCE, 'instance-a', 30_000, now);
        await store.releaseLease(RESOURCE, 'instance-b');
        expect(await store.acquireLease(RESOURCE, 'instance-b', 30_000, now)).to.equal(undefined);
        await store.releaseLease(RESOURCE, 'instance-a');
        expect((await store.acquireLease(RESOURCE, 'instance-b', 30_000, now))?.owner).to.equal('instance-b');
        await store.releaseLease('job:never-leased', 'instance-a');
      });

      it('keeps leases on different resources apart', async function () {
        await store.acquireLease('job:1', 'instance-a', 30_000, now);
        expect((await store.acquireLease('job:2', 'instance-b', 30_000, now))?.owner).to.equal('instance-b');
      });

      it('refuses a ttl that is not positive', async function () {
        expect(await failure(store.acquireLease(RESOURCE, 'instance-a', 0, now))).to.be.instanceOf(RangeError);
      });

      it('grants a contested lease to exactly one of many instances', async function () {
        const other = await peer();
        const attempts = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).acquireLease(RESOURCE, `instance-${i}`, 30_000, now)),
        );
        const granted = attempts.filter((lease) => lease !== undefined);
        expect(granted).to.have.length(1);
        expect(await store.acquireLease(RESOURCE, 'late-comer', 30_000, now)).to.equal(undefined);
        expect((await other.acquireLease(RESOURCE, granted[0]!.owner, 30_000, later(1000)))?.owner).to.equal(granted[0]!.owner);
      });

      it('lets exactly one instance take over an expired lease', async function () {
        const other = await peer();
        await store.acquireLease(RESOURCE, 'dead-instance', 30_000, now);
        const attempts = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).acquireLease(RESOURCE, `instance-${i}`, 30_000, later(60_000))),
        );
        expect(attempts.filter((lease) => lease !== undefined)).to.have.length(1);
      });
    });
  });
}
