import { importKind, labelOf } from '#reports/vocabulary.ts'
import { ADAPTERS } from './adapters.ts'
import { PERSONAL_COLUMNS, columnLabel } from './kinds.ts'
import type { ImportReport } from './pipeline.server.ts'

const n = (value: number) => value.toLocaleString('ru-RU')

export const FORMAT_LABELS: Record<string, string> = {
  csv: 'CSV',
  xlsx: 'XLSX',
  queue_log: 'Asterisk queue_log',
  queue_log_table: 'Asterisk queue_log (таблица realtime, CSV)',
  json: 'JSON (записи в теле запроса API)',
  generated: 'сгенерировано (демо-данные)',
}

/** Where an import came from, as the history names it (ADR 017: «API: <token name>», «папка»). */
export function sourceLabel(source: string, tokenName?: string | null): string {
  if (source === 'api') return `API: ${tokenName ?? 'токен удалён'}`
  if (source === 'folder') return 'папка'
  if (source === 'web') return 'страница загрузки'
  return source === 'cli' ? 'командная строка' : 'демо'
}

/** «, прочитан форматом 3CX …» / «, сопоставление «CRM»» (ADR 018). */
export function readWith(batch: { adapter: string | null; mapping: string | null }): string {
  if (batch.mapping) return `, сопоставление столбцов «${batch.mapping}»`
  if (batch.adapter) return `, прочитан как «${ADAPTERS.find((a) => a.name === batch.adapter)?.title ?? batch.adapter}»`
  return ''
}

export const STATUS_LABELS: Record<string, string> = {
  queued: 'в очереди',
  running: 'выполняется',
  interrupted: 'прервана',
  done: 'загружен',
  rejected: 'отклонён',
  failed: 'ошибка',
}

/**
 * The import report as plain Russian text, for the CLI (nightly scripts keep it in their logs). With
 * `withValues` the rejected cell values are printed, except those of personal-data columns.
 */
export function formatReportText(report: ImportReport, options: { withValues?: boolean; cli?: boolean } = {}): string {
  const lines = [
    `Загрузка №${report.batchId}: ${labelOf(importKind, report.kind)}, файл «${report.fileName}»` +
      (report.format ? `, формат ${FORMAT_LABELS[report.format]}` : '') +
      readWith(report) +
      (report.encoding ? `, кодировка ${report.encoding}` : '') +
      (report.delimiter ? `, разделитель «${report.delimiter}»` : ''),
    `Статус: ${STATUS_LABELS[report.status]}`,
    `Прочитано строк: ${n(report.read)} = сохранено ${n(report.stored)} + отклонено ${n(report.rejected)}`,
    `  сохранено: новых ${n(report.inserted)}, обновлено ${n(report.updated)}, без изменений ${n(report.unchanged)}` +
      (report.pending ? `, ожидают окончания звонка ${n(report.pending)}` : ''),
  ]
  if (report.format === 'queue_log' || report.format === 'queue_log_table') {
    lines.push(
      `  журнал: строк ${n(report.logLines)}, из них служебных событий очередей и операторов (не звонки) ${n(report.ignoredLines)}; ` +
        'прочитанное считается в звонках (один звонок — один uniqueid, со всеми его очередями)',
    )
    lines.push(`  событий звонков ${n(report.logEvents)}, из них уже загруженных прежде (перекрытие файлов) ${n(report.knownEvents)}`)
    if (report.noEnding)
      lines.push(`  закрыто как «нет окончания в журнале»: ${n(report.noEnding)} (сохранены, в показатели ожидания и уровня обслуживания не входят)`)
    if (report.earlier) lines.push(`  в том числе звонков из прежних загрузок, завершённых или закрытых этой: ${n(report.earlier)}`)
  }
  if (report.invalid) lines.push(`Строк с ошибками: ${n(report.invalid)}`)
  if (report.message) lines.push(report.message)
  for (const warning of report.warnings) lines.push(`Предупреждение: ${warning}`)
  for (const b of report.branches.created) lines.push(`Создан филиал «${b.name}» (код ${b.code})`)
  for (const m of report.branches.moves)
    lines.push(`Офис ${m.office} перенесён: ${m.from ? `«${m.from}»` : 'без филиала'} → ${m.to ? `«${m.to}»` : 'без филиала'}`)
  if (report.branches.unknown.length && options.cli) {
    lines.push('Чтобы создать эти филиалы, запустите загрузку снова с ключом --create-branches; или исправьте название (код) филиала в файле.')
  }
  if (report.unknownColumns.length) lines.push(`Неизвестные столбцы (пропущены): ${report.unknownColumns.join(', ')}`)
  for (const r of report.rejections) {
    const where = [r.line !== null ? `строка ${r.line}` : null, r.column ? `столбец ${columnLabel(report.kind, r.column)}` : null].filter(Boolean).join(', ')
    const hidden = r.column !== null && PERSONAL_COLUMNS.has(r.column)
    const value = !options.withValues || !r.value ? '' : hidden ? ' (значение скрыто: персональные данные)' : ` (значение «${r.value}»)`
    lines.push(`  ${where}: ${r.reason}${value}`)
  }
  if (report.rejectionsTotal > report.rejections.length) {
    lines.push(`  … показаны первые ${n(report.rejections.length)} ошибок из ${n(report.rejectionsTotal)}`)
  }
  lines.push(`Время: ${(report.durationMs / 1000).toFixed(1)} с`)
  return lines.join('\n')
}
