import { expect } from 'chai';
import {
  helpCard,
  mainMenuCard,
  paginate,
  RUNBOOKS_PER_PAGE,
  runbookHelpCard,
  runbookListCard,
  SEARCH_INPUT_ID,
  Verb,
  welcomeCard,
  whatsNewCard,
} from '../../src/cards/index.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import { everyTypeRunbook, largestPage, param, runbook } from './fixtures.js';
import { executeActions, nodesOfType, visibleText } from './validate.js';

const byVerb = (card: AdaptiveCard, verb: string) => executeActions(card).filter((a) => a.verb === verb);

describe('main menu card', () => {
  const categories = [
    { name: 'Active Directory', count: 12 },
    { name: 'Azure', count: 30 },
    { name: 'SQL', count: 4 },
  ];
  const card = mainMenuCard({ categories, totalRunbooks: 46, userName: 'Alice' });

  it('greets the user with the size of the catalog', () => {
    expect(visibleText(card)).to.include('Hi Alice! 46 runbooks in 3 categories.');
  });

  it('lists categories with counts, each opening its category', () => {
    const buttons = byVerb(card, Verb.category);
    expect(buttons.map((b) => b.title)).to.deep.equal(['Active Directory (12)', 'Azure (30)', 'SQL (4)']);
    expect(buttons.map((b) => b.data)).to.deep.equal(categories.map((c) => ({ category: c.name })));
  });

  it('has a search box and button, and What’s new / My jobs / Recent runs here', () => {
    expect(nodesOfType(card, 'Input.Text').map((i) => i.id)).to.deep.equal([SEARCH_INPUT_ID]);
    expect(byVerb(card, Verb.search)).to.have.length(1);
    expect((card.actions as { verb: string }[]).map((a) => a.verb)).to.deep.equal([Verb.whatsNew, Verb.myJobs, Verb.recentHere]);
  });

  it('caps a runaway category list and points to search', () => {
    const many = mainMenuCard({ categories: Array.from({ length: 55 }, (_, i) => ({ name: `C${i}`, count: 1 })), totalRunbooks: 55, userName: 'A' });
    expect(byVerb(many, Verb.category)).to.have.length(40);
    expect(visibleText(many)).to.include('15 more categories not shown: use the search box.');
  });

  it('explains an empty catalog', () => {
    expect(visibleText(mainMenuCard({ categories: [], totalRunbooks: 0, userName: 'A' }))).to.include('No runbooks yet.');
  });
});

describe('runbook list card', () => {
  const render = (page: number, total: number, count = 8) =>
    runbookListCard({ title: 'Azure', runbooks: largestPage(count), page, pageSize: 8, total, verb: Verb.category, data: { category: 'Azure' } });

  it('shows each runbook with its synopsis, target, Run and History', () => {
    const card = render(1, 8);
    const runs = byVerb(card, Verb.openForm);
    expect(runs).to.have.length(8);
    expect(runs[0].data).to.deep.equal({ runbook: largestPage(1)[0].name });
    expect(visibleText(card)).to.include(largestPage(1)[0].name.slice(0, 79) + '…');
    expect(byVerb(card, Verb.history)).to.have.length(8);
    const text = visibleText(card);
    expect(text).to.include('runs on hybrid worker group hybrid-worker-group-');
    expect(text).to.include('Runbook 0: lorem ipsum');
  });

  it('pages with Previous and Next that repeat the data with the page number', () => {
    const middle = render(2, 40);
    expect(visibleText(middle)).to.include('Page 2 of 5');
    expect(byVerb(middle, Verb.category).map((a) => [a.title, a.data])).to.deep.equal([
      ['◀ Previous', { category: 'Azure', page: 1 }],
      ['Next ▶', { category: 'Azure', page: 3 }],
    ]);
    expect(byVerb(render(1, 40), Verb.category).map((a) => a.title)).to.deep.equal(['Next ▶']);
    expect(byVerb(render(5, 40), Verb.category).map((a) => a.title)).to.deep.equal(['◀ Previous']);
    expect(byVerb(render(1, 8), Verb.category)).to.have.length(0);
  });

  it('never shows more than a page of runbooks', () => {
    expect(byVerb(render(1, 40, 30), Verb.openForm)).to.have.length(8);
  });

  it('says when nothing matches', () => {
    const empty = runbookListCard({ title: 'Search: zzz', runbooks: [], page: 1, pageSize: 8, total: 0, verb: Verb.search, data: { query: 'zzz' }, emptyText: 'Nothing matches zzz: try fewer words.' });
    expect(visibleText(empty)).to.include('Nothing matches zzz: try fewer words.');
  });
});

