import DNS from 'dns2';
import ipaddr from 'ipaddr.js';
import { AddressInfo, Server, Socket } from 'node:net';

const { Packet } = DNS;

/** One record the server answers with. `ttl` defaults to 0: resolvers must not cache it. */
export type DnsRecord = { ttl?: number } & (
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'CNAME'; target: string }
  | { type: 'MX'; exchange: string; priority: number }
  | { type: 'TXT'; data: string | string[] }
);

/**
 * What the server answers instead of records: NXDOMAIN (the name does not exist), SERVFAIL,
 * REFUSED, or NO_ANSWER (the query is dropped: the client times out).
 */
export type DnsFailure = 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'NO_ANSWER';

export interface DnsQuery {
  /** Lower case, without a trailing dot. */
  name: string;
  /** A, AAAA, CNAME, MX, TXT… (TYPE<n> for a type dns2 has no name for). */
  type: string;
  transport: 'udp' | 'tcp';
  /** How many queries of this name and type came before this one (0 for the first). */
  nth: number;
}

/**
 * A name's records decided per query: `sequence` and rebinding tests use it. The server picks
 * the records of the asked type from what it returns (and follows a CNAME among them).
 */
export type DnsResponder = (query: DnsQuery) => DnsRecord[] | DnsFailure;

/** Record builders: `rr.a('10.0.0.5')`, `rr.cname('other.test')`, `rr.mx('mx.test', 10)`… */
export const rr = {
  a: (address: string, ttl?: number): DnsRecord => ({ type: 'A', address, ttl }),
  aaaa: (address: string, ttl?: number): DnsRecord => ({ type: 'AAAA', address, ttl }),
  cname: (target: string, ttl?: number): DnsRecord => ({ type: 'CNAME', target, ttl }),
  mx: (exchange: string, priority = 10, ttl?: number): DnsRecord => ({
    type: 'MX',
    exchange,
    priority,
    ttl,
  }),
  txt: (data: string | string[], ttl?: number): DnsRecord => ({ type: 'TXT', data, ttl }),
};

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const TYPE_NAME = new Map<number, string>(
  Object.entries(Packet.TYPE).map(([name, code]) => [code as number, name]),
);
/** CNAMEs followed at most within one answer (a loop answers SERVFAIL). */
const MAX_CHAIN = 8;

type Entry = DnsRecord[] | DnsFailure | DnsResponder;

/**
 * An authoritative-and-recursive DNS server for tests, on 127.0.0.1 with UDP and TCP on one
 * random port (a resolver retries a truncated UDP answer over TCP on the same port). Answers come
 * from a mutable table: `set` a name's records, a failure, or a function of the query. Names not
 * in the table are NXDOMAIN; a name without records of the asked type answers NOERROR with no
 * records (NODATA). A CNAME is followed within the table and the chain answered in one response,
 * as a recursive resolver does. Every query is logged in `queries`. Close it in afterAll.
 *
 * Point Assay at it with `OUTBOUND_DNS_SERVERS=${dns.address}`.
 */
