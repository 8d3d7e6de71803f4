/**
 * The adapters for the systems customers run (issue #17, ADR 018; facts from shared/domain/source-systems.md).
 * An adapter is a *built-in mapping* when a mapping can express it (3CX, Naumen, Oktell, QSystem, Qmatic:
 * one row of theirs is one record of ours), and *code* only when rows must be combined (Asterisk CDR: one
 * call is several CDR rows of one linkedid). Either way it ends in the one validation and merge of the
 * pipeline. Client-safe: the format guide and the upload form list these.
 */
import type { ImportKind } from './kinds.ts'
import type { ColumnMapping } from './mapping.ts'

export interface AdapterInfo {
  /** the value of `format=` (upload form, API, CLI) */
  readonly name: string
  readonly title: string
  readonly kind: ImportKind
  /** what the system writes and where it comes from, in Russian */
  readonly layout: string
  /** which figures it gives — and which it cannot */
  readonly gives: string
  readonly lacks: string
  /** how sure we are of the layout (source-systems.md: [V] vendor documentation, [V2] users' code) */
  readonly sure: 'V' | 'V2'
  /** the built-in mapping, when a mapping expresses the adapter */
  readonly mapping?: ColumnMapping
  /** what a user must add (a built-in mapping with a constant to fill in) */
  readonly note?: string
  /**
   * false: the source carries no queue wait (its «answer» counts from the start of the call): its calls are
   * stored with `wait_known = false` and stay out of the waiting figures (ADR 027)
   */
  readonly waitKnown?: false
}

const ts3cx = { date: 'YYYY.MM.DD HH:mm:ss', utc: true } as const

