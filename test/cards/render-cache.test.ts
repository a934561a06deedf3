import { expect } from 'chai';
import { helpCard } from '../../src/cards/index.js';
import { RenderCache } from '../../src/cards/render-cache.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import { runbook } from './fixtures.js';

const cardSaying = (text: string): AdaptiveCard => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });

describe('RenderCache (cards whose inputs repeat are rendered once)', () => {
  it('renders once per key and hands out equal cards', () => {
    const cache = new RenderCache(4);
    let renders = 0;
    const render = () => {
      renders++;
      return cardSaying('hello');
    };
    const first = cache.get('k', render);
    const second = cache.get('k', render);
    expect(renders).to.equal(1);
    expect(second).to.deep.equal(first);
  });

  it('hands out one deeply frozen card: no caller can change what the next one gets', () => {
    const cache = new RenderCache(4);
    const mine = cache.get('k', () => cardSaying('original'));
    expect(() => (mine.body as unknown[]).push({ type: 'TextBlock', text: 'added by a caller' })).to.throw(TypeError);
    expect(() => Object.assign((mine.body as object[])[0], { text: 'changed' })).to.throw(TypeError);
    expect(cache.get('k', () => cardSaying('rendered again')).body).to.deep.equal([{ type: 'TextBlock', text: 'original' }]);
  });

  it('forgets the least recently used card beyond its capacity', () => {
    const cache = new RenderCache(2);
    const rendered: string[] = [];
    const render = (key: string) => () => {
      rendered.push(key);
      return cardSaying(key);
    };
    cache.get('a', render('a'));
    cache.get('b', render('b'));
    cache.get('a', render('a')); // a is now the most recently used
    cache.get('c', render('c')); // b goes
    expect(cache.size).to.equal(2);
    cache.get('a', render('a'));
    cache.get('b', render('b'));
    expect(rendered).to.deep.equal(['a', 'b', 'c', 'b']);
  });

  it('helpCard: the same visible runbooks give the same card, different ones a different card', () => {
    const commands = [{ usage: 'help', description: 'This list' }];
    const one = helpCard({ commands, runbooks: [runbook({ name: 'Get-Status' })] });
    expect(helpCard({ commands, runbooks: [runbook({ name: 'Get-Status' })] })).to.deep.equal(one);
    const other = helpCard({ commands, runbooks: [runbook({ name: 'Restart-AppPool' })] });
    expect(JSON.stringify(other)).to.include('Restart-AppPool').and.not.include('Get-Status');
  });

  it('helpCard: a frozen runbook list with the same commands finds its card by identity, and nothing stale', () => {
    const commands = Object.freeze([{ usage: 'help', description: 'This list' }]);
    const list = Object.freeze([runbook({ name: 'Get-Status' })]);
    const first = helpCard({ commands, runbooks: list });
    expect(helpCard({ commands, runbooks: list })).to.equal(first);
    const otherCommands = [{ usage: 'menu', description: 'The menu' }];
    expect(JSON.stringify(helpCard({ commands: otherCommands, runbooks: list }))).to.include('The menu').and.include('Get-Status');
    const mutable = [runbook({ name: 'Get-Status' })];
    helpCard({ commands, runbooks: mutable });
    mutable[0] = runbook({ name: 'Restart-AppPool' });
    expect(JSON.stringify(helpCard({ commands, runbooks: mutable })), 'a list that can change is not remembered by identity').to.include('Restart-AppPool');
  });
});
