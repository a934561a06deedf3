import { expect } from 'chai';
import { SECRET_MASK } from '../../src/domain/job.js';
import { maskSecrets } from '../../src/validation/mask.js';
import { param, sampleRunbook } from './sample-runbook.js';

describe('maskSecrets', () => {
  const runbook = sampleRunbook([
    param('Server'),
    param('Password', { type: 'secret', secret: true }),
    param('Admin', { type: 'credential', secret: true }),
    param('ApiKey', { secret: true }),
    param('Ports', { type: 'string[]' }),
  ]);

  it('masks secret, credential and author-marked parameters and keeps the rest', () => {
    const masked = maskSecrets(runbook, { Server: 'web01', Password: 'p', Admin: 'a', ApiKey: 'k', Ports: ['80'] });
    expect(masked).to.deep.equal({ Server: 'web01', Password: SECRET_MASK, Admin: SECRET_MASK, ApiKey: SECRET_MASK, Ports: ['80'] });
  });

  it('masks names the runbook does not declare', () => {
    expect(maskSecrets(runbook, { Other: 'x' })).to.deep.equal({ Other: SECRET_MASK });
  });
});
