import { expect } from 'chai';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';

describe('GroupCommit (small writes close together share one transaction)', () => {
  it('commits the writes of one turn of the event loop together, the last value per key, then settles every caller', async () => {
    const transactions: string[][] = [];
    const commits = new GroupCommit<string>((values) => transactions.push(values));
    const saves = [commits.write('a', 'a1'), commits.write('b', 'b1'), commits.write('a', 'a2')];
    expect(transactions, 'nothing is written before the turn ends').to.deep.equal([]);
    await Promise.all(saves);
    expect(transactions).to.deep.equal([['a2', 'b1']]);
    await commits.write('c', 'c1');
    expect(transactions).to.deep.equal([['a2', 'b1'], ['c1']]);
  });

  it('commits what is pending at once when flushed (before a read), and the scheduled commit finds nothing left', async () => {
    const transactions: string[][] = [];
    const commits = new GroupCommit<string>((values) => transactions.push(values));
    const saved = commits.write('a', 'a1');
    commits.flush();
    expect(transactions).to.deep.equal([['a1']]);
    await saved;
    await new Promise((resolve) => setImmediate(resolve));
    expect(transactions).to.have.length(1);
  });

  it('rejects every write of a failed transaction, and the next writes go on', async () => {
    let fail = true;
    const commits = new GroupCommit<string>(() => {
      if (fail) throw new Error('SQLITE_BUSY: database is locked');
    });
    const results = await Promise.allSettled([commits.write('a', 'a1'), commits.write('b', 'b1')]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).to.deep.equal([
      'SQLITE_BUSY: database is locked',
      'SQLITE_BUSY: database is locked',
    ]);
    fail = false;
    await commits.write('c', 'c1');
  });
});
