/**
 * Consistency checks of regulation.md C.5, run before every download: table 4.1 (from the rollups) against
 * table 4.9 (from the register), the sums of 4.1's rows, one form and one outcome per appeal, offices and
 * phone against appeals. A failed check names the records behind it; the file still downloads and says
 * which checks failed.
 */
import { type RawBuilder, sql } from 'kysely'
import { columnsOf } from '#db/columns.ts'
import { appealForm, appealTopic, complaintTopic, requestType } from '#reports/vocabulary.ts'
import { addSums, figure, totalOf } from '#reports/metrics/dashboard.server.ts'
import { type Appendix7Context, type Appendix7Tables, matches, officeVisitsFigure, policyFormSql } from './figures.server.ts'
import { type RegisterGroup, registerWhere } from './register.server.ts'
import { agree, plural, WORDS } from '#reports/plural.ts'

/** The appeals `r` the checks look at. */
const ap = columnsOf('appeal', 'r')

export type CheckId =
  | 'form-totals'
  | 'topics'
  | 'complaints'
  | 'requests'
  | 'form-and-outcome'
  | 'settled-complaints'
  | 'contracts-requests'
  | 'visits-vs-in-person'
  | 'calls-vs-phone'

export interface CheckResult {
  id: CheckId
  title: string
  severity: 'error' | 'warning'
  passed: boolean
  detail: string
  /** how many appeals are behind a failure (listed by `checkRecordsWhere`) */
  records: number
  /** «form-totals»: the forms whose totals disagree */
  failedForms?: string[]
}

const FORMS = Object.keys(appealForm)
const TOPICS = Object.keys(appealTopic)
const COMPLAINTS = Object.keys(complaintTopic)
const REQUESTS = Object.keys(requestType)

const fmt = (n: number) => n.toLocaleString('ru-RU')

/** The appeals behind a failed check (within the report's year, scope and repeat policy). */
export function checkRecordsWhere(id: CheckId, forms: Map<string, string[]>, asOf: Date, failedForms: readonly string[] = []): RawBuilder<boolean> {
  const form = policyFormSql(forms)
  switch (id) {
    case 'form-totals':
      return sql<boolean>`${form} = any(${[...failedForms]}::text[])`
    case 'topics':
      return sql<boolean>`not (${ap('topic')} = any(${TOPICS}::text[]))`
    case 'complaints':
      return sql<boolean>`${ap('complaint_topic')} is not null and not (${ap('complaint_topic')} = any(${COMPLAINTS}::text[]))`
    case 'requests':
      return sql<boolean>`${ap('request_type')} is not null and not (${ap('request_type')} = any(${REQUESTS}::text[]))`
    case 'form-and-outcome':
      // outcome null: no term, or not answered as of the moment and the term not over (outcomeSql's «open»)
      return sql<boolean>`(not (${form} = any(${FORMS}::text[])) or (${ap('closure')} is not null and (${ap('due_at')} is null or ((${ap('answered_at')} is null or ${ap('answered_at')} > ${asOf}) and ${asOf}::timestamptz <= ${ap('due_at')}))))`
    case 'settled-complaints':
      return sql<boolean>`${ap('complaint_settled')} and ${ap('complaint_topic')} is null`
    case 'contracts-requests':
      return sql<boolean>`${ap('contract_concluded')} is not null and ${ap('contract_concluded')} <> 'none' and ${ap('request_type')} is null`
    case 'visits-vs-in-person':
      return sql<boolean>`${form} = 'in_person'`
    case 'calls-vs-phone':
      return sql<boolean>`${form} = 'phone'`
  }
}

const sumRows = (groups: readonly RegisterGroup[], keep: (g: RegisterGroup) => boolean) => groups.reduce((s, g) => s + (keep(g) ? g.rows : 0), 0)

