import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

/**
 * A SOCKS5 proxy on loopback (RFC 1928 CONNECT, RFC 1929 user/password) that records what each
 * client asked for and connects every request to 127.0.0.1 on the asked port: the mail hosts'
 * names are the proxy's to resolve, as they would be on a remote proxy.
 */
export class TestSocksProxy {
  /** `host:port` of each CONNECT, and the user it authenticated as. */
  readonly requests: Array<{ host: string; port: number; user?: string }> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(auth?: { user: string; password: string }): Promise<TestSocksProxy> {
    const ref: { self?: TestSocksProxy } = {};
    const server = createServer((client) => void ref.self!.serve(client, auth));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    ref.self = new TestSocksProxy(server, (server.address() as AddressInfo).port);
    return ref.self;
  }

  private async serve(client: Socket, auth?: { user: string; password: string }): Promise<void> {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const read = reader(client);
    const [, nMethods] = await read(2);
    const methods = [...(await read(nMethods))];
    let user: string | undefined;
    if (auth) {
      if (!methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
      client.write(Buffer.from([5, 2]));
      const [, ulen] = await read(2);
      user = (await read(ulen)).toString();
      const [plen] = await read(1);
      const password = (await read(plen)).toString();
      const ok = user === auth.user && password === auth.password;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return void client.end();
    } else client.write(Buffer.from([5, 0]));
    const [, cmd, , atyp] = await read(4);
    let host: string;
    if (atyp === 3) host = (await read((await read(1))[0])).toString();
    else if (atyp === 1) host = [...(await read(4))].join('.');
    else return void client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
    const port = (await read(2)).readUInt16BE(0);
    this.requests.push({ host, port, user });
    if (cmd !== 1) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
    read.done();
    const upstream = connect({ host: '127.0.0.1', port }, () => {
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Reads exactly `n` bytes at a time from the socket (the handshake is small and in order). */
function reader(socket: Socket): ((n: number) => Promise<Buffer>) & { done(): void } {
  let buffered = Buffer.alloc(0);
  let want: { n: number; resolve: (b: Buffer) => void } | null = null;
  const flush = () => {
    if (want && buffered.length >= want.n) {
      const out = buffered.subarray(0, want.n);
      buffered = buffered.subarray(want.n);
      const w = want;
      want = null;
      w.resolve(out);
    }
  };
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    flush();
  };
  socket.on('data', onData);
  const read = (n: number) =>
    new Promise<Buffer>((resolve) => {
      want = { n, resolve };
      flush();
    });
  // Once the handshake is read, the socket is piped: stop reading here.
  return Object.assign(read, { done: () => socket.off('data', onData) });
}
