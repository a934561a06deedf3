import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { ParameterValue, RunbookDefinition } from '../../src/domain/runbook.js';
import { GraphDirectory } from '../../src/policy/graph-directory.js';
import { parsePolicy } from '../../src/policy/policy-file.js';
import { DEVELOPMENT_POLICY, NO_POLICY, PolicyEngine } from '../../src/policy/policy-engine.js';
import type { Place, PolicyDecision } from '../../src/policy/policy.js';
import { FakeGraph, staticCredential } from '../support/fake-graph.js';
import { GROUP_CHAT, PERSONAL, capturedLogger, channel, principal, runbook } from './fixtures.js';

const LEADS_ID = '5f1c7f62-3d1e-4c8e-9b7a-2d3c4e5f6a7b';
const OPS_TEAM = '19:team-ops@thread.tacv2';

const POLICY = `
version: 1
auditors:
  groups: [Security Auditors]
rules:
  - id: everyone-read-only
    effect: allow
    tags: [readonly]
    users: ['*']
  - id: sre-non-production
    effect: allow
    runbooks: ['*']
    groups: [SRE]
    when: Environment != 'prod'
  - id: sre-production-with-approval
    effect: allow
    runbooks: ['*']
    groups: [sre]
    approval: { approvers: 2, groups: [SRE Leads], expires: 30m }
  - id: sre-leads
    effect: allow
    runbooks: ['*']
    groups: ['${LEADS_ID}']
    chooseTarget: true
  - id: incident-channels
    effect: allow
    tags: [incident]
    users: [margaret@contoso.com]
    places:
      - channelName: 'inc-*'
  - id: ops-team-restarts
    effect: allow
    runbooks: ['Restart-*']
    users: [margaret@contoso.com]
    places:
      - teamId: '${OPS_TEAM}'
  - id: no-sql-in-group-chats
    effect: deny
    categories: [SQL]
    users: ['*']
    places: [groupChat]
    reason: SQL runbooks are not run from group chats.
  - id: never-drop-production
    effect: deny
    runbooks: [Remove-Database]
    users: ['*']
    when: Environment in ['prod', 'dr']
`;

const ada = principal('Ada', '0d5c2a11-0000-4000-8000-00000000ada1'); // SRE
const grace = principal('Grace', '0d5c2a11-0000-4000-8000-0000000096ac'); // SRE + SRE Leads
const lead = principal('Lin', '0d5c2a11-0000-4000-8000-0000000001ea'); // SRE Leads only
const margaret = principal('Margaret', '0d5c2a11-0000-4000-8000-00000000ae9a'); // no groups, rules by UPN
const auditor = principal('Audrey', '0d5c2a11-0000-4000-8000-0000000a0d17'); // Security Auditors (nested)
const linus = principal('Linus', '0d5c2a11-0000-4000-8000-00000000b0b0'); // unknown to the directory
const playground = principal('Playground user'); // no AAD object id at all

const status = runbook('Get-Status', { tags: ['readonly'] });
const restart = runbook('Restart-AppPool', { category: 'IIS' });
const blocking = runbook('Get-SqlBlocking', { category: 'SQL' });
const bridge = runbook('Open-IncidentBridge', { tags: ['Incident'] });
const drop = runbook('Remove-Database', { category: 'SQL' });

