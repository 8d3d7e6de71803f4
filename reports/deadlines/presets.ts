/**
 * The two rule presets of shared/domain/deadlines.md, as data. An organisation gets the preset of its
 * regime (both for `both`); every rule stays editable. Values marked * in deadlines.md come from secondary
 * sources and say so in `source`.
 *
 * `filter`: field → value or list of values the record must have. `explicit: 'true'` marks a rule that
 * applies only when a record names it in its `deadline_rule` column (the supplier's contract terms: our
 * appeal taxonomy does not tell those cases apart).
 */
import type { TermUnit } from './engine.ts'

export interface RuleDefinition {
  code: string
  name: string
  preset: 'network' | 'supplier'
  applies_to: 'appeals' | 'calls' | 'visits'
  filter: Record<string, string | string[]>
  start_field: string
  stop_field: string
  amount: number
  unit: TermUnit
  is_average: boolean
  priority: number
  source: string
  /** minute norms: a record without its stop is a violation once the norm elapsed, or is not judged */
  missing_stop?: 'violation' | 'exclude'
  /** false: shipped switched off (a term whose binding force is not established; an administrator may switch it on) */
  active?: boolean
}

const written = ['post', 'internet', 'in_person', 'other']

export const RULE_PRESETS: readonly RuleDefinition[] = [
  // network organisation (Order 186)
  {
    code: 'network_appeal_written',
    name: 'Ответ на письменное обращение (почта, лично, интернет)',
    preset: 'network',
    applies_to: 'appeals',
    filter: { form: written },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 30,
    unit: 'calendar_days',
    is_average: false,
    priority: 10,
    source: 'Приказ Минэнерго № 186, п. о сроках ответа, пп. «а», «б»',
  },
  {
    code: 'network_appeal_phone',
    name: 'Ответ на обращение по телефону (перезвон с ответом)',
    preset: 'network',
    applies_to: 'appeals',
    filter: { form: 'phone' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 4,
    unit: 'hours',
    is_average: false,
    priority: 10,
    source: 'Приказ Минэнерго № 186, пп. «в»; срок 4 часа взят из изложения приказа в «Российской газете»: сверьте с официальным текстом',
  },
  {
    code: 'network_call_callback',
    name: 'Перезвон с ответом, если ответ не дан во время звонка',
    preset: 'network',
    applies_to: 'calls',
    filter: { callback_required: 'true' },
    start_field: 'ended_at',
    stop_field: 'callback_at',
    amount: 4,
    unit: 'hours',
    is_average: false,
    priority: 10,
    source: 'Приказ Минэнерго № 186, прил. 4 п. 8; срок 4 часа взят из изложения приказа: сверьте с официальным текстом',
  },
  {
    code: 'network_visit_wait',
    name: 'Ожидание в очереди офиса',
    preset: 'network',
    applies_to: 'visits',
    filter: {},
    start_field: 'issued_at',
    stop_field: 'called_at',
    amount: 30,
    unit: 'minutes',
    is_average: false,
    priority: 10,
    source: 'Приказ Минэнерго № 186; срок 30 минут взят из изложения приказа в «Российской газете»: сверьте с официальным текстом',
    missing_stop: 'exclude',
  },
  // guaranteeing supplier (seed standard of АО «Электросеть»)
  {
    code: 'supplier_visit_wait_consultation',
    name: 'Ожидание в очереди, консультация (среднее)',
    preset: 'supplier',
    applies_to: 'visits',
    filter: { service_kind: 'consultation' },
    start_field: 'issued_at',
    stop_field: 'called_at',
    amount: 10,
    unit: 'minutes',
    is_average: true,
    priority: 20,
    source: 'Стандарт, п. 6.5.6',
    missing_stop: 'exclude',
  },
  {
    code: 'supplier_visit_service_consultation',
    name: 'Обслуживание, консультация (среднее)',
    preset: 'supplier',
    applies_to: 'visits',
    filter: { service_kind: 'consultation' },
    start_field: 'called_at',
    stop_field: 'service_ended_at',
    amount: 10,
    unit: 'minutes',
    is_average: true,
    priority: 20,
    source: 'Стандарт, п. 6.5.6',
    missing_stop: 'exclude',
  },
  {
    code: 'supplier_visit_wait_cashier',
    name: 'Ожидание в очереди, кассовая операция (среднее)',
    preset: 'supplier',
    applies_to: 'visits',
    filter: { service_kind: 'cashier' },
    start_field: 'issued_at',
    stop_field: 'called_at',
    amount: 5,
    unit: 'minutes',
    is_average: true,
    priority: 20,
    source: 'Стандарт, п. 6.5.6',
    missing_stop: 'exclude',
  },
  {
    code: 'supplier_visit_service_cashier',
    name: 'Обслуживание, кассовая операция (среднее)',
    preset: 'supplier',
    applies_to: 'visits',
    filter: { service_kind: 'cashier' },
    start_field: 'called_at',
    stop_field: 'service_ended_at',
    amount: 5,
    unit: 'minutes',
    is_average: true,
    priority: 20,
    source: 'Стандарт, п. 6.5.6',
    missing_stop: 'exclude',
  },
  {
    code: 'supplier_visit_total',
    name: 'Общее время обслуживания клиента в офисе',
    preset: 'supplier',
    applies_to: 'visits',
    filter: {},
    start_field: 'issued_at',
    stop_field: 'service_ended_at',
    amount: 20,
    unit: 'minutes',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 6.5.6',
    missing_stop: 'exclude',
  },
  {
    code: 'supplier_call_pickup',
    name: 'Ответ на звонок не позднее третьего гудка (≈ 15 с)',
    preset: 'supplier',
    applies_to: 'calls',
    filter: { direction: 'in' },
    start_field: 'started_at',
    stop_field: 'answered_at',
    amount: 15,
    unit: 'seconds',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 7.1.6; 15 секунд — принятая замена «третьего гудка»',
  },
  {
    code: 'supplier_appeal_written',
    name: 'Рассмотрение письменного обращения',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { form: written },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 30,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 7.2.3',
  },
  {
    code: 'supplier_contract_missing_documents',
    name: 'Уведомление о недостающих документах для договора',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 5,
    unit: 'working_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.1 п. 2',
  },
  {
    code: 'supplier_contract_legal',
    name: 'Подписанный договор — юридическим лицам',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 30,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.1 п. 3 («дней» — считаем календарными)',
  },
  {
    code: 'supplier_contract_individual',
    name: 'Подписанный договор — физическим лицам',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 10,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.1 п. 3 («дней» — считаем календарными)',
  },
  {
    code: 'supplier_disagreement_protocol',
    name: 'Протокол согласования разногласий',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 10,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.1 п. 4',
  },
  {
    code: 'supplier_contract_change',
    name: 'Изменение договора по инициативе клиента',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 30,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.2 п. 1.1',
  },
  {
    code: 'supplier_power_quality_measurement',
    name: 'Измерение качества электроэнергии',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 10,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.2 п. 2',
  },
  {
    code: 'supplier_grid_interruption_request',
    name: 'Запрос в сетевую организацию о причинах перерыва',
    preset: 'supplier',
    applies_to: 'appeals',
    filter: { explicit: 'true' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 3,
    unit: 'calendar_days',
    is_average: false,
    priority: 20,
    source: 'Стандарт, п. 10.2 п. 3',
  },
  // appeals from outside platforms (issue #17): a channel of the register with its own term, before the general rules (priority 5); last in the
  // list, so the ids of the older rules stay
  {
    code: 'network_appeal_svetlaya_strana',
    name: 'Ответ на сообщение портала «Светлая страна»',
    preset: 'network',
    applies_to: 'appeals',
    filter: { channel: 'Светлая страна' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 8,
    unit: 'working_days',
    is_average: false,
    priority: 5,
    source: 'Регламент портала «Светлая страна» (ПАО «Россети»): срок 8 рабочих дней с публикации взят из изложения регламента: сверьте с официальным текстом',
  },
  {
    code: 'network_appeal_pos',
    name: 'Ответ на сообщение Платформы обратной связи (Госуслуги)',
    preset: 'network',
    applies_to: 'appeals',
    filter: { channel: 'Платформа обратной связи' },
    start_field: 'received_at',
    stop_field: 'answered_at',
    amount: 10,
    unit: 'calendar_days',
    is_average: false,
    priority: 5,
    source:
      'ПОС: ≈ 10 дней по срочным темам в одном регионе (вторичный источник); обязательность для организации не установлена — правило выключено, включите, если срок для вас действует',
    active: false,
  },
]

export interface ActiveRule {
  id: string
  code: string
  filter: Record<string, string | string[]>
  amount: number
  unit: TermUnit
  priority: number
}

/**
 * The rule of a record: the one it names (if active), else the first active rule by priority whose
 * filter the record matches; explicit-only rules never match by filter.
 */
export function chooseRule(rules: readonly ActiveRule[], record: Record<string, unknown>, named: string | null): ActiveRule | undefined {
  if (named) {
    const rule = rules.find((r) => r.code === named)
    if (rule) return rule
  }
  return rules.find((r) => {
    if (r.filter.explicit === 'true') return false
    return Object.entries(r.filter).every(([field, want]) => {
      const value = record[field]
      // compared as channels are (case, ё, spaces): a register writes «светлая страна» or «Светлая  страна»
      const text = matchKey(value === null || value === undefined ? '' : String(value))
      return Array.isArray(want) ? want.some((w) => matchKey(w) === text) : matchKey(want) === text
    })
  })
}

const matchKey = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ')
