import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpoolRecord } from '../../../src/execution/local/spool.js';
import { toEvents } from '../../../src/execution/local/spool-tail.js';
import { SpoolWriter } from '../../../src/execution/local/spool-writer.js';

describe('spool records', () => {
  let dir: string;
  let file: string;
  let fd: number;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-records-'));
    file = path.join(dir, 'output.jsonl');
    fd = fs.openSync(file, 'a');
  });

  afterEach(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function records(): SpoolRecord[] {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpoolRecord);
  }

  it('cuts at the cap without splitting a multi-byte character, and keeps passing progress', () => {
    const writer = new SpoolWriter(fd, 10);
    writer.text('out', 'abcdefgh\n'); // 9 bytes
    writer.text('out', 'ééé\n'); // would need 7 more bytes; only 1 is left, é needs 2
    writer.text('out', 'more\n');
    writer.text('out', '##progress 75 Copying\n');
    const written = records();
    expect(written.map((r) => r.s)).to.deep.equal(['out', 'note', 'progress']);
    expect(written[0].x).to.equal('abcdefgh\n');
    expect(written[2]).to.include({ p: 75, x: 'Copying' });
    expect(writer.outputCut).to.equal(true);
    expect(writer.outputBytes).to.equal(9);
  });

  it('remembers the last five stderr lines, also after the cap', () => {
    const writer = new SpoolWriter(fd, 5);
    for (let n = 1; n <= 7; n++) writer.text('err', `error ${n}\n`);
    expect(writer.lastErrorLines).to.deep.equal(['error 3', 'error 4', 'error 5', 'error 6', 'error 7']);
  });

  it('merges adjacent text of one stream into one event and keeps only the latest of adjacent progress', () => {
    const t = '2025-01-01T00:00:00.000Z';
    const events = toEvents([
      { t, s: 'out', x: '{\n' },
      { t, s: 'out', x: '  "a": 1\n' },
      { t, s: 'out', x: '}\n' },
      { t, s: 'progress', p: 10, x: 'one' },
      { t, s: 'progress', p: 20, x: 'two' },
      { t, s: 'err', x: 'oops\n' },
      { t, s: 'out', x: 'after\n' },
    ]);
    expect(events.map((e) => (e.kind === 'output' ? [e.stream, e.text] : e.kind === 'progress' ? ['progress', e.percent] : [e.kind]))).to.deep.equal([
      ['output', '{\n  "a": 1\n}\n'],
      ['progress', 20],
      ['error', 'oops\n'],
      ['output', 'after\n'],
    ]);
  });
});
