import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ClusterReadError } from '../../domain/drift/cluster-read-error.ts';

/** Resolves a host name to every address DNS gives (injectable for tests). */
export type HostResolver = (host: string) => Promise<string[]>;

/** The system resolver: every A and AAAA answer. */
export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

const FORBIDDEN = [
  /^169\.254\./, // link-local, the instance metadata service among them
  /^0\./,
  /^fe[89ab][0-9a-f]:/i, // IPv6 link-local
  /^fd00:ec2::254$/i, // the IPv6 instance metadata service
];
const LOOPBACK = [/^127\./, /^::1$/, /^0:0:0:0:0:0:0:1$/];

/** Whether an address is loopback (127.0.0.0/8, ::1), also IPv4-mapped. */
export function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '');
  return LOOPBACK.some((r) => r.test(plain));
}

/** Whether an address is link-local or a metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254), also IPv4-mapped. */
export function isForbiddenAddress(address: string): boolean {
  const plain = address.replace(/^::ffff:/i, '');
  return FORBIDDEN.some((r) => r.test(plain));
}

/** Where to connect: the checked address, and the name to verify the certificate against. */
export interface GuardedEndpoint {
  endpoint: string;
  tlsServerName?: string;
}

/**
 * Resolves an endpoint's host, refuses it when any answer is link-local,
 * a metadata address or (unless `allowLoopback`) loopback, and returns the
 * endpoint rewritten to the first checked address, so the connection goes
 * where the check looked whatever DNS answers next (no rebinding). The
 * certificate is still verified against the host name (`tlsServerName`).
 *
 * @example await guardEndpoint('https://k8s.example.com', { allowLoopback: false }) // { endpoint: 'https://203.0.113.7/', tlsServerName: 'k8s.example.com' }
 */
export async function guardEndpoint(
  endpoint: string,
  options: { allowLoopback: boolean; resolve?: HostResolver },
): Promise<GuardedEndpoint> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? systemResolver)(host);
  } catch (error) {
    throw new ClusterReadError('cluster-unreachable', `cannot resolve ${host}`, { cause: error });
  }
  if (addresses.length === 0) throw new ClusterReadError('cluster-unreachable', `${host} has no address`);
  for (const address of addresses) {
    if (isForbiddenAddress(address) || (!options.allowLoopback && isLoopback(address))) {
      throw new ClusterReadError(
        'cluster-unreachable',
        `refused to connect to ${host}: it resolves to ${address}, a link-local, loopback or metadata address`,
      );
    }
  }
  const address = addresses[0] as string;
  if (isIP(host)) return { endpoint };
  url.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return { endpoint: url.toString().replace(/\/$/, ''), tlsServerName: host };
}

/** Whether an endpoint's host is written as a loopback address or `localhost` (checked at registration). */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || isLoopback(host);
}
