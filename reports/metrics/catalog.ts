/**
 * Every figure is defined once, here: a Russian label, a plain definition (what is counted, at which
 * instant, with which exclusions), a unit, which direction is better, what it is computed from (`input`:
 * one kind of sums, sums.ts), its formula over those sums, and the records it counts (`records`: the
 * register a tile opens and the condition on its records). Screens, hints, registers, the dashboard,
 * Appendix 7, the supplier report, the surveys and the exported files all read the same entry; the
 * `satisfies` at the end makes a missing part of an entry a type error. Client-safe: the record
 * conditions are functions of a kit the server hands in (records.server.ts), so nothing here imports SQL.
 * How to add a figure: reports/README.md.
 */
import type { RawBuilder } from 'kysely'
import type { ColumnOf, ColumnRef } from '#db/columns.ts'
import { type FigureInputs, type InputKind, percentile, ratio } from './sums.ts'

export type MetricUnit = 'count' | 'share' | 'seconds' | 'score' | 'points'

export interface MetricMeta {
  label: string
  definition: string
  /** `score`: a mean on a survey scale (1–5, 1–7); `points`: an index from −100 to 100 (NPS) */
  unit: MetricUnit
  better: 'higher' | 'lower' | 'neither'
}

/** The registers a figure can open. */
export type RegisterDomain = 'appeals' | 'calls' | 'visits'

/** A condition on a register's record `r` (SQL built by the server's kit). */
export type RecordCondition = RawBuilder<boolean>

/** The table of each register's records. */
export type RegisterTable = { appeals: 'appeal'; calls: 'call'; visits: 'visit' }

/** What a record condition may use: handed in by records.server.ts for one view and its rollup parameters. */
export interface RecordKit<T extends RegisterTable[RegisterDomain] = RegisterTable[RegisterDomain]> {
  /** kysely's `sql` tag: values become parameters, kit fragments are inlined */
  sql: (strings: TemplateStringsArray, ...values: unknown[]) => RecordCondition
  /** a column of the register's record `r` (typed: a renamed column is a type error) */
  r: ColumnRef<T>
  /** the moment «по состоянию на» (a parameter) */
  asOf: Date
  /** seconds from one instant column of `r` to another */
  seconds: (from: ColumnOf<T>, to: ColumnOf<T>) => RawBuilder<unknown>
  shortAbandonSeconds: RawBuilder<unknown>
  serviceLevelSeconds: RawBuilder<unknown>
  /** null when no callback rule is active */
  callbackSeconds: RawBuilder<unknown> | null
  /** the wait norm of visit `r` (the first matching rule), null when none applies */
  visitWaitNorm: RawBuilder<unknown>
  /** calls with a queue leg of that outcome (null: every leg with an ending), on the view's line when it has one */
  legs: (outcome: 'answered' | 'overflowed' | 'lost' | null) => RecordCondition
}

/** The records a figure counts, for shares and means the records its numerator or mean is taken over. */
export type MetricRecords =
  | {
      [D in RegisterDomain]: {
        register: D
        /** the figure's own condition beside the view's (null: every record of the view) */
        where: ((k: RecordKit<RegisterTable[D]>) => RecordCondition) | null
        /**
         * the count figure that is the number of these records, for a share or a mean (a count figure: itself);
         * `counted`: no figure counts them, the register counts its records
         */
        total?: string
        /** a figure by line counts queue legs: the view's line narrows the legs, not the calls */
        lineByLeg?: true
      }
    }[RegisterDomain]
  | { register: null; /** where its records are shown instead */ opens: string }

/** One figure: what it means, what it is computed from, how, and which records it counts. */
export type MetricEntry<K extends InputKind> = MetricMeta & {
  input: K
  formula: (input: FigureInputs[K]) => number | null
  records: MetricRecords
}
type AnyMetricEntry = { [K in InputKind]: MetricEntry<K> }[InputKind]

