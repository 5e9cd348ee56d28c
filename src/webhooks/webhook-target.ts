import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Server-side request forgery: a webhook URL is chosen by an admin, but the request leaves from inside the
 * newsroom's network, so by default it may not reach loopback, private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast or reserved addresses. The check runs on the address the name
 * resolves to at connection time (so a name that later resolves elsewhere — DNS rebinding — is caught), and on
 * literal addresses when the endpoint is saved. `WEBHOOK_ALLOW_PRIVATE_URLS=true` lifts it (tests, on-premises
 * receivers).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? blocked.check(mapped[1], 'ipv4') : blocked.check(address, 'ipv6');
}

/** Why `url` cannot be a webhook endpoint, or null. Names are resolved only when a delivery connects. */
export function urlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must be an absolute http or https URL';
  if (parsed.username || parsed.password) return 'url must not carry a user name or password';
  if (parsed.hash) return 'url must not carry a fragment';
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host))) {
    return 'url must not point at a loopback, private or reserved address';
  }
  return null;
}

export class BlockedAddressError extends Error {
  constructor(address: string) {
    super(`refused to connect to the non-public address ${address}`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses non-public addresses (every one of them, when asked for all). */
export function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options }, (error, address, family) => {
    if (error) return callback(error, address, family);
    const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
    const refused = addresses.find((candidate) => isPrivateAddress(candidate));
    if (refused) return callback(new BlockedAddressError(refused), address, family);
    callback(null, address, family);
  });
}
