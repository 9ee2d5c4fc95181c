import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTcpProxy } from './tcpProxy';

describe('startTcpProxy', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('upstream'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  });

  it('forwards connections, refuses them while down, and forwards again once up', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    try {
      const first = await fetch(proxy.url, {
        headers: { connection: 'close' },
      });
      expect(await first.text()).toBe('upstream');

      proxy.down();
      await expect(
        fetch(proxy.url, { headers: { connection: 'close' } }),
      ).rejects.toThrow();

      proxy.up();
      const again = await fetch(proxy.url, {
        headers: { connection: 'close' },
      });
      expect(await again.text()).toBe('upstream');
    } finally {
      await proxy.stop();
    }
  });

  it('cut() drops an open connection', async () => {
    const slow = http.createServer((_req, res) => {
      res.write('start');
    });
    await new Promise<void>(resolve => slow.listen(0, '127.0.0.1', resolve));
    const slowProxy = await startTcpProxy({
      host: '127.0.0.1',
      port: (slow.address() as AddressInfo).port,
    });
    try {
      const closed = new Promise<string>(resolve => {
        http.get(slowProxy.url, res => {
          res.once('data', () => slowProxy.cut());
          res.on('error', () => resolve('dropped'));
          res.on('close', () => resolve('dropped'));
        });
      });
      await expect(closed).resolves.toBe('dropped');
    } finally {
      await slowProxy.stop();
      slow.closeAllConnections();
      await new Promise<void>(resolve => slow.close(() => resolve()));
    }
  });
});
