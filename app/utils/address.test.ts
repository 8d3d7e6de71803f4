import { addressKey } from './address.server.ts'

describe('the key an address is counted under', () => {
  it('IPv6 by its /64 (rotating within it does not help), IPv4 and mapped IPv4 by the address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:DB8:1:2::dead:beef')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5')
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5')
    expect(addressKey('unknown')).toBe('unknown')
  })
})