describe('policy engine (rules, groups from a local Microsoft Graph)', () => {
  let graph: FakeGraph;
  let engine: PolicyEngine;
  const credential = staticCredential('graph-test-token');

  before(async () => {
    graph = await FakeGraph.start({ token: 'graph-test-token', pageSize: 2 });
    const sre = { id: 'a1b2c3d4-0000-4000-8000-000000000001', displayName: 'SRE' };
    const leads = { id: LEADS_ID, displayName: 'SRE Leads' };
    graph.addUser({ id: ada.aadObjectId!, userPrincipalName: 'ada@contoso.com', groups: [sre] });
    graph.addUser({
      id: grace.aadObjectId!,
      userPrincipalName: 'grace@contoso.com',
      // Several pages of groups: the grant comes from the last page.
      groups: [
        { id: 'a1b2c3d4-0000-4000-8000-00000000000a', displayName: 'All staff' },
        { id: 'a1b2c3d4-0000-4000-8000-00000000000b', displayName: 'Building 4' },
        sre,
        { id: 'a1b2c3d4-0000-4000-8000-00000000000c', displayName: 'Parking' },
        leads,
      ],
    });
    graph.addUser({ id: lead.aadObjectId!, userPrincipalName: 'lin@contoso.com', groups: [leads] });
    graph.addUser({ id: margaret.aadObjectId!, userPrincipalName: 'Margaret@Contoso.com', groups: [] });
    graph.addUser({
      id: auditor.aadObjectId!,
      userPrincipalName: 'audrey@contoso.com',
      groups: [
        { id: 'a1b2c3d4-0000-4000-8000-0000000000aa', displayName: 'Compliance' },
        { id: 'a1b2c3d4-0000-4000-8000-0000000000ab', displayName: 'Security Auditors' },
      ],
    });
    const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
    const document = parsePolicy(POLICY, 'policy.yaml');
    engine = new PolicyEngine({ current: () => document }, directory);
  });

  after(() => graph.close());

  const env = (value: ParameterValue): Record<string, ParameterValue> => ({ Environment: value });
  const table: [string, ReturnType<typeof principal>, ReturnType<typeof runbook>, Place, Record<string, ParameterValue>, Partial<PolicyDecision>][] = [
    ['read-only runbooks are for everyone', linus, status, PERSONAL, {}, { effect: 'allow', rule: 'everyone-read-only' }],
    ['a playground user without AAD id gets read-only runbooks', playground, status, PERSONAL, {}, { effect: 'allow', rule: 'everyone-read-only' }],
    ['nothing else is granted by default', linus, restart, PERSONAL, env('dev'), { effect: 'deny', rule: 'default-deny' }],
    ['a group grants non-production runs', ada, restart, PERSONAL, env('dev'), { effect: 'allow', rule: 'sre-non-production' }],
    ['production needs approval for the group', ada, restart, PERSONAL, env('prod'), { effect: 'approval', rule: 'sre-production-with-approval' }],
    ['one production entry in a list needs approval', ada, restart, PERSONAL, env(['dev', 'prod']), { effect: 'approval', rule: 'sre-production-with-approval' }],
    ['case does not hide production', ada, restart, PERSONAL, env('PROD'), { effect: 'approval', rule: 'sre-production-with-approval' }],
    ['a stronger group (by object id) runs production directly', lead, restart, PERSONAL, env('prod'), { effect: 'allow', rule: 'sre-leads' }],
    ['a plain allow beats an approval rule (groups found on page 3)', grace, restart, PERSONAL, env('prod'), { effect: 'allow', rule: 'sre-leads' }],
    ['deny beats allow', grace, blocking, GROUP_CHAT, {}, { effect: 'deny', rule: 'no-sql-in-group-chats', reason: 'SQL runbooks are not run from group chats.' }],
    ['the deny only applies in its places', grace, blocking, PERSONAL, {}, { effect: 'allow', rule: 'sre-non-production' }],
    ['a conditional deny beats the strongest group', lead, drop, PERSONAL, env('dr'), { effect: 'deny', rule: 'never-drop-production' }],
    ['a conditional deny triggers on any list element', lead, drop, PERSONAL, env(['qa', 'prod']), { effect: 'deny', rule: 'never-drop-production' }],
    ['a conditional deny leaves other values alone', lead, drop, PERSONAL, env('qa'), { effect: 'allow', rule: 'sre-leads' }],
    ['a UPN rule matches the UPN from Graph, any case', margaret, bridge, channel('inc-4711'), {}, { effect: 'allow', rule: 'incident-channels' }],
    ['a channel-name place excludes other channels', margaret, bridge, channel('general'), {}, { effect: 'deny', rule: 'default-deny' }],
    ['a channel-name place excludes personal chats', margaret, bridge, PERSONAL, {}, { effect: 'deny', rule: 'default-deny' }],
    ['a team place covers the channels of that team', margaret, restart, channel('deployments', OPS_TEAM), {}, { effect: 'allow', rule: 'ops-team-restarts' }],
    ['a team place excludes other teams', margaret, restart, channel('deployments'), {}, { effect: 'deny', rule: 'default-deny' }],
  ];
  for (const [name, user, book, place, values, expected] of table) {
    it(name, async () => {
      const decision = await engine.decide(user, book, place, values);
      expect(decision).to.include(expected);
    });
  }

  it('returns the approval requirement of the deciding rule', async () => {
    const decision = await engine.decide(ada, restart, PERSONAL, env('prod'));
    expect(decision).to.deep.equal({
      effect: 'approval',
      rule: 'sre-production-with-approval',
      approval: { count: 2, groups: ['SRE Leads'], expiresInSeconds: 1800 },
    });
  });

  it('explains a default deny with the runbook and the place', async () => {
    const decision = await engine.decide(linus, restart, channel('general'), env('dev'));
    expect(decision).to.deep.equal({
      effect: 'deny',
      rule: 'default-deny',
      reason: 'No policy rule lets you run Restart-AppPool in the channel "general" with these values. Ask the bot administrator if you need it.',
    });
  });

  describe('canSee (menus, help, search, welcome)', () => {
    const visibility: [string, ReturnType<typeof principal>, ReturnType<typeof runbook>, Place, boolean][] = [
      ['granted runbooks are shown', ada, restart, PERSONAL, true],
      ['ungranted runbooks are hidden', linus, restart, PERSONAL, false],
      ['an unconditional deny hides', ada, blocking, GROUP_CHAT, false],
      ['a conditional deny does not hide', lead, drop, PERSONAL, true],
      ['a conditional grant shows', ada, restart, PERSONAL, true],
      ['places apply', margaret, bridge, channel('general'), false],
    ];
    for (const [name, user, book, place, expected] of visibility) {
      it(name, async () => {
        expect(await engine.canSee(user, book, place)).to.equal(expected);
      });
    }
  });

  describe('visibleRunbooks (one question for a whole list)', () => {
    const everyRunbook = [status, restart, blocking, bridge, drop];
    const places: Place[] = [PERSONAL, GROUP_CHAT, channel('general'), channel('inc-2024-db', OPS_TEAM)];
    it('shows exactly what canSee shows, for every user and place, in the catalog order', async () => {
      for (const user of [ada, grace, lead, margaret, auditor, linus, playground])
        for (const place of places) {
          const oneByOne = [];
          for (const book of everyRunbook) if (await engine.canSee(user, book, place)) oneByOne.push(book.name);
          const batch = await engine.visibleRunbooks(user, everyRunbook, place);
          expect(batch.map((b) => b.name), `${user.name} ${place.kind} ${place.name ?? ''}`).to.deep.equal(oneByOne);
        }
    });

    it('asks Microsoft Graph once for the whole list', async () => {
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const fresh = new PolicyEngine({ current: () => parsePolicy(POLICY, 'policy.yaml') }, directory);
      const from = graph.requests.length;
      const shown = await fresh.visibleRunbooks(lead, everyRunbook, PERSONAL);
      expect(shown.map((b) => b.name)).to.deep.equal(['Get-Status', 'Restart-AppPool', 'Get-SqlBlocking', 'Open-IncidentBridge', 'Remove-Database']);
      expect(graph.requests.length - from).to.equal(1);
    });

    it('answers from what it remembers for the same list only until the policy document changes', async () => {
      let document = parsePolicy(POLICY, 'policy.yaml');
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const reloading = new PolicyEngine({ current: () => document }, directory);
      const names = async () => (await reloading.visibleRunbooks(linus, everyRunbook, PERSONAL)).map((b) => b.name);
      const before = await names();
      expect(before).to.deep.equal(['Get-Status']);
      // No caller can change what is remembered: the answer is frozen.
      const answer = (await reloading.visibleRunbooks(linus, everyRunbook, PERSONAL)) as RunbookDefinition[];
      expect(() => answer.push(drop)).to.throw(TypeError);
      expect(await names()).to.deep.equal(before);
      document = parsePolicy(`version: 1\nrules:\n  - id: all\n    effect: allow\n    runbooks: ['*']\n    users: ['*']\n`, 'policy.yaml');
      expect(await names()).to.deep.equal(everyRunbook.map((b) => b.name));
    });

    it('hides the runbooks whose rules need Graph while Graph fails (fail closed)', async () => {
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const failing = new PolicyEngine({ current: () => parsePolicy(POLICY, 'policy.yaml') }, directory);
      graph.fail(500);
      try {
        // Every runbook is covered by a group rule ('*' runbooks for SRE), so nothing is shown.
        expect(await failing.visibleRunbooks(ada, [status, restart], PERSONAL)).to.deep.equal([]);
      } finally {
        graph.recover();
      }
    });
  });

  describe('canApprove', () => {
    const requirement = { count: 2, groups: ['SRE Leads'], expiresInSeconds: 1800 };
    it('members of an approver group may approve (by display name)', async () => {
      expect(await engine.canApprove(grace, requirement, { requester: ada })).to.equal(true);
    });
    it('others may not', async () => {
      expect(await engine.canApprove(ada, requirement, { requester: grace })).to.equal(false);
    });
    it('the requester never approves their own run', async () => {
      expect(await engine.canApprove(grace, requirement, { requester: grace })).to.equal(false);
      // Same AAD user behind a different channel id (another client) is still the requester.
      expect(await engine.canApprove({ ...grace, id: '29:other' }, requirement, { requester: grace })).to.equal(false);
    });
    it('without approver groups, anyone allowed to run it here may approve', async () => {
      const peers = { count: 1, groups: [], expiresInSeconds: 600 };
      expect(await engine.canApprove(grace, peers, { requester: ada, runbook: restart, place: PERSONAL })).to.equal(true);
      expect(await engine.canApprove(linus, peers, { requester: ada, runbook: restart, place: PERSONAL })).to.equal(false);
      expect(await engine.canApprove(grace, peers, { requester: ada })).to.equal(false);
    });
  });

  describe('canChooseTarget', () => {
    const choosing: [string, ReturnType<typeof principal>, ReturnType<typeof runbook>, Place, boolean][] = [
      ['an allow rule with chooseTarget lets its group choose', lead, restart, PERSONAL, true],
      ['allow rules without chooseTarget do not', ada, restart, PERSONAL, false],
      ['nobody else may choose', linus, status, PERSONAL, false],
      ['an unconditional deny here takes the choice away', grace, blocking, GROUP_CHAT, false],
    ];
    for (const [name, user, book, place, expected] of choosing) {
      it(name, async () => {
        expect(await engine.canChooseTarget(user, book, place)).to.equal(expected);
      });
    }
  });

  describe('canAudit', () => {
    it('auditors (through a group) may read the audit log; others may not', async () => {
      expect(await engine.canAudit(auditor)).to.equal(true);
      expect(await engine.canAudit(ada)).to.equal(false);
      expect(await engine.canAudit(playground)).to.equal(false);
    });
  });

  describe('Microsoft Graph use', () => {
    it('asks transitiveMemberOf with the documented query, pages through nextLink and sends the token', async () => {
      const fresh = principal('Grace again', grace.aadObjectId);
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const from = graph.requests.length;
      const groups = await directory.groupsOf(fresh);
      expect(groups.map((g) => g.displayName)).to.deep.equal(['All staff', 'Building 4', 'SRE', 'Parking', 'SRE Leads']);
      const calls = graph.requests.slice(from);
      expect(calls).to.have.length(3);
      expect(calls[0].path).to.equal(`/v1.0/users/${grace.aadObjectId}/transitiveMemberOf/microsoft.graph.group`);
      expect(calls[0].query.get('$select')).to.equal('id,displayName');
      expect(calls.map((c) => c.query.get('$skiptoken'))).to.deep.equal([null, '2', '4']);
      expect(calls.every((c) => c.authorization === 'Bearer graph-test-token')).to.equal(true);
      expect(credential.scopes).to.include(`${graph.url}/.default`);
    });

    it('caches memberships for the TTL, then asks again', async () => {
      let now = 1_000_000;
      const directory = new GraphDirectory({ endpoint: graph.url, credential, ttlMs: 60_000, now: () => now, retryOptions: { maxRetries: 0 } });
      const cached = new PolicyEngine({ current: () => parsePolicy(POLICY, 'policy.yaml') }, directory);
      const from = graph.requests.length;
      await cached.decide(ada, restart, PERSONAL, env('dev'));
      await cached.decide(ada, restart, PERSONAL, env('prod'));
      await cached.canSee(ada, blocking, PERSONAL);
      expect(graph.requests.length - from).to.equal(1);
      now += 61_000;
      await cached.decide(ada, restart, PERSONAL, env('dev'));
      expect(graph.requests.length - from).to.equal(2);
    });

    it('denies (and logs) when Graph cannot be asked, and does not cache the failure', async () => {
      const { logger, lines } = capturedLogger();
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const failing = new PolicyEngine({ current: () => parsePolicy(POLICY, 'policy.yaml') }, directory, logger);
      graph.fail(503, 1);
      const decision = await failing.decide(ada, restart, PERSONAL, env('dev'));
      expect(decision).to.include({ effect: 'deny', rule: 'directory-unavailable' });
      expect(lines.some((line) => line.includes('group membership lookup failed'))).to.equal(true);
      expect(await failing.decide(ada, restart, PERSONAL, env('dev'))).to.include({ effect: 'allow', rule: 'sre-non-production' });
    });

    it('answers no to canSee, canApprove and canAudit while Graph fails', async () => {
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      const failing = new PolicyEngine({ current: () => parsePolicy(POLICY, 'policy.yaml') }, directory);
      graph.fail(500);
      try {
        expect(await failing.canSee(ada, restart, PERSONAL)).to.equal(false);
        expect(await failing.canApprove(grace, { count: 1, groups: ['SRE Leads'], expiresInSeconds: 60 })).to.equal(false);
        expect(await failing.canAudit(auditor)).to.equal(false);
      } finally {
        graph.recover();
      }
    });

    it('treats a user Graph does not know as member of no group', async () => {
      const directory = new GraphDirectory({ endpoint: graph.url, credential, retryOptions: { maxRetries: 0 } });
      expect(await directory.groupsOf(linus)).to.deep.equal([]);
      expect(await directory.userPrincipalName(linus)).to.equal(undefined);
    });

    it('refuses to follow a paging link to another host', async () => {
      const evil = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: [], '@odata.nextLink': 'https://attacker.example/steal' }));
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = evil.address() as AddressInfo;
        const directory = new GraphDirectory({ endpoint: `http://127.0.0.1:${port}`, credential, retryOptions: { maxRetries: 0 } });
        let message = '';
        await directory.groupsOf(ada).catch((error: Error) => (message = error.message));
        expect(message).to.contain('paging link to another host');
      } finally {
        evil.closeAllConnections();
        await new Promise<void>((resolve) => evil.close(() => resolve()));
      }
    });

    it('refuses to send a token over plain http to anything but loopback', async () => {
      const directory = new GraphDirectory({ endpoint: 'http://graph.contoso.test', credential, retryOptions: { maxRetries: 0 } });
      let message = '';
      await directory.groupsOf(ada).catch((error: Error) => (message = error.message));
      expect(message).to.contain('Refusing to send a Graph token over plain http');
    });
  });

  describe('built-in policies', () => {
    it('development without a policy file allows everything with rule development-default', async () => {
      const dev = new PolicyEngine({ current: () => DEVELOPMENT_POLICY }, new GraphDirectory({ endpoint: graph.url, credential }));
      expect(await dev.decide(linus, drop, GROUP_CHAT, env('prod'))).to.deep.equal({ effect: 'allow', rule: 'development-default' });
      expect(await dev.canSee(playground, drop, GROUP_CHAT)).to.equal(true);
      expect(await dev.canAudit(playground)).to.equal(true);
      expect(await dev.canChooseTarget(playground, drop, GROUP_CHAT)).to.equal(true);
    });

    it('without a policy file outside development nothing runs, and the answer says why', async () => {
      const none = new PolicyEngine({ current: () => NO_POLICY }, new GraphDirectory({ endpoint: graph.url, credential }));
      const decision = await none.decide(grace, status, PERSONAL, {});
      expect(decision).to.include({ effect: 'deny', rule: 'default-deny' });
      expect((decision as { reason: string }).reason).to.contain('No policy file is configured (POLICY_FILE)');
      expect(await none.canSee(grace, status, PERSONAL)).to.equal(false);
      expect(await none.canAudit(grace)).to.equal(false);
      expect(await none.canChooseTarget(grace, status, PERSONAL)).to.equal(false);
    });
  });
});
