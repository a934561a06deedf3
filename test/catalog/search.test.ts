import { expect } from 'chai';
import { SearchIndex } from '../../src/catalog/search-index.js';
import { closestMatches, editDistance } from '../../src/catalog/similarity.js';
import { parameterFixture, runbookFixture } from '../support/runbook-fixtures.js';

const RUNBOOKS = [
  runbookFixture({ name: 'Restart-AppPool', language: 'powershell', file: 'Restart-AppPool.ps1', category: 'IIS', tags: ['incident'], synopsis: 'Recycle an IIS pool' }),
  runbookFixture({ name: 'Get-DiskReport', language: 'powershell', file: 'Get-DiskReport.ps1', category: 'Storage', tags: ['report'], synopsis: 'Free space per pool of volumes' }),
  runbookFixture({ name: 'Pool', language: 'python', file: 'Pool.py', category: 'General', synopsis: 'Exact name match' }),
  runbookFixture({ name: 'Sql-Blocking', language: 'python', file: 'Sql-Blocking.py', category: 'SQL', tags: ['incident', 'database', 'pool'], synopsis: 'Who blocks whom in SQL' }),
  runbookFixture({ name: 'Migrate-Share', language: 'powershell', file: 'Migrate-Share.ps1', category: 'Storage', synopsis: 'Move a share', parameters: [parameterFixture('PoolName')] }),
  runbookFixture({ name: 'Incident-Bridge', language: 'python', file: 'Incident-Bridge.py', category: 'ITSM', synopsis: 'Open a bridge' }),
];

describe('catalog: search and suggestions', () => {
  const index = new SearchIndex(RUNBOOKS);
  const names = (query: string, limit?: number) => index.search(query, limit).map((h) => h.runbook.name);

  it('ranks the name above tags/category, above the synopsis, above description and parameter names', () => {
    expect(names('pool')).to.deep.equal(['Pool', 'Restart-AppPool', 'Sql-Blocking', 'Get-DiskReport', 'Migrate-Share']);
    const scores = index.search('pool').map((h) => h.score);
    expect(scores).to.deep.equal([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size, 'each field has its own weight').to.equal(scores.length);
    expect(names('incident')).to.deep.equal(['Incident-Bridge', 'Restart-AppPool', 'Sql-Blocking']);
    expect(names('storage')).to.deep.equal(['Get-DiskReport', 'Migrate-Share']);
  });

  it('requires every word (AND), case-insensitively, and honours the limit', () => {
    expect(names('INCIDENT sql')).to.deep.equal(['Sql-Blocking']);
    expect(names('incident nothing-matches')).to.deep.equal([]);
    expect(names('pool', 2)).to.deep.equal(['Pool', 'Restart-AppPool']);
    expect(names('   ')).to.deep.equal([]);
  });

  it('suggests close names for typos and partial names, closest first', () => {
    const all = RUNBOOKS.map((r) => r.name);
    expect(closestMatches('Restart-AppPol', all)).to.deep.equal(['Restart-AppPool']);
    expect(closestMatches('sql-blokcing', all)).to.deep.equal(['Sql-Blocking']);
    expect(closestMatches('diskreport', all)).to.deep.equal(['Get-DiskReport']);
    expect(closestMatches('zzzzzz', all)).to.deep.equal([]);
    expect(closestMatches('pool', ['Pool', 'Poll', 'Restart-AppPool'], 2)).to.deep.equal(['Pool', 'Poll']);
  });

  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('abc', 'acb')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
    expect(editDistance('', 'abc')).to.equal(3);
  });
});
