/**
 * Phone numbers in one canonical form, so that «8 (912) 345-67-89», «+7 912 345 67 89» and «9123456789»
 * are one caller: only the digits; a Russian number of eleven digits starting with 8 or 7, or of ten digits,
 * becomes 7 and its ten digits. Anything else (a short internal number, a foreign number) stays its digits.
 * The same rule as the database function `phone_norm` (migration 0013), which fills `call.phone_norm`.
 * Client-safe.
 */
export function normalisePhone(value: string | null | undefined): string | null {
  const digits = (value ?? '').replace(/[^0-9]/g, '')
  if (digits === '') return null
  if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) return `7${digits.slice(1)}`
  if (digits.length === 10) return `7${digits}`
  return digits
}

/** A canonical number as people write it: +7 912 345-67-89 (others as they are). */
export function formatPhone(norm: string | null | undefined): string {
  if (!norm) return ''
  if (norm.length === 11 && norm[0] === '7') return `+7 ${norm.slice(1, 4)} ${norm.slice(4, 7)}-${norm.slice(7, 9)}-${norm.slice(9)}`
  return norm
}

/** For roles without personal data: the operator's code and the last two digits, «+7 912 •••-••-89». */
export function maskPhone(norm: string | null | undefined): string {
  if (!norm) return ''
  if (norm.length === 11 && norm[0] === '7') return `+7 ${norm.slice(1, 4)} •••-••-${norm.slice(9)}`
  return norm.length <= 2 ? '••' : `${'•'.repeat(norm.length - 2)}${norm.slice(-2)}`
}