export const ADAPTERS: readonly AdapterInfo[] = [
  {
    name: 'asterisk_cdr',
    title: 'Asterisk CDR (Master.csv или таблица cdr)',
    kind: 'calls',
    sure: 'V',
    waitKnown: false,
    layout:
      'Master.csv модуля cdr_csv: без заголовка, поля accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags[, uniqueid, userfield]; ' +
      'или таблица cdr (asteriskcdrdb, FreePBX), выгруженная в CSV с заголовком: calldate, clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield[, linkedid]. ' +
      'Один звонок — все строки одного linkedid (без него — uniqueid); звонок через очередь узнаётся по lastapp = Queue, линия — имя очереди из lastdata. Отвечен — если есть строка ANSWERED с непустым dstchannel; оператор — dstchannel без суффикса канала. Исходящий — если контекст (dcontext) содержит internal, outbound или outgoing.',
    gives: 'число входящих и исходящих звонков, отвеченные и неотвеченные, оператор, длительность разговора (billsec), линия или очередь.',
    lacks:
      'времени ожидания в очереди CDR не даёт: «ответ» в CDR — ответ канала (часто автоответчика/IVR), а duration − billsec смешивает гудки, IVR и очередь. Для ожидания и доли звонков, принятых за норматив, загружайте queue_log.',
  },
  {
    name: '3cx',
    title: '3CX — отчёт о звонках (CSV)',
    kind: 'calls',
    sure: 'V2',
    waitKnown: false,
    layout:
      '23 поля: historyId, callId, duration (ЧЧ:ММ:СС), time-start, time-answered, time-end (ГГГГ.ММ.ДД ЧЧ:ММ:СС, UTC), reason-terminated, from-no, to-no, from-dn, to-dn, dial-no, reason-changed, final-number, final-dn, bill-code, chain, final-type, from-type, to-type, from-dispname, to-dispname, final-dispname. ' +
      'Ключ — historyId; входящий — from-type = Line; входящий с final-type = Queue не отвечен; оператор — from-dn исходящего звонка или final-dn входящего.',
    gives: 'число звонков, отвеченные и неотвеченные, время до ответа (от начала звонка), оператор, длительность.',
    lacks: 'время ожидания именно в очереди: time-start — начало звонка, время в IVR входит в ожидание; категории звонков (приложение 4) в выгрузке нет.',
    mapping: {
      kind: 'calls',
      headers: [
        'historyId',
        'callId',
        'duration',
        'time-start',
        'time-answered',
        'time-end',
        'reason-terminated',
        'from-no',
        'to-no',
        'from-dn',
        'to-dn',
        'dial-no',
        'reason-changed',
        'final-number',
        'final-dn',
        'bill-code',
        'chain',
        'final-type',
        'from-type',
        'to-type',
        'from-dispname',
        'to-dispname',
        'final-dispname',
      ],
      fields: {
        call_id: { column: 'historyId' },
        direction: { column: 'from-type', values: { Line: 'in', Extension: 'out' }, otherwise: 'in' },
        line: { column: 'to-no' },
        started_at: { column: 'time-start', ...ts3cx },
        answered_at: { column: 'time-answered', ...ts3cx, emptyWhen: { column: 'final-type', values: ['Queue'] } },
        ended_at: { column: 'time-end', ...ts3cx },
        agent: { column: 'from-dn', orColumn: 'final-dn' },
        caller_phone: { column: 'from-no' },
      },
    },
  },
  {
    name: 'naumen',
    title: 'Naumen Contact Center — статистика звонков',
    kind: 'calls',
    sure: 'V2',
    layout:
      'Выгрузка звонков naucrm: session_id, project_id, call_init_time, enqueued_time, opr_connected_time, ended_time, opr_login, abonent_phone. Начало — постановка в очередь (enqueued_time; если звонок в очередь не попал — call_init_time).',
    gives: 'входящие звонки проекта, ожидание в очереди (enqueued_time → opr_connected_time), отвеченные и потерянные, оператор.',
    lacks: 'исходящих звонков и категорий нет; ответы опроса (call_params, OUT_CS…) этим форматом не загружаются.',
    mapping: {
      kind: 'calls',
      headers: ['session_id', 'project_id', 'call_init_time', 'enqueued_time', 'opr_connected_time', 'ended_time', 'opr_login', 'abonent_phone'],
      fields: {
        call_id: { column: 'session_id' },
        direction: { constant: 'in' },
        line: { column: 'project_id' },
        started_at: { column: 'enqueued_time', orColumn: 'call_init_time' },
        answered_at: { column: 'opr_connected_time' },
        ended_at: { column: 'ended_time' },
        agent: { column: 'opr_login' },
        caller_phone: { column: 'abonent_phone' },
      },
    },
  },
  {
    name: 'oktell',
    title: 'Oktell — A_Cube_CC_EffortConnections',
    kind: 'calls',
    sure: 'V2',
    layout:
      'Выгрузка таблицы A_Cube_CC_EffortConnections: IdChain, IdOperator, DateTimeStart, LenQueue, LenTime (секунды), IsOutput, CallResult, AbonentNumber. Ответ = DateTimeStart + LenQueue; окончание = ответ + LenTime; CallResult 7 (оператор пропустил), 13 (пропущен), 23 (нерабочее время) — не отвечен.',
    gives: 'входящие и исходящие звонки, ожидание в очереди (LenQueue), отвеченные и пропущенные, оператор.',
    lacks:
      'значения кодов CallResult кроме 7, 13 и 23 не проверены (добавьте свои в копии сопоставления); если IdChain повторяется (несколько попыток одного звонка), повторы отклоняются как дубликаты ключа.',
    mapping: {
      kind: 'calls',
      headers: ['IdChain', 'IdOperator', 'DateTimeStart', 'LenQueue', 'LenTime', 'IsOutput', 'CallResult', 'AbonentNumber'],
      fields: {
        call_id: { column: 'IdChain' },
        direction: { column: 'IsOutput', values: { '0': 'in', '1': 'out', false: 'in', true: 'out' } },
        started_at: { column: 'DateTimeStart' },
        answered_at: { column: 'DateTimeStart', plusSeconds: ['LenQueue'], emptyWhen: { column: 'CallResult', values: ['7', '13', '23'] } },
        ended_at: { column: 'DateTimeStart', plusSeconds: ['LenQueue', 'LenTime'] },
        agent: { column: 'IdOperator' },
        caller_phone: { column: 'AbonentNumber' },
      },
    },
  },
  {
    name: 'qsystem',
    title: 'QSystem — таблица clients',
    kind: 'visits',
    sure: 'V',
    layout:
      'Выгрузка таблицы clients: number, service, stand_time (талон выдан), start_time (начало обслуживания), finish_time, state. Номер талона — «услуга-номер-время выдачи» (номера повторяются каждый день).',
    gives: 'ожидание (stand_time → start_time), время обслуживания и общее время по талонам.',
    lacks: 'неявок нет: QSystem пишет строку по окончании обслуживания; кода офиса в выгрузке нет, вид услуги — по названию услуги (по умолчанию «прочее»).',
    note: 'Сохраните своё сопоставление на основе этого с кодом офиса (постоянное значение) и видами услуг — QSystem их не выгружает.',
    mapping: {
      kind: 'visits',
      headers: ['number', 'service', 'stand_time', 'start_time', 'finish_time', 'state'],
      fields: {
        ticket_id: { template: '{service}-{number}-{stand_time}' },
        office_code: { constant: '' },
        service_kind: { column: 'service', otherwise: 'other' },
        issued_at: { column: 'stand_time' },
        called_at: { column: 'start_time' },
        service_ended_at: { column: 'finish_time' },
      },
    },
  },
  {
    name: 'qmatic',
    title: 'Qmatic Orchestra — fact_visit_transaction',
    kind: 'visits',
    sure: 'V',
    layout:
      'Выгрузка fact_visit_transaction базы stat: visit_key, branch_key, service_key, staff_key, queue_key, create_timestamp, call_timestamp, waiting_time, transaction_time (секунды), outcome_key. Код офиса — branch_key, окончание = call_timestamp + transaction_time.',
    gives: 'ожидание (create → call), обслуживание (transaction_time), неявки (нет call_timestamp), специалист.',
    lacks:
      'вид услуги — по service_key (по умолчанию «прочее», задайте соответствие в копии сопоставления); оценки с киоска (feedback_result) этим форматом не загружаются.',
    mapping: {
      kind: 'visits',
      headers: [
        'visit_key',
        'branch_key',
        'service_key',
        'staff_key',
        'queue_key',
        'create_timestamp',
        'call_timestamp',
        'waiting_time',
        'transaction_time',
        'outcome_key',
      ],
      fields: {
        ticket_id: { column: 'visit_key' },
        office_code: { column: 'branch_key' },
        service_kind: { column: 'service_key', otherwise: 'other' },
        issued_at: { column: 'create_timestamp' },
        called_at: { column: 'call_timestamp' },
        service_ended_at: { column: 'call_timestamp', plusSeconds: ['transaction_time'] },
        agent: { column: 'staff_key' },
      },
    },
  },
]

/** What the format guide says of an adapter without a queue wait (the catalog's definitions say the same, ADR 027). */
export const WAIT_UNKNOWN_NOTE =
  'Звонки этого формата не входят в показатели ожидания — среднее ожидание ответа, принято в пределах порога, уровень обслуживания, ' +
  'среднее ожидание в очереди линии и нормативы ответа на звонок; во входящих, принятых и потерянных звонках они считаются.'

export const adapterByName = (name: string): AdapterInfo | undefined => ADAPTERS.find((a) => a.name === name.trim().toLowerCase())

/** The file formats the pipeline tells apart without an adapter (queue_log is older than the adapters). */
export const FORCED_FORMATS = ['canonical', 'queue_log'] as const

/** Every value `format=` accepts. */
export function formatNames(): string[] {
  return [...FORCED_FORMATS, ...ADAPTERS.map((a) => a.name)]
}
