/**
 * A secret parameter through the whole bot (real HTTP endpoint with authentication, policy with
 * an approval, local executor, SQLite store): by form, by typed command, through an approval and
 * in a refused request. Then everything the bot sent (connector requests and HTTP answers),
 * logged (trace level), reported as telemetry, stored (every SQLite table, every file in the data
 * folder) and audited is searched: no secret appears anywhere — while the script did receive it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { isFinal, SECRET_MASK } from '../../src/domain/job.js';
import { cardText, cardsOf, findAction, GRACE, message, personalChat, teamChannel } from '../support/activities.js';
import { until } from './fixtures.js';
import { SwitchboardUnderTest } from './switchboard-under-test.js';

const RUNBOOK = `"""Sets the password of a service account.

Category: Security
Tags: secrets
Timeout: 60s
Secret: password
"""
import argparse, hashlib, os

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--account", required=True, help="Service account")
parser.add_argument("--password", help="The new password (secret)")
args = parser.parse_args()
secret = os.environ.get("SWITCHBOARD_SECRET_PASSWORD", "")
print(f"password for {args.account}: {len(secret)} characters, sha256 {hashlib.sha256(secret.encode()).hexdigest()[:16]}", flush=True)
`;

const POLICY = `rules:
  - { id: everyone, effect: allow, runbooks: ['*'], users: ['*'], when: "account != 'svc-prod'" }
  - { id: prod-needs-a-peer, effect: allow, runbooks: ['*'], users: ['*'], approval: { approvers: 1 } }
`;

function fingerprint(secret: string): string {
  return `${secret.length} characters, sha256 ${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets never leave the script (whole bot)', function () {
  this.timeout(90_000);
  let bot: SwitchboardUnderTest;
  const secret = (label: string) => `${label}-${randomBytes(9).toString('base64url')}-Zq!`;
  const viaForm = secret('form');
  const viaText = secret('text');
  const viaApproval = secret('approved');
  const refused = secret('refused');

  before(async () => {
    bot = await SwitchboardUnderTest.start({ policy: POLICY, runbooks: { 'Set-ServicePassword.py': RUNBOOK } });
  });
  after(async () => bot?.close());

  it('runs with secrets given by form, by command, through an approval, and refuses a bad one', async () => {
    const chat = personalChat();
    const menu = await bot.say(chat, 'menu');
    const form = await bot.invoke(chat, 'openForm', { runbook: 'Set-ServicePassword' }, menu.activityId!);
    expect(JSON.stringify(form)).to.match(/"style":"password"/i);
    const started = await bot.click(chat, findAction(form, 'submitRun'), menu.activityId!, { 'p.account': 'svc-web', 'p.password': viaForm });
    expect(cardText(started)).to.contain(SECRET_MASK).and.not.contain(viaForm);

    // A started run answers with its job card, posted on its own (not as a reply).
    const typed = await bot.post(message(bot.recorder.url, chat, `run Set-ServicePassword --account svc-db --password "${viaText}"`));
    expect(typed.status).to.equal(200);

    // A value with a hidden text-direction character is refused: the answer must not quote it.
    const refusedForm = await bot.invoke(chat, 'openForm', { runbook: 'Set-ServicePassword' }, menu.activityId!);
    const answer = await bot.click(chat, findAction(refusedForm, 'submitRun'), menu.activityId!, { 'p.account': 'svc-x', 'p.password': `${refused}\u202E` });
    expect(cardText(answer)).to.contain('text-direction character');

    // Production needs a peer: the approval card shows the request with the secret masked.
    const channel = teamChannel('ops');
    const from = bot.recorder.mark();
    await bot.post(message(bot.recorder.url, channel, `run Set-ServicePassword --account svc-prod --password "${viaApproval}"`));
    const pending = await bot.recorder.waitFor((r) => r.conversationId === channel.conversationId && cardText(cardsOf(r.activity)[0] ?? {}).includes('svc-prod'), { from, description: 'the approval card' });
    expect(cardText(cardsOf(pending.activity)[0])).to.contain(SECRET_MASK);
    const waiting = await until('the waiting job', async () => (await bot.app.store.listJobs({ conversationKey: channel.conversationId }))[0]);
    expect(waiting.status).to.equal('pending_approval');
    await bot.invoke(channel, 'approve', { jobId: waiting.id }, pending.activityId!, GRACE);

    const jobs = await until('three finished runs with their final cards', async () => {
      const all = await bot.app.store.listJobs({});
      return all.length === 3 && all.every((j) => isFinal(j.status) && j.finalCardSent) ? all : undefined;
    });
    expect(jobs.map((j) => j.status)).to.deep.equal(['completed', 'completed', 'completed']);
    for (const job of jobs) expect(job.parameters.password).to.equal(SECRET_MASK);

    // The script received each secret (it prints only a fingerprint of it).
    const outputs = (await Promise.all(jobs.map((j) => bot.app.store.readOutput(j.id)))).flat().map((c) => c.text).join('\n');
    for (const value of [viaForm, viaText, viaApproval]) expect(outputs).to.contain(fingerprint(value));
  });

  it('no secret appears in anything the bot sent, answered, logged, reported, stored or audited', async () => {
    const haystacks: [string, string][] = [
      ...bot.recorder.requests.map((r): [string, string] => [`connector request #${r.index}`, `${r.authorization ?? ''} ${JSON.stringify(r.activity)}`]),
      ...bot.answers.map((a, i): [string, string] => [`HTTP answer #${i}`, a.body]),
      ['logs', bot.logLines.join('\n')],
      ['telemetry', JSON.stringify(bot.telemetry)],
      ['audit log', JSON.stringify(await bot.app.store.readAudit({}))],
    ];
    const db = new Database(path.join(bot.dataDir, 'switchboard.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      expect(tables.length).to.be.greaterThan(5);
      for (const { name } of tables) haystacks.push([`table ${name}`, JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())]);
    } finally {
      db.close();
    }
    for (const file of await filesUnder(bot.dataDir)) haystacks.push([`file ${path.relative(bot.dataDir, file)}`, (await readFile(file)).toString('latin1')]);

    expect(bot.logLines.length, 'logs were captured').to.be.greaterThan(5);
    // Positive controls: the search does find what was legitimately sent and stored.
    const found = (needle: string) => haystacks.filter(([, text]) => text.includes(needle)).map(([where]) => where.split(' #')[0].split(' ')[0]);
    expect(found('svc-prod')).to.include.members(['connector', 'audit', 'table', 'file']);
    expect(found(fingerprint(viaForm))).to.include.members(['connector', 'table', 'file']);
    const needles = [viaForm, viaText, viaApproval, refused].flatMap((s) => [s, Buffer.from(s).toString('base64')]);
    const leaks = haystacks.flatMap(([where, text]) => needles.filter((needle) => text.includes(needle)).map((needle) => `${where} contains ${needle}`));
    expect(leaks, leaks.join('\n')).to.deep.equal([]);
  });
});
