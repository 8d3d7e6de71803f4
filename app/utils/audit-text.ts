/**
 * The audit log in plain Russian (issue 16): action names and the details of each event as «поле: значение»,
 * never raw codes or JSON. Client-safe.
 */
import { importKind, labelOf, regime } from '#reports/vocabulary.ts'
import { formatCount } from '#reports/format.ts'

export const AUDIT_ACTIONS: Record<string, string> = {
  login: 'вход',
  'login.failed': 'неудачный вход',
  'login.blocked': 'вход заблокирован (много попыток)',
  logout: 'выход',
  import: 'загрузка данных',
  export: 'выгрузка файла',
  'report.download': 'скачан отчёт',
  'report.freeze': 'отчёт зафиксирован',
  'report.input': 'изменены данные отчёта',
  'rule.update': 'изменено правило сроков',
  'calendar.update': 'изменён календарь',
  'survey.link': 'выпущена ссылка на опрос',
  'survey.batch': 'выпущены ссылки на опрос',
  'survey.phone': 'внесена анкета телефонного опроса',
  'user.create': 'создан пользователь',
  'user.update': 'изменён пользователь',
  'user.unlock': 'пользователь разблокирован',
  'settings.update': 'изменены настройки',
  'branch.code': 'изменён код филиала',
  'office.code': 'изменён код офиса',
  demo: 'пересозданы демо-данные',
  'token.create': 'выпущен токен интеграции',
  'token.revoke': 'отозван токен интеграции',
  'token.use': 'использован токен интеграции (API)',
  'token.refused': 'отказано токену интеграции',
  'mapping.save': 'сохранено сопоставление столбцов',
  'mapping.delete': 'удалено сопоставление столбцов',
}

export const auditActionLabel = (action: string) => AUDIT_ACTIONS[action] ?? 'другое действие'

const OBJECTS: Record<string, string> = { 'appendix-7': 'Приложение 7', 'supplier-standard': 'отчёт по стандарту гарантирующего поставщика' }
/** The object of an event as people read it («appendix-7 t4_1» → «Приложение 7, таблица t4_1»). */
export function auditObjectText(object: string | null): string {
  if (!object) return ''
  const [head, ...rest] = object.split(' ')
  return OBJECTS[head!] ? [OBJECTS[head!], rest.length ? `раздел ${rest.join(' ')}` : ''].filter(Boolean).join(', ') : object
}

const REPORTS: Record<string, string> = {
  dashboard: 'показатели',
  'import-rejections': 'ошибки загрузки',
  'survey-batch': 'ссылки опроса',
  'survey-answers': 'анкеты опроса',
  'survey-summary': 'итоги опроса',
  worklist: 'список дел',
  'appendix-7-snapshot': 'зафиксированное Приложение 7',
  'lost-calls': 'потерянные звонки',
  'register-appeals': 'журнал обращений',
  'register-calls': 'журнал звонков',
  'register-visits': 'журнал посещений',
}
const STATUS: Record<string, string> = { done: 'загружен', rejected: 'отклонён', failed: 'ошибка', interrupted: 'прервана' }

/** Keys of details and how their values read; a key not listed here is shown with a neutral name. */
const KEYS: Record<string, [label: string, value?: (v: unknown) => string | null]> = {
  report: ['отчёт', (v) => REPORTS[String(v)] ?? String(v)],
  kind: ['вид', (v) => (importKind[String(v) as keyof typeof importKind] ? labelOf(importKind, String(v)) : String(v))],
  file: ['файл'],
  status: ['итог', (v) => STATUS[String(v)] ?? String(v)],
  read: ['прочитано строк', (v) => formatCount(Number(v))],
  stored: ['сохранено', (v) => formatCount(Number(v))],
  rejected: ['отклонено', (v) => formatCount(Number(v))],
  invalid: ['строк с ошибками', (v) => formatCount(Number(v))],
  rows: ['строк', (v) => formatCount(Number(v))],
  links: ['ссылок', (v) => formatCount(Number(v))],
  skipInvalid: ['ошибочные строки', (v) => (v ? 'пропускались' : 'не пропускались')],
  personalData: ['персональные данные', (v) => (v ? 'показаны' : 'скрыты')],
  year: ['год'],
  tables: ['таблицы', (v) => (Array.isArray(v) ? v.join(', ') : String(v))],
  format: ['формат', (v) => String(v).toUpperCase()],
  snapshot: ['зафиксированный отчёт №'],
  replaces: ['заменяет отчёт №'],
  survey: ['опрос №'],
  batch: ['выпуск №'],
  batchId: ['загрузка №'],
  response: ['анкета №'],
  record: ['запись', (v) => (v === null ? 'без записи' : String(v) === 'appeal' ? 'обращение' : String(v) === 'visit' ? 'посещение' : String(v))],
  roles: ['роли'],
  allBranches: ['все филиалы', (v) => (v ? 'да' : 'нет')],
  disabled: ['отключён', (v) => (v ? 'да' : 'нет')],
  passwordReset: ['пароль сброшен', (v) => (v ? 'да' : 'нет')],
  failures: ['снято неудачных попыток'],
  timeZone: ['часовой пояс'],
  regime: ['режим', (v) => labelOf(regime, String(v))],
  name: ['название'],
  amount: ['срок'],
  priority: ['приоритет'],
  isAverage: ['на среднее', (v) => (v ? 'да' : 'нет')],
  active: ['действует', (v) => (v ? 'да' : 'нет')],
  recomputed: ['пересчитано сроков', (v) => formatCount(Number(v))],
  failedChecks: ['не пройдено проверок'],
  query: ['фильтры', () => null],
  branchIds: ['филиалы', () => null],
  intent: ['действие', () => null],
  before: ['было', () => null],
  after: ['стало', () => null],
}

function plainValue(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? 'да' : 'нет'
  if (typeof v === 'number') return formatCount(v)
  if (Array.isArray(v)) return v.map(plainValue).join(', ')
  if (typeof v === 'object')
    return Object.values(v as Record<string, unknown>)
      .map(plainValue)
      .join(', ')
  return String(v)
}

/** `{ kind: 'offices', read: 2, stored: 0 }` → «вид: офисы обслуживания · прочитано строк: 2 · сохранено: 0». */
export function auditDetailsText(details: unknown): string {
  if (!details || typeof details !== 'object') return ''
  const parts: string[] = []
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    const known = KEYS[key]
    const text = known?.[1] ? known[1](value) : plainValue(value)
    if (text === null || text === '') continue
    parts.push(`${known?.[0]?.trim() ?? 'ещё'}: ${text}`)
  }
  return parts.join(' · ')
}
