import { startArgoCdStandIn, ArgoCdStandIn } from './server';
import { openStream } from './__testUtils__/streams';

/** Watch semantics: filters, fields, and resuming from a resource version. */

const TOKEN = 'watch-token';

describe('watch', () => {
  let standIn: ArgoCdStandIn;

  beforeAll(async () => {
    standIn = await startArgoCdStandIn({
      token: TOKEN,
      waveDelayMs: 10,
      watchHistory: 5,
      synthetic: { count: 40, apps: 4, environmentsPerApp: [10, 20] },
    });
  });
  afterAll(() => standIn.stop());

  const sync = (name: string) =>
    fetch(
      `${standIn.url}/api/v1/applications/${encodeURIComponent(name)}/sync`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: '{}',
      },
    );

  it('sends the current state as ADDED, filtered by selector, with fields trimming', async () => {
    const selector = encodeURIComponent(
      'blueberry.io/app in (app-01,app-03),blueberry.io/type=pull-request',
    );
    const fields =
      'result.type,result.application.metadata.name,result.application.metadata.resourceVersion';
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?selector=${selector}&fields=${fields}`,
      { token: TOKEN },
    );
    await stream.waitFor(() => stream.messages.length === 15);
    stream.close();
    expect(stream.messages[0]).toEqual({
      result: {
        type: 'ADDED',
        application: {
          metadata: {
            name: expect.any(String),
            resourceVersion: expect.any(String),
          },
        },
      },
    });
    expect(
      new Set(
        stream.messages.map(m =>
          m.result.application.metadata.name.slice(0, 6),
        ),
      ),
    ).toEqual(new Set(['app-01', 'app-03']));
  });

  it('resumes after a resource version, replaying only later changes', async () => {
    const list = await (
      await fetch(
        `${standIn.url}/api/v1/applications?fields=metadata.resourceVersion`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      )
    ).json();
    const version = list.metadata.resourceVersion;
    expect(list).toEqual({ metadata: { resourceVersion: version } });
    expect((await sync('app-02-pr-3')).status).toBe(200);
    const again = await sync('app-02-pr-3');
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({
      code: 9,
      message: 'another operation is already in progress',
    });

    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?resourceVersion=${version}`,
      { token: TOKEN },
    );
    const first = await stream.waitFor(() => true);
    stream.close();
    expect(first.result.type).toBe('MODIFIED');
    expect(first.result.application.metadata.name).toBe('app-02-pr-3');
    expect(Number(first.result.application.metadata.resourceVersion)).toBe(
      Number(version) + 1,
    );
  });

  it('starts over with ADDED when the resource version is older than the history', async () => {
    for (let i = 1; i <= 6; i++) await sync(`app-04-pr-${i}`);
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?resourceVersion=1`,
      {
        token: TOKEN,
      },
    );
    await stream.waitFor(() => stream.messages.length >= 40);
    stream.close();
    expect(
      stream.messages.slice(0, 40).every(m => m.result.type === 'ADDED'),
    ).toBe(true);
  });
});
