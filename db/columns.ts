/**
 * Typed column references for SQL written with kysely's `sql` tag (ADR 024). `columnsOf('appeal', 'r')`
 * gives a function of the column names of `appeal` only: `r('answered_at')` is `"r"."answered_at"`, typed as
 * the column's selected type, and a column renamed in schema.ts is a type error where it is named. Types
 * only at compile time; at run time it is `sql.ref`, so the SQL the planner gets is the same text as
 * before, with quoted identifiers.
 */
import { type RawBuilder, type SelectType, sql } from 'kysely'
import type { DB } from './schema.ts'

export type Table = keyof DB & string
export type ColumnOf<T extends Table> = keyof DB[T] & string
/** The columns of `T` that hold no NULL (an order by one of them needs no «nulls last», so an index serves it). */
export type NotNullColumn<T extends Table> = { [C in ColumnOf<T>]: null extends SelectType<DB[T][C]> ? never : C }[ColumnOf<T>]
/** The columns two tables share (a rollup row and its raw record, filtered alike). */
export type SharedColumn<A extends Table, B extends Table> = ColumnOf<A> & ColumnOf<B>
export type ColumnRef<T extends Table> = <C extends ColumnOf<T>>(column: C) => RawBuilder<SelectType<DB[T][C]>>

/** References to the columns of `table`, qualified by `alias` (unqualified when there is none). */
export function columnsOf<T extends Table>(table: T, alias?: string): ColumnRef<T> {
  void table
  return <C extends ColumnOf<T>>(column: C) => sql.ref<SelectType<DB[T][C]>>(alias ? `${alias}.${column}` : column)
}

/** A comma-separated list of columns of `table` (an insert's target list): each name checked against the schema. */
export function columnList<T extends Table>(table: T, columns: readonly ColumnOf<T>[]): RawBuilder<unknown> {
  void table
  return sql.join(columns.map((c) => sql.ref(c)))
}
