import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) return calls === 1 ? undefined : false;
      return { calls };
    }, 5_000);
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling through a check that throws', async () => {
    let calls = 0;
    const value = await eventually(async () => {
      calls += 1;
      if (calls === 1) throw new Error('not up yet');
      return 0;
    }, 5_000);
    expect(value).toBe(0);
  });

  it('fails after the timeout, naming what it waited for and the last error', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('connection refused');
        },
        100,
        'the stand-in',
        10,
      ),
    ).rejects.toThrow(
      'Timed out after 100 ms waiting for the stand-in: Error: connection refused',
    );
  });
});
