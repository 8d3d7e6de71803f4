/** Contacts typed into consumers' free answers, hidden from roles without personal data (ADR 008). */
// «@» also as people disguise it from robots: «(at)», «[собака]», « at », «＠»; and «.» as «(dot)», «[точка]»
const AT = String.raw`(?:\s*[@＠]\s*|\s*[(\[{<]\s*(?:at|собака|собачка|эт)\s*[)\]}>]\s*|\s+(?:at|собака|собачка)\s+)`
const DOT = String.raw`(?:\s*\.\s*|\s*[(\[{<]\s*(?:dot|точка)\s*[)\]}>]\s*|\s+(?:dot|точка)\s+)`
const EMAIL = new RegExp(String.raw`[\p{L}\p{N}._%+-]+${AT}[\p{L}\p{N}-]+(?:${DOT}[\p{L}\p{N}-]+)*${DOT}\p{L}{2,}`, 'giu')
// a phone or an account number: seven or more digits, possibly split by spaces, dashes, brackets or dots
const DIGITS = /\+?\d[\d\s().-]{5,}\d/g

/** Consumers sometimes type their phone or e-mail into a free answer: hidden from roles without personal data. */
export function redactContacts(text: string): string {
  return text.replace(EMAIL, '•••@•••').replace(DIGITS, (m) => (m.replace(/\D/g, '').length >= 7 ? '•••' : m))
}
