// The SSRF guard: which addresses a fetch may connect to. Everything that is not public unicast is refused unless
// the config's allow-list names the host, the address, or a CIDR range containing it.
import ipaddr from 'ipaddr.js';

export interface AddressGuard {
  /** Null when the address may be connected to for this host; otherwise why not. */
  check(hostname: string, address: string): string | null;
  /** True when the host name itself is on the allow-list (then any address it resolves to is accepted). */
  hostAllowed(hostname: string): boolean;
}

/** The range an address falls in, with IPv4-mapped IPv6 (::ffff:127.0.0.1) judged as the IPv4 address it carries. */
export function addressRange(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  let ip = ipaddr.parse(bare);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range();
}

/** Public unicast only: loopback, private, link-local, CGNAT, multicast, unspecified, reserved and NAT64/6to4 tunnels are refused. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

export function createAddressGuard(allowHosts: readonly string[]): AddressGuard {
  const names = new Set<string>();
  const ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  for (const entry of allowHosts) {
    const e = entry.trim().toLowerCase().replace(/^\[|\]$/g, '');
    if (e.includes('/') && ipaddr.isValidCIDR(e)) ranges.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const ip = ipaddr.parse(e);
      ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(e);
  }
  const inAllowedRange = (address: string): boolean => {
    const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    if (!ipaddr.isValid(bare)) return false;
    let ip = ipaddr.parse(bare);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  };
  const hostAllowed = (hostname: string) => names.has(hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, ''));
  return {
    hostAllowed,
    check(hostname, address) {
      if (hostAllowed(hostname) || inAllowedRange(address)) return null;
      const range = addressRange(address);
      if (range === null) return `"${address}" is not an IP address`;
      return range === 'unicast' ? null : `${address} is a ${range} address`;
    },
  };
}
