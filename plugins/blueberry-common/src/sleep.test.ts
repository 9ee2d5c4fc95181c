import { sleep } from './sleep';

describe('sleep', () => {
  it('resolves after the time has passed', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('resolves at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await slept;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('resolves at once when the signal had aborted already', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    await sleep(60_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
