import net from 'node:net'

/**
 * The key an address is counted under by the per-address limits. An IPv6 client usually holds a whole /64
 * (2^64 addresses to rotate through), so IPv6 addresses count by their /64 network; IPv4, and IPv4 mapped
 * into IPv6 (`::ffff:203.0.113.5`), by the address itself.
 */
export function addressKey(address: string): string {
  const ip = address.trim().toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (mapped) return mapped[1]!
  if (net.isIPv6(ip)) {
    const [head = '', tail = ''] = ip.split('::')
    const left = head ? head.split(':') : []
    const right = tail ? tail.split(':') : []
    const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
    return `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`
  }
  return ip
}
