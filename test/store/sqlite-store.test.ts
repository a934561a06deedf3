import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'chai';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate, type Migration } from '../../src/store/sqlite/migrations.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract, storeUnderTest } from './store-contract.js';

const CONTENTION_PROCESS = fileURLToPath(new URL('./sqlite-contention-process.ts', import.meta.url));

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'switchboard-store-'));
}

describeStoreContract('sqlite', () => {
  const dir = tempDir();
  // A nested path: the store creates missing parent folders itself.
  const file = path.join(dir, 'nested', 'data', 'switchboard.db');
  return storeUnderTest(
    async () => {
      const store = new SqliteStore(file, silentLogger());
      await store.init();
      return store;
    },
    async () => rmSync(dir, { recursive: true, force: true }),
  );
});

describe('SqliteStore specifics', function () {
  let dir: string;

  beforeEach(function () {
    dir = tempDir();
  });

  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the database in WAL mode', async function () {
    const file = path.join(dir, 'wal.db');
    const store = new SqliteStore(file, silentLogger());
    await store.init();
    await store.close();
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      db.close();
    }
  });

  it('refuses calls before init with a clear message', async function () {
    const store = new SqliteStore(path.join(dir, 'closed.db'), silentLogger());
    let error: unknown;
    try {
      await store.getJob('x');
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.contain('call init() first');
    expect(await store.ready()).to.equal(false);
  });

  it('keeps data across close and re-open', async function () {
    const file = path.join(dir, 'persist.db');
    const first = new SqliteStore(file, silentLogger());
    await first.init();
    await first.setMarker('29:alice', 'new', '2024-05-01T00:00:00.000Z');
    await first.close();
    const second = new SqliteStore(file, silentLogger());
    await second.init();
    expect(await second.getMarker('29:alice', 'new')).to.equal('2024-05-01T00:00:00.000Z');
    await second.close();
  });

  it('refuses to change or delete audit records, even with direct SQL', async function () {
    const file = path.join(dir, 'audit.db');
    const store = new SqliteStore(file, silentLogger());
    await store.init();
    await store.appendAudit({ at: '2024-05-01T00:00:00.000Z', action: 'run.requested' });
    await store.close();
    const db = new BetterSqlite3(file);
    try {
      expect(() => db.prepare("UPDATE audit SET data = '{}'").run()).to.throw(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).to.throw(/append-only/);
      expect(db.prepare('SELECT COUNT(*) AS n FROM audit').get()).to.deep.equal({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('uses an index for history and listJobs queries', async function () {
    const db = new BetterSqlite3(':memory:');
    try {
      migrate(db, MIGRATIONS);
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
      expect(plan("SELECT data FROM jobs WHERE runbook_key = 'x' ORDER BY created_at DESC, id LIMIT 20")).to.match(
        /USING INDEX jobs_by_runbook/,
      );
      expect(plan("SELECT data FROM jobs WHERE requester_id = 'x' ORDER BY created_at DESC, id LIMIT 20")).to.match(
        /USING INDEX jobs_by_requester/,
      );
      expect(plan('SELECT data FROM jobs WHERE unsettled = 1 ORDER BY created_at DESC, id')).to.match(/USING INDEX jobs_unsettled/);
      expect(plan('SELECT data FROM jobs ORDER BY created_at DESC, id LIMIT 20')).to.not.match(/TEMP B-TREE/);
    } finally {
      db.close();
    }
  });

  it('stays consistent when several processes write the same file at once', async function () {
    // Four tsx processes start and contend; on a busy two-core machine that takes a while.
    this.timeout(90_000);
    const file = path.join(dir, 'contended.db');
    const setup = new SqliteStore(file, silentLogger());
    await setup.init();
    const [workers, rounds, forms] = [4, 60, 20];
    for (let i = 0; i < forms; i++)
      await setup.createForm({
        id: `form-${i}`,
        runbook: 'Restart-AppPool',
        userId: '29:alice',
        conversationKey: 'c',
        issuedAt: '2024-05-01T00:00:00.000Z',
        expiresAt: '2024-05-01T01:00:00.000Z',
      });
    const results = await Promise.all(
      Array.from(
        { length: workers },
        (_, worker) =>
          promisify(execFile)(
            process.execPath,
            ['--import', 'tsx', CONTENTION_PROCESS, JSON.stringify({ file, worker, rounds, forms })],
            { timeout: 60_000 },
          ).then(({ stdout }) => JSON.parse(stdout) as { formAnswers: (string | null)[]; leases: number[] }),
      ),
    );
    const output = await setup.readOutput('job1');
    expect(output.map((chunk) => chunk.seq)).to.deep.equal(Array.from({ length: workers * rounds }, (_, i) => i + 1));
    expect(new Set(output.map((chunk) => chunk.text)).size).to.equal(workers * rounds);
    const audit = await setup.readAudit({});
    expect(new Set(audit.map((record) => record.seq)).size).to.equal(workers * rounds);
    // Every lease went to exactly one worker.
    const leaseCounts = results.flatMap((result) => result.leases).length;
    expect(leaseCounts).to.equal(rounds);
    // Every form was won by exactly one submit; the others were told the winner's job.
    for (let i = 0; i < forms; i++) {
      const answers = results.map((result) => result.formAnswers[i]);
      expect(answers.filter((answer) => answer === null)).to.have.length(1);
      const winner = (await setup.getForm(`form-${i}`))?.jobId;
      expect(answers.filter((answer) => answer !== null)).to.deep.equal(Array(workers - 1).fill(winner));
    }
    await setup.close();
  });

  describe('migrations', function () {
    const createThings: Migration = { id: 1, name: 'things', up: 'CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT)' };
    const addColour: Migration = { id: 2, name: 'colour', up: 'ALTER TABLE things ADD COLUMN colour TEXT' };

    it('applies each migration once, and a new one when it appears', function () {
      const file = path.join(dir, 'migrations.db');
      const first = new BetterSqlite3(file);
      expect(migrate(first, [createThings])).to.deep.equal([1]);
      first.close();

      // Re-opening applies nothing again (CREATE TABLE would fail if it ran twice).
      const second = new BetterSqlite3(file);
      expect(migrate(second, [createThings])).to.deep.equal([]);
      expect(migrate(second, [createThings, addColour])).to.deep.equal([2]);
      second.prepare("INSERT INTO things (label, colour) VALUES ('a', 'red')").run();
      expect(migrate(second, [createThings, addColour])).to.deep.equal([]);
      const applied = second.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
      expect(applied).to.deep.equal([
        { id: 1, name: 'things' },
        { id: 2, name: 'colour' },
      ]);
      second.close();
    });

    it('rolls back a failing migration completely', function () {
      const db = new BetterSqlite3(':memory:');
      const broken: Migration = { id: 2, name: 'broken', up: 'CREATE TABLE half (id INTEGER); SELECT * FROM missing_table' };
      try {
        migrate(db, [createThings]);
        expect(() => migrate(db, [createThings, broken])).to.throw(/missing_table/);
        expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).to.equal(undefined);
        expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).to.deep.equal({ n: 1 });
      } finally {
        db.close();
      }
    });

    it('runs function migrations and refuses ids out of order', function () {
      const db = new BetterSqlite3(':memory:');
      try {
        const seed: Migration = { id: 2, name: 'seed', up: (conn) => conn.prepare("INSERT INTO things (label) VALUES ('seeded')").run() };
        expect(migrate(db, [createThings, seed])).to.deep.equal([1, 2]);
        expect(db.prepare('SELECT label FROM things').all()).to.deep.equal([{ label: 'seeded' }]);
        expect(() => migrate(db, [seed, createThings])).to.throw(/must increase/);
      } finally {
        db.close();
      }
    });
  });
});
