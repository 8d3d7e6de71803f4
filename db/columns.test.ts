import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { type NotNullColumn, columnList, columnsOf } from './columns.ts'
import type { DB } from './schema.ts'

// compiles only: no database behind it
const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

describe('typed column references (ADR 024)', () => {
  it('name a column of the table under its alias, quoted', () => {
    const r = columnsOf('appeal', 'r')
    expect(sql`${r('answered_at')} <= ${r('due_at')}`.compile(db).sql).toBe('"r"."answered_at" <= "r"."due_at"')
    expect(sql`${columnsOf('call')('no_ending')}`.compile(db).sql).toBe('"no_ending"')
  })

  it('list an insert target by the schema`s names', () => {
    expect(sql`(${columnList('call_day', ['org_id', 'day', 'calls'])})`.compile(db).sql).toBe('("org_id", "day", "calls")')
  })

  it('refuse, at compile time, a column the table does not have', () => {
    const r = columnsOf('call', 'r')
    // @ts-expect-error — `due_at` is a column of appeal, not of call: tsc fails if the references stop being typed
    const wrong = r('due_at')
    // @ts-expect-error — likewise for an insert's target list
    const list = columnList('visit_day', ['org_id', 'calls'])
    expect(sql`${wrong}, ${list}`.compile(db).sql).toBe('"r"."due_at", "org_id", "calls"')
  })

  it('tell the columns that hold no NULL (a register`s default order is read from an index)', () => {
    const started: NotNullColumn<'call'> = 'started_at'
    // @ts-expect-error — `answered_at` may be NULL: a register may not take it as its default sort
    const answered: NotNullColumn<'call'> = 'answered_at'
    expect([started, answered]).toEqual(['started_at', 'answered_at'])
  })
})
