import { describe, expect, it } from 'vitest';
import { addressRange, createAddressGuard, isPublicAddress } from '../../../../src/infra/http/address-guard.js';
import { checkTarget } from '../../../../src/infra/http/client.js';
import { FetchError } from '../../../../src/infra/http/errors.js';

describe('address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
  ])('refuses %s (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
    expect(createAddressGuard([]).check('host.example', address)).toContain(address);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('accepts public %s', (address) => {
    expect(createAddressGuard([]).check('host.example', address)).toBeNull();
  });

  it('refuses tunnels that embed IPv4 addresses (6to4, NAT64)', () => {
    expect(isPublicAddress('2002:7f00:1::')).toBe(false);
    expect(isPublicAddress('64:ff9b::7f00:1')).toBe(false);
  });

  it('allows exactly what the allow-list names: an address, a CIDR range or a host name', () => {
    const guard = createAddressGuard(['127.0.0.1', '10.20.0.0/16', 'intranet.example']);
    expect(guard.check('a', '127.0.0.1')).toBeNull();
    expect(guard.check('a', '::ffff:127.0.0.1')).toBeNull();
    expect(guard.check('a', '127.0.0.2')).not.toBeNull();
    expect(guard.check('a', '10.20.3.4')).toBeNull();
    expect(guard.check('a', '10.21.0.1')).not.toBeNull();
    expect(guard.check('intranet.example', '192.168.1.1')).toBeNull();
    expect(guard.check('a', '::1')).not.toBeNull();
  });
});

describe('checkTarget', () => {
  const guard = createAddressGuard([]);
  const code = (url: string) => {
    try {
      checkTarget(url, guard);
      return 'ok';
    } catch (err) {
      return (err as FetchError).code;
    }
  };
  it.each([
    ['http://2130706433/', 'ssrf-blocked'],
    ['http://0177.0.0.1/', 'ssrf-blocked'],
    ['http://0x7f000001/', 'ssrf-blocked'],
    ['http://127.1/', 'ssrf-blocked'],
    ['http://[::ffff:7f00:1]/', 'ssrf-blocked'],
    ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'ssrf-blocked'],
    ['http://localhost/', 'ssrf-blocked'],
    ['http://api.localhost/', 'ssrf-blocked'],
    ['gopher://example.org/', 'unsupported-scheme'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['not a url', 'bad-url'],
    ['https://example.org/feed', 'ok'],
  ])('%s → %s', (url, expected) => {
    expect(code(url)).toBe(expected);
  });
});
