import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
import type { DB } from '#db/schema.ts'
import { REGISTERS, sortExpr } from './records.server.ts'

// compiles only: no database behind it
const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})
const compiled = (domain: keyof typeof REGISTERS, id: string) => {
  const column = REGISTERS[domain].columns.find((c) => c.id === id)!
  return { value: sql`${column.expr}`.compile(db), order: sql`${sortExpr(column)}`.compile(db) }
}

/** Register columns are kysely expressions over typed references (ADR 024), compiled to the statements they were. */
describe('register columns', () => {
  it('name only the record `r`, its branch `b` and office `o`, and carry no parameters (the screen and the file order by them as they are)', () => {
    for (const register of Object.values(REGISTERS)) {
      for (const column of register.columns) {
        for (const text of [sql`${column.expr}`, sql`${sortExpr(column)}`].map((e) => e.compile(db))) {
          expect(text.parameters, `${register.table}.${column.id}`).toEqual([])
          const aliases = new Set([...text.sql.matchAll(/"(\w+)"\."\w+"/g)].map((m) => m[1]))
          expect(
            [...aliases].every((a) => a === 'r' || a === 'b' || a === 'o'),
            `${register.table}.${column.id}: ${[...aliases]}`,
          ).toBe(true)
        }
      }
    }
  })

  it('a coded column sorts by its Russian label: literal codes ranked alphabetically, unknown codes after them, empty stays empty', () => {
    expect(compiled('calls', 'direction').order.sql).toBe(
      `(case when "r"."direction" is null then null when "r"."direction" = 'in' then 1 when "r"."direction" = 'out' then 2 else 3 end)`,
    )
  })

  it('the wait of a call is taken only where the call was answered and its source gives a wait (ADR 027); seconds of other columns need one instant set', () => {
    expect(compiled('calls', 'wait').value.sql).toBe(
      `case when "r"."answered_at" is not null and "r"."wait_known" then extract(epoch from "r"."answered_at" - "r"."started_at") end`,
    )
    expect(compiled('visits', 'service').value.sql).toBe(
      `case when "r"."service_ended_at" is not null then extract(epoch from "r"."service_ended_at" - "r"."called_at") end`,
    )
    expect(compiled('visits', 'window').value.sql).toBe(`"r"."window"`)
    expect(compiled('appeals', 'office').value.sql).toBe(`coalesce("o"."name", "r"."office_code")`)
  })

  it('the default sort column of each register is the column itself (NOT NULL by its type), so its order needs no «nulls last» and an index serves it', () => {
    for (const register of Object.values(REGISTERS)) expect([register.table, register.defaultSortPlain]).toEqual([register.table, true])
  })
})
