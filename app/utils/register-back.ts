/**
 * The record card's way back to the register it was opened from (issue 16): the register's list with its
 * filters, sort and page, passed as `?back=`. Only a same-site register list is accepted (never another
 * site, a scheme, `//host` or another page): anything else falls back to the plain register. Client-safe.
 */
const REGISTER_LIST = /^\/registers\/(appeals|calls|visits)$/

export function backToRegister(back: string | null | undefined, domain: string): string {
  const plain = `/registers/${domain}`
  if (!back || back.length > 2000 || !back.startsWith('/') || back.startsWith('//') || back.includes('\\')) return plain
  let url: URL
  try {
    url = new URL(back, 'http://register.invalid')
  } catch {
    return plain
  }
  if (url.origin !== 'http://register.invalid' || !REGISTER_LIST.test(url.pathname)) return plain
  return `${url.pathname}${url.search}`
}

/** A record's address that remembers the list it was opened from. */
export function recordHref(domain: string, id: string, list: { pathname: string; search: string }): string {
  return `/registers/${domain}/${id}?${new URLSearchParams({ back: `${list.pathname}${list.search}` })}`
}
