import { expect } from 'chai';
import { DeliveryError, parseRetryAfter, toDeliveryError } from '../../src/jobs/delivery-error.js';
import { Outbox, TEAMS_CONVERSATION_LIMITS } from '../../src/jobs/outbox.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { assertWithinLimit, conversation, RecordingMessenger } from './support/recording-messenger.js';

const card = (n: number) => ({ text: `state ${n}` });

describe('Outbox', () => {
  let clock: FakeClock;
  let target: RecordingMessenger;
  let outbox: Outbox;

  beforeEach(() => {
    clock = new FakeClock();
    target = new RecordingMessenger(clock);
    outbox = new Outbox(target, { clock, random: () => 0.5 });
  });

  afterEach(() => outbox.close());

  it('keeps a burst of 200 updates to one conversation within every Teams window', async () => {
    const chat = conversation('chat-1');
    const all = Array.from({ length: 200 }, (_, i) => outbox.update(chat, `card-${i}`, card(i)));
    expect(outbox.depth()).to.equal(200);
    const took = await clock.advanceUntil(() => target.delivered.length === 200, 200_000, 250);
    await Promise.all(all);

    const times = target.attempts.map((a) => a.at);
    for (const { windowMs, max } of TEAMS_CONVERSATION_LIMITS) assertWithinLimit(times, windowMs, max);
    // 60 per 30 s is the binding limit: 200 messages need a bit more than three windows.
    expect(took).to.be.within(90_000, 100_000);
    expect(target.delivered.map((d) => d.activityId)).to.deep.equal(Array.from({ length: 200 }, (_, i) => `card-${i}`));
    expect(outbox.depth()).to.equal(0);
  });

  it('keeps all conversations together under the global limit', async () => {
    const all = Array.from({ length: 300 }, (_, i) => outbox.send(conversation(`chat-${i % 60}`), card(i)));
    await clock.advanceUntil(() => target.delivered.length === 300, 60_000, 100);
    await Promise.all(all);
    assertWithinLimit(target.attempts.map((a) => a.at), 1_000, 50);
  });

  it('sends only the latest of many waiting updates to one card', async () => {
    const chat = conversation('chat-1');
    target.failWith = (_, index) => (index === 0 ? { statusCode: 429, response: { headers: { 'retry-after': '2' } } } : undefined);
    const updates = Array.from({ length: 200 }, (_, i) => outbox.update(chat, 'job-card', card(i)));
    await settle();
    expect(outbox.depth()).to.equal(1);
    await clock.advanceUntil(() => outbox.depth() === 0, 10_000);
    await Promise.all(updates);
    expect(target.attempts).to.have.length(2);
    expect(target.delivered.map((d) => d.message)).to.deep.equal([card(199)]);
  });

  it('queues an update behind the same card while an earlier one is in flight', async () => {
    const chat = conversation('chat-1');
    const first = outbox.update(chat, 'job-card', card(1));
    const second = outbox.update(chat, 'job-card', card(2));
    const third = outbox.update(chat, 'job-card', card(3));
    await clock.advanceUntil(() => outbox.depth() === 0, 5_000);
    await Promise.all([first, second, third]);
    // The first call is made synchronously; the two later ones coalesce into one.
    expect(target.delivered.map((d) => d.message)).to.deep.equal([card(1), card(3)]);
  });

  it('never lets a later intermediate update replace a waiting final one', async () => {
    const chat = conversation('chat-1');
    target.failWith = (_, index) => (index === 0 ? { statusCode: 502 } : undefined);
    const running = outbox.update(chat, 'job-card', card(1));
    await settle();
    const final = outbox.update(chat, 'job-card', { text: 'completed' }, { final: true });
    const late = outbox.update(chat, 'job-card', card(2));
    await clock.advanceUntil(() => outbox.depth() === 0, 10_000);
    await Promise.all([running, final, late]);
    expect(target.delivered.map((d) => d.message)).to.deep.equal([{ text: 'completed' }]);
  });

  it('honours Retry-After on 429 and keeps other conversations moving', async () => {
    const busy = conversation('busy');
    const quiet = conversation('quiet');
    target.failWith = (attempt) =>
      attempt.conversation === 'busy' && target.attempts.filter((a) => a.conversation === 'busy').length === 1
        ? { statusCode: 429, response: { headers: { get: (name: string) => (name === 'retry-after' ? '7' : null) } } }
        : undefined;
    const start = clock.now();
    const slow = outbox.send(busy, card(1));
    await settle();
    const fast = outbox.send(quiet, card(2));
    await clock.advance(1_000);
    expect(await fast).to.match(/^activity-/);
    expect(target.delivered.map((d) => d.conversation)).to.deep.equal(['quiet']);
    await clock.advanceUntil(() => outbox.depth() === 0, 20_000);
    await slow;
    const retries = target.attempts.filter((a) => a.conversation === 'busy');
    expect(retries).to.have.length(2);
    expect(retries[1].at - start).to.be.at.least(7_000);
  });

  it('backs off exponentially on repeated gateway errors, then gives up on an intermediate update', async () => {
    const chat = conversation('chat-1');
    target.failWith = () => ({ statusCode: 504 });
    const update = outbox.update(chat, 'card', card(1));
    const outcome = update.then(
      () => 'delivered',
      (error: DeliveryError) => error,
    );
    await clock.advanceUntil(() => outbox.depth() === 0, 120_000);
    const error = await outcome;
    expect(error).to.be.instanceOf(DeliveryError);
    expect((error as DeliveryError).statusCode).to.equal(504);
    const gaps = target.attempts.slice(1).map((a, i) => a.at - target.attempts[i].at);
    expect(target.attempts).to.have.length(6);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).to.be.greaterThan(gaps[i - 1]);
  });

  it('retries a final card longer than intermediate updates', async () => {
    const chat = conversation('chat-1');
    target.failWith = (_, index) => (index < 8 ? { statusCode: 502 } : undefined);
    const final = outbox.update(chat, 'card', { text: 'done' }, { final: true });
    await clock.advanceUntil(() => outbox.depth() === 0, 600_000, 1_000);
    await final;
    expect(target.attempts).to.have.length(9);
    expect(target.delivered.map((d) => d.message)).to.deep.equal([{ text: 'done' }]);
  });

  it('does not retry errors that will not go away', async () => {
    const chat = conversation('chat-1');
    target.failWith = () => ({ statusCode: 404, message: 'activity not found' });
    const error = await outbox.update(chat, 'gone', card(1)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeliveryError);
    expect((error as DeliveryError).transient).to.equal(false);
    expect(target.attempts).to.have.length(1);
  });

  it('drains: resolves when everything is delivered, or reports what is left at the deadline', async () => {
    const chat = conversation('chat-1');
    for (let i = 0; i < 10; i++) void outbox.send(chat, card(i));
    const drained = outbox.drain(60_000);
    await clock.advance(5_000);
    expect(await drained).to.equal(0);

    target.failWith = () => ({ statusCode: 429, retryAfterMs: 30_000 });
    const stuck = outbox.send(chat, card(99)).catch((e: unknown) => e);
    const partly = outbox.drain(1_000);
    await clock.advance(1_000);
    expect(await partly).to.equal(1);
    outbox.close();
    expect(await stuck).to.be.instanceOf(DeliveryError);
    expect(outbox.depth()).to.equal(0);
  });
});

describe('toDeliveryError', () => {
  const now = Date.parse('2025-03-31T08:00:00Z');

  it('reads statusCode and a Retry-After HTTP date', () => {
    const error = toDeliveryError({ statusCode: 429, response: { headers: { 'Retry-After': 'Mon, 31 Mar 2025 08:00:05 GMT' } } }, now);
    expect(error).to.include({ statusCode: 429, transient: true, retryAfterMs: 5_000 });
  });

  it('treats 412, 502 and 504 as transient and 400, 403 and 500 as final', () => {
    for (const status of [412, 502, 504]) expect(toDeliveryError({ statusCode: status }, now).transient).to.equal(true);
    for (const status of [400, 403, 500]) expect(toDeliveryError({ statusCode: status }, now).transient).to.equal(false);
  });

  it('treats connection resets as transient and unknown throws as final', () => {
    expect(toDeliveryError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), now).transient).to.equal(true);
    expect(toDeliveryError(new TypeError('bug'), now).transient).to.equal(false);
    expect(toDeliveryError('text', now).message).to.equal('text');
  });

  it('parses delta seconds and ignores garbage', () => {
    expect(parseRetryAfter('1.5', now)).to.equal(1_500);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(undefined, now)).to.equal(undefined);
  });
});
