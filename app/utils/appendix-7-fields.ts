/**
 * The Appendix 7 inputs page posts every table in one form (issue 16): a field's name is its table's code and
 * the table's own field name (`4.1::n|1|value`), so tables with the same row codes do not collide. Client-safe.
 */
export type InputField = string

export function fieldName(tableCode: string, field: InputField): string {
  return `${tableCode}::${field}`
}
