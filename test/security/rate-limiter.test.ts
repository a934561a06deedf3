import { expect } from 'chai';
import { RateLimiter } from '../../src/policy/rate-limiter.js';

describe('rate limiter', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a burst through, then refuses with a friendly answer and the seconds to wait', () => {
    const limiter = new RateLimiter({ perUser: { burst: 3, perMinute: 6 }, perConversation: { burst: 100, perMinute: 100 }, now: clock });
    for (let i = 0; i < 3; i++) expect(limiter.check('ada', 'chat-1')).to.deep.equal({ ok: true });
    const refused = limiter.check('ada', 'chat-1');
    expect(refused).to.deep.equal({
      ok: false,
      retryAfterSeconds: 10,
      scope: 'user',
      message: 'You have sent a lot of requests in a short time. Please try again in 10 seconds.',
    });
  });

  it('refills over time at the sustained rate', () => {
    const limiter = new RateLimiter({ perUser: { burst: 2, perMinute: 6 }, now: clock });
    limiter.check('ada', 'c');
    limiter.check('ada', 'c');
    expect(limiter.check('ada', 'c').ok).to.equal(false);
    now += 9_999;
    expect(limiter.check('ada', 'c')).to.include({ ok: false, retryAfterSeconds: 1 });
    now += 1;
    expect(limiter.check('ada', 'c').ok).to.equal(true);
    expect(limiter.check('ada', 'c').ok).to.equal(false);
  });

  it('limits each user separately', () => {
    const limiter = new RateLimiter({ perUser: { burst: 1, perMinute: 1 }, now: clock });
    expect(limiter.check('ada', 'c').ok).to.equal(true);
    expect(limiter.check('ada', 'c').ok).to.equal(false);
    expect(limiter.check('grace', 'c').ok).to.equal(true);
  });

  it('limits a busy conversation across users', () => {
    const limiter = new RateLimiter({ perUser: { burst: 10, perMinute: 10 }, perConversation: { burst: 2, perMinute: 30 }, now: clock });
    expect(limiter.check('ada', 'incident').ok).to.equal(true);
    expect(limiter.check('grace', 'incident').ok).to.equal(true);
    const refused = limiter.check('linus', 'incident');
    expect(refused).to.deep.include({ ok: false, scope: 'conversation', retryAfterSeconds: 2 });
    expect((refused as { message: string }).message).to.equal(
      'This conversation has had a lot of requests in a short time. Please try again in 2 seconds.',
    );
    expect(limiter.check('linus', 'elsewhere').ok).to.equal(true);
  });

  it('spends nothing when a request is refused', () => {
    const limiter = new RateLimiter({ perUser: { burst: 1, perMinute: 60 }, perConversation: { burst: 1, perMinute: 1 }, now: clock });
    expect(limiter.check('ada', 'busy').ok).to.equal(true);
    // Refused by the conversation limit: Ada's own bucket must not be charged for it.
    expect(limiter.check('ada', 'busy').ok).to.equal(false);
    now += 1_000;
    expect(limiter.check('ada', 'quiet').ok).to.equal(true);
  });

  it('keeps the state of users still waiting when it tidies up', () => {
    const limiter = new RateLimiter({ perUser: { burst: 1, perMinute: 1 }, perConversation: { burst: 1000, perMinute: 1000 }, maxTracked: 2, now: clock });
    expect(limiter.check('busy', 'c').ok).to.equal(true);
    for (const user of ['u1', 'u2', 'u3', 'u4']) expect(limiter.check(user, 'c').ok).to.equal(true);
    expect(limiter.check('busy', 'c').ok).to.equal(false);
  });

  it('rejects nonsensical limits', () => {
    expect(() => new RateLimiter({ perUser: { burst: 0, perMinute: 1 } })).to.throw(RangeError, 'burst ≥ 1');
  });
});
