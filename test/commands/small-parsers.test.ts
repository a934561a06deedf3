import { expect } from 'chai';
import { closest, editDistance } from '../../src/commands/did-you-mean.js';
import { requireJobId } from '../../src/commands/job-id.js';
import { CommandMistake } from '../../src/commands/mistake.js';
import { isIncidentPlace, placeTags } from '../../src/commands/place-tags.js';
import { parseSince } from '../../src/commands/since-date.js';
import { commandInfo } from '../../src/commands/command-list.js';

const now = new Date('2025-03-10T15:30:00Z');

describe('since dates', () => {
  it('reads ISO dates (midnight UTC), date-times, today, yesterday and "n units ago"', () => {
    expect(parseSince('2025-03-01', now).toISOString()).to.equal('2025-03-01T00:00:00.000Z');
    expect(parseSince('2025-03-01T14:00Z', now).toISOString()).to.equal('2025-03-01T14:00:00.000Z');
    expect(parseSince('today', now).toISOString()).to.equal('2025-03-10T00:00:00.000Z');
    expect(parseSince('Yesterday', now).toISOString()).to.equal('2025-03-09T00:00:00.000Z');
    expect(parseSince('3 days ago', now).toISOString()).to.equal('2025-03-07T15:30:00.000Z');
    expect(parseSince('1 week ago', now).toISOString()).to.equal('2025-03-03T15:30:00.000Z');
    expect(parseSince('2 hours ago', now).toISOString()).to.equal('2025-03-10T13:30:00.000Z');
  });

  it('refuses nonsense and future dates with examples', () => {
    expect(() => parseSince('last tuesday', now)).to.throw(CommandMistake, '"last tuesday" is not a date I understand.');
    expect(() => parseSince('2025-13-45', now)).to.throw(CommandMistake, 'not a date I understand');
    expect(() => parseSince('2030-01-01', now)).to.throw(CommandMistake, 'is in the future');
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('hlep', 'help')).to.equal(1);
    expect(editDistance('cancle', 'cancel')).to.equal(1);
    expect(editDistance('abc', 'abc')).to.equal(0);
  });

  it('offers the closest names within reach, prefixes included, and nothing for far-off words', () => {
    const names = ['help', 'history', 'jobs', 'job', 'new'];
    expect(closest('hist', names)).to.deep.equal(['history']);
    expect(closest('jbo', names)).to.deep.equal(['job']);
    expect(closest('jobz', names)).to.deep.equal(['jobs', 'job']);
    expect(closest('deploy', names)).to.deep.equal([]);
  });
});

describe('incident places', () => {
  it('recognises inc- prefixes and incident anywhere, not other channels or personal chats', () => {
    expect(isIncidentPlace('inc-4711-db')).to.equal(true);
    expect(isIncidentPlace('Major-Incident-Bridge')).to.equal(true);
    expect(isIncidentPlace('incremental-builds')).to.equal(false);
    expect(placeTags({ kind: 'channel', name: 'INC-1' })).to.deep.equal(['incident']);
    expect(placeTags({ kind: 'personal', name: 'inc-1' })).to.deep.equal([]);
    expect(placeTags({ kind: 'groupChat', name: undefined })).to.deep.equal([]);
  });
});

describe('job ids as typed', () => {
  it('accepts #, a job- prefix and capitals', () => {
    for (const typed of ['4k2x7m', '#4K2X7M', 'job-4k2x7m']) expect(requireJobId(typed, commandInfo('job'))).to.equal('4k2x7m');
  });

  it('refuses what cannot be a job id, with an example', () => {
    expect(() => requireJobId(undefined, commandInfo('cancel'))).to.throw(CommandMistake, 'cancel needs a job id.');
    expect(() => requireJobId('4k 2x; rm', commandInfo('job'))).to.throw(CommandMistake, 'is not a job id');
  });
});
