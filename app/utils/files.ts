/**
 * The address of a registry file (reports/registry.server.ts, ADR 026): `/files/<отчёт>/<формат>?<параметры>`.
 * Client-safe: the pages build their download links with it. Parameters left empty are left out.
 */
export function filesHref(report: string, format: string, params: Record<string, string | number | null | undefined> = {}, query = ''): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(key, String(value))
  const rest = query.replace(/^\?/, '')
  const all = [search.toString(), rest].filter(Boolean).join('&')
  return `/files/${report}/${format}${all ? `?${all}` : ''}`
}

/** A frozen Appendix 7's file by the kind its page names (`xlsx`, `pdf`, `html` and `published` — the publication's XLSX). */
export function snapshotFileHref(snapshot: string | number, kind: 'xlsx' | 'pdf' | 'html' | 'published'): string {
  return kind === 'published'
    ? filesHref('appendix-7-snapshot', 'xlsx', { snapshot, part: 'publication' })
    : filesHref('appendix-7-snapshot', kind, { snapshot })
}
