/**
 * The import contract of shared/domain/formats.md as data: one entry per kind, one line per column.
 * Header mapping, row validation, the staging table and the merge are all driven from here, so the
 * contract is written down once.
 */
import {
  appealForm,
  appealTopic,
  callCategory,
  callDirection,
  closure,
  complaintTopic,
  consumerType,
  contractConcluded,
  requestType,
  serviceKind,
  type Vocabulary,
} from '#reports/vocabulary.ts'

export type ImportKind = 'offices' | 'appeals' | 'calls' | 'visits'
export const IMPORT_KINDS: readonly ImportKind[] = ['offices', 'appeals', 'calls', 'visits']

export type FieldType = { type: 'text' } | { type: 'timestamp' } | { type: 'bool' } | { type: 'enum'; vocabulary: Vocabulary; what: string }

export interface ColumnSpec {
  /** canonical snake_case header and, unless `dbColumn` says otherwise, the database column */
  readonly name: string
  /** the Russian header alias of formats.md */
  readonly alias: string
  readonly required: boolean
  readonly field: FieldType
  /** personal data (152-ФЗ): masked for roles that do not need it, never logged */
  readonly personal?: boolean
  readonly dbColumn?: string
}

/** A timestamp that must not precede another one in the same row (formats.md, «Consistency»). */
export interface OrderRule {
  readonly later: string
  readonly earlier: string
  readonly message: string
}

export interface KindSpec {
  readonly kind: ImportKind
  readonly table: 'office' | 'appeal' | 'call' | 'visit'
  readonly key: string
  readonly keyLabel: string
  readonly columns: readonly ColumnSpec[]
  readonly order: readonly OrderRule[]
  /** Columns that may only be filled when another is (e.g. service end needs a call to the window). */
  readonly requires?: readonly { column: string; needs: string; message: string }[]
  /** true when the rows carry a branch name (resolved to `branch_id` by the merge) */
  readonly branchColumn?: string
  /** the column with the branch's code (offices, issue 16): matched before the name */
  readonly branchCodeColumn?: string
  /** true when `branch_id` falls back to the office's branch */
  readonly officeBranch?: boolean
  /** true when `branch_id` is the branch of the row's phone line (`phone_line`, admin settings; none when unmapped) */
  readonly lineBranch?: boolean
  /**
   * Columns the importer fills, not the file (no header, no validation): staged and merged like the file's
   * columns, so a file that does not set them sets them back to `empty` (a CSV call has no queue legs).
   */
  readonly derived?: readonly DerivedColumn[]
}

export interface DerivedColumn {
  readonly name: string
  readonly type: 'jsonb' | 'boolean'
  readonly empty: null | boolean
}

const text = { type: 'text' } as const
const timestamp = { type: 'timestamp' } as const
const bool = { type: 'bool' } as const
const oneOf = (vocabulary: Vocabulary, what: string) => ({ type: 'enum', vocabulary, what }) as const

