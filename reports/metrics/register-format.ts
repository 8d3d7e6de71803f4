/**
 * How a register cell reads: vocabulary codes as Russian labels, instants in the organisation's zone,
 * durations, flags; personal data masked for roles that may not see it. Screens and files share it.
 * Client-safe.
 */
import { formatDateTime, formatDuration } from '#reports/format.ts'
import { maskPersonal } from '#reports/personal-data.ts'
import { type Vocabulary, labelOf } from '#reports/vocabulary.ts'

export interface CellColumn {
  kind: 'text' | 'instant' | 'seconds' | 'flag'
  vocabulary?: Vocabulary
  personal?: boolean
}

export function cellText(column: CellColumn, value: unknown, zone: string, personalData: boolean): string {
  if (value === null || value === undefined || value === '') return ''
  if (column.personal && !personalData) return maskPersonal(String(value))
  switch (column.kind) {
    case 'instant':
      return formatDateTime(value instanceof Date ? value : new Date(String(value)), zone)
    case 'seconds':
      return formatDuration(Number(value))
    case 'flag':
      return value === true || value === 'true' ? 'да' : 'нет'
    default:
      return column.vocabulary ? labelOf(column.vocabulary, String(value)) : String(value)
  }
}
