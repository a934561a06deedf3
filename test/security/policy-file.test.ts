import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseDuration, parsePolicy, PolicyFileError } from '../../src/policy/policy-file.js';

function problemsOf(yaml: string): string[] {
  try {
    parsePolicy(yaml, 'policy.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(PolicyFileError);
    return (error as PolicyFileError).message.split('\n').slice(1).map((line) => line.trim());
  }
  throw new Error('expected the policy to be refused');
}

const VALID_RULE = `  - id: ok
    effect: allow
    runbooks: ['*']
    users: ['*']
`;

describe('policy file', () => {
  it('accepts the shipped policy.example.yaml', () => {
    const document = parsePolicy(readFileSync('policy.example.yaml', 'utf8'), 'policy.example.yaml');
    expect(document.rules.map((r) => r.id)).to.deep.equal([
      'everyone-read-only',
      'sre-non-production',
      'sre-production-with-approval',
      'sre-leads',
      'dba-sql',
      'incident-channels',
      'no-sql-in-group-chats',
      'never-drop-production-databases',
    ]);
    const approval = document.rules.find((r) => r.id === 'sre-production-with-approval')!.approval;
    expect(approval).to.deep.equal({ count: 2, groups: ['SRE Leads'], expiresInSeconds: 1800 });
    expect(document.auditors).to.deep.equal({ users: ['ciso@contoso.com'], groups: ['security auditors'] });
  });

  it('uses defaults.approvalExpiry when a rule gives no expiry', () => {
    const document = parsePolicy(
      `defaults: { approvalExpiry: 2h }\nrules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    approval: { groups: [Leads] }\n`,
      'p.yaml',
    );
    expect(document.rules[0].approval).to.deep.equal({ count: 1, groups: ['Leads'], expiresInSeconds: 7200 });
  });

  // Each broken file must be refused with the line:column of the mistake and a message that says what to do.
  const broken: [string, string, string][] = [
    ['unknown top-level key', `rule:\n${VALID_RULE}`, 'policy.yaml:1:1: Unknown key "rule" in the policy file. Did you mean "rules"?'],
    ['missing rules', 'version: 1\n', 'policy.yaml:1:1: The policy file needs a rules: list'],
    ['rules not a list', 'rules: {}\n', 'policy.yaml:1:8: rules must be a list of rules'],
    ['wrong version', `version: 2\nrules:\n${VALID_RULE}`, 'policy.yaml:1:10: version must be 1'],
    ['YAML syntax', 'rules:\n  - id: a\n   effect: allow\n', 'policy.yaml:3:'],
    ['duplicate YAML key', `rules:\n  - id: a\n    id: b\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n`, 'policy.yaml:3:5: YAML syntax: Map keys must be unique'],
    ['rule without id', `rules:\n  - effect: allow\n    runbooks: ['*']\n    users: ['*']\n`, 'policy.yaml:2:5: Rule #1 needs an id'],
    ['duplicate rule id', `rules:\n${VALID_RULE}${VALID_RULE}`, 'policy.yaml:6:9: Rule "ok": the id is used by an earlier rule'],
    ['unknown rule key', `rules:\n  - id: a\n    efect: allow\n    runbooks: ['*']\n    users: ['*']\n`, 'policy.yaml:3:5: Unknown key "efect" in rule #1. Did you mean "effect"?'],
    ['bad effect', `rules:\n  - id: a\n    effect: permit\n    runbooks: ['*']\n    users: ['*']\n`, 'policy.yaml:3:13: Rule "a": effect must be allow or deny (got "permit")'],
    ['no runbook selector', `rules:\n  - id: a\n    effect: allow\n    users: ['*']\n`, 'say which runbooks it is about'],
    ['nobody named', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n`, "say who it is about with users or groups (users: ['*'] for everyone)"],
    ['bad user', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: [bob]\n`, 'policy.yaml:5:13: users entry "bob" is neither an AAD object id (a GUID) nor a UPN'],
    ['empty list', `rules:\n  - id: a\n    effect: allow\n    runbooks: []\n    users: ['*']\n`, 'policy.yaml:4:15: runbooks is an empty list'],
    ['bad place', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    places: [lobby]\n`, 'policy.yaml:6:14: Unknown place "lobby"'],
    ['unknown place key', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    places: [{ channel: 'inc-*' }]\n`, 'Unknown key "channel" in a place.'],
    ['bad condition', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    when: Environment = 'prod'\n`, "policy.yaml:6:23: Condition \"Environment = 'prod'\": Unexpected character \"=\". Use == to compare."],
    ['bad condition in quotes', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    when: "Replicas > 'x'"\n`, 'policy.yaml:6:23: Condition'],
    ['approval on deny', `rules:\n  - id: a\n    effect: deny\n    runbooks: ['*']\n    users: ['*']\n    approval: { approvers: 1 }\n`, 'policy.yaml:6:15: Rule "a": approval only makes sense on allow rules.'],
    ['zero approvers', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    approval: { approvers: 0 }\n`, 'policy.yaml:6:28: approvers must be a whole number from 1 to 10 (got 0)'],
    ['bad expiry', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    approval: { expires: 3 weeks }\n`, 'expires must be a duration up to 7d, like 90s, 30m, 2h or 1d (got "3 weeks")'],
    ['expiry too long', `defaults:\n  approvalExpiry: 30d\nrules:\n${VALID_RULE}`, 'policy.yaml:2:19: approvalExpiry must be a duration up to 7d'],
    ['reason on allow', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    reason: because\n`, 'reason is the message of a deny rule'],
    ['chooseTarget not a boolean', `rules:\n  - id: a\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n    chooseTarget: yes please\n`, 'policy.yaml:6:19: Rule "a": chooseTarget must be true or false (got "yes please")'],
    ['chooseTarget on deny', `rules:\n  - id: a\n    effect: deny\n    runbooks: ['*']\n    users: ['*']\n    chooseTarget: true\n`, 'Rule "a": chooseTarget only makes sense on allow rules.'],
    ['rule not a mapping', `rules:\n  - just a string\n`, 'policy.yaml:2:5: rule #1 must be a mapping of keys'],
  ];
  for (const [name, yaml, expected] of broken) {
    it(`refuses a file with ${name}`, () => {
      const problems = problemsOf(yaml);
      expect(problems.some((p) => p.includes(expected)), `problems were:\n${problems.join('\n')}`).to.equal(true);
    });
  }

  it('lists every problem of a file at once', () => {
    const problems = problemsOf(`rules:\n  - id: a\n    effect: maybe\n    runbooks: ['*']\n    users: [bob]\n  - id: b\n    effect: allow\n`);
    expect(problems).to.have.length(4);
    expect(problems.map((p) => p.split(':')[1])).to.deep.equal(['3', '5', '6', '6']);
  });

  const durations: [string | number, number | undefined][] = [
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86400],
    [600, 600],
    ['0m', undefined],
    ['1w', undefined],
    [-5, undefined],
    ['soon', undefined],
  ];
  for (const [input, seconds] of durations) {
    it(`reads the duration ${JSON.stringify(input)} as ${seconds} seconds`, () => {
      expect(parseDuration(input)).to.equal(seconds);
    });
  }
});
