import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay in front of a local server that delivers everything the server sends `latencyMs`
 * late, in order: a mail server one network round trip away. Replies the server writes together
 * (pipelined commands) arrive together, as they would over a real network; what the client sends
 * passes at once.
 */
export class LatencyRelay {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly sockets: Set<Socket>,
  ) {}

  static async start(targetPort: number, latencyMs: number): Promise<LatencyRelay> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      let due = 0;
      const later = (fn: () => void) => {
        due = Math.max(Date.now() + latencyMs, due);
        setTimeout(fn, due - Date.now());
      };
      upstream.on('data', (chunk: Buffer) => later(() => client.writable && client.write(chunk)));
      upstream.on('end', () => later(() => client.end()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return new LatencyRelay(server, (server.address() as AddressInfo).port, sockets);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
