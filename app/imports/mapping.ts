/**
 * Column mappings (issue #17, ADR 018): how the columns of someone else's CSV/XLSX become the canonical
 * columns of a kind. A mapping is data — stored per organisation (`column_mapping`) or shipped as a
 * built-in adapter (builtin-mappings.ts) — and is applied row by row *before* the one validation of
 * values.ts, so a mapped file gets the same checks, the same Russian messages and the same line numbers
 * as a canonical one. Pure functions, client-safe: the mapping editor previews rows with this very code.
 */
import { z } from 'zod'
import { type ImportKind, IMPORT_KINDS, kindSpecs, normaliseHeader } from './kinds.ts'
import { type Cell, type CellProblem, type ParsedRow, WallClock, clip, parseTimestamp, validateRow } from './values.ts'

/** How a timestamp cell is written: the product's own formats, a pattern, or Unix seconds. */
export const DATE_FORMATS = [
  'auto',
  'YYYY.MM.DD HH:mm:ss',
  'DD.MM.YYYY HH:mm:ss',
  'DD/MM/YYYY HH:mm:ss',
  'MM/DD/YYYY HH:mm:ss',
  'YYYYMMDDHHmmss',
  'epoch',
] as const
export const DATE_FORMAT_LABELS: Record<(typeof DATE_FORMATS)[number], string> = {
  auto: 'как в основном формате (ISO или ДД.ММ.ГГГГ ЧЧ:ММ)',
  'YYYY.MM.DD HH:mm:ss': 'ГГГГ.ММ.ДД ЧЧ:ММ:СС (3CX)',
  'DD.MM.YYYY HH:mm:ss': 'ДД.ММ.ГГГГ ЧЧ:ММ:СС',
  'DD/MM/YYYY HH:mm:ss': 'ДД/ММ/ГГГГ ЧЧ:ММ:СС',
  'MM/DD/YYYY HH:mm:ss': 'ММ/ДД/ГГГГ ЧЧ:ММ:СС (американский)',
  YYYYMMDDHHmmss: 'ГГГГММДДЧЧММСС',
  epoch: 'секунды Unix (epoch)',
}

const header = z.string().trim().min(1).max(200)

export const fieldRuleSchema = z
  .object({
    /** the file's column (its header as written) */
    column: header.optional(),
    /** the column read when `column` is empty in a row (Naumen: no queue entry → the call's start) */
    orColumn: header.optional(),
    /** text with `{column}` placeholders, e.g. `ЦОП-1-{number}-{stand_time}` (a key built from several columns) */
    template: z.string().trim().min(1).max(300).optional(),
    /** the value when the file has no such column */
    constant: z.string().trim().max(300).optional(),
    /** enumerations: the file's value → the canonical code (compared case-insensitively) */
    values: z.record(z.string().max(200), z.string().max(100)).optional(),
    /** the code for a value not in `values` (without it the value is checked as it is) */
    otherwise: z.string().max(100).optional(),
    /** timestamps: how they are written */
    date: z.enum(DATE_FORMATS).optional(),
    /** timestamps without an offset are UTC (3CX), not the organisation's local time */
    utc: z.boolean().optional(),
    /** timestamps: durations (seconds, or ЧЧ:ММ:СС) of these columns are added (Qmatic: call + transaction_time) */
    plusSeconds: z.array(header).max(5).optional(),
    /** the field is empty when this column holds one of these values (3CX: final-type = queue → not answered) */
    emptyWhen: z
      .object({ column: header, values: z.array(z.string().max(100)).min(1).max(50) })
      .strict()
      .optional(),
  })
  .strict()

export type FieldRule = z.infer<typeof fieldRuleSchema>

export const mappingSchema = z
  .object({
    kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]),
    /** the headers of the file the mapping was made for: a file with these headers is offered the mapping */
    headers: z.array(z.string().max(200)).max(300),
    /** canonical column → where its value comes from */
    fields: z.record(z.string(), fieldRuleSchema),
  })
  .strict()
  .superRefine((m, ctx) => {
    const known = new Set(kindSpecs[m.kind].columns.map((c) => c.name))
    for (const [name, rule] of Object.entries(m.fields)) {
      if (!known.has(name)) ctx.addIssue({ code: 'custom', message: `нет такого столбца «${name}» у вида ${m.kind}` })
      const sources = [rule.column, rule.template, rule.constant].filter((s) => s !== undefined && s !== '').length
      if (sources > 1) ctx.addIssue({ code: 'custom', message: `столбец ${name}: укажите что-то одно — столбец файла, шаблон или постоянное значение` })
    }
  })

export type ColumnMapping = z.infer<typeof mappingSchema>

/** A header as compared: the rule of the canonical headers (case, spaces, ё). */
export const headerKey = normaliseHeader

