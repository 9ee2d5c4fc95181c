import { ActionRateLimiter } from './ActionRateLimiter';

describe('ActionRateLimiter', () => {
  it('allows one action of a kind per environment per interval', () => {
    let now = 1_000_000;
    const limiter = new ActionRateLimiter({
      intervalMs: 5_000,
      now: () => now,
    });
    expect(limiter.take('sync', 'local', 'pr-1')).toBeUndefined();
    expect(limiter.take('sync', 'local', 'pr-1')).toBe(5);
    // Another action, environment or instance has a slot of its own.
    expect(limiter.take('refresh', 'local', 'pr-1')).toBeUndefined();
    expect(limiter.take('sync', 'local', 'pr-2')).toBeUndefined();
    expect(limiter.take('sync', 'other', 'pr-1')).toBeUndefined();
    now += 3_500;
    expect(limiter.take('sync', 'local', 'pr-1')).toBe(2);
    now += 1_500;
    expect(limiter.take('sync', 'local', 'pr-1')).toBeUndefined();
  });

  it('is off with an interval of 0', () => {
    const limiter = new ActionRateLimiter({ intervalMs: 0 });
    expect(limiter.take('sync', 'local', 'pr-1')).toBeUndefined();
    expect(limiter.take('sync', 'local', 'pr-1')).toBeUndefined();
  });
});
