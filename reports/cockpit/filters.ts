/**
 * Filters that contradict each other: the cockpit says so instead of showing zeros. Client-safe.
 */
import type { ViewFilter } from '#reports/metrics/view.ts'

export function contradictions(
  filter: ViewFilter,
  officeBranch: ReadonlyMap<string, string | null>,
  offices: ReadonlyMap<string, string>,
  branches: readonly { id: string; name: string }[],
): string[] {
  const out: string[] = []
  if (filter.branch && filter.office && officeBranch.get(filter.office) !== filter.branch) {
    const branch = branches.find((b) => b.id === filter.branch)?.name ?? filter.branch
    const own = officeBranch.get(filter.office)
    const ownName = own ? (branches.find((b) => b.id === own)?.name ?? own) : null
    out.push(
      `Офис «${offices.get(filter.office) ?? filter.office}» не относится к филиалу «${branch}»${ownName ? ` (он в филиале «${ownName}»)` : ''}: ` +
        'такой выбор не может дать ни одной записи. Выберите офис этого филиала или «все офисы филиала».',
    )
  }
  return out
}