describe('paginate', () => {
  const items = Array.from({ length: 20 }, (_, i) => i);

  it('cuts a page and clamps out-of-range page numbers', () => {
    expect(paginate(items, 2, RUNBOOKS_PER_PAGE)).to.deep.equal({ items: [8, 9, 10, 11, 12, 13, 14, 15], page: 2, totalPages: 3, total: 20 });
    expect(paginate(items, 99, RUNBOOKS_PER_PAGE).page).to.equal(3);
    expect(paginate(items, -1, RUNBOOKS_PER_PAGE).page).to.equal(1);
    expect(paginate([], 1, RUNBOOKS_PER_PAGE)).to.deep.equal({ items: [], page: 1, totalPages: 1, total: 0 });
  });
});

describe('welcome card', () => {
  it('lists the runbooks tagged for the channel, a few at a time', () => {
    const card = welcomeCard({ placeName: 'inc-db-outage', kind: 'channel', runbooks: largestPage(9), total: 120 });
    const text = visibleText(card);
    expect(text).to.include('Hi inc-db-outage! I run runbooks from #inc-db-outage');
    expect(text).to.include('120 runbooks are in the catalog');
    expect(text).to.include('3 more runbooks for #inc-db-outage');
    expect(byVerb(card, Verb.openForm)).to.have.length(6);
    expect(byVerb(card, Verb.menu)).to.have.length(1);
  });

  it('works in a personal chat with nothing tagged', () => {
    const card = welcomeCard({ placeName: 'Alice', kind: 'personal', runbooks: [], total: 3 });
    expect(visibleText(card)).to.include('Hi there! I run runbooks from this chat');
    expect(visibleText(card)).not.to.include('@mention');
    expect(byVerb(card, Verb.openForm)).to.have.length(0);
  });
});

describe('help cards', () => {
  it('lists the commands in a table and the runbooks by name', () => {
    const card = helpCard({ commands: [{ usage: 'run <runbook> -Param value', description: 'Start a run' }], runbooks: largestPage(45) });
    const [table] = nodesOfType(card, 'Table');
    expect(JSON.stringify(table)).to.include('run <runbook> -Param value');
    expect(visibleText(card)).to.match(/and 5 more: open the menu or search\.$/m);
  });

  it("describes a runbook: facts, parameters, examples and a run command", () => {
    const card = runbookHelpCard({ runbook: { ...everyTypeRunbook, owner: 'team-ops@contoso.com' } });
    const text = visibleText(card);
    expect(text).to.include('Owner: team-ops@contoso.com');
    const [table] = nodesOfType(card, 'Table');
    expect((table.rows as unknown[]).length).to.equal(everyTypeRunbook.parameters.length + 1);
    const cells = JSON.stringify(table);
    expect(cells).to.include('one of: dev, test, prod');
    expect(cells).to.include('Ticket must look like INC0012345');
    expect(cells).not.to.include('should-never-show');
    expect(text).to.include('Invoke-EverythingAtOnce -ServerName web07 -Ticket INC0012345 -Count 5');
    expect(text).to.include('run Invoke-EverythingAtOnce -ServerName web07');
    expect(byVerb(card, Verb.openForm)[0].data).to.deep.equal({ runbook: 'Invoke-EverythingAtOnce' });
  });

  it('says when a runbook takes no parameters', () => {
    const card = runbookHelpCard({ runbook: runbook({ parameters: [] }) });
    expect(visibleText(card)).to.include('This runbook takes no parameters.');
    expect(nodesOfType(card, 'Table')).to.have.length(0);
  });

  it('summarises a very long param() block', () => {
    const card = runbookHelpCard({ runbook: runbook({ parameters: Array.from({ length: 35 }, (_, i) => param(`P${i}`)) }) });
    expect(visibleText(card)).to.include('5 more parameters: the form shows them all.');
  });
});

describe("what's new card", () => {
  it('shows added, changed and removed runbooks; removed ones cannot be run', () => {
    const card = whatsNewCard({
      since: '2025-02-01T00:00:00.000Z',
      changes: [
        { name: 'New-Thing', change: 'added', at: '2025-02-03T00:00:00.000Z', synopsis: 'Makes things', category: 'Misc' },
        { name: 'Old-Thing', change: 'removed', at: '2025-02-04T00:00:00.000Z', synopsis: 'Made things', category: 'Misc' },
      ],
    });
    const text = visibleText(card);
    expect(text).to.include('2 changes since {{DATE(2025-02-01T00:00:00Z, SHORT)}}');
    expect(text).to.include('🗑️ Removed');
    expect(byVerb(card, Verb.openForm).map((a) => a.data)).to.deep.equal([{ runbook: 'New-Thing' }]);
  });

  it('says when nothing changed', () => {
    expect(visibleText(whatsNewCard({ changes: [], since: '2025-02-01T00:00:00.000Z' }))).to.include('Nothing changed since');
  });
});