export const kindSpecs: Record<ImportKind, KindSpec> = {
  offices: {
    kind: 'offices',
    table: 'office',
    key: 'office_code',
    keyLabel: 'код офиса',
    columns: [
      { name: 'office_code', alias: 'код_офиса', required: true, field: text },
      { name: 'name', alias: 'наименование', required: true, field: text },
      { name: 'office_type', alias: 'тип_офиса', required: false, field: text },
      { name: 'address', alias: 'адрес', required: false, field: text },
      { name: 'phone_email', alias: 'телефон_email', required: false, field: text },
      { name: 'schedule', alias: 'режим_работы', required: false, field: text },
      { name: 'services', alias: 'услуги', required: false, field: text },
      { name: 'branch', alias: 'филиал', required: false, field: text },
      { name: 'branch_code', alias: 'код_филиала', required: false, field: text },
    ],
    order: [],
    branchColumn: 'branch',
    branchCodeColumn: 'branch_code',
  },
  appeals: {
    kind: 'appeals',
    table: 'appeal',
    key: 'reg_number',
    keyLabel: 'регистрационный номер',
    columns: [
      { name: 'reg_number', alias: 'рег_номер', required: true, field: text },
      { name: 'received_at', alias: 'дата_поступления', required: true, field: timestamp },
      { name: 'form', alias: 'форма', required: true, field: oneOf(appealForm, 'формы обслуживания') },
      { name: 'channel', alias: 'канал', required: false, field: text },
      { name: 'consumer_type', alias: 'тип_потребителя', required: false, field: oneOf(consumerType, 'типа потребителя') },
      { name: 'topic', alias: 'тема', required: true, field: oneOf(appealTopic, 'темы обращения') },
      { name: 'complaint_topic', alias: 'тема_жалобы', required: false, field: oneOf(complaintTopic, 'темы жалобы') },
      { name: 'request_type', alias: 'тип_заявки', required: false, field: oneOf(requestType, 'типа заявки') },
      { name: 'office_code', alias: 'код_офиса', required: false, field: text },
      { name: 'branch', alias: 'филиал', required: false, field: text },
      { name: 'answered_at', alias: 'дата_ответа', required: false, field: timestamp },
      { name: 'closure', alias: 'результат', required: false, field: oneOf(closure, 'результата рассмотрения') },
      { name: 'contract_concluded', alias: 'заключен_договор', required: false, field: oneOf(contractConcluded, 'заключённого договора') },
      { name: 'complaint_settled', alias: 'жалоба_урегулирована', required: false, field: bool },
      { name: 'measures_done', alias: 'выполненные_мероприятия', required: false, field: text },
      { name: 'measures_planned', alias: 'планируемые_мероприятия', required: false, field: text },
      { name: 'repeat_of', alias: 'повтор_обращения', required: false, field: text },
      { name: 'deadline_rule', alias: 'правило_срока', required: false, field: text },
      { name: 'applicant_name', alias: 'заявитель', required: false, field: text, personal: true },
      { name: 'phone', alias: 'телефон', required: false, field: text, personal: true },
      { name: 'email', alias: 'email', required: false, field: text, personal: true },
      { name: 'address', alias: 'адрес', required: false, field: text, personal: true },
      { name: 'account_number', alias: 'лицевой_счет', required: false, field: text, personal: true },
    ],
    order: [{ later: 'answered_at', earlier: 'received_at', message: 'дата ответа раньше даты поступления' }],
    branchColumn: 'branch',
    officeBranch: true,
  },
  calls: {
    kind: 'calls',
    table: 'call',
    key: 'call_id',
    keyLabel: 'идентификатор звонка',
    columns: [
      { name: 'call_id', alias: 'id_звонка', required: true, field: text },
      { name: 'direction', alias: 'направление', required: true, field: oneOf(callDirection, 'направления звонка') },
      { name: 'line', alias: 'линия', required: false, field: text },
      { name: 'started_at', alias: 'начало', required: true, field: timestamp },
      { name: 'answered_at', alias: 'ответ', required: false, field: timestamp },
      { name: 'ended_at', alias: 'окончание', required: true, field: timestamp },
      { name: 'agent', alias: 'оператор', required: false, field: text },
      { name: 'category', alias: 'категория', required: false, field: oneOf(callCategory, 'категории звонка (приложение 4)') },
      { name: 'callback_required', alias: 'нужен_перезвон', required: false, field: bool },
      { name: 'callback_at', alias: 'перезвон', required: false, field: timestamp },
      { name: 'appeal_reg_number', alias: 'рег_номер_обращения', required: false, field: text },
      { name: 'caller_phone', alias: 'телефон_абонента', required: false, field: text, personal: true },
    ],
    order: [
      { later: 'ended_at', earlier: 'started_at', message: 'окончание звонка раньше его начала' },
      { later: 'answered_at', earlier: 'started_at', message: 'ответ раньше начала звонка' },
      { later: 'ended_at', earlier: 'answered_at', message: 'окончание звонка раньше ответа' },
      { later: 'callback_at', earlier: 'started_at', message: 'перезвон раньше начала звонка' },
    ],
    lineBranch: true,
    // queue_log: the call's queue legs (JSON) and «нет окончания в журнале» (ADR 016)
    derived: [
      { name: 'legs', type: 'jsonb', empty: null },
      { name: 'no_ending', type: 'boolean', empty: false },
    ],
  },
  visits: {
    kind: 'visits',
    table: 'visit',
    key: 'ticket_id',
    keyLabel: 'номер талона',
    columns: [
      { name: 'ticket_id', alias: 'номер_талона', required: true, field: text },
      { name: 'office_code', alias: 'код_офиса', required: true, field: text },
      { name: 'service_kind', alias: 'вид_услуги', required: true, field: oneOf(serviceKind, 'вида услуги') },
      { name: 'issued_at', alias: 'выдан', required: true, field: timestamp },
      { name: 'called_at', alias: 'вызван', required: false, field: timestamp },
      { name: 'service_ended_at', alias: 'окончание_обслуживания', required: false, field: timestamp },
      { name: 'window', alias: 'окно', required: false, field: text },
      { name: 'agent', alias: 'специалист', required: false, field: text },
      { name: 'consumer_type', alias: 'тип_потребителя', required: false, field: oneOf(consumerType, 'типа потребителя') },
      { name: 'appeal_reg_number', alias: 'рег_номер_обращения', required: false, field: text },
    ],
    order: [
      { later: 'called_at', earlier: 'issued_at', message: 'вызов к окну раньше выдачи талона' },
      { later: 'service_ended_at', earlier: 'called_at', message: 'окончание обслуживания раньше вызова к окну' },
    ],
    requires: [{ column: 'service_ended_at', needs: 'called_at', message: 'окончание обслуживания указано, а вызов к окну — нет' }],
    officeBranch: true,
  },
}

/**
 * Columns whose values are personal data (152-ФЗ), plus `queue_log`, whose rejected raw lines carry the
 * caller's number: such values are masked for roles that do not need them and never printed to logs.
 */
export const PERSONAL_COLUMNS: ReadonlySet<string> = new Set([
  ...Object.values(kindSpecs).flatMap((spec) => spec.columns.filter((c) => c.personal).map((c) => c.name)),
  'queue_log',
])

/** `код_офиса` → `office_code`; case-insensitive, surrounding spaces ignored, spaces = underscores. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s-]+/g, '_')
}

const headerMaps = new Map<ImportKind, Map<string, string>>()

/** The canonical column a header names, or undefined. */
export function canonicalColumn(kind: ImportKind, header: string): string | undefined {
  let map = headerMaps.get(kind)
  if (!map) {
    map = new Map()
    for (const c of kindSpecs[kind].columns) {
      map.set(normaliseHeader(c.name), c.name)
      map.set(normaliseHeader(c.alias), c.name)
    }
    headerMaps.set(kind, map)
  }
  return map.get(normaliseHeader(header))
}

/**
 * The Russian title of a column for a report's error column: `received_at` → «дата_поступления» (the header a
 * Russian file carries, formats.md); a name that is no column of the kind stays as it is.
 */
export function columnLabel(kind: ImportKind, column: string): string {
  return kindSpecs[kind].columns.find((c) => c.name === column)?.alias ?? column
}

export function columnTitle(spec: ColumnSpec): string {
  return `${spec.name} (${spec.alias})`
}
