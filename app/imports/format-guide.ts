/**
 * The Russian format guide inside the product (issue #16, #17): every column of every kind, generated
 * from the kind specs (kinds.ts) so it cannot drift from what the import checks; the example values are
 * the templates' rows, and format-guide.test.ts validates them with the import's own validation.
 * Client-safe.
 */
import { csvLine } from '#reports/export/csv.ts'
import { IMPORT_KINDS, type ImportKind, type ColumnSpec, kindSpecs } from './kinds.ts'

/** One example value per column (empty = the column is usually left empty). */
export const EXAMPLES: Record<ImportKind, Record<string, string>> = {
  offices: {
    office_code: 'ЦОП-01',
    name: 'Центр обслуживания потребителей г. Город',
    office_type: 'Центр обслуживания потребителей',
    address: 'г. Город, ул. Ленина, д. 1',
    phone_email: '8 800 000-00-00, cop@example.ru',
    schedule: 'пн–чт 8:00–17:00, пт 8:00–16:00',
    services: 'консультации, приём заявок на технологическое присоединение',
    branch: 'Городские ЭС',
    // issue 16: the branch's code may stand beside or instead of its name; left empty, the name decides
    branch_code: '',
  },
  appeals: {
    reg_number: 'О-2025-0001',
    received_at: '14.03.2025 09:05',
    form: 'in_person',
    channel: 'Личный кабинет',
    consumer_type: 'individual',
    topic: 'connection',
    complaint_topic: '',
    request_type: 'connection',
    office_code: 'ЦОП-01',
    branch: 'Городские ЭС',
    answered_at: '20.03.2025 10:00',
    closure: 'answered',
    contract_concluded: 'none',
    complaint_settled: 'нет',
    measures_done: '',
    measures_planned: '',
    repeat_of: '',
    deadline_rule: '',
    applicant_name: 'Иванов Иван Иванович',
    phone: '+7 900 000-00-00',
    email: 'ivanov@example.ru',
    address: 'г. Город, ул. Мира, д. 5',
    account_number: '1234567890',
  },
  calls: {
    call_id: '1741932001.10',
    direction: 'in',
    line: 'Горячая линия',
    started_at: '14.03.2025 09:00:00',
    answered_at: '14.03.2025 09:00:12',
    ended_at: '14.03.2025 09:04:30',
    agent: 'оператор 1',
    category: '1.1',
    callback_required: 'нет',
    callback_at: '',
    appeal_reg_number: '',
    caller_phone: '+7 900 000-00-00',
  },
  visits: {
    ticket_id: 'ЦОП-01-20250314-001',
    office_code: 'ЦОП-01',
    service_kind: 'consultation',
    issued_at: '14.03.2025 09:00',
    called_at: '14.03.2025 09:07',
    service_ended_at: '14.03.2025 09:15',
    window: 'окно 2',
    agent: 'Петрова А. А.',
    consumer_type: 'individual',
    appeal_reg_number: '',
  },
}

export interface GuideColumn {
  name: string
  alias: string
  required: boolean
  type: string
  /** enumerations: code and Russian label */
  allowed: { code: string; label: string }[]
  example: string
  personal: boolean
}

export function typeText(column: ColumnSpec): string {
  const f = column.field
  if (f.type === 'text') return 'текст'
  if (f.type === 'timestamp') return 'дата и время: ДД.ММ.ГГГГ ЧЧ:ММ[:СС] или ISO 8601 (2025-03-14T09:05:00+03:00); без смещения — местное время организации'
  if (f.type === 'bool') return 'да/нет (также 1/0, true/false, yes/no); пусто — нет'
  return `одно из значений (код или русское название), ${f.what}`
}

export function guideColumns(kind: ImportKind): GuideColumn[] {
  return kindSpecs[kind].columns.map((c) => ({
    name: c.name,
    alias: c.alias,
    required: c.required,
    type: typeText(c),
    allowed: c.field.type === 'enum' ? Object.entries(c.field.vocabulary).map(([code, term]) => ({ code, label: term.label })) : [],
    example: EXAMPLES[kind][c.name] ?? '',
    personal: Boolean(c.personal),
  }))
}

/** The header and the example row of a kind's template (canonical names, the order of kinds.ts). */
export function templateRows(kind: ImportKind): [string[], string[]] {
  const columns = kindSpecs[kind].columns
  return [columns.map((c) => c.name), columns.map((c) => EXAMPLES[kind][c.name] ?? '')]
}

export const TEMPLATE_KINDS = IMPORT_KINDS

/** The CSV template of a kind: UTF-8 with BOM, «;» (what Russian Excel opens without questions). */
export function templateCsv(kind: ImportKind): string {
  const [header, example] = templateRows(kind)
  return `\uFEFF${csvLine(header)}\r\n${csvLine(example)}\r\n`
}
