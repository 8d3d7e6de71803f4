/**
 * The demo organisation: a mid-size grid company, generated deterministically (a seeded PRNG, fixed
 * dates), so every start shows the same figures. Volumes and mixes follow regulation.md section H
 * (Internet ≈ 40 %, phone ≈ 45 %, in person ≈ 9 %, post ≈ 1 %); the irregularities real logs have
 * are put in on purpose: late and missing answers, abandoned calls, missed callbacks, night calls,
 * no-shows, long queues on Mondays, offices closed on holidays.
 */
import { localToInstant } from '#reports/time/local-time.ts'
import type { ParsedRow } from '#app/imports/values.ts'

export const DEMO_ZONE = 'Europe/Moscow'
export const DEMO_YEAR = 2025

export interface DemoVolumes {
  appeals: number
  callsPerWorkingDay: number
  ticketsPerOfficeDay: number
}

/** About 40 k appeals, 190 k calls and 45 k office visits a year. */
export const DEMO_VOLUMES: DemoVolumes = { appeals: 40_000, callsPerWorkingDay: 700, ticketsPerOfficeDay: 26 }

/** mulberry32: small, fast and the same on every machine */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!
function weighted<T extends string>(rand: Rand, weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][]
  const total = entries.reduce((s, [, w]) => s + w, 0)
  let r = rand() * total
  for (const [value, w] of entries) if ((r -= w) < 0) return value
  return entries[entries.length - 1]![0]
}
/** exponential with the given mean */
const expo = (rand: Rand, mean: number) => -Math.log(1 - rand()) * mean

export const DEMO_BRANCHES = ['Северные электрические сети', 'Южные электрические сети', 'Городские электрические сети'] as const

export const DEMO_OFFICES = [
  {
    office_code: 'ЦОП-01',
    name: 'Центр обслуживания потребителей «Центральный»',
    office_type: 'Центр обслуживания потребителей',
    address: 'г. Энергоград, ул. Ленина, 12',
    branch: DEMO_BRANCHES[2],
    schedule: 'пн–чт 8:00–17:00, пт 8:00–16:00',
  },
  {
    office_code: 'ЦОП-02',
    name: 'Центр обслуживания потребителей «Северный»',
    office_type: 'Центр обслуживания потребителей',
    address: 'г. Северск, пр. Мира, 5',
    branch: DEMO_BRANCHES[0],
    schedule: 'пн–чт 8:00–17:00, пт 8:00–16:00',
  },
  {
    office_code: 'ПОП-03',
    name: 'Пункт обслуживания потребителей «Заречный»',
    office_type: 'Пункт обслуживания потребителей',
    address: 'пгт Заречный, ул. Садовая, 3',
    branch: DEMO_BRANCHES[0],
    schedule: 'пн, ср, пт 9:00–16:00',
  },
  {
    office_code: 'ЦОП-04',
    name: 'Центр обслуживания потребителей «Южный»',
    office_type: 'Центр обслуживания потребителей',
    address: 'г. Южноречье, ул. Гагарина, 39',
    branch: DEMO_BRANCHES[1],
    schedule: 'пн–чт 8:00–17:00, пт 8:00–16:00',
  },
  {
    office_code: 'ПОП-05',
    name: 'Пункт обслуживания потребителей «Степной»',
    office_type: 'Пункт обслуживания потребителей',
    address: 'с. Степное, ул. Школьная, 1',
    branch: DEMO_BRANCHES[1],
    schedule: 'вт, чт 9:00–15:00',
  },
  {
    office_code: 'ПОП-06',
    name: 'Пункт обслуживания потребителей «Приморский»',
    office_type: 'Пункт обслуживания потребителей',
    address: 'г. Приморск, ул. Портовая, 8',
    branch: DEMO_BRANCHES[1],
    schedule: 'пн–пт 9:00–16:00',
  },
  {
    office_code: 'МО-07',
    name: 'Мобильный офис',
    office_type: 'Мобильный офис',
    address: 'по графику выездов',
    branch: DEMO_BRANCHES[0],
    schedule: 'по графику',
  },
] as const