/** ADR 027: the waiting figures say which calls they leave out (the format guide says the same of each adapter). */
export const WAIT_UNKNOWN = 'Звонки, время ожидания которых источник не даёт (Asterisk CDR, 3CX: их «ответ» отсчитан от начала звонка), не учитываются.'

export const metricCatalog = {
  'appeals.due_in_period': {
    input: 'due',
    label: 'Срок ответа наступил',
    definition:
      'Обращения, срок ответа по которым истёк в выбранном периоде (по местному времени организации; срок в днях ' +
      'истекает в 24:00 последнего дня). Обращения без правила срока не учитываются.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.due,
    records: { register: 'appeals', where: null },
  },
  'appeals.on_time': {
    input: 'due',
    label: 'Ответ в срок',
    definition: 'Из обращений со сроком в периоде — ответ дан не позднее срока и не позднее даты «по состоянию на».',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.onTime,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('answered_at')} <= ${k.r('due_at')}` },
  },
  'appeals.late': {
    input: 'due',
    label: 'Ответ с нарушением срока',
    definition: 'Из обращений со сроком в периоде — ответ дан позже срока (но не позднее даты «по состоянию на»).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.late,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('answered_at')} > ${k.r('due_at')}` },
  },
  'appeals.overdue': {
    input: 'due',
    label: 'Без ответа, срок истёк',
    definition: 'Из обращений со сроком в периоде — ответа на дату «по состоянию на» нет, а срок уже истёк.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.overdue,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('answered_at')} is null and ${k.asOf}::timestamptz > ${k.r('due_at')}` },
  },
  'appeals.open': {
    input: 'due',
    label: 'Срок ещё не истёк',
    definition: 'Из обращений со сроком в периоде — ответа на дату «по состоянию на» нет, срок ещё не истёк. В долю соблюдения не входят.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.open,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('answered_at')} is null and ${k.asOf}::timestamptz <= ${k.r('due_at')}` },
  },
  'appeals.on_time_share': {
    input: 'due',
    label: 'Доля ответов в срок',
    definition:
      'Ответ в срок ÷ (ответ в срок + с нарушением + без ответа с истёкшим сроком), по обращениям со сроком в периоде, ' +
      'на дату «по состоянию на». Обращения, срок которых ещё не истёк, не учитываются.',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.onTime, s.onTime + s.late + s.overdue),
    records: { register: 'appeals', where: (k) => k.sql`${k.r('answered_at')} <= ${k.r('due_at')}`, total: 'appeals.on_time' },
  },
  'appeals.at_risk': {
    input: 'atRisk',
    label: 'На подходе к сроку',
    definition: 'Обращения без ответа на дату «по состоянию на», срок которых истекает в ближайшие N рабочих дней.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.atRisk,
    records: { register: null, opens: 'страница «Сроки»' },
  },
  'norms.records': {
    input: 'norms',
    label: 'Записей',
    definition:
      'Звонки или посещения, к которым относится норматив и чьё начальное событие (начало звонка, выдача талона…) попало в период. ' +
      'В нормативы ответа на звонок не входят звонки, время ожидания которых источник не даёт (Asterisk CDR, 3CX).',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.records,
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },
  'norms.within': {
    input: 'norms',
    label: 'В пределах норматива',
    definition: 'Записи, у которых от начального до конечного события прошло не больше норматива (на дату «по состоянию на»).',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.within,
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },
  'norms.beyond': {
    input: 'norms',
    label: 'Сверх норматива',
    definition: 'Записи, у которых от начального до конечного события прошло больше норматива.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.beyond,
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },
  'norms.missing': {
    input: 'norms',
    label: 'Без конечного события',
    definition:
      'Записи без конечного события на дату «по состоянию на» (звонок без ответа, перезвон не сделан, посетитель не дождался). ' +
      'По правилу они либо считаются нарушением, когда норматив истёк, либо не оцениваются (неявка в офис).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.missing,
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },
  'norms.within_share': {
    input: 'norms',
    label: 'Доля в пределах норматива',
    definition: 'В пределах норматива ÷ (в пределах + сверх + без конечного события с истёкшим нормативом, если правило считает их нарушением).',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.within, s.within + s.beyond + s.missingViolations),
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },
  'norms.mean': {
    input: 'norms',
    label: 'Среднее значение',
    definition:
      'Среднее время от начального до конечного события по записям, где оба события есть. Для нормативов «в среднем» оно и сравнивается с нормативом.',
    unit: 'seconds',
    better: 'lower',
    formula: (s) => s.mean,
    records: { register: null, opens: 'страница норматива в разделе «Сроки»' },
  },

  // dashboard: appeals by receipt
  'appeals.received': {
    input: 'appeals',
    label: 'Поступило обращений',
    definition: 'Обращения, зарегистрированные в периоде (дата поступления по местному времени организации), любой формы и темы.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.received,
    records: { register: 'appeals', where: null },
  },
  'appeals.complaints': {
    input: 'appeals',
    label: 'Жалобы',
    definition: 'Из поступивших в периоде — обращения, содержащие жалобу (заполнена тема жалобы).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.complaints,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('complaint_topic')} is not null` },
  },
  'appeals.requests': {
    input: 'appeals',
    label: 'Заявки на услуги',
    definition: 'Из поступивших в периоде — обращения, содержащие заявку на оказание услуг (заполнен тип заявки).',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.requests,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('request_type')} is not null` },
  },
  'appeals.contracts_concluded': {
    input: 'appeals',
    label: 'Заключены договоры',
    definition:
      'Из поступивших в периоде — обращения, по результатам которых заключен договор технологического присоединения или ' +
      'оказания услуг по передаче электрической энергии (поле «заключен_договор» не пустое и не «нет»), по данным журнала на момент расчёта.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.contracts,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('contract_concluded')} is not null and ${k.r('contract_concluded')} <> 'none'` },
  },
  'appeals.complaints_settled': {
    input: 'appeals',
    label: 'Урегулированы жалобы',
    definition: 'Из поступивших в периоде — обращения, по которым жалоба урегулирована (признак «жалоба_урегулирована»), по данным журнала на момент расчёта.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.settled,
    records: { register: 'appeals', where: (k) => k.sql`${k.r('complaint_settled')}` },
  },

  // dashboard: phone lines
  'calls.offered': {
    input: 'calls',
    label: 'Входящих звонков',
    definition:
      'Входящие звонки, поступившие в очередь в периоде (начало звонка по местному времени), отвеченные и неотвеченные. ' +
      'Звонок абонента считается один раз, даже если он переходил из очереди в очередь (в журнале Asterisk — один uniqueid); ' +
      'звонки без окончания в журнале сюда не входят (они считаются отдельно).',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.offered,
    records: { register: 'calls', where: (k) => k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')}` },
  },
  'calls.answered': {
    input: 'calls',
    label: 'Принято',
    definition: 'Входящие звонки периода, на которые ответил оператор — в любой из очередей, через которые прошёл звонок.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.answeredIn,
    records: { register: 'calls', where: (k) => k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('answered_at')} is not null` },
  },
  'calls.abandoned': {
    input: 'calls',
    label: 'Потеряно',
    definition:
      'Входящие звонки периода без ответа оператора, кроме коротких (абонент ждал меньше порога короткого сброса: такие ' +
      'звонки не успевают быть принятыми и обычно ошибочны).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.unansweredIn - s.shortAbandoned,
    records: {
      register: 'calls',
      where: (k) =>
        k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('answered_at')} is null and ${k.seconds('started_at', 'ended_at')} >= ${k.shortAbandonSeconds}`,
    },
  },
  'calls.short_abandoned': {
    input: 'calls',
    label: 'Короткие сбросы',
    definition: 'Входящие звонки периода без ответа, в которых абонент ждал меньше порога короткого сброса (настройка организации).',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.shortAbandoned,
    records: {
      register: 'calls',
      where: (k) =>
        k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('answered_at')} is null and ${k.seconds('started_at', 'ended_at')} < ${k.shortAbandonSeconds}`,
    },
  },
  'calls.abandoned_share': {
    input: 'calls',
    label: 'Доля потерянных',
    definition: 'Потеряно ÷ (входящих − короткие сбросы).',
    unit: 'share',
    better: 'lower',
    formula: (s) => ratio(s.unansweredIn - s.shortAbandoned, s.offered - s.shortAbandoned),
    records: {
      register: 'calls',
      where: (k) =>
        k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('answered_at')} is null and ${k.seconds('started_at', 'ended_at')} >= ${k.shortAbandonSeconds}`,
      total: 'calls.abandoned',
    },
  },
  'calls.answered_in_sl': {
    input: 'calls',
    label: 'Принято в пределах порога',
    definition: 'Входящие звонки периода, принятые оператором не позднее порога уровня обслуживания от поступления в очередь. ' + WAIT_UNKNOWN,
    unit: 'count',
    better: 'higher',
    formula: (s) => s.answeredInSl,
    records: {
      register: 'calls',
      where: (k) =>
        k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('wait_known')} and ${k.r('answered_at')} is not null and ${k.seconds('started_at', 'answered_at')} <= ${k.serviceLevelSeconds}`,
    },
  },
  'calls.service_level': {
    input: 'calls',
    label: 'Уровень обслуживания',
    definition:
      'Принято в пределах порога ÷ (входящих − короткие сбросы), и то и другое — по звонкам, время ожидания которых известно. ' +
      'Порог — настройка организации, по умолчанию норматив ответа на звонок из правил сроков (иначе 20 с). ' +
      WAIT_UNKNOWN,
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.answeredInSl, s.waitJudged),
    records: {
      register: 'calls',
      where: (k) =>
        k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('wait_known')} and ${k.r('answered_at')} is not null and ${k.seconds('started_at', 'answered_at')} <= ${k.serviceLevelSeconds}`,
      total: 'calls.answered_in_sl',
    },
  },
  'calls.mean_wait': {
    input: 'calls',
    label: 'Среднее ожидание ответа',
    definition:
      'Среднее время от поступления в первую очередь до ответа оператора по принятым входящим звонкам периода (ASA); ' +
      'у звонка, перешедшего в другую очередь, — от первого поступления в очередь до ответа. ' +
      WAIT_UNKNOWN,
    unit: 'seconds',
    better: 'lower',
    formula: (s) => ratio(s.waitSum, s.waitAnswered),
    records: {
      register: 'calls',
      where: (k) => k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('wait_known')} and ${k.r('answered_at')} is not null`,
      total: 'counted',
    },
  },
  'calls.mean_handling': {
    input: 'calls',
    label: 'Средняя длительность разговора',
    definition: 'Среднее время от ответа оператора до окончания звонка по принятым входящим звонкам периода.',
    unit: 'seconds',
    better: 'neither',
    formula: (s) => ratio(s.handleSum, s.answeredIn),
    records: {
      register: 'calls',
      where: (k) => k.sql`${k.r('direction')} = 'in' and not ${k.r('no_ending')} and ${k.r('answered_at')} is not null`,
      total: 'calls.answered',
    },
  },
  'calls.no_ending': {
    input: 'calls',
    label: 'Нет окончания в журнале',
    definition:
      'Входящие звонки периода, у которых в журнале очереди нет окончания (разговор не завершён, абонент не ушёл из очереди) ' +
      'и в той же очереди уже есть события на сутки позже последнего события звонка (перезапуск АТС, потерянные строки). ' +
      'Они не входят ни во входящие, ни в принятые и потерянные, ни в ожидание и уровень обслуживания; их стоит проверить.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.noEnding,
    records: { register: 'calls', where: (k) => k.sql`${k.r('direction')} = 'in' and ${k.r('no_ending')}` },
  },
  'calls.line_offered': {
    input: 'calls',
    label: 'Поступило в очередь линии',
    definition:
      'Поступления входящих звонков периода в очередь этой линии. Звонок, перешедший из очереди в очередь, считается в каждой ' +
      'очереди, через которую прошёл; поэтому сумма по линиям может быть больше числа входящих звонков. Поступления без окончания ' +
      'в журнале не считаются.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.legs,
    records: { register: 'calls', where: (k) => k.legs(null), lineByLeg: true },
  },
  'calls.line_answered': {
    input: 'calls',
    label: 'Принято в очереди линии',
    definition: 'Поступления в очередь этой линии, на которые в ней ответил оператор.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.legsAnswered,
    records: { register: 'calls', where: (k) => k.legs('answered'), lineByLeg: true },
  },
  'calls.line_overflowed': {
    input: 'calls',
    label: 'Ушли в другую очередь',
    definition:
      'Поступления в очередь этой линии, которые покинули её без ответа и перешли в другую очередь (переполнение: время ожидания ' +
      'истекло, нет свободных операторов или абонент нажал клавишу).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.legsOverflowed,
    records: { register: 'calls', where: (k) => k.legs('overflowed'), lineByLeg: true },
  },
  'calls.line_lost': {
    input: 'calls',
    label: 'Потеряно в очереди линии',
    definition:
      'Поступления в очередь этой линии без ответа, после которых звонок закончился (абонент положил трубку или вышел из очереди), включая короткие сбросы.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.legsLost,
    records: { register: 'calls', where: (k) => k.legs('lost'), lineByLeg: true },
  },
  'calls.line_mean_wait': {
    input: 'calls',
    label: 'Среднее ожидание в очереди линии',
    definition: 'Среднее время от поступления в очередь этой линии до ответа оператора в ней, по принятым в ней поступлениям. ' + WAIT_UNKNOWN,
    unit: 'seconds',
    better: 'lower',
    formula: (s) => ratio(s.legWaitSum, s.legsWaitAnswered),
    records: { register: 'calls', where: (k) => k.sql`(${k.legs('answered')}) and ${k.r('wait_known')}`, total: 'counted', lineByLeg: true },
  },
  'calls.outbound': {
    input: 'calls',
    label: 'Исходящих звонков',
    definition: 'Исходящие звонки (оповещения, перезвоны, опросы), начатые в периоде.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.outbound,
    records: { register: 'calls', where: (k) => k.sql`${k.r('direction')} = 'out'` },
  },
  'calls.callbacks_promised': {
    input: 'calls',
    label: 'Обещан перезвон',
    definition: 'Звонки периода, в которых ответ не удалось дать во время разговора и нужен перезвон с ответом.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.callbacksPromised,
    records: { register: 'calls', where: (k) => k.sql`${k.r('callback_required')}` },
  },
  'calls.callbacks_in_time': {
    input: 'calls',
    label: 'Перезвон в срок',
    definition: 'Из обещанных перезвонов — сделанные не позднее норматива перезвона (правило сроков) от окончания звонка.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.callbacksInTime,
    records: {
      register: 'calls',
      where: (k) =>
        k.callbackSeconds === null
          ? k.sql`false`
          : k.sql`${k.r('callback_required')} and ${k.r('callback_at')} is not null and ${k.seconds('ended_at', 'callback_at')} <= ${k.callbackSeconds}`,
    },
  },
  'calls.callbacks_in_time_share': {
    input: 'calls',
    label: 'Доля перезвонов в срок',
    definition: 'Перезвон в срок ÷ обещан перезвон. Перезвон, ещё не сделанный, в срок не засчитывается.',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.callbacksInTime, s.callbacksPromised),
    records: {
      register: 'calls',
      where: (k) =>
        k.callbackSeconds === null
          ? k.sql`false`
          : k.sql`${k.r('callback_required')} and ${k.r('callback_at')} is not null and ${k.seconds('ended_at', 'callback_at')} <= ${k.callbackSeconds}`,
      total: 'calls.callbacks_in_time',
    },
  },

  // dashboard: offices
  'visits.total': {
    input: 'visits',
    label: 'Посещений',
    definition: 'Талоны электронной очереди, выданные в периоде (по местному времени организации).',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.visits,
    records: { register: 'visits', where: null },
  },
  'visits.served': {
    input: 'visits',
    label: 'Вызвано к окну',
    definition: 'Талоны периода, по которым посетитель вызван к окну.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.served,
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null` },
  },
  'visits.no_shows': {
    input: 'visits',
    label: 'Неявки',
    definition: 'Талоны периода без вызова к окну: посетитель ушёл, не дождавшись.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.noShows,
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is null` },
  },
  'visits.mean_wait': {
    input: 'visits',
    label: 'Среднее ожидание',
    definition: 'Среднее время от выдачи талона до вызова к окну по вызванным посетителям периода.',
    unit: 'seconds',
    better: 'lower',
    formula: (s) => ratio(s.waitSum, s.served),
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null`, total: 'visits.served' },
  },
  'visits.p90_wait': {
    input: 'visits',
    label: 'Ожидание, 90-й процентиль',
    definition:
      'Время ожидания, которое не превысили 90 % вызванных посетителей периода. Считается по распределению с шагом 1 мин ' +
      '(до 30 мин), 5 мин (до 1 ч), 15 мин (до 2 ч) с линейной интерполяцией внутри шага; свыше 2 ч — «более 2 ч».',
    unit: 'seconds',
    better: 'lower',
    formula: (s) => percentile(s.waitHist, 0.9),
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null`, total: 'visits.served' },
  },
  'visits.mean_service': {
    input: 'visits',
    label: 'Среднее обслуживание',
    definition: 'Среднее время от вызова к окну до окончания обслуживания по обслуженным посетителям периода.',
    unit: 'seconds',
    better: 'neither',
    formula: (s) => ratio(s.serviceSum, s.completed),
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null and ${k.r('service_ended_at')} is not null`, total: 'counted' },
  },
  'visits.p90_service': {
    input: 'visits',
    label: 'Обслуживание, 90-й процентиль',
    definition: 'Время обслуживания, которое не превысили 90 % обслуженных посетителей периода (тот же способ, что для ожидания).',
    unit: 'seconds',
    better: 'neither',
    formula: (s) => percentile(s.serviceHist, 0.9),
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null and ${k.r('service_ended_at')} is not null`, total: 'counted' },
  },
  'visits.within_wait_norm': {
    input: 'visits',
    label: 'Ожидание в пределах норматива',
    definition:
      'Вызванные посетители периода, ждавшие не дольше норматива ожидания своего вида услуги (первое подходящее правило ' +
      'сроков «выдача талона → вызов»). Посетители, к которым норматив не относится, не учитываются.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.waitWithin,
    records: { register: 'visits', where: (k) => k.sql`${k.r('called_at')} is not null and ${k.seconds('issued_at', 'called_at')} <= (${k.visitWaitNorm})` },
  },
  'visits.within_wait_norm_share': {
    input: 'visits',
    label: 'Доля ожидавших в пределах норматива',
    definition: 'Ожидание в пределах норматива ÷ вызванные посетители, к которым относится норматив ожидания.',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.waitWithin, s.waitJudged),
    records: {
      register: 'visits',
      where: (k) => k.sql`${k.r('called_at')} is not null and ${k.seconds('issued_at', 'called_at')} <= (${k.visitWaitNorm})`,
      total: 'visits.within_wait_norm',
    },
  },

  // lost calls called back (issue 18, reports/callbacks): one block, kept together
  'lost.calls': {
    input: 'lost',
    label: 'Потерянные звонки',
    definition:
      'Входящие звонки периода без ответа оператора, кроме коротких сбросов (абонент ждал меньше порога) и звонков без окончания в журнале: ' +
      'те же, что «Потеряно», — каждый проверяется, связались ли потом с абонентом.',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.lost,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.reached_callback': {
    input: 'lost',
    label: 'Перезвонили',
    definition:
      'Из потерянных — абоненту позже перезвонили: первый следующий отвеченный звонок с этим номером (номера сравниваются после приведения ' +
      '+7/8, пробелов, скобок и дефисов к одному виду) — исходящий звонок организации, на который абонент ответил, в течение 7 дней после потерянного и не позднее даты «по состоянию на».',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.callback,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.reached_own': {
    input: 'lost',
    label: 'Дозвонился сам',
    definition: 'Из потерянных — первый следующий отвеченный звонок с этим номером (в течение 7 дней) — входящий: абонент дозвонился сам, и ему ответили.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.ownCall,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.not_reached': {
    input: 'lost',
    label: 'Не связались',
    definition: 'Из потерянных с определённым номером — отвеченного звонка с этим номером в течение 7 дней после потерянного нет (на дату «по состоянию на»).',
    unit: 'count',
    better: 'lower',
    formula: (s) => s.notReached,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.no_number': {
    input: 'lost',
    label: 'Номер не определён',
    definition: 'Из потерянных — звонки без номера абонента: связаться с абонентом было не по чему; в долю «вовремя» не входят.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.noNumber,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.in_time_share': {
    input: 'lost',
    label: 'Доля связавшихся вовремя',
    definition:
      'Связались (перезвонили или дозвонился сам) не позднее норматива перезвона от окончания потерянного звонка ÷ (связались + не связались, ' +
      'когда норматив уже истёк). Норматив — настройка организации, по умолчанию правило перезвона (4 часа); норматив в рабочих днях считается по производственному календарю.',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.inTime, s.judged),
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },
  'lost.mean_time_to_reach': {
    input: 'lost',
    label: 'Среднее время до связи',
    definition:
      'Среднее время от окончания потерянного звонка до ответа в следующем звонке с этим номером, по потерянным звонкам, с абонентами которых связались.',
    unit: 'seconds',
    better: 'lower',
    formula: (s) => s.meanSecondsToReach,
    records: { register: null, opens: 'страница «Перезвоны» (журнал потерянных звонков с исходами)' },
  },

  // consumer surveys (answers by the day they were submitted, in the organisation's zone)
  'surveys.responses': {
    input: 'surveys',
    label: 'Получено анкет',
    definition:
      'Анкеты опросов, заполненные в периоде (по ссылке, по QR-коду в офисе или оператором по телефону). Каждая анкета — один опрошенный потребитель.',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.responses,
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.conducted': {
    input: 'surveyGroups',
    label: 'Проведено опросов',
    definition: 'Опросы, по которым в периоде получена хотя бы одна анкета.',
    unit: 'count',
    better: 'neither',
    formula: (groups) => new Set(groups.filter((g) => g.sums.responses > 0).map((g) => g.key.survey)).size,
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.invitations': {
    input: 'surveys',
    label: 'Отправлено приглашений',
    definition:
      'Персональные (одноразовые) ссылки на опрос, созданные в периоде: выпуски ссылок по закрытым обращениям и ссылки, привязанные к обращению, звонку или посещению. QR-коды офисов не считаются: число увидевших их неизвестно.',
    unit: 'count',
    better: 'neither',
    formula: (s) => s.invitations,
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.invitations_answered': {
    input: 'surveys',
    label: 'Ответили по приглашению',
    definition: 'Из персональных ссылок, созданных в периоде, — те, по которым получена анкета (на момент расчёта).',
    unit: 'count',
    better: 'higher',
    formula: (s) => s.invitationsAnswered,
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.response_rate': {
    input: 'surveys',
    label: 'Доля ответивших',
    definition: 'Ответили по приглашению ÷ отправлено приглашений (по ссылкам, созданным в периоде).',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.invitationsAnswered, s.invitations),
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.csat': {
    input: 'surveys',
    label: 'Удовлетворённость (CSAT)',
    definition:
      'Доля оценок «4» и «5» среди всех ответов на вопросы-оценки по шкале 1–5 в анкетах периода (если в анкете несколько таких вопросов, учитывается каждый ответ).',
    unit: 'share',
    better: 'higher',
    formula: (s) => ratio(s.csatSatisfied, s.csatAnswers),
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.csat_mean': {
    input: 'surveys',
    label: 'Средняя оценка (1–5)',
    definition: 'Среднее арифметическое ответов на вопросы-оценки по шкале 1–5 в анкетах периода.',
    unit: 'score',
    better: 'higher',
    formula: (s) => ratio(s.csatSum, s.csatAnswers),
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.nps': {
    input: 'surveys',
    label: 'Индекс готовности рекомендовать (NPS)',
    definition: 'Доля ответов 9–10 минус доля ответов 0–6 на вопросы «порекомендуете ли вы» по шкале 0–10 в анкетах периода, в пунктах от −100 до +100.',
    unit: 'points',
    better: 'higher',
    formula: (s) => (s.npsAnswers > 0 ? ((s.promoters - s.detractors) / s.npsAnswers) * 100 : null),
    records: { register: null, opens: 'результаты опроса' },
  },
  'surveys.ces': {
    input: 'surveys',
    label: 'Лёгкость решения вопроса (CES)',
    definition: 'Среднее ответов на вопрос «насколько легко было решить ваш вопрос» по шкале 1–7 (1 — очень трудно, 7 — очень легко) в анкетах периода.',
    unit: 'score',
    better: 'higher',
    formula: (s) => ratio(s.cesSum, s.cesAnswers),
    records: { register: null, opens: 'результаты опроса' },
  },
} as const satisfies Record<string, AnyMetricEntry>

export type MetricId = keyof typeof metricCatalog
type Catalog = typeof metricCatalog

/** The kind of input a figure is computed from. */
export type InputOf<M extends MetricId> = Catalog[M]['input']

/** The figures computed from one kind of input. */
export type MetricOf<K extends InputKind> = { [M in MetricId]: Catalog[M]['input'] extends K ? M : never }[MetricId]

/** The figures whose records a register lists. */
export type RegisterMetricId = { [M in MetricId]: Catalog[M]['records']['register'] extends RegisterDomain ? M : never }[MetricId]

/** The figures of the dashboard (summed from the rollups). */
export type DashboardMetricId = MetricOf<'appeals' | 'due' | 'calls' | 'visits' | 'surveys'>

export const isMetric = (id: string): id is MetricId => Object.hasOwn(metricCatalog, id)

/** Whether `id` is a figure computed from `kind` (a template or a URL names figures by text). */
export function isMetricOf<K extends InputKind>(id: string, kind: K): id is MetricOf<K> {
  return isMetric(id) && metricCatalog[id].input === kind
}

/** Whether `id` is a figure whose records register `domain` lists. */
export function opensRegister(id: string, domain: RegisterDomain): id is RegisterMetricId {
  return isMetric(id) && metricCatalog[id].records.register === domain
}

/** The figure `id` from its input: the one place a figure is computed. */
export function figure<M extends MetricId>(id: M, input: FigureInputs[InputOf<M>]): number | null {
  return (metricCatalog[id].formula as (input: FigureInputs[InputOf<M>]) => number | null)(input)
}

/** A figure named by text (a template, a URL) from an input of `kind`: an error when `id` is not computed from it. */
export function figureIn<K extends InputKind>(kind: K, id: string, input: FigureInputs[K]): number | null {
  if (!isMetricOf(id, kind)) throw new Error(`«${id}» — не показатель из ${kind}`)
  return figure<MetricOf<K>>(id, input as FigureInputs[InputOf<MetricOf<K>>])
}

/** The count figure a register lists the records of when it opens figure `id` (itself for a count figure). */
export function countOf(id: RegisterMetricId): RegisterMetricId | 'counted' {
  const records = metricCatalog[id].records as Extract<MetricRecords, { register: RegisterDomain }>
  return (records.total as RegisterMetricId | 'counted' | undefined) ?? id
}
