/** Personal data for roles that may not see it (ADR 008): who may see it is app/utils/access.ts. Client-safe. */

/** «Иванов Иван» → «И••••••••ан»: enough to tell records apart, not to identify a person. */
export function maskPersonal(value: string | null | undefined): string {
  if (!value) return ''
  const chars = [...value]
  if (chars.length <= 3) return '•••'
  return `${chars[0]}${'•'.repeat(Math.min(chars.length - 3, 8))}${chars.slice(-2).join('')}`
}
