import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of an Argo CD stand-in. `cut()` drops every open connection (the watch stream
 * included, as a load balancer restart does) so the plugin reconnects into whatever fault is set;
 * `down()` also resets new connections (the instance is off the network, as in a partition) until
 * `up()`.
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
  const cut = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    down() {
      up = false;
      cut();
    },
    up() {
      up = true;
    },
    async stop() {
      up = false;
      cut();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
