/**
 * Codes of the import contract (shared/domain/formats.md) and their Russian labels: defined once,
 * accepted by imports (code or label, case-insensitive), printed by screens and files.
 * `aliases` are extra spellings seen in real logs; the label itself is always accepted.
 * Client-safe: no server imports.
 */
export interface Term {
  readonly label: string
  readonly aliases?: readonly string[]
}
export type Vocabulary = Readonly<Record<string, Term>>

export const appealForm = {
  in_person: { label: 'очная', aliases: ['очная форма', 'лично'] },
  phone: { label: 'телефон', aliases: ['заочная — телефон', 'заочная - телефон', 'по телефону', 'телефонная'] },
  internet: { label: 'интернет', aliases: ['заочная — интернет', 'заочная - интернет', 'электронная'] },
  post: { label: 'почта', aliases: ['письменная — почта', 'письменная - почта', 'письменная', 'почтовая'] },
  other: { label: 'прочее', aliases: ['прочая'] },
} as const satisfies Vocabulary

export const consumerType = {
  individual: { label: 'физ', aliases: ['физическое лицо', 'физлицо', 'фл'] },
  legal: { label: 'юр', aliases: ['юридическое лицо', 'юрлицо', 'юл'] },
  entrepreneur: { label: 'ип', aliases: ['индивидуальный предприниматель'] },
} as const satisfies Vocabulary

export const appealTopic = {
  transmission: { label: 'оказание услуг по передаче э/э', aliases: ['оказание услуг по передаче электрической энергии', 'передача'] },
  connection: { label: 'технологическое присоединение', aliases: ['осуществление технологического присоединения', 'тп'] },
  metering: { label: 'коммерческий учет', aliases: ['коммерческий учёт', 'коммерческий учет электрической энергии', 'учет', 'учёт'] },
  service: { label: 'качество обслуживания', aliases: ['качество обслуживания потребителей'] },
  maintenance: { label: 'техническое обслуживание электросетевых объектов', aliases: ['техническое обслуживание'] },
  other: { label: 'прочее' },
} as const satisfies Vocabulary

export const complaintTopic = {
  transmission_quality: { label: 'качество услуг по передаче', aliases: ['качество услуг по передаче электрической энергии'] },
  power_quality: { label: 'качество электрической энергии', aliases: ['качество электроэнергии'] },
  connection: { label: 'технологическое присоединение', aliases: ['осуществление технологического присоединения', 'тп'] },
  metering: { label: 'коммерческий учет', aliases: ['коммерческий учёт', 'учет', 'учёт'] },
  service: { label: 'качество обслуживания', aliases: ['качество обслуживания потребителей'] },
  maintenance: { label: 'техническое обслуживание электросетевых объектов', aliases: ['техническое обслуживание'] },
  other: { label: 'прочее' },
} as const satisfies Vocabulary

export const requestType = {
  connection: { label: 'по ТП', aliases: ['по технологическому присоединению', 'технологическое присоединение'] },
  transmission_contract: { label: 'договор на оказание услуг по передаче', aliases: ['заключение договора на оказание услуг по передаче э/э'] },
  metering: { label: 'организация коммерческого учета', aliases: ['организация коммерческого учёта', 'учет', 'учёт'] },
  other: { label: 'прочее' },
} as const satisfies Vocabulary

export const closure = {
  answered: { label: 'дан ответ', aliases: ['ответ дан'] },
  not_considered: { label: 'не рассматривается по основаниям закона', aliases: ['не рассматривается'] },
  redirected: { label: 'перенаправлено' },
  withdrawn: { label: 'отозвано' },
} as const satisfies Vocabulary

export const contractConcluded = {
  none: { label: 'нет', aliases: ['не заключен', 'не заключён'] },
  connection: { label: 'договор ТП', aliases: ['тп', 'технологическое присоединение'] },
  transmission: { label: 'договор на передачу', aliases: ['передача'] },
} as const satisfies Vocabulary

