/**
 * Sending what is due (issue 18, ADR 019). `runMail(database, { asOf })` — called by `npm run cli -- mail
 * run` and by the server every minute:
 *   1. plans: for each active subscription whose moment has come at `asOf` (alerts: each working day at the
 *      local time; deliveries: daily, Mondays or the 1st of the month at the local time), one row per
 *      recipient in `mail_send`, keyed by a slot key unique in the database — a restart, a second process or a
 *      second run in the same minute finds the row there and plans nothing again;
 *   2. sends: each due row is claimed (`for update skip locked`), its message built (the same content on a
 *      retry: the row keeps its «as of» and period), sent, and the SMTP server's answer written to the log;
 *      a server that is down or answers 4xx is retried after 1, 5, 15, 60 and 240 minutes, then the row is
 *      «не отправлено»; a 5xx refusal is final at once. An alert whose list is empty is logged, not sent.
 * One run at a time per database (an advisory lock); a process that died mid-send leaves a row «sending»
 * that is taken again after 10 minutes (the only case a message may go twice).
 */
import type { Transporter } from 'nodemailer'
import type { Database } from '#db/client.server.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { lockOf, tryLockSession, unlockSession } from '#db/locks.server.ts'
import type { MailSendParams } from '#db/schema.ts'
import { canSeePersonalData } from '#app/utils/access.ts'
import { scopeOf, findSessionUser } from '#app/models/user.server.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { endOfLocalDay } from '#reports/metrics/period.ts'
import { formatLocalDate, formatLocalDateTime, localParts, localToInstant } from '#reports/time/local-time.ts'
import { type MailConfig, createMailTransport } from './config.server.ts'
import { digestMessage } from './digest.server.ts'
import { unsubscribeToken } from './token.server.ts'
import { MAIL_VIEWS, deliveryAttachment, isMailView, mayReceive } from './views.server.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'

export const BACKOFF_MINUTES = [1, 5, 15, 60, 240]
const STALE_SENDING_MINUTES = 10

export interface MailRunResult {
  planned: number
  sent: number
  empty: number
  retried: number
  failed: number
  /** another process was running the mail at that moment */
  busy?: boolean
}

interface Slot {
  key: string
  params: MailSendParams
  what: string
}

const FREQUENCY_TEXT = { daily: 'ежедневно', weekly: 'еженедельно', monthly: 'ежемесячно' } as const

/** The slot of a subscription due at `asOf` (null: not its day or not yet its time). */
export function dueSlot(
  sub: { id: string; kind: 'alert' | 'delivery'; view: string; frequency: 'daily' | 'weekly' | 'monthly'; local_time: string },
  asOf: Date,
  zone: string,
  isWorkingDay: (day: number) => boolean,
): (Omit<Slot, 'key'> & { day: number; keyPart: string }) | null {
  const today = localDayOf(asOf, zone)
  const [hh, mm] = sub.local_time.split(':').map(Number) as [number, number]
  const p = localParts(asOf, zone)
  const at = localToInstant(zone, p.year, p.month, p.day, hh, mm)
  if (asOf.getTime() < at.getTime()) return null
  if (sub.kind === 'alert') {
    if (!isWorkingDay(today)) return null
    return { day: today, keyPart: dayText(today), params: { asOf: at.toISOString() }, what: `список дел на ${dayText(today)}` }
  }
  let from: string
  const to = dayText(today - 1)
  if (sub.frequency === 'daily') from = to
  else if (sub.frequency === 'weekly') {
    if (new Date(today * 86_400_000).getUTCDay() !== 1) return null
    from = dayText(today - 7)
  } else {
    if (p.day !== 1) return null
    from = `${to.slice(0, 7)}-01`
  }
  const label = isMailView(sub.view) ? MAIL_VIEWS[sub.view].label : sub.view
  return {
    day: today,
    keyPart: from,
    params: { asOf: endOfLocalDay(to, zone).toISOString(), from, to },
    what: `${label} за ${from === to ? from : `${from} — ${to}`} (${FREQUENCY_TEXT[sub.frequency]})`,
  }
}

