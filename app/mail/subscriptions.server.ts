/**
 * Mail subscriptions: a user subscribes himself to alerts (his work list) and deliveries (a view as a file);
 * an administrator may add external addresses to a delivery. Every change is checked here, with a Russian
 * error that says what is wrong.
 */
import type { Db } from '#db/client.server.ts'
import { InputError } from '#reports/errors.ts'
import type { SessionUser } from '#app/models/user.server.ts'
import { MAIL_VIEWS, isMailView, mayReceive } from './views.server.ts'
import { readUnsubscribeToken } from './token.server.ts'
import { type Actor, runCommand } from '#app/models/command.server.ts'

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/

export function parseAddresses(text: string): string[] {
  const list = text
    .split(/[\s,;]+/)
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean)
  const bad = list.filter((a) => !ADDRESS.test(a))
  if (bad.length) throw new InputError(`Не похоже на адрес электронной почты: ${bad.join(', ')}.`, 'addresses')
  return [...new Set(list)]
}

export async function setOwnEmail(db: Db, userId: string, email: string): Promise<void> {
  const value = email.trim().toLowerCase()
  if (value && !ADDRESS.test(value)) throw new InputError(`Не похоже на адрес электронной почты: «${email}».`, 'email')
  await db
    .updateTable('app_user')
    .set({ email: value || null })
    .where('id', '=', userId)
    .execute()
}

export interface SubscriptionInput {
  kind: 'alert' | 'delivery'
  view: string
  format: string
  frequency: string
  localTime: string
  dueDays: number
  addresses: string
}

export async function addSubscription(db: Db, user: SessionUser, input: SubscriptionInput): Promise<string> {
  if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(input.localTime)) throw new InputError('Время отправки — в виде ЧЧ:ММ, например 08:30.', 'localTime')
  if (input.kind === 'alert') {
    if (!Number.isInteger(input.dueDays) || input.dueDays < 0 || input.dueDays > 30)
      throw new InputError('«За сколько рабочих дней предупреждать» — целое число от 0 до 30.', 'dueDays')
  } else {
    if (!isMailView(input.view)) throw new InputError('Выберите, что рассылать.', 'view')
    if (!mayReceive(user.roles, input.view)) throw new InputError(`Раздел «${MAIL_VIEWS[input.view].label}» вашей роли недоступен.`, 'view')
    if (!(MAIL_VIEWS[input.view].formats as readonly string[]).includes(input.format))
      throw new InputError(
        `«${MAIL_VIEWS[input.view].label}» рассылается только в формате ${MAIL_VIEWS[input.view].formats.join(', ').toUpperCase()}.`,
        'format',
      )
    if (!['daily', 'weekly', 'monthly'].includes(input.frequency))
      throw new InputError('Выберите периодичность: ежедневно, еженедельно или ежемесячно.', 'frequency')
  }
  const addresses = input.kind === 'delivery' ? parseAddresses(input.addresses) : []
  if (addresses.length && !user.roles.includes('admin')) throw new InputError('Внешние адреса добавляет только администратор.', 'addresses')
  const row = await db
    .insertInto('mail_subscription')
    .values({
      org_id: user.orgId,
      user_id: user.id,
      kind: input.kind,
      view: input.kind === 'alert' ? 'worklist' : input.view,
      format: input.kind === 'alert' ? 'xlsx' : (input.format as 'xlsx' | 'pdf'),
      frequency: input.kind === 'alert' ? 'daily' : (input.frequency as 'daily'),
      local_time: input.localTime,
      due_days: input.dueDays,
      addresses,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function removeSubscription(db: Db, user: SessionUser, id: string): Promise<void> {
  if (!/^\d{1,18}$/.test(id)) return
  await db
    .updateTable('mail_subscription')
    .set({ active: false })
    .where('id', '=', id)
    .where('org_id', '=', user.orgId)
    .where((eb) => (user.roles.includes('admin') ? eb.val(true) : eb('user_id', '=', user.id)))
    .execute()
}

export async function listSubscriptions(db: Db, orgId: string, userId: string | 'all') {
  let q = db
    .selectFrom('mail_subscription as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id', 's.kind', 's.view', 's.format', 's.frequency', 's.local_time', 's.due_days', 's.addresses', 'u.login', 'u.full_name', 'u.email'])
    .where('s.org_id', '=', orgId)
    .where('s.active', '=', true)
  if (userId !== 'all') q = q.where('s.user_id', '=', userId)
  return q.orderBy('s.id').execute()
}

/** The unsubscribe link: the address stops getting this subscription. Returns what it was, or null. */
export async function unsubscribeByToken(db: Db, token: string): Promise<{ address: string; what: string } | null> {
  const found = await readUnsubscribeToken(db, token)
  if (!found) return null
  const sub = await db.selectFrom('mail_subscription').select(['id', 'kind', 'view']).where('id', '=', found.subscriptionId).executeTakeFirst()
  if (!sub) return null
  await db
    .insertInto('mail_unsubscribed')
    .values({ subscription_id: sub.id, address: found.address })
    .onConflict((oc) => oc.columns(['subscription_id', 'address']).doNothing())
    .execute()
  return {
    address: found.address,
    what: sub.kind === 'alert' ? 'оповещения о списке дел' : `рассылка «${isMailView(sub.view) ? MAIL_VIEWS[sub.view].label : sub.view}»`,
  }
}

export async function sendLog(db: Db, orgId: string, limit = 200) {
  return db
    .selectFrom('mail_send')
    .select(['id', 'created_at', 'sent_at', 'address', 'subject', 'what', 'status', 'attempts', 'next_attempt_at', 'smtp_response'])
    .where('org_id', '=', orgId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

export type MailChange =
  { intent: 'email'; email: string } | { intent: 'remove'; id: string } | ({ intent: 'alert' | 'delivery' } & Omit<SubscriptionInput, 'kind'>)

/** A change of the user's own mail (address, subscription) as one command with its audit row `mail.<intent>` (ADR 025). */
export function changeMail(db: Db, actor: Actor, change: MailChange): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    if (change.intent === 'email') await setOwnEmail(tx, actor.user.id, change.email)
    else if (change.intent === 'remove') await removeSubscription(tx, actor.user, change.id)
    else await addSubscription(tx, actor.user, { ...change, kind: change.intent })
    const details = { view: 'view' in change ? change.view : '', id: 'id' in change ? change.id : '' }
    return { result: undefined, audit: { action: `mail.${change.intent}`, object: 'почта', details } }
  })
}
