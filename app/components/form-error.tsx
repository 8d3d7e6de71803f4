/** A form's refusal, announced to screen readers. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="notice bad" role="alert">
      {message}
    </p>
  )
}

type Errors = Record<string, string> | null | undefined

/** The id of a field's message: `<form>-<field>-error` (`form` when a page has several forms with one field name). */
export const fieldErrorId = (name: string, form = '') => `${form ? `${form}-` : ''}${name}-error`

/**
 * What a refused field carries (ADR 025): `aria-invalid` and `aria-describedby` pointing at its message, so
 * a screen reader reads the message with the field. Nothing when the field is fine.
 */
export function invalid(errors: Errors, name: string, form = ''): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return errors?.[name] ? { 'aria-invalid': true, 'aria-describedby': fieldErrorId(name, form) } : {}
}

/**
 * The field errors of an action's answer (`{ error, fieldErrors }`), or none; with `intent`, only when the
 * refused form was that one (a page with several forms that share a field name).
 */
export function fieldErrorsOf(answer: unknown, intent?: string): Record<string, string> | undefined {
  if (!answer || typeof answer !== 'object' || !('fieldErrors' in answer)) return undefined
  if (intent !== undefined && (answer as { intent?: unknown }).intent !== intent) return undefined
  return (answer as { fieldErrors?: Record<string, string> }).fieldErrors
}

/**
 * The refusal of one field, shown beside it (the form's `fieldErrors`, ADR 025); the summary above the form
 * (`FormError`) is the alert, this is what the field's `aria-describedby` reads.
 */
export function FieldError({ errors, name, form = '' }: { errors: Errors; name: string; form?: string }) {
  const message = errors?.[name]
  if (!message) return null
  return (
    <span className="field-error" id={fieldErrorId(name, form)} data-field-error={name}>
      {message}
    </span>
  )
}