export async function runChecks(ctx: Appendix7Context, built: Appendix7Tables, groups: readonly RegisterGroup[]): Promise<CheckResult[]> {
  const current = built.appealGroups.current
  const received = (where: Record<string, string | string[]>) => {
    const total = totalOf('appeals', [])
    for (const g of current) if (matches(g.key, where)) addSums(total, g.sums)
    return total
  }
  const results: CheckResult[] = []

  // 1. 4.1 row 1 per form = rows of 4.9 flagged with that form
  const mismatched = FORMS.filter((f) => (figure('appeals.received', received({ form: f })) ?? 0) !== sumRows(groups, (g) => g.form === f))
  results.push({
    id: 'form-totals',
    title: 'Строка 1 таблицы 4.1 по каждой форме равна числу строк таблицы 4.9 с отметкой этой формы',
    severity: 'error',
    passed: mismatched.length === 0,
    detail: mismatched.length
      ? mismatched
          .map(
            (f) =>
              `${appealForm[f as keyof typeof appealForm].label}: 4.1 — ${fmt(figure('appeals.received', received({ form: f })) ?? 0)}, 4.9 — ${fmt(sumRows(groups, (g) => g.form === f))}`,
          )
          .join('; ')
      : `по всем пяти формам совпадает (всего ${fmt(sumRows(groups, () => true))})`,
    records: mismatched.length ? sumRows(groups, (g) => mismatched.includes(g.form)) : 0,
    failedForms: mismatched,
  })

  // 2–4. rows 1.x, 2.x, 3.x add up to rows 1, 2, 3: every appeal's topic, complaint topic, request type is one of the form's
  const unknown = (name: string, rows: number, total: number, part: string) => ({
    passed: rows === 0,
    detail: rows
      ? `${fmt(rows)} ${plural(rows, WORDS.appeal)} с ${name} вне перечня таблицы: строк ${part} в сумме ${fmt(total - rows)} из ${fmt(total)}`
      : `строки ${part} в сумме равны итоговой строке (${fmt(total)})`,
    records: rows,
  })
  results.push({
    id: 'topics',
    title: 'Строки 1.1–1.6 таблицы 4.1 в сумме равны строке 1 (одна тема у обращения)',
    severity: 'error',
    ...unknown(
      'темой',
      sumRows(groups, (g) => !TOPICS.includes(g.topic)),
      sumRows(groups, () => true),
      '1.1–1.6',
    ),
  })
  const complaintsTotal = sumRows(groups, (g) => g.complaint_topic !== null)
  results.push({
    id: 'complaints',
    title: 'Строка 2 таблицы 4.1 равна числу строк 4.9 с отметкой в графах 16–22, строки 2.1–2.7 в сумме — строке 2',
    severity: 'error',
    ...unknown(
      'темой жалобы',
      sumRows(groups, (g) => g.complaint_topic !== null && !COMPLAINTS.includes(g.complaint_topic)),
      complaintsTotal,
      '2.1–2.7',
    ),
  })
  const requestsTotal = sumRows(groups, (g) => g.request_type !== null)
  results.push({
    id: 'requests',
    title: 'Строка 3 таблицы 4.1 равна числу строк 4.9 с отметкой в графах 23–26',
    severity: 'error',
    ...unknown(
      'типом заявки',
      sumRows(groups, (g) => g.request_type !== null && !REQUESTS.includes(g.request_type)),
      requestsTotal,
      '3.1–3.4',
    ),
  })

  // 5. exactly one form per row; exactly one outcome per closed appeal
  const badForm = sumRows(groups, (g) => !FORMS.includes(g.form))
  const closedWithout = sumRows(groups, (g) => g.closed && g.outcome === null)
  results.push({
    id: 'form-and-outcome',
    title: 'В каждой строке 4.9 отмечена ровно одна форма обращения, у каждого закрытого обращения — ровно один исход (графы 27–29)',
    severity: 'error',
    passed: badForm + closedWithout === 0,
    detail:
      badForm + closedWithout === 0
        ? 'у всех строк одна форма; у всех закрытых обращений определён исход'
        : [
            badForm ? `${fmt(badForm)} с формой вне перечня` : '',
            closedWithout ? `${fmt(closedWithout)} закрытых без исхода (нет правила срока или нет даты ответа)` : '',
          ]
            .filter(Boolean)
            .join('; '),
    records: badForm + closedWithout,
  })

  // 6–7 from the register directly: rows 4 and 5 contain only what they say
  const extra = (
    await sql<{ settled: string; contracts: string }>`
      select count(*) filter (where ${checkRecordsWhere('settled-complaints', built.forms, ctx.asOf)}) as settled,
        count(*) filter (where ${checkRecordsWhere('contracts-requests', built.forms, ctx.asOf)}) as contracts
      from appeal r where ${registerWhere(ctx)}`.execute(ctx.db)
  ).rows[0]!
  const settled = Number(extra.settled)
  const contracts = Number(extra.contracts)
  results.push({
    id: 'settled-complaints',
    title: 'Строка 5 таблицы 4.1 (урегулированы жалобы) содержит только обращения с жалобой',
    severity: 'error',
    passed: settled === 0,
    detail: settled
      ? `${fmt(settled)} ${plural(settled, WORDS.appeal)} ${agree(settled, 'отмечено', 'отмечены')} как урегулированные, но не ${agree(settled, 'содержит', 'содержат')} жалобы`
      : 'все урегулированные — обращения с жалобой',
    records: settled,
  })
  results.push({
    id: 'contracts-requests',
    title: 'Строка 4 таблицы 4.1 (заключены договоры) — по обращениям с заявкой на услуги',
    severity: 'warning',
    passed: contracts === 0,
    detail: contracts
      ? `${fmt(contracts)} ${plural(contracts, WORDS.appeal)} с заключённым договором без заявки на услуги`
      : 'у всех обращений с договором есть заявка',
    records: contracts,
  })

  // 8. offices: visitors ≥ in-person appeals (a visit may carry several appeals, I.4.4 — a warning)
  const visits = figure(officeVisitsFigure(ctx.policies), built.visits) ?? 0
  const inPerson = figure('appeals.received', received({ form: 'in_person' })) ?? 0
  results.push({
    id: 'visits-vs-in-person',
    title: 'Графа 8 таблицы 4.2 (сумма по офисам) не меньше строки 1 «Очная форма» таблицы 4.1',
    severity: 'warning',
    passed: visits >= inPerson,
    detail: `посетителей офисов ${fmt(visits)}, очных обращений ${fmt(inPerson)}${visits >= inPerson ? '' : ' — журнал очереди неполон или очные обращения приняты вне офисов'}`,
    records: visits >= inPerson ? 0 : inPerson,
  })

  // 9. phone: calls ≥ phone appeals (not every call is an appeal)
  const calls = figure('calls.offered', built.calls) ?? 0
  const byPhone = figure('appeals.received', received({ form: 'phone' })) ?? 0
  results.push({
    id: 'calls-vs-phone',
    title: 'Число звонков таблицы 4.3 не меньше строки 1 «Телефон» таблицы 4.1',
    severity: 'warning',
    passed: calls >= byPhone,
    detail: `входящих звонков ${fmt(calls)}, обращений по телефону ${fmt(byPhone)}${calls >= byPhone ? '' : ' — журнал звонков за год неполон?'}`,
    records: calls >= byPhone ? 0 : byPhone,
  })
  return results
}

