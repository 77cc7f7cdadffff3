import type { lookup } from 'node:dns';
import { checkHost, hostOf } from './outbound.js';

/**
 * Why a BYOK base URL may not be stored, or null: it names this machine or a private
 * network, as a literal address in any form the URL parser accepts (decimal, hex, octal,
 * IPv4-mapped, -compatible and NAT64 IPv6), as a name that resolves to such an address, or
 * as a name only a local network knows (`*.localhost`, `*.internal`, `*.local`). This is
 * the early answer to PUT /byok; the boundary itself is checked on every connection
 * (outbound.ts), as a name may resolve elsewhere later.
 */
export async function privateUrlReason(url: string, resolve?: typeof lookup): Promise<string | null> {
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
    return `${host} is a local name`;
  }
  const refused = await checkHost(host, resolve);
  return refused ? refused.message.replace(/;.*$/, '') : null;
}
