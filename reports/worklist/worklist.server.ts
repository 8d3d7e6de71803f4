/**
 * The work list of a quality officer (issue 18): what can still be saved, in his scope — appeals overdue or
 * due within N working days (by the production calendar), lost calls nobody has reached yet (oldest first),
 * and imports that failed. The page, its XLSX file and the daily alert e-mail read the same list.
 */
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { maskPersonal } from '#reports/personal-data.ts'
import { type WorkCalendar } from '#reports/deadlines/calendar.ts'
import { dueAt } from '#reports/deadlines/engine.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { type CallbackNorm, listLostCalls, lostCallsSetup } from '#reports/callbacks/callbacks.server.ts'
import { formatPhone, maskPhone } from '#reports/callbacks/phone.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'

/** How far back lost calls are looked for, in days, and how many items of each kind a list holds at most. */
export const LOST_LOOKBACK_DAYS = 30
export const FAILED_IMPORTS_DAYS = 30
export const WORKLIST_LIMIT = 1000

export interface WorkAppeal {
  id: string
  regNumber: string
  receivedAt: Date
  dueAt: Date
  rule: string
  office: string
  branch: string
  topic: string
  /** the applicant's name, masked for roles without personal data */
  applicant: string
  /** overdue: calendar days since the last day of the term; else working days left, the last day included */
  overdueDays: number | null
  workingDaysLeft: number | null
}

export interface WorkLostCall {
  id: string
  callId: string
  startedAt: Date
  dueAt: Date
  line: string
  branch: string
  phone: string
  /** the callback norm has already passed */
  late: boolean
}

export interface WorkImport {
  id: string
  kind: string
  fileName: string
  status: string
  startedAt: Date
  message: string
}

export interface WorkList {
  asOf: Date
  zone: string
  dueDays: number
  dueUntil: Date
  norm: CallbackNorm
  appeals: WorkAppeal[]
  lostCalls: WorkLostCall[]
  imports: WorkImport[]
  /** some list reached WORKLIST_LIMIT: the page says the list is cut */
  truncated: boolean
}

export const IMPORT_STATUS_TEXT: Record<string, string> = { failed: 'ошибка', rejected: 'файл отклонён', interrupted: 'прервана' }

function workingDaysBetween(calendar: WorkCalendar, fromDay: number, lastDay: number): number {
  let n = 0
  for (let d = fromDay; d <= lastDay; d++) if (calendar.isWorkingDay(d)) n++
  return n
}

export async function buildWorkList(db: Db, options: { scope: Scope; asOf: Date; dueDays: number; personalData: boolean }): Promise<WorkList> {
  const { scope, asOf, dueDays, personalData } = options
  const setup = await lostCallsSetup(db, scope.orgId)
  const zone = setup.zone
  const calendar = await loadWorkCalendar(db, scope.orgId)
  const dueUntil = dueAt({ amount: dueDays, unit: 'working_days' }, asOf, calendar, zone).due
  const today = localDayOf(asOf, zone)

  const appealRows = await db
    .selectFrom('appeal as a')
    .leftJoin('deadline_rule as r', 'r.id', 'a.deadline_rule_id')
    .leftJoin('office as o', (j) => j.onRef('o.org_id', '=', 'a.org_id').onRef('o.office_code', '=', 'a.office_code'))
    .leftJoin('branch as b', 'b.id', 'a.branch_id')
    .select([
      'a.id',
      'a.reg_number',
      'a.received_at',
      'a.due_at',
      'a.topic',
      'a.applicant_name',
      'a.office_code',
      'r.name as rule',
      'o.name as office',
      'b.name as branch',
    ])
    .where(({ ref }) => inScope(ref('a.org_id'), ref('a.branch_id'), scope))
    .where('a.answered_at', 'is', null)
    .where('a.due_at', 'is not', null)
    .where('a.due_at', '<=', dueUntil)
    .where('a.received_at', '<=', asOf)
    .orderBy('a.due_at')
    .orderBy('a.id')
    .limit(WORKLIST_LIMIT)
    .execute()
  const appeals = appealRows.map((r): WorkAppeal => {
    const due = new Date(r.due_at!)
    const lastDay = localDayOf(new Date(due.getTime() - 1), zone)
    const overdue = due.getTime() < asOf.getTime()
    return {
      id: r.id,
      regNumber: r.reg_number,
      receivedAt: new Date(r.received_at),
      dueAt: due,
      rule: r.rule ?? '',
      office: r.office ?? r.office_code ?? '',
      branch: r.branch ?? '',
      topic: r.topic,
      applicant: personalData ? (r.applicant_name ?? '') : maskPersonal(r.applicant_name),
      overdueDays: overdue ? Math.max(0, today - lastDay) : null,
      workingDaysLeft: overdue ? null : workingDaysBetween(calendar, today, lastDay),
    }
  })

  const from = dayText(today - LOST_LOOKBACK_DAYS + 1)
  const lost = await listLostCalls(
    db,
    {
      scope,
      period: periodOf(from, dayText(today), zone),
      asOf,
      zone,
      shortAbandonSeconds: setup.shortAbandonSeconds,
      norm: setup.norm,
      outcome: 'not_reached',
    },
    { offset: 0, limit: WORKLIST_LIMIT },
  )
  const branchNames = new Map((await db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', scope.orgId).execute()).map((b) => [b.id, b.name]))
  const lostCalls = lost.map((r): WorkLostCall => ({
    id: r.id,
    callId: r.callId,
    startedAt: r.startedAt,
    dueAt: r.dueAt,
    line: r.line ?? '',
    branch: r.branchId ? (branchNames.get(r.branchId) ?? '') : '',
    phone: personalData ? formatPhone(r.phone) : maskPhone(r.phone),
    late: r.dueAt.getTime() < asOf.getTime(),
  }))

  const importRows = await db
    .selectFrom('import_batch')
    .select(['id', 'kind', 'file_name', 'status', 'started_at', 'message'])
    .where('org_id', '=', scope.orgId)
    .where('status', 'in', ['failed', 'rejected', 'interrupted'])
    .where('started_at', '>', sql<Date>`${asOf}::timestamptz - ${`${FAILED_IMPORTS_DAYS} days`}::interval`)
    .where('started_at', '<=', asOf)
    .orderBy('started_at', 'desc')
    .limit(WORKLIST_LIMIT)
    .execute()
  const imports = importRows.map((r): WorkImport => ({
    id: r.id,
    kind: r.kind,
    fileName: r.file_name,
    status: r.status,
    startedAt: new Date(r.started_at),
    message: r.message ?? '',
  }))

  return {
    asOf,
    zone,
    dueDays,
    dueUntil,
    norm: setup.norm,
    appeals,
    lostCalls,
    imports,
    truncated: appeals.length === WORKLIST_LIMIT || lostCalls.length === WORKLIST_LIMIT || imports.length === WORKLIST_LIMIT,
  }
}

export function workListIsEmpty(list: WorkList): boolean {
  return list.appeals.length === 0 && list.lostCalls.length === 0 && list.imports.length === 0
}
