import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { InputError } from '#reports/errors.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'
import { type Actor, runCommand } from './command.server.ts'

import { TERM_UNITS } from '#app/utils/deadline-labels.ts'

export { TERM_UNITS }

export async function listRules(db: Db, orgId: string) {
  return db
    .selectFrom('deadline_rule')
    .select([
      'id',
      'code',
      'name',
      'preset',
      'applies_to as appliesTo',
      'filter',
      'start_field as startField',
      'stop_field as stopField',
      'amount',
      'unit',
      'is_average as isAverage',
      'priority',
      'source',
      'active',
    ])
    .where('org_id', '=', orgId)
    .orderBy('applies_to')
    .orderBy('priority')
    .orderBy('code')
    .execute()
}

export async function findRule(db: Db, orgId: string, ruleId: string) {
  if (!/^\d{1,18}$/.test(ruleId)) return undefined
  return (await listRules(db, orgId)).find((r) => r.id === ruleId)
}

export interface RuleChange {
  name: string
  amount: number
  unit: string
  active: boolean
  isAverage: boolean
  priority: number
  source: string
}

/** Saves a rule's editable fields; `changeRule` recomputes due dates and writes the audit entry with it. */
export async function updateRule(db: Db, orgId: string, ruleId: string, change: RuleChange): Promise<void> {
  if (change.name.trim() === '') throw new InputError('Укажите название правила.', 'name')
  if (!Number.isFinite(change.amount) || change.amount <= 0) throw new InputError('Срок должен быть положительным числом.', 'amount')
  if (!(TERM_UNITS as readonly string[]).includes(change.unit)) throw new InputError('Неизвестная единица срока.', 'unit')
  if (!Number.isInteger(change.priority)) throw new InputError('Приоритет — целое число (меньше — раньше).', 'priority')
  await db
    .updateTable('deadline_rule')
    .set({
      name: change.name.trim(),
      amount: change.amount,
      unit: change.unit as (typeof TERM_UNITS)[number],
      active: change.active,
      is_average: change.isAverage,
      priority: change.priority,
      source: change.source.trim() || null,
      updated_at: sql`now()`,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', ruleId)
    .execute()
}

type Rule = NonNullable<Awaited<ReturnType<typeof findRule>>>

/**
 * A rule change as one command (ADR 025): the rule saved, the due dates of appeals counted again (for an
 * appeals rule) and the audit row `rule.update` with the rule before and after, in one transaction.
 */
export async function changeRule(db: Db, actor: Actor, before: Rule, change: RuleChange): Promise<{ recomputed: number }> {
  return runCommand(db, actor, async (tx) => {
    await updateRule(tx, actor.org.id, before.id, change)
    const recomputed = before.appliesTo === 'appeals' ? await recomputeAppealDueDates(tx, actor.org.id, actor.org.time_zone) : 0
    return {
      result: { recomputed },
      audit: {
        action: 'rule.update',
        object: before.name,
        details: {
          before: {
            name: before.name,
            amount: Number(before.amount),
            unit: before.unit,
            active: before.active,
            isAverage: before.isAverage,
            priority: before.priority,
          },
          after: change,
          recomputed,
        },
      },
    }
  })
}