/** Plans the messages due at `asOf`: returns how many rows were added to the log. */
async function plan(database: Database, orgId: string, zone: string, asOf: Date): Promise<number> {
  const db = database.db
  const calendar = await loadWorkCalendar(database.db, orgId)
  const subs = await db
    .selectFrom('mail_subscription as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id', 's.kind', 's.view', 's.frequency', 's.local_time', 's.addresses', 'u.email', 'u.disabled'])
    .where('s.org_id', '=', orgId)
    .where('s.active', '=', true)
    .execute()
  let planned = 0
  for (const sub of subs) {
    if (sub.disabled) continue
    const slot = dueSlot(sub, asOf, zone, (d) => calendar.isWorkingDay(d))
    if (!slot) continue
    const recipients = [
      ...new Set([
        ...(sub.email ? [sub.email.trim().toLowerCase()] : []),
        ...(sub.kind === 'delivery' ? sub.addresses.map((a) => a.trim().toLowerCase()) : []),
      ]),
    ].filter(Boolean)
    if (!recipients.length) continue
    const gone = new Set((await db.selectFrom('mail_unsubscribed').select('address').where('subscription_id', '=', sub.id).execute()).map((r) => r.address))
    for (const address of recipients) {
      if (gone.has(address)) continue
      const result = await db
        .insertInto('mail_send')
        .values({
          org_id: orgId,
          subscription_id: sub.id,
          slot_key: `${sub.kind}:${sub.id}:${address}:${slot.keyPart}`,
          address,
          subject: slot.what,
          what: slot.what,
          params: JSON.stringify(slot.params),
          next_attempt_at: asOf,
        })
        .onConflict((oc) => oc.column('slot_key').doNothing())
        .executeTakeFirst()
      planned += Number(result.numInsertedOrUpdatedRows ?? 0)
    }
  }
  return planned
}