export function demoOfficeRows(): ParsedRow[] {
  return DEMO_OFFICES.map((o) => ({
    office_code: o.office_code,
    name: o.name,
    office_type: o.office_type,
    address: o.address,
    phone_email: '8-800-100-00-00, info@demo-energo.ru',
    schedule: o.schedule,
    services: 'консультации, технологическое присоединение, учет, договоры, касса',
    branch: o.branch,
  }))
}

/** Non-working days of the federal calendar for the demo year and the next (for answers in January). */
export interface DemoCalendar {
  isWorkingDay(year: number, month: number, day: number): boolean
}

export function makeDemoCalendar(holidays: ReadonlySet<string>, workingWeekends: ReadonlySet<string>): DemoCalendar {
  return {
    isWorkingDay(year, month, day) {
      const key = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      if (workingWeekends.has(key)) return true
      if (holidays.has(key)) return false
      const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
      return weekday !== 0 && weekday !== 6
    },
  }
}

interface Day {
  year: number
  month: number
  day: number
  weekday: number
  working: boolean
}

function daysOfYear(year: number, calendar: DemoCalendar): Day[] {
  const days: Day[] = []
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t)
    const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
    days.push({ year: y, month: m, day: dd, weekday: d.getUTCDay(), working: calendar.isWorkingDay(y, m, dd) })
  }
  return days
}

const at = (day: Day, minutesOfDay: number) =>
  localToInstant(DEMO_ZONE, day.year, day.month, day.day, Math.floor(minutesOfDay / 60), Math.floor(minutesOfDay % 60), Math.floor((minutesOfDay * 60) % 60))
const plusMinutes = (date: Date, minutes: number) => new Date(date.getTime() + Math.round(minutes * 60_000))

const SURNAMES = [
  'Иванов',
  'Петров',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Николаев',
]
const MALE = ['Александр', 'Сергей', 'Дмитрий', 'Андрей', 'Алексей', 'Иван', 'Михаил', 'Николай', 'Владимир', 'Павел']
const FEMALE = ['Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Анна', 'Мария', 'Светлана', 'Юлия', 'Екатерина']
const PATRONYMIC_M = ['Александрович', 'Сергеевич', 'Дмитриевич', 'Андреевич', 'Иванович', 'Петрович', 'Николаевич']
const PATRONYMIC_F = ['Александровна', 'Сергеевна', 'Дмитриевна', 'Андреевна', 'Ивановна', 'Петровна', 'Николаевна']
const STREETS = ['ул. Ленина', 'ул. Мира', 'ул. Садовая', 'ул. Школьная', 'ул. Советская', 'ул. Молодёжная', 'пр. Победы', 'ул. Лесная']
const TOWNS = ['г. Энергоград', 'г. Северск', 'пгт Заречный', 'г. Южноречье', 'с. Степное', 'г. Приморск']
const COMPANIES = ['ООО «Агрокомплекс»', 'ООО «СтройИнвест»', 'АО «Молочный завод»', 'ООО «Торговый дом»', 'МУП «Водоканал»']

function person(rand: Rand) {
  const female = rand() < 0.55
  const surname = pick(rand, SURNAMES) + (female ? 'а' : '')
  return `${surname} ${pick(rand, female ? FEMALE : MALE)} ${pick(rand, female ? PATRONYMIC_F : PATRONYMIC_M)}`
}
const phoneNumber = (rand: Rand) =>
  `+7 9${Math.floor(10 + rand() * 90)} ${Math.floor(100 + rand() * 900)}-${Math.floor(10 + rand() * 90)}-${Math.floor(10 + rand() * 90)}`