export const CHECK_IDS: readonly CheckId[] = [
  'form-totals',
  'topics',
  'complaints',
  'requests',
  'form-and-outcome',
  'settled-complaints',
  'contracts-requests',
  'visits-vs-in-person',
  'calls-vs-phone',
]

export interface CheckRecord {
  id: string
  reg_number: string
  received_at: Date
  form: string
  topic: string
  complaint_topic: string | null
  request_type: string | null
  closure: string | null
  due_at: Date | null
  answered_at: Date | null
}

export const CHECK_RECORDS_PAGE = 50

/** A page of the appeals behind a check, with their count. */
export async function listCheckRecords(ctx: Appendix7Context, forms: Map<string, string[]>, check: CheckResult, page: number) {
  const where = sql<boolean>`${registerWhere(ctx)} and ${checkRecordsWhere(check.id, forms, ctx.asOf, check.failedForms)}`
  const [rows, count] = await Promise.all([
    sql<CheckRecord>`
      select ${ap('id')}::text as id, ${ap('reg_number')}, ${ap('received_at')}, ${policyFormSql(forms)} as form, ${ap('topic')}, ${ap('complaint_topic')}, ${ap('request_type')}, ${ap('closure')}, ${ap('due_at')}, ${ap('answered_at')}
      from appeal r where ${where} order by ${ap('received_at')}, ${ap('id')} limit ${CHECK_RECORDS_PAGE} offset ${(page - 1) * CHECK_RECORDS_PAGE}`.execute(
      ctx.db,
    ),
    sql<{ n: string }>`select count(*) as n from appeal r where ${where}`.execute(ctx.db),
  ])
  return { rows: rows.rows, total: Number(count.rows[0]!.n) }
}
