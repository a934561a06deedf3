import { expect } from 'chai';
import { driftBetween, mergePublished } from '../../src/catalog/merge.js';
import { parameterFixture, runbookFixture } from '../support/runbook-fixtures.js';

const local = runbookFixture({
  name: 'Restart-AppPool', language: 'powershell', file: 'Restart-AppPool.ps1', contentHash: 'a'.repeat(64),
  parameters: [parameterFixture('Server', 'string', { required: true }), parameterFixture('Pool'), parameterFixture('Force', 'switch')],
});

describe('catalog: merging runbooks published in Azure Automation', () => {
  it('lists a published runbook without a local script as source azure, sorted with the local ones', () => {
    const remote = runbookFixture({ name: 'Azure-Only', language: 'python', file: undefined, source: 'azure' });
    const merged = mergePublished([local], [{ ...remote, source: 'local' }]);
    expect(merged.map((r) => [r.name, r.source])).to.deep.equal([['Azure-Only', 'azure'], ['Restart-AppPool', 'local']]);
  });

  it('shows a runbook on both sides once, as local+azure, with no drift when they agree', () => {
    const same = { ...local, source: 'azure' as const, contentHash: '' };
    const merged = mergePublished([local], [{ ...same, name: 'restart-apppool' }]);
    expect(merged).to.have.length(1);
    expect(merged[0]).to.include({ name: 'Restart-AppPool', source: 'local+azure', file: 'Restart-AppPool.ps1' });
    expect(merged[0]).to.not.have.property('drift');
  });

  it('lists every difference: parameters on one side only, type, required, content', () => {
    const published = runbookFixture({
      name: 'Restart-AppPool', language: 'powershell', file: undefined, source: 'azure', contentHash: 'b'.repeat(64),
      parameters: [parameterFixture('server', 'string', { required: false }), parameterFixture('Pool', 'int'), parameterFixture('Timeout', 'int')],
    });
    expect(driftBetween(local, published)).to.deep.equal([
      'parameter Server is required locally but optional in the published runbook',
      'parameter Pool is string locally but int in the published runbook',
      'parameter Force is not in the published runbook',
      'parameter Timeout is only in the published runbook',
      'content differs from the published runbook (local sha256 aaaaaaaaaaaa…, published bbbbbbbbbbbb…)',
    ]);
    expect(mergePublished([local], [published])[0].drift).to.have.length(5);
  });
});