const APPEAL_FORM = { internet: 40, phone: 45, in_person: 9, post: 1, other: 5 } as const
const TOPIC = { connection: 34, transmission: 26, metering: 15, service: 8, maintenance: 7, other: 10 } as const
const COMPLAINT = { transmission_quality: 30, power_quality: 25, connection: 12, metering: 12, service: 10, maintenance: 6, other: 5 } as const
const REQUEST = { connection: 60, transmission_contract: 10, metering: 22, other: 8 } as const
const CHANNEL: Record<string, readonly string[]> = {
  internet: ['Личный кабинет', 'Электронная приёмная', 'Портал «Светлая страна»', 'Электронная почта'],
  phone: ['Горячая линия', 'Телефон филиала'],
  in_person: ['Приём в офисе'],
  post: ['Почта России'],
  other: ['Госуслуги', 'Перенаправлено органом власти', 'Мессенджер'],
}

/** A year of appeals: `count` rows, the same every time. */
export function* demoAppeals(calendar: DemoCalendar, volumes = DEMO_VOLUMES, year = DEMO_YEAR): Generator<ParsedRow> {
  const rand = prng(20250001)
  const days = daysOfYear(year, calendar)
  const dayWeights = days.map((d) => (d.working ? 1 : 0.25) * (d.month === 1 || d.month === 7 ? 1.25 : 1))
  const totalWeight = dayWeights.reduce((a, b) => a + b, 0)
  const perDay = dayWeights.map((w) => Math.round((w / totalWeight) * volumes.appeals))
  let seq = 0
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!
    for (let k = 0; k < perDay[i]!; k++) {
      seq++
      const form = weighted(rand, APPEAL_FORM)
      const office = form === 'in_person' ? pick(rand, DEMO_OFFICES) : rand() < 0.6 ? pick(rand, DEMO_OFFICES) : undefined
      const branch = office?.branch ?? pick(rand, DEMO_BRANCHES)
      const minutes =
        form === 'internet'
          ? rand() < 0.08
            ? rand() * 360
            : 360 + rand() * 1075
          : form === 'phone' && rand() < 0.05
            ? 1080 + rand() * 359
            : 480 + rand() * 540
      const received = at(day, minutes)
      const topic = weighted(rand, TOPIC)
      const complaint = rand() < 0.08 ? weighted(rand, COMPLAINT) : null
      const request = !complaint && rand() < 0.22 ? weighted(rand, REQUEST) : null
      const consumer = rand() < 0.82 ? 'individual' : rand() < 0.6 ? 'legal' : 'entrepreneur'
      // answer: phone questions mostly the same day; written ones within the 30-day term, some late, some never
      const fate = rand()
      let answered: Date | null
      if (fate < 0.012) answered = null
      else if (form === 'phone') {
        // by phone: answered during the call, or by a callback within 4 hours; a few callbacks come late
        answered = plusMinutes(received, fate < 0.7 ? 3 + rand() * 30 : fate < 0.96 ? 30 + rand() * 200 : 250 + rand() * 2500)
      } else {
        const lateShare = month(day) === 12 || month(day) === 1 ? 0.09 : 0.035
        const daysTaken = fate < 0.012 + lateShare ? 31 + rand() * 14 : 1 + rand() * 26
        answered = plusMinutes(received, daysTaken * 1440)
      }
      const closure = answered === null ? null : weighted(rand, { answered: 93, redirected: 3, not_considered: 2, withdrawn: 2 })
      const legal = consumer !== 'individual'
      yield {
        reg_number: `О-${year}-${String(seq).padStart(6, '0')}`,
        received_at: received,
        form,
        channel: pick(rand, CHANNEL[form]!),
        consumer_type: consumer,
        topic,
        complaint_topic: complaint,
        request_type: request,
        office_code: office?.office_code ?? null,
        branch,
        answered_at: answered,
        closure,
        contract_concluded:
          request === 'connection' && answered && rand() < 0.4 ? 'connection' : request === 'transmission_contract' && answered ? 'transmission' : null,
        complaint_settled: complaint !== null && answered !== null && rand() < 0.7,
        measures_done:
          complaint && answered
            ? pick(rand, ['Проведена проверка, нарушение устранено', 'Выполнен замер напряжения', 'Заменён прибор учёта', 'Дан разъяснительный ответ'])
            : null,
        measures_planned: complaint && rand() < 0.3 ? 'Реконструкция ВЛ-0,4 кВ в следующем году' : null,
        repeat_of: seq > 100 && rand() < 0.03 ? `О-${year}-${String(Math.floor(seq - 1 - rand() * 90)).padStart(6, '0')}` : null,
        deadline_rule: null,
        applicant_name: legal ? pick(rand, COMPANIES) : person(rand),
        phone: phoneNumber(rand),
        email: rand() < 0.4 ? `user${seq}@example.ru` : null,
        address: `${pick(rand, TOWNS)}, ${pick(rand, STREETS)}, д. ${1 + Math.floor(rand() * 80)}`,
        account_number: rand() < 0.7 ? String(Math.floor(1e9 + rand() * 9e9)) : null,
      }
    }
  }
}