interface Built {
  subject: string
  text: string
  html: string
  attachments: { filename: string; content: Buffer; contentType: string }[]
  /** an alert whose list is empty: nothing is sent */
  empty: boolean
  unsubscribe: string
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

async function build(
  database: Database,
  config: MailConfig,
  row: { id: string; subscription_id: string | null; address: string; params: MailSendParams },
): Promise<Built | string> {
  const db = database.db
  if (!row.subscription_id) return 'подписка удалена'
  const sub = await db.selectFrom('mail_subscription').selectAll().where('id', '=', row.subscription_id).executeTakeFirst()
  if (!sub || !sub.active) return 'подписка отключена'
  const user = await findSessionUser(db, sub.user_id)
  if (!user) return 'владелец подписки отключён'
  const org = await db.selectFrom('organisation').select(['name', 'time_zone']).where('id', '=', sub.org_id).executeTakeFirstOrThrow()
  const zone = org.time_zone
  const own = (await db.selectFrom('app_user').select('email').where('id', '=', user.id).executeTakeFirst())?.email?.trim().toLowerCase() === row.address
  const personalData = own && canSeePersonalData(user.roles)
  const unsubscribe = `${config.appUrl}/mail/unsubscribe/${await unsubscribeToken(db, sub.id, row.address)}`
  const footer = `Письмо отправлено системой «Качество обслуживания» (${org.name}). Отписаться от этой рассылки: ${unsubscribe}`
  const footerHtml = `<hr><p style="color:#666;font-size:12px">Письмо отправлено системой «Качество обслуживания» (${escape(org.name)}). <a href="${escape(unsubscribe)}">Отписаться от этой рассылки</a>.</p>`
  const asOf = new Date(row.params.asOf)
  if (sub.kind === 'alert') {
    const digest = await digestMessage(database, { scope: scopeOf(user), asOf, dueDays: sub.due_days, personalData, zone, appUrl: config.appUrl })
    return {
      subject: digest.subject,
      text: `${digest.text}\n\n${footer}`,
      html: `${digest.html}${footerHtml}`,
      attachments: [],
      empty: digest.empty,
      unsubscribe,
    }
  }
  if (!isMailView(sub.view)) return `неизвестный вид рассылки «${sub.view}»`
  if (!mayReceive(user.roles, sub.view)) return 'у владельца подписки больше нет доступа к этому разделу'
  const from = row.params.from!
  const to = row.params.to!
  const attachment = await deliveryAttachment(database, {
    view: sub.view,
    format: sub.format,
    scope: scopeOf(user),
    personalData,
    from,
    to,
    asOf,
    zone,
    orgName: org.name,
    by: `${user.fullName} (${user.login})`,
  })
  const period =
    from === to
      ? formatLocalDate(new Date(`${from}T12:00:00Z`), 'UTC')
      : `${formatLocalDate(new Date(`${from}T12:00:00Z`), 'UTC')} — ${formatLocalDate(new Date(`${to}T12:00:00Z`), 'UTC')}`
  const label = MAIL_VIEWS[sub.view].label
  const subject = `${label} за ${period}`
  const text = `${label} за ${period}, по состоянию на ${formatLocalDateTime(asOf, zone)} (${zone}): во вложении файл ${attachment.filename}.`
  return { subject, text: `${text}\n\n${footer}`, html: `<p>${escape(text)}</p>${footerHtml}`, attachments: [attachment], empty: false, unsubscribe }
}

function isTemporary(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode
  return code === undefined || code < 500
}

function describe(error: unknown): string {
  const e = error as { response?: string; code?: string; message?: string }
  return (e.response ?? `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`).slice(0, 1000)
}

export async function runMail(database: Database, options: { asOf: Date; config: MailConfig; transport?: Transporter }): Promise<MailRunResult> {
  const result: MailRunResult = { planned: 0, sent: 0, empty: 0, retried: 0, failed: 0 }
  const lock = await database.pool.connect()
  try {
    const held = kyselyOn(lock)
    if (!(await tryLockSession(held, lockOf.mail()))) return { ...result, busy: true }
    try {
      const db = database.db
      const orgs = await db.selectFrom('organisation').select(['id', 'time_zone']).execute()
      for (const org of orgs) result.planned += await plan(database, org.id, org.time_zone, options.asOf)
      const transport = options.transport ?? createMailTransport(options.config)
      try {
        for (;;) {
          const row = await db.transaction().execute(async (tx) => {
            const next = await tx
              .selectFrom('mail_send')
              .select(['id'])
              .where('status', 'in', ['pending', 'retry', 'sending'])
              .where('next_attempt_at', '<=', options.asOf)
              .orderBy('next_attempt_at')
              .orderBy('id')
              .limit(1)
              .forUpdate()
              .skipLocked()
              .executeTakeFirst()
            if (!next) return undefined
            return tx
              .updateTable('mail_send')
              .set((eb) => ({
                status: 'sending',
                attempts: eb('attempts', '+', 1),
                next_attempt_at: new Date(options.asOf.getTime() + STALE_SENDING_MINUTES * 60_000),
              }))
              .where('id', '=', next.id)
              .returning(['id', 'subscription_id', 'address', 'params', 'attempts'])
              .executeTakeFirstOrThrow()
          })
          if (!row) break
          let built: Built | string
          try {
            built = await build(database, options.config, row)
          } catch (error) {
            built = `письмо не собрано: ${(error as Error).message}`
          }
          if (typeof built === 'string') {
            await db.updateTable('mail_send').set({ status: 'failed', smtp_response: built }).where('id', '=', row.id).execute()
            result.failed++
            continue
          }
          if (built.empty) {
            await db
              .updateTable('mail_send')
              .set({ status: 'empty', subject: built.subject, smtp_response: 'список пуст — письмо не отправлялось' })
              .where('id', '=', row.id)
              .execute()
            result.empty++
            continue
          }
          try {
            const info = await transport.sendMail({
              from: options.config.from,
              to: row.address,
              subject: built.subject,
              text: built.text,
              html: built.html,
              attachments: built.attachments,
              headers: { 'List-Unsubscribe': `<${built.unsubscribe}>` },
            })
            await db
              .updateTable('mail_send')
              .set({
                status: 'sent',
                subject: built.subject,
                smtp_response: String(info.response ?? '').slice(0, 1000),
                message_id: info.messageId ?? null,
                sent_at: new Date(),
              })
              .where('id', '=', row.id)
              .execute()
            result.sent++
          } catch (error) {
            const wait = BACKOFF_MINUTES[row.attempts - 1]
            if (isTemporary(error) && wait !== undefined) {
              await db
                .updateTable('mail_send')
                .set({
                  status: 'retry',
                  subject: built.subject,
                  smtp_response: describe(error),
                  next_attempt_at: new Date(options.asOf.getTime() + wait * 60_000),
                })
                .where('id', '=', row.id)
                .execute()
              result.retried++
            } else {
              await db
                .updateTable('mail_send')
                .set({ status: 'failed', subject: built.subject, smtp_response: describe(error) })
                .where('id', '=', row.id)
                .execute()
              result.failed++
            }
          }
        }
      } finally {
        if (!options.transport) transport.close()
      }
    } finally {
      await unlockSession(held, lockOf.mail())
    }
  } finally {
    lock.release()
  }
  return result
}

/** The server's own runner: every minute, while mail is configured (MAIL_RUNNER=0 turns it off). */
export function startMailRunner(database: Database, config: MailConfig): () => void {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const r = await runMail(database, { asOf: new Date(), config })
      if (r.sent || r.failed || r.retried) console.log(`Почта: отправлено ${r.sent}, повтор позже ${r.retried}, не отправлено ${r.failed}`)
    } catch (error) {
      console.error(`Почта: ошибка рассылки: ${(error as Error).message}`)
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), 60_000)
  timer.unref()
  void tick()
  return () => clearInterval(timer)
}
