import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { ProviderError } from '../ai/providers/types.js';

/** `::/96` (IPv4-compatible) and `64:ff9b::/96` (NAT64, RFC 6052) carry an IPv4 address in their last 32 bits. */
const EMBEDDING_V4: readonly [ipaddr.IPv6, number][] = [
  [ipaddr.IPv6.parse('::'), 96],
  [ipaddr.IPv6.parse('64:ff9b::'), 96],
];

/**
 * Why an address may not be called from a builder's setting, or null when it is a public
 * unicast address. The classification is ipaddr.js's (the one request-filtering-agent uses):
 * loopback, private, link-local, CGNAT, unique-local, multicast, reserved and the rest are
 * refused; IPv4-mapped, IPv4-compatible and NAT64 addresses are judged by the IPv4 address
 * they carry; any other IPv6 range that embeds an address (6to4, Teredo, local-use NAT64) is refused.
 */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip instanceof ipaddr.IPv6) {
    const v6 = ip;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (EMBEDDING_V4.some((range) => v6.match(range))) ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

function refusal(host: string, address: string, range: string): ProviderError {
  return new ProviderError(
    'upstream',
    `the provider's address ${host === address ? address : `${host} (${address})`} is ${range}, not public; ` +
      'the server calls no private network for a workspace key unless its operator sets CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS=1',
  );
}

/** The host of a URL without IPv6 brackets, as the URL parser writes it (decimal, hex and octal IPv4 made dotted). */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * The first refused address `host` is or resolves to, as a ProviderError, else null. A name
 * that does not resolve is not refused here (connecting to it fails anyway).
 */
export async function checkHost(host: string, resolve: typeof dnsLookup = dnsLookup): Promise<ProviderError | null> {
  if (isIP(host)) {
    const range = refusedAddress(host);
    return range ? refusal(host, host, range) : null;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((ok, fail) => resolve(host, { all: true }, (err, list) => (err ? fail(err) : ok(list))));
  } catch {
    return null;
  }
  for (const { address } of addresses) {
    const range = refusedAddress(address);
    if (range) return refusal(host, address, range);
  }
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that resolves the name and refuses it when any of its addresses
 * is refused, so the connection is never made; answers in the shape net asks for (`all` or one).
 */
export function checkedLookup(resolve: typeof dnsLookup = dnsLookup, refuse: (address: string) => string | null = refusedAddress) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, '');
      for (const { address } of addresses) {
        const range = refuse(address);
        if (range) return callback(refusal(hostname, address, range) as unknown as NodeJS.ErrnoException, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

export interface OutboundOptions {
  /** name resolution; a test's own lookup */
  lookup?: typeof dnsLookup;
  /** which addresses are refused, and why; default `refusedAddress` (a test calls one loopback address public) */
  refuse?: (address: string) => string | null;
}

/**
 * The fetch of BYOK calls: every connection it opens is checked when it is made (the name is
 * resolved and each address judged; a literal address is judged as is), so a name that
 * resolves to this machine or a private network, or changes its answer after PUT /byok, is
 * refused before any connection. Redirects are not followed: a 3xx is the provider's error.
 */
export function byokFetch(options: OutboundOptions = {}): typeof fetch {
  const refuse = options.refuse ?? refusedAddress;
  const connector = buildConnector({ lookup: checkedLookup(options.lookup, refuse) } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const range = refuse(host);
      if (range) return callback(refusal(host, host, range), null);
    }
    return connector(opts, callback);
  };
  const dispatcher = new Agent({ connect });
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher, redirect: 'manual' })) as unknown as typeof fetch;
}
