import { expect } from 'chai';
import { loadGrammars } from '../../src/catalog/grammars.js';
import { describeScript } from '../../src/catalog/script-file.js';
import { describeFixture } from './script-fixtures.js';

/** Each script is left out of the catalog with exactly one problem: file, line and a reason that says how to fix it. */
const FIXTURES: { fixture: string; line: number; reason: RegExp }[] = [
  { fixture: 'broken/Broken-Param.ps1', line: 6, reason: /param\(\) block has a syntax error: unexpected `\$true\]`/ },
  { fixture: 'broken/Unknown-Type.ps1', line: 3, reason: /\$Settings: type \[hashtable\] cannot be filled in from a form; use one of string, int/ },
  { fixture: 'broken/Bad-Range.ps1', line: 4, reason: /\$Backwards: \[ValidateRange\(\)\] minimum 10 is greater than maximum 1/ },
  { fixture: 'broken/Bad-Metadata.ps1', line: 6, reason: /Timeout "soon" is not a duration \(examples: 90s, 15m/ },
  { fixture: 'broken/Unknown-Secret.ps1', line: 5, reason: /Secret names "Passwrd", which is not a parameter \(parameters: Password\)/ },
  { fixture: 'broken/Default-Outside-Set.ps1', line: 2, reason: /default "staging" is not allowed by its own choices \(dev, prod\)/ },
  { fixture: 'broken/Bad Name.ps1', line: 1, reason: /"Bad Name" is not a valid runbook name: start with a letter/ },
  { fixture: 'broken/bad_syntax.py', line: 5, reason: /Python syntax error/ },
  { fixture: 'broken/sub_commands.py', line: 6, reason: /subcommands \(add_subparsers\) cannot be shown as one form; split the script/ },
  { fixture: 'broken/Cloud-Too-Long.ps1', line: 1, reason: /longer than the 3 hours the Azure cloud sandbox allows/ },
];

const INLINE: { why: string; file: string; source: string; line: number; reason: RegExp }[] = [
  { why: 'ValidateRange with text bounds', file: 'A.ps1', source: "param(\n [ValidateRange('a', 'z')][int]$X\n)", line: 2, reason: /bounds must be numbers \(got 'a', 'z'\)/ },
  { why: 'ValidateRange with one bound', file: 'A.ps1', source: 'param([ValidateRange(5)][int]$X)', line: 1, reason: /needs \(min, max\) or one of NonNegative/ },
  { why: 'ValidateRange on a string', file: 'A.ps1', source: 'param([ValidateRange(1, 5)][string]$X)', line: 1, reason: /needs a numeric type, not \[string\]/ },
  { why: 'ValidateLength backwards', file: 'A.ps1', source: 'param([ValidateLength(9, 2)][string]$X)', line: 1, reason: /\[ValidateLength\(min, max\)\] needs two whole numbers with min <= max/ },
  { why: 'ValidateSet of expressions', file: 'A.ps1', source: 'param([ValidateSet($a, $b)][string]$X)', line: 1, reason: /\[ValidateSet\(\)\] needs constant values/ },
  { why: 'pattern JavaScript cannot compile', file: 'A.ps1', source: "param([ValidatePattern('(?i)^web')][string]$X)", line: 1, reason: /is not a regular expression the form can check/ },
  { why: 'default of the wrong type', file: 'A.ps1', source: "param([int]$X = 'many')", line: 1, reason: /default "many" is not a whole number/ },
  { why: 'default outside its range', file: 'A.ps1', source: 'param([ValidateRange(1, 5)][int]$X = 9)', line: 1, reason: /default 9 is not allowed by its own range \(1 to 5\)/ },
  { why: 'parameter declared twice', file: 'A.ps1', source: 'param(\n [string]$Name,\n [int]$name\n)', line: 3, reason: /"name" is declared twice/ },
  { why: 'PatternMessage without a pattern', file: 'A.ps1', source: '<#\n.NOTES\nPatternMessage.X: nope\n#>\nparam([string]$X)', line: 3, reason: /PatternMessage\.X: the parameter has no \[ValidatePattern\(\)\]/ },
  { why: 'Pattern for a parameter that does not exist', file: 'a.py', source: '"""\n.NOTES\nPattern.nope: ^x$\n"""\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--name")', line: 3, reason: /Pattern\.nope: no parameter has this name/ },
  { why: 'Pattern on top of [ValidatePattern]', file: 'A.ps1', source: "<#\n.NOTES\nPattern.X: ^b$\n#>\nparam([ValidatePattern('^a$')][string]$X)", line: 3, reason: /Pattern\.X: the parameter already has \[ValidatePattern\(\)\]; keep one/ },
  { why: 'Pattern that is not a regular expression', file: 'a.py', source: '"""\n.NOTES\nPattern.name: ([a-z\n"""\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--name")', line: 3, reason: /Pattern\.name: "\(\[a-z" is not a valid regular expression/ },
  { why: 'metadata key given twice', file: 'A.ps1', source: '<#\n.NOTES\nCategory: A\nCategory: B\n#>\nparam()', line: 4, reason: /"Category" is given twice/ },
  { why: 'metadata key without value', file: 'A.ps1', source: '<#\n.NOTES\nTarget:\n#>\nparam()', line: 3, reason: /"Target:" has no value \(example: Target: cloud\)/ },
  { why: 'bad hybrid worker group name', file: 'A.ps1', source: '<#\n.NOTES\nTarget: ../etc\n#>\nparam()', line: 3, reason: /Target "\.\.\/etc" is not cloud, local or a hybrid worker group name/ },
  { why: 'shell script sent to Azure', file: 'a.sh', source: '# .NOTES\n#   Target: cloud\necho hi', line: 1, reason: /shell scripts run on this machine only/ },
  { why: 'shell parameter with an unknown type', file: 'a.sh', source: '# .PARAMETER Items list\necho hi', line: 1, reason: /\.PARAMETER Items: "list" is not understood/ },
  { why: 'argparse append', file: 'a.py', source: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--tag", action="append")', line: 3, reason: /action='append' is not supported; use nargs='\+'/ },
  { why: 'argparse choices from a variable', file: 'a.py', source: 'import argparse\nREGIONS = ["a"]\np = argparse.ArgumentParser()\np.add_argument("--region", choices=REGIONS)', line: 4, reason: /choices must be a literal list/ },
  { why: 'argparse option name from a variable', file: 'a.py', source: 'import argparse\nNAME = "--x"\np = argparse.ArgumentParser()\np.add_argument(NAME)', line: 4, reason: /option names must be string constants/ },
  { why: 'argparse REMAINDER', file: 'a.py', source: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("rest", nargs=argparse.REMAINDER)', line: 3, reason: /nargs=argparse\.REMAINDER is not supported/ },
  { why: 'BooleanOptionalAction on by default', file: 'a.py', source: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--wait", action=argparse.BooleanOptionalAction, default=True)', line: 3, reason: /cannot be turned off from a form; declare the opposite flag instead, e.g. add_argument\('--no-wait'/ },
];

describe('catalog: scripts that cannot be understood', () => {
  for (const { fixture, line, reason } of FIXTURES) {
    it(`${fixture} → line ${line}`, async () => {
      const result = await describeFixture(fixture);
      expect(result.runbook, 'a script with a problem is left out').to.equal(undefined);
      expect(result.problems).to.have.length(1);
      expect(result.problems[0]).to.include({ file: fixture.split('/').pop(), line });
      expect(result.problems[0].reason).to.match(reason);
    });
  }

  for (const { why, file, source, line, reason } of INLINE) {
    it(`${why} → ${file}:${line}`, async () => {
      const result = describeScript(file, Buffer.from(source), await loadGrammars());
      expect(result.runbook).to.equal(undefined);
      expect(result.problems.map((p) => `${p.file}:${p.line}: ${p.reason}`)).to.have.length(1);
      expect(result.problems[0]).to.include({ file, line });
      expect(result.problems[0].reason).to.match(reason);
    });
  }

  it('a parse that throws becomes a problem instead of an exception', async () => {
    const grammars = await loadGrammars();
    const exploding = { ...grammars, powershell: { parse: () => { throw new Error('wasm trap'); } } } as unknown as typeof grammars;
    const result = describeScript('Any.ps1', Buffer.from('param()'), exploding);
    expect(result.problems).to.deep.equal([{ file: 'Any.ps1', line: 1, reason: 'could not be parsed: wasm trap' }]);
  });
});