export const callDirection = {
  in: { label: 'входящий', aliases: ['вх', 'входящий звонок'] },
  out: { label: 'исходящий', aliases: ['исх', 'исходящий звонок'] },
} as const satisfies Vocabulary

/** Appendix 4 of Order 186: the actions of phone service (regulation.md G.1). */
export const callCategory = {
  '1.1': { label: 'справки: технологическое присоединение' },
  '1.2': { label: 'справки: передача электрической энергии' },
  '1.3': { label: 'справки: учет электрической энергии' },
  '1.4': { label: 'справки: обслуживание потребителей' },
  '1.5': { label: 'справки: контактная информация' },
  '2': { label: 'консультации и ответы' },
  '3': { label: 'прием показаний приборов учета' },
  '4': { label: 'безучетное/бездоговорное потребление, хищения' },
  '4.1': { label: 'качество электрической энергии' },
  '4.2': { label: 'перерыв электроснабжения' },
  '5': { label: 'время восстановления, вопросы качества' },
  '6': { label: 'исходящие: аварии и плановые работы' },
  '7': { label: 'исходящие: ТП, передача, учет' },
  '8': { label: 'исходящие: ответы на обращения (перезвон)' },
  '9': { label: 'жалобы и ответы на них' },
  '10': { label: 'обмен информацией с оперативным персоналом' },
  '11': { label: 'опросы качества обслуживания' },
} as const satisfies Vocabulary

export const serviceKind = {
  consultation: { label: 'консультация' },
  cashier: { label: 'кассовая операция', aliases: ['касса'] },
  contract: { label: 'договор' },
  connection: { label: 'технологическое присоединение', aliases: ['тп'] },
  metering: { label: 'учет', aliases: ['учёт'] },
  other: { label: 'прочее' },
} as const satisfies Vocabulary

export const regime = {
  network: { label: 'сетевая организация' },
  supplier: { label: 'гарантирующий поставщик' },
  both: { label: 'сетевая организация и гарантирующий поставщик' },
} as const satisfies Vocabulary

export const importKind = {
  offices: { label: 'офисы обслуживания' },
  appeals: { label: 'журнал обращений' },
  calls: { label: 'журнал звонков' },
  visits: { label: 'журнал очереди в офисах' },
} as const satisfies Vocabulary

export function labelOf<V extends Vocabulary>(vocabulary: V, code: string | null | undefined): string {
  if (code === null || code === undefined) return ''
  return vocabulary[code]?.label ?? code
}

const normalise = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ')

const lookups = new WeakMap<Vocabulary, Map<string, string>>()

/** The code for a code or a Russian label (case-insensitive, ё = е), or undefined. */
export function codeOf(vocabulary: Vocabulary, text: string): string | undefined {
  let lookup = lookups.get(vocabulary)
  if (!lookup) {
    lookup = new Map()
    for (const [code, term] of Object.entries(vocabulary)) {
      for (const spelling of [code, term.label, ...(term.aliases ?? [])]) {
        lookup.set(normalise(spelling), code)
        lookup.set(spelling, code) // exact spellings skip normalisation: the common case in big files
      }
    }
    lookups.set(vocabulary, lookup)
  }
  return lookup.get(text) ?? lookup.get(normalise(text))
}

/** Roles (issue 3): what each may do is in app/utils/access.ts. */
export const role = {
  management: { label: 'руководитель' },
  quality: { label: 'специалист по качеству' },
  reporting: { label: 'отчётность' },
  operator: { label: 'оператор' },
  admin: { label: 'администратор' },
} as const satisfies Vocabulary

/**
 * The vocabulary of each enumerated column of the records, by the column's name: the registers (their columns)
 * and the deadline rules (their conditions) read codes through it — one list, not one per screen.
 */
export const COLUMN_VOCABULARIES = {
  form: appealForm,
  topic: appealTopic,
  complaint_topic: complaintTopic,
  request_type: requestType,
  consumer_type: consumerType,
  closure,
  direction: callDirection,
  category: callCategory,
  service_kind: serviceKind,
} as const satisfies Record<string, Vocabulary>