export class TestDnsServer {
  readonly queries: DnsQuery[] = [];
  /** Queries the server could not parse or answer (should stay empty). */
  readonly errors: Error[] = [];
  private readonly table = new Map<string, Entry>();
  private readonly counts = new Map<string, number>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly udp: DNS.UDPServer,
    private readonly tcp: Server,
  ) {}

  /** `host:port`, the value of OUTBOUND_DNS_SERVERS. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  static async start(host = '127.0.0.1'): Promise<TestDnsServer> {
    let server: TestDnsServer | undefined;
    const handle: DNS.DnsHandler = (request, send, client) => {
      server!.answer(request, send, client instanceof Socket ? 'tcp' : 'udp');
    };
    // UDP picks the port; TCP must get the same one, which may be taken: try a few.
    for (let attempt = 0; ; attempt++) {
      const udp = DNS.createUDPServer(handle);
      const tcp = DNS.createTCPServer(handle);
      try {
        await listen(udp, (done) => udp.bind(0, host, done));
        const port = (udp.address() as AddressInfo).port;
        await listen(tcp, (done) => tcp.listen(port, host, done));
        server = new TestDnsServer(host, port, udp, tcp);
        tcp.on('connection', (s: Socket) => {
          server!.sockets.add(s);
          s.on('close', () => server!.sockets.delete(s));
        });
        const onError = (err: Error) => server!.errors.push(err);
        for (const s of [udp, tcp]) s.on('requestError', onError).on('error', onError);
        return server;
      } catch (err) {
        await closeQuietly(udp, tcp);
        if (attempt >= 10) throw err;
      }
    }
  }

  /** Sets what `name` answers (replacing what it answered before). */
  set(name: string, answer: Entry): this {
    this.table.set(normalize(name), answer);
    return this;
  }

  /**
   * Answers `steps` in turn, counted per query type: the first A query of `name` gets the first
   * step's A records, the second A query the second step's…; after the last step, the last.
   */
  sequence(name: string, steps: Array<DnsRecord[] | DnsFailure>): this {
    if (!steps.length) throw new Error('sequence needs at least one step');
    return this.set(name, (q) => steps[Math.min(q.nth, steps.length - 1)]);
  }

  remove(name: string): this {
    this.table.delete(normalize(name));
    return this;
  }

  /** Empties the table and the query log. */
  reset(): void {
    this.table.clear();
    this.counts.clear();
    this.queries.length = 0;
    this.errors.length = 0;
  }

  /** The queries of `name` (of `type` if given), in order. */
  queriesFor(name: string, type?: string): DnsQuery[] {
    const n = normalize(name);
    return this.queries.filter((q) => q.name === n && (!type || q.type === type));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await closeQuietly(this.udp, this.tcp);
  }

  private answer(
    request: DNS.Packet,
    send: (response: DNS.Packet) => Promise<Buffer>,
    transport: 'udp' | 'tcp',
  ): void {
    const response = Packet.createResponseFromRequest(request);
    // Recursion available: resolvers treat the answer as final.
    response.header.ra = 1;
    const question = request.questions[0];
    // dns2's UDP send returns a promise, its TCP send nothing.
    const reply = () =>
      Promise.resolve()
        .then(() => send(response))
        .catch((e: Error) => this.errors.push(e));
    if (!question) return void reply();
    const name = normalize(question.name);
    const type = TYPE_NAME.get(question.type) ?? `TYPE${question.type}`;
    const key = `${name} ${type}`;
    const nth = this.counts.get(key) ?? 0;
    this.counts.set(key, nth + 1);
    const query: DnsQuery = { name, type, transport, nth };
    this.queries.push(query);

    let current = name;
    for (let depth = 0; ; depth++) {
      const records = this.lookup(current, { ...query, name: current });
      if (records === 'NO_ANSWER') return;
      if (typeof records === 'string') {
        // A failure after a CNAME still carries the chain so far (as real resolvers answer).
        response.header.rcode = RCODE[records];
        break;
      }
      const cname = records.find((r) => r.type === 'CNAME');
      if (cname && type !== 'CNAME') {
        if (depth >= MAX_CHAIN) {
          response.header.rcode = RCODE.SERVFAIL;
          break;
        }
        response.answers.push(resource(question, current, cname));
        current = normalize(cname.target);
        continue;
      }
      for (const r of records.filter((r) => r.type === type)) {
        response.answers.push(resource(question, current, r));
      }
      break;
    }
    void reply();
  }

  private lookup(name: string, query: DnsQuery): DnsRecord[] | DnsFailure {
    const entry = this.table.get(name);
    if (entry === undefined) return 'NXDOMAIN';
    return typeof entry === 'function' ? entry(query) : entry;
  }
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The dns2 resource of one record, owned by `owner` (a CNAME chain's names differ). */
function resource(question: DNS.Packet.Question, owner: string, r: DnsRecord): DNS.Packet.Resource {
  const base = { name: owner, class: Packet.CLASS.IN, ttl: r.ttl ?? 0 };
  switch (r.type) {
    case 'A':
      return Packet.createResourceFromQuestion(question, {
        ...base,
        type: Packet.TYPE.A,
        address: r.address,
      });
    case 'AAAA':
      // dns2 encodes the 8 hex groups only: spell ::ffff:127.0.0.1 and :: in full.
      return Packet.createResourceFromQuestion(question, {
        ...base,
        type: Packet.TYPE.AAAA,
        address: ipaddr.IPv6.parse(r.address).toNormalizedString(),
      });
    case 'CNAME':
      return Packet.createResourceFromQuestion(question, {
        ...base,
        type: Packet.TYPE.CNAME,
        domain: r.target,
      });
    case 'MX':
      return Packet.createResourceFromQuestion(question, {
        ...base,
        type: Packet.TYPE.MX,
        exchange: r.exchange,
        priority: r.priority,
      });
    case 'TXT': {
      // One character-string holds at most 255 bytes: longer texts are split, as DNS requires
      // (as bytes: dns2 writes Buffers as they are).
      const strings = (Array.isArray(r.data) ? r.data : [r.data]).flatMap((s) => {
        const bytes = Buffer.from(s, 'utf8');
        const parts: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
        return parts.length ? parts : [Buffer.alloc(0)];
      });
      return Packet.createResourceFromQuestion(question, {
        ...base,
        type: Packet.TYPE.TXT,
        data: strings as unknown as string[],
      });
    }
  }
}

function listen(target: NodeJS.EventEmitter, start: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    target.once('error', reject);
    start(() => {
      target.off('error', reject);
      resolve();
    });
  });
}

async function closeQuietly(udp: DNS.UDPServer, tcp: Server): Promise<void> {
  await Promise.all([
    new Promise<void>((r) => {
      try {
        udp.close(() => r());
      } catch {
        r(); // not bound, or already closed
      }
    }),
    new Promise<void>((r) => (tcp.listening ? tcp.close(() => r()) : r())),
  ]);
}
