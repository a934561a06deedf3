import { expect } from 'chai';
import {
  cleanLine,
  findJson,
  FINAL_FOLD,
  foldLines,
  outputLines,
  renderOutput,
  structure,
  TABLE_LIMITS,
} from '../../src/cards/output-render.js';
import { chunks, numberedLines } from './fixtures.js';

describe('output rendering', () => {
  describe('cleanLine', () => {
    it('removes terminal colours and control characters, keeps tabs as spaces', () => {
      expect(cleanLine('\u001b[31mred\u001b[0m\tdone\u0007')).to.equal('red    done');
    });

    it('keeps what a carriage-return progress line finally showed', () => {
      expect(cleanLine('10%\r50%\r100% done')).to.equal('100% done');
      expect(cleanLine('windows line\r')).to.equal('windows line');
    });
  });

  describe('outputLines', () => {
    it('splits chunks into lines and prefixes error and warning lines like PowerShell does', () => {
      const lines = outputLines([
        { jobId: 'j', seq: 1, stream: 'output', text: 'a\nb\n', at: '' },
        { jobId: 'j', seq: 2, stream: 'error', text: 'boom', at: '' },
        { jobId: 'j', seq: 3, stream: 'warning', text: 'careful\n', at: '' },
        { jobId: 'j', seq: 4, stream: 'verbose', text: 'noise', at: '' },
        { jobId: 'j', seq: 5, stream: 'progress', text: '50', at: '' },
      ]);
      expect(lines.map((l) => l.text)).to.deep.equal(['a', 'b', 'ERROR: boom', 'WARNING: careful']);
    });

    it('includes the streams asked for', () => {
      const lines = outputLines([{ jobId: 'j', seq: 1, stream: 'verbose', text: 'detail', at: '' }], ['verbose']);
      expect(lines.map((l) => l.text)).to.deep.equal(['VERBOSE: detail']);
    });
  });

  describe('foldLines', () => {
    it('leaves short output whole', () => {
      const folded = foldLines(['a', 'b', 'c'], FINAL_FOLD);
      expect(folded).to.deep.equal({ head: ['a', 'b', 'c'], tail: [], foldedLines: 0, totalLines: 3 });
    });

    it('keeps the first and last lines of 10,000 and counts what it folded', () => {
      const lines = numberedLines(10_000, 20);
      const folded = foldLines(lines, FINAL_FOLD);
      expect(folded.head[0]).to.equal(lines[0]);
      expect(folded.tail[folded.tail.length - 1]).to.equal(lines[9_999]);
      expect(folded.head.length + folded.tail.length + folded.foldedLines).to.equal(10_000);
      expect(folded.head.length).to.equal(FINAL_FOLD.headLines);
      expect(folded.tail.length).to.equal(FINAL_FOLD.tailLines);
    });

    it('stays within the character budget with long lines, keeping more of the end', () => {
      const folded = foldLines(numberedLines(500, 1000), FINAL_FOLD);
      const chars = [...folded.head, ...folded.tail].reduce((n, l) => n + l.length + 1, 0);
      expect(chars).to.be.at.most(FINAL_FOLD.maxChars);
      expect(folded.tail.length).to.be.greaterThan(folded.head.length);
      expect(folded.tail[0]).to.match(/… \(\+\d+ chars\)$/);
    });
  });

  describe('findJson', () => {
    it('finds an output that is JSON as a whole', () => {
      const doc = findJson(JSON.stringify({ a: 1 }, null, 2).split('\n'));
      expect(doc?.value).to.deep.equal({ a: 1 });
      expect(doc?.start).to.equal(0);
    });

    it('finds the JSON document after log lines, ignoring trailing blank lines', () => {
      const lines = ['Connecting…', '[INFO] 3 disks', ...JSON.stringify([{ a: 1 }, { a: 2 }], null, 2).split('\n'), '', ''];
      const doc = findJson(lines);
      expect(doc?.value).to.deep.equal([{ a: 1 }, { a: 2 }]);
      expect(doc?.start).to.equal(2);
    });

    it('finds nothing in text that merely ends with a bracket', () => {
      expect(findJson(['[INFO] starting', '[INFO] done [ok]'])).to.equal(undefined);
      expect(findJson(['{ not json }'])).to.equal(undefined);
      expect(findJson([])).to.equal(undefined);
    });

    it('stays fast on 10,000 lines that each look like the start of a JSON document', () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `[INFO] step ${i} [ok]` : `{"step": ${i}, "partial": [1, 2]`));
      lines.push('[done]');
      const started = process.hrtime.bigint();
      expect(findJson(lines)).to.equal(undefined);
      expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(1000);
    });
  });

  describe('structure', () => {
    it('turns an array of objects into a capped table with the union of their keys', () => {
      const rows = Array.from({ length: 40 }, (_, i) => ({ Name: `disk${i}`, FreeGB: i, ...(i === 1 ? { Extra: { nested: true } } : {}) }));
      const table = structure(rows);
      expect(table?.kind).to.equal('table');
      if (table?.kind !== 'table') return;
      expect(table.columns).to.deep.equal(['Name', 'FreeGB', 'Extra']);
      expect(table.rows).to.have.length(TABLE_LIMITS.maxRows);
      expect(table.rows[1]).to.deep.equal(['disk1', '1', '{"nested":true}']);
      expect(table.rows[0][2]).to.equal('');
      expect(table.omittedRows).to.equal(40 - TABLE_LIMITS.maxRows);
    });

    it('caps columns and cell length', () => {
      const wide = [Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, 'x'.repeat(500)]))];
      const table = structure(wide);
      if (table?.kind !== 'table') throw new Error('expected a table');
      expect(table.columns).to.have.length(TABLE_LIMITS.maxColumns);
      expect(table.omittedColumns).to.equal(10 - TABLE_LIMITS.maxColumns);
      expect(table.rows[0][0]).to.have.length(TABLE_LIMITS.maxCellChars);
    });

    it('unwraps an object holding one array of objects, keeping its name as title', () => {
      const table = structure({ value: [{ id: 1 }] });
      expect(table).to.include({ kind: 'table', title: 'value' });
    });

    it('turns any other object into facts and leaves scalars and scalar arrays as text', () => {
      expect(structure({ Server: 'web01', Ok: true })).to.deep.equal({
        kind: 'facts',
        facts: [
          { title: 'Server', value: 'web01' },
          { title: 'Ok', value: 'true' },
        ],
        omittedFacts: 0,
      });
      expect(structure([1, 2, 3])).to.equal(undefined);
      expect(structure({})).to.equal(undefined);
    });
  });

  describe('renderOutput', () => {
    it('renders a trailing JSON result as structure and folds the log lines beside it', () => {
      const rendered = renderOutput([
        ...chunks(['Checking disks…', ...JSON.stringify([{ Drive: 'C:', FreeGB: 12 }], null, 2).split('\n')]),
        ...chunks(['low space on C:'], 'warning'),
      ]);
      expect(rendered.structured).to.deep.include({ kind: 'table', columns: ['Drive', 'FreeGB'], rows: [['C:', '12']] });
      expect(rendered.text.head).to.deep.equal(['Checking disks…', 'WARNING: low space on C:']);
    });

    it('never reads JSON out of the error stream', () => {
      const rendered = renderOutput(chunks(['{"a": 1}'], 'error'));
      expect(rendered.structured).to.equal(undefined);
      expect(rendered.text.head).to.deep.equal(['ERROR: {"a": 1}']);
    });
  });
});