const month = (day: Day) => day.month
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 6, 9, 10, 9.5, 8, 8.5, 8.5, 8, 7, 5, 2.5, 1.5, 1, 0.8, 0.5, 0.3]
const CALL_CATEGORY = { '1.1': 14, '1.2': 10, '1.3': 8, '1.4': 5, '1.5': 3, '2': 18, '3': 12, '4': 2, '4.1': 5, '4.2': 15, '5': 4, '9': 4 } as const

/** A year of calls: inbound to three lines, outbound callbacks; the same every time. */
export function* demoCalls(calendar: DemoCalendar, volumes = DEMO_VOLUMES, year = DEMO_YEAR): Generator<ParsedRow> {
  const rand = prng(20250002)
  const hourTotal = HOUR_WEIGHTS.reduce((a, b) => a + b, 0)
  let seq = 0
  for (const day of daysOfYear(year, calendar)) {
    // storms in July and November double the load on some days
    const storm = (day.month === 7 || day.month === 11) && rand() < 0.12 ? 2.2 : 1
    const count = Math.round(volumes.callsPerWorkingDay * (day.working ? 1 : 0.3) * (day.weekday === 1 ? 1.2 : 1) * storm * (0.85 + rand() * 0.3))
    for (let k = 0; k < count; k++) {
      seq++
      let r = rand() * hourTotal
      let hour = 0
      while ((r -= HOUR_WEIGHTS[hour]!) >= 0 && hour < 23) hour++
      const started = at(day, hour * 60 + rand() * 60)
      const outbound = rand() < 0.07
      const callId = `${year}${String(seq).padStart(8, '0')}.${Math.floor(rand() * 1000)}`
      if (outbound) {
        const answered = rand() < 0.85 ? plusMinutes(started, 0.2 + rand() * 0.4) : null
        const ended = answered ? plusMinutes(answered, 1 + rand() * 4) : plusMinutes(started, 0.5 + rand() * 0.3)
        yield callRow(
          callId,
          'out',
          'Исходящая',
          started,
          answered,
          ended,
          answered ? `оператор ${1 + Math.floor(rand() * 14)}` : null,
          rand() < 0.7 ? '8' : '6',
          false,
          null,
          rand,
        )
        continue
      }
      const night = hour < 7 || hour >= 20
      const busy = (hour >= 9 && hour <= 11 ? 1.6 : 1) * storm * (night ? 0.5 : 1)
      const patience = expo(rand, 90)
      const wait = expo(rand, 18 * busy)
      const line = rand() < 0.6 ? 'Горячая линия 8-800' : rand() < 0.5 ? 'Северные ЭС' : 'Южные ЭС'
      if (wait > patience || (night && rand() < 0.25)) {
        const ended = plusMinutes(started, Math.min(wait, patience) / 60)
        yield callRow(callId, 'in', line, started, null, ended, null, null, false, null, rand)
        continue
      }
      const answered = plusMinutes(started, wait / 60)
      const talk = 1 + expo(rand, 3.2)
      const ended = plusMinutes(answered, talk)
      const callbackRequired = rand() < 0.05
      // callback within 4 hours as a rule; some later, some never
      const fate = rand()
      const callbackAt = callbackRequired && fate > 0.06 ? plusMinutes(ended, fate < 0.18 ? 250 + rand() * 900 : 15 + rand() * 200) : null
      yield callRow(
        callId,
        'in',
        line,
        started,
        answered,
        ended,
        `оператор ${1 + Math.floor(rand() * 14)}`,
        weighted(rand, CALL_CATEGORY),
        callbackRequired,
        callbackAt,
        rand,
      )
    }
  }
}

