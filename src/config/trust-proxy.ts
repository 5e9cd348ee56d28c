import { isIP } from 'node:net';
import { ValidateBy } from 'class-validator';

/**
 * Which proxies in front of the app may tell us the client's address, in the
 * form Fastify's `trustProxy` takes: `false` (none: the socket's peer is the
 * client), a hop count, or a list of proxy addresses and CIDR ranges.
 */
export type TrustProxy = false | number | string[];

const MAX_HOPS = 32;
// proxy-addr's (Express's and Fastify's) names for whole ranges.
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `true` means one hop, not "trust every hop": the left-most X-Forwarded-For
 * entries are whatever the client wrote, so trusting them all lets anyone pick
 * their own address (and dodge every per-address limit). One load balancer in
 * front is the common case and the contract's "behind a load balancer".
 * Returns undefined for a value that is none of the accepted forms.
 */
export function parseTrustProxy(raw: string): TrustProxy | undefined {
  const value = raw.trim().toLowerCase();
  if (['', 'false', 'no', 'off'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) return undefined;
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isAddressOrRange) ? entries : undefined;
}

export const IsTrustProxy = () =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        `must be false, true (one hop), a hop count (0-${MAX_HOPS}) or a comma-separated list of proxy addresses/CIDRs ` +
        '(e.g. 10.0.0.0/8,192.0.2.7)',
    },
  });
