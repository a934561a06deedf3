import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cardsFolder, cardsFolderFrom } from '../../src/cards/templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('card templates', () => {
  it('are found at the package root from the source and from the compiled output', () => {
    expect(cardsFolder()).to.equal(path.join(root, 'cards'));
    expect(cardsFolderFrom(path.join(root, 'dist', 'cards'))).to.equal(path.join(root, 'cards'));
    expect(() => cardsFolderFrom(path.parse(root).root)).to.throw(/package root/);
  });

  it('all declare Adaptive Cards 1.5 at most', () => {
    const files = readdirSync(path.join(root, 'cards')).filter((f) => f.endsWith('.json'));
    expect(files.length).to.be.greaterThan(5);
    for (const file of files) {
      const card = JSON.parse(readFileSync(path.join(root, 'cards', file), 'utf8')) as { type: string; version: string };
      expect(card.type, file).to.equal('AdaptiveCard');
      expect(Number(card.version), file).to.be.at.most(1.5);
    }
  });
});