function callRow(
  call_id: string,
  direction: 'in' | 'out',
  line: string,
  started: Date,
  answered: Date | null,
  ended: Date,
  agent: string | null,
  category: string | null,
  callbackRequired: boolean,
  callbackAt: Date | null,
  rand: Rand,
): ParsedRow {
  return {
    call_id,
    direction,
    line,
    started_at: started,
    answered_at: answered,
    ended_at: ended,
    agent,
    category,
    callback_required: callbackRequired,
    callback_at: callbackAt,
    appeal_reg_number: null,
    caller_phone: phoneNumber(rand),
  }
}

const SERVICE_KIND = { consultation: 38, cashier: 22, contract: 14, connection: 12, metering: 10, other: 4 } as const
const SERVICE_MINUTES: Record<string, number> = { consultation: 9, cashier: 4, contract: 16, connection: 18, metering: 11, other: 8 }
const OFFICE_DAYS: Record<string, readonly number[]> = {
  'ПОП-03': [1, 3, 5],
  'ПОП-05': [2, 4],
  'МО-07': [2],
}

/** A year of office queue tickets; offices are closed on non-working days. */
export function* demoVisits(calendar: DemoCalendar, volumes = DEMO_VOLUMES, year = DEMO_YEAR): Generator<ParsedRow> {
  const rand = prng(20250003)
  for (const day of daysOfYear(year, calendar)) {
    if (!day.working) continue
    for (const office of DEMO_OFFICES) {
      const openDays = OFFICE_DAYS[office.office_code]
      if (openDays && !openDays.includes(day.weekday)) continue
      const size = office.office_code.startsWith('ЦОП') ? 1.4 : 0.6
      const count = Math.round(volumes.ticketsPerOfficeDay * size * (day.weekday === 1 ? 1.35 : 1) * (0.7 + rand() * 0.6))
      const windows = office.office_code.startsWith('ЦОП') ? 3 : 1
      const freeAt: number[] = new Array(windows).fill(8 * 60 + 5)
      const arrivals = Array.from({ length: count }, () => 8 * 60 + rand() * 480).sort((a, b) => a - b)
      for (let n = 0; n < arrivals.length; n++) {
        const arrival = arrivals[n]!
        const kind = weighted(rand, SERVICE_KIND)
        const ticket = `${office.office_code}-${day.year}${String(day.month).padStart(2, '0')}${String(day.day).padStart(2, '0')}-${String(n + 1).padStart(3, '0')}`
        const w = freeAt.indexOf(Math.min(...freeAt))
        const callMinute = Math.max(arrival + 0.3, freeAt[w]!)
        const noShow = rand() < 0.04 || callMinute > 17 * 60 + 30
        const service = noShow ? 0 : Math.max(1, expo(rand, SERVICE_MINUTES[kind]!))
        if (!noShow) freeAt[w] = callMinute + service + 0.5
        yield {
          ticket_id: ticket,
          office_code: office.office_code,
          service_kind: kind,
          issued_at: at(day, arrival),
          called_at: noShow ? null : at(day, callMinute),
          service_ended_at: noShow ? null : at(day, callMinute + service),
          window: noShow ? null : `окно ${w + 1}`,
          agent: noShow ? null : `специалист ${office.office_code}/${w + 1}`,
          consumer_type: rand() < 0.85 ? 'individual' : 'legal',
          appeal_reg_number: null,
        }
      }
    }
  }
}
