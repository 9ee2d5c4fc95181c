import { KeyedQueue } from './KeyedQueue';
import { sleep } from './sleep';

describe('KeyedQueue', () => {
  it('runs the operations of one key one at a time, in order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const operation = (name: string, ms: number) => async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all([
      queue.run('repo', operation('a', 20)),
      queue.run('repo', operation('b', 1)),
      queue.run('repo', operation('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(mostAtOnce).toBe(1);
    expect(log).toEqual([
      'start a',
      'end a',
      'start b',
      'end b',
      'start c',
      'end c',
    ]);
  });

  it('runs different keys at the same time', async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let mostAtOnce = 0;
    const operation = async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(20);
      running -= 1;
    };
    await Promise.all([queue.run('a', operation), queue.run('b', operation)]);
    expect(mostAtOnce).toBe(2);
  });

  it('fails only the caller of a failed operation; the next one runs', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('repo', async () => {
      throw new Error('index.lock exists');
    });
    const thrown = queue.run('repo', () => {
      throw new Error('thrown before a promise');
    });
    const next = queue.run('repo', async () => 'ran');
    await expect(failed).rejects.toThrow('index.lock exists');
    await expect(thrown).rejects.toThrow('thrown before a promise');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets a key once its queue has drained', async () => {
    const queue = new KeyedQueue();
    await queue.run('a', async () => undefined);
    await queue
      .run('b', async () => {
        throw new Error('no');
      })
      .catch(() => undefined);
    await sleep(0);
    expect(queue.size).toBe(0);
  });
});
