import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of the Argo CD stand-in, so a test can take Argo CD off the network (every
 * open connection cut, new ones reset) and bring it back, as a network partition or a restart would.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer(client => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Cuts every open connection and resets new ones. */
    down() {
      up = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    up() {
      up = true;
    },
    async stop() {
      this.down();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