/** The file's columns a mapping reads. */
export function mappingColumns(mapping: Pick<ColumnMapping, 'fields'>): string[] {
  const used = new Set<string>()
  for (const rule of Object.values(mapping.fields)) {
    if (rule.column) used.add(rule.column)
    if (rule.orColumn) used.add(rule.orColumn)
    for (const m of (rule.template ?? '').matchAll(/\{([^{}]+)\}/g)) used.add(m[1]!)
    for (const c of rule.plusSeconds ?? []) used.add(c)
    if (rule.emptyWhen) used.add(rule.emptyWhen.column)
  }
  return [...used]
}

/** True when a file with `header` has every column the mapping reads (so it can be offered the mapping). */
export function headerFits(mapping: Pick<ColumnMapping, 'fields'>, header: readonly string[]): boolean {
  const have = new Set(header.map(headerKey))
  const used = mappingColumns(mapping)
  return used.length > 0 && used.every((c) => have.has(headerKey(c)))
}

export interface CompiledMapping {
  kind: ImportKind
  /** canonical column → cell of a raw row (or a problem) */
  read(cells: readonly Cell[], zone: string): { cellOf: (column: string) => Cell | undefined; problems: CellProblem[] }
  /** file columns that no rule reads (listed in the report like unknown columns) */
  unused: string[]
}

const valueKey = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ')

/** Seconds of a duration cell: `75`, `75.5`, `01:15`, `00:01:15`; empty = 0. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim()
  if (t === '') return 0
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'))
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,]\d+)?$/.exec(t)
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3])
  return undefined
}

/** A timestamp written by `format` as ISO text the canonical reader understands (with `Z` when `utc`). */
export function normaliseDate(text: string, format: FieldRule['date'], utc: boolean): { ok: true; value: string } | { ok: false; reason: string } {
  const t = text.trim()
  const zoneMark = utc ? 'Z' : ''
  if (!format || format === 'auto') return { ok: true, value: utc && !/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(t) && /\d{2}:\d{2}/.test(t) ? `${isoish(t)}Z` : t }
  if (format === 'epoch') {
    if (!/^\d{9,11}(?:\.\d+)?$/.test(t)) return { ok: false, reason: `ожидаются секунды Unix (например, 1741932000), получено «${clip(t)}»` }
    return { ok: true, value: new Date(Number(t) * 1000).toISOString() }
  }
  const tokens = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss']
  const order: string[] = []
  let source = '^'
  for (let i = 0; i < format.length;) {
    const token = tokens.find((k) => format.startsWith(k, i))
    if (token) {
      order.push(token)
      source += token === 'YYYY' ? '(\\d{4})' : token === 'ss' ? '(\\d{2})' : '(\\d{1,2})'
      i += token.length
    } else {
      source += format[i] === ' ' ? '[ T]+' : format[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      i++
    }
  }
  // seconds may be missing and fractions present
  source = source.replace(/\\?:\(\\d\{2\}\)$/, '(?::(\\d{2}))?') + '(?:[.,]\\d+)?$'
  if (format === 'YYYYMMDDHHmmss') source = '^(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})$'
  const m = new RegExp(source).exec(t)
  if (!m) return { ok: false, reason: `дата «${clip(t)}» не в формате ${DATE_FORMAT_LABELS[format]}` }
  const part = (token: string) => (m[order.indexOf(token) + 1] ?? '0').padStart(token === 'YYYY' ? 4 : 2, '0')
  return { ok: true, value: `${part('YYYY')}-${part('MM')}-${part('DD')}T${part('HH')}:${part('mm')}:${part('ss')}${zoneMark}` }
}

/** `2025-03-14 09:05` → `2025-03-14T09:05`; a Russian date stays as it is (the offset is added to ISO only). */
function isoish(t: string): string {
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t)
  if (ru) return `${ru[3]}-${ru[2]!.padStart(2, '0')}-${ru[1]!.padStart(2, '0')}T${ru[4]!.padStart(2, '0')}:${ru[5]}:${ru[6] ?? '00'}`
  return t.replace(' ', 'T')
}

/**
 * Compiles a mapping against a file's header: a column the mapping reads and the file lacks is refused
 * as a whole (like a missing required column), before any row is read.
 */
