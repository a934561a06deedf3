import { expect } from 'chai';
import { CommandMistake } from '../../src/commands/mistake.js';
import { tokenize } from '../../src/commands/tokenizer.js';

const values = (input: string) => tokenize(input).map((t) => t.value);

describe('command tokenizer', () => {
  it('splits on any whitespace and ignores runs of it', () => {
    expect(values('  run   Test-Server\t-Name  web01 \n')).to.deep.equal(['run', 'Test-Server', '-Name', 'web01']);
  });

  it('keeps spaces inside double and single quotes', () => {
    expect(values(`run X -Pool "api pool" -Note 'two words'`)).to.deep.equal(['run', 'X', '-Pool', 'api pool', '-Note', 'two words']);
  });

  it('understands \\" and \\\\ in double quotes and keeps other backslashes (Windows paths)', () => {
    expect(values(String.raw`"say \"hi\"" "C:\temp\logs" "end\\"`)).to.deep.equal(['say "hi"', String.raw`C:\temp\logs`, 'end\\']);
  });

  it("reads '' inside single quotes as one quote and nothing else as special", () => {
    expect(values(String.raw`'it''s' 'a\b "c"'`)).to.deep.equal(["it's", String.raw`a\b "c"`]);
  });

  it('joins quoted and bare parts that touch into one word', () => {
    const [token] = tokenize('name="a b"c');
    expect(token.value).to.equal('name=a bc');
    expect(token.quotedFrom).to.equal(5);
  });

  it('treats typographic quotes from Teams autocorrect as plain quotes', () => {
    expect(values('-Pool “api pool” -Note ‘x y’')).to.deep.equal(['-Pool', 'api pool', '-Note', 'x y']);
  });

  it('keeps empty quoted values as empty words', () => {
    expect(values(`a "" ''`)).to.deep.equal(['a', '', '']);
  });

  it('marks fully quoted words so a quoted dash stays a value', () => {
    const tokens = tokenize(`-Name "-5" plain`);
    expect(tokens.map((t) => t.quotedFrom)).to.deep.equal([undefined, 0, undefined]);
  });

  it('never interprets shell metacharacters', () => {
    expect(values('$(rm -rf /) `whoami` a;b|c && d')).to.deep.equal(['$(rm', '-rf', '/)', '`whoami`', 'a;b|c', '&&', 'd']);
  });

  it('reports an unclosed quote with where it starts and an example', () => {
    expect(() => tokenize('run X -Pool "api pool')).to.throw(CommandMistake, /" quote is never closed \(it starts before "api pool"\)/);
    expect(() => tokenize("run X 'open")).to.throw(CommandMistake, /' quote is never closed/);
  });
});
