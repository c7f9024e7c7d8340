import { lookup as dnsLookup } from 'node:dns';
import { loadConfig } from '../../src/common/config/app.config';
import { outboundResolver, parseDnsServers } from '../../src/common/net/dns-resolver';

/** The OUTBOUND_DNS_SERVERS setting: what it takes, and what stops start-up. */
describe('OUTBOUND_DNS_SERVERS', () => {
  it('takes IP addresses with an optional port; empty is the system resolver', () => {
    const servers = '10.0.0.53, 10.0.0.53:5353, [fd00::53]:53, fd00::54, [fd00::55]';
    const config = loadConfig({ OUTBOUND_DNS_SERVERS: servers });
    expect(parseDnsServers(config.OUTBOUND_DNS_SERVERS)).toEqual([
      '10.0.0.53',
      '10.0.0.53:5353',
      '[fd00::53]:53',
      'fd00::54',
      'fd00::55',
    ]);
    // node:dns accepts them all (setServers throws on anything it cannot use).
    expect(typeof outboundResolver(config.OUTBOUND_DNS_SERVERS)).toBe('function');
    expect(loadConfig({}).OUTBOUND_DNS_SERVERS).toEqual([]);
    expect(outboundResolver([])).toBe(dnsLookup);
  });

  it('is validated at boot: invalid entries stop start-up with a message naming each', () => {
    expect(() =>
      loadConfig({ OUTBOUND_DNS_SERVERS: '10.0.0.53, dns.example, 10.0.0.53:99999, fd00::53:53x' }),
    ).toThrow(
      /OUTBOUND_DNS_SERVERS: "dns\.example" is not a DNS server address: write an IP address, optionally with a port .*; "10\.0\.0\.53:99999" .*; "fd00::53:53x"/,
    );
  });
});