export function compileMapping(mapping: ColumnMapping, fileHeader: readonly string[], label = 'сопоставление'): CompiledMapping | { error: string } {
  const positions = new Map<string, number>()
  fileHeader.forEach((h, i) => {
    const key = headerKey(h)
    if (key && !positions.has(key)) positions.set(key, i)
  })
  const missing = mappingColumns(mapping).filter((c) => !positions.has(headerKey(c)))
  if (missing.length) {
    return { error: `В файле нет столбцов, которые читает ${label}: ${missing.map((c) => `«${c}»`).join(', ')}.` }
  }
  const spec = kindSpecs[mapping.kind]
  const uncovered = spec.columns.filter((c) => {
    const rule = mapping.fields[c.name]
    return c.required && (!rule || !(rule.column || rule.template || (rule.constant ?? '') !== ''))
  })
  if (uncovered.length) {
    return {
      error: `${label[0]!.toUpperCase()}${label.slice(1)} не задаёт обязательные столбцы: ${uncovered.map((c) => `${c.name} (${c.alias})`).join(', ')} — укажите для них столбец файла или постоянное значение.`,
    }
  }
  const at = (column: string) => positions.get(headerKey(column))!
  const text = (cells: readonly Cell[], column: string): string => {
    const cell = cells[at(column)]
    return cell === undefined ? '' : cell instanceof WallClock ? wallClockText(cell) : cell
  }
  const rules = spec.columns
    .map((c) => ({ column: c, rule: mapping.fields[c.name] }))
    .filter((r): r is { column: (typeof spec.columns)[number]; rule: FieldRule } => r.rule !== undefined)
  const valueMaps = new Map(rules.map(({ column, rule }) => [column.name, new Map(Object.entries(rule.values ?? {}).map(([k, v]) => [valueKey(k), v]))]))
  const read = new Set(mappingColumns(mapping).map(headerKey))
  const unused = fileHeader.filter((h) => h.trim() !== '' && !read.has(headerKey(h))).map((h) => h.trim())

  return {
    kind: mapping.kind,
    unused,
    read(cells, zone) {
      const out = new Map<string, Cell>()
      const problems: CellProblem[] = []
      for (const { column, rule } of rules) {
        if (rule.emptyWhen && rule.emptyWhen.values.some((v) => valueKey(v) === valueKey(text(cells, rule.emptyWhen!.column)))) continue
        let cell: Cell | undefined
        if (rule.column) {
          cell = cells[at(rule.column)]
          if (rule.orColumn && (cell === undefined || (typeof cell === 'string' && cell.trim() === ''))) cell = cells[at(rule.orColumn)]
        } else if (rule.template) cell = rule.template.replace(/\{([^{}]+)\}/g, (_, c: string) => text(cells, c).trim())
        else if (rule.constant !== undefined) cell = rule.constant
        if (cell === undefined || (typeof cell === 'string' && cell.trim() === '')) continue
        const source = rule.column ?? rule.template ?? 'постоянное значение'
        if (column.field.type === 'timestamp') {
          let instant: Date
          if (cell instanceof WallClock) {
            const parsed = parseTimestamp(cell, rule.utc ? 'UTC' : zone)
            if (!parsed.ok) {
              problems.push({ column: column.name, value: wallClockText(cell), reason: `${parsed.reason} (столбец «${source}»)` })
              continue
            }
            instant = parsed.value
          } else {
            const normal = normaliseDate(cell, rule.date, rule.utc ?? false)
            if (!normal.ok) {
              problems.push({ column: column.name, value: clip(cell, 200), reason: `${normal.reason} (столбец «${source}»)` })
              continue
            }
            const parsed = parseTimestamp(normal.value, zone)
            if (!parsed.ok) {
              // the reason names the value as the file has it, not as it was rewritten
              problems.push({
                column: column.name,
                value: clip(cell, 200),
                reason: `${parsed.reason.replace(normal.value, cell.trim())} (столбец «${source}»)`,
              })
              continue
            }
            instant = parsed.value
          }
          let seconds = 0
          let bad = false
          for (const c of rule.plusSeconds ?? []) {
            const d = parseDuration(text(cells, c))
            if (d === undefined) {
              problems.push({
                column: column.name,
                value: clip(text(cells, c), 200),
                reason: `длительность в столбце «${c}» не прочитана: ожидаются секунды или ЧЧ:ММ:СС`,
              })
              bad = true
              break
            }
            seconds += d
          }
          if (!bad) out.set(column.name, new Date(instant.getTime() + Math.round(seconds * 1000)).toISOString())
          continue
        }
        if (column.field.type === 'enum' || column.field.type === 'bool') {
          const raw = cell instanceof WallClock ? wallClockText(cell) : cell
          const mapped = valueMaps.get(column.name)!.get(valueKey(raw))
          cell = mapped ?? (rule.otherwise !== undefined && rule.otherwise !== '' ? rule.otherwise : raw)
        }
        out.set(column.name, cell)
      }
      return { cellOf: (column) => out.get(column), problems }
    },
  }
}

function wallClockText(cell: WallClock): string {
  return cell.date.toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * One raw row through a compiled mapping and the canonical validation: the typed row, or every problem
 * (a problem of the mapping — a date not in the mapping's format — stands for its column's own checks).
 */
export function mapRow(compiled: CompiledMapping, cells: readonly Cell[], zone: string): { row: ParsedRow; problems: CellProblem[] } {
  const { cellOf, problems } = compiled.read(cells, zone)
  const own = new Set(problems.map((p) => p.column))
  const checked = validateRow(kindSpecs[compiled.kind], cellOf, zone)
  return { row: checked.row, problems: [...problems, ...checked.problems.filter((p) => !own.has(p.column))] }
}
