/** A form's refusal, announced to screen readers. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="notice bad" role="alert">
      {message}
    </p>
  )
}

/** The refusal of one field, shown beside it (the form's `fieldErrors`, ADR 025). */
export function FieldError({ errors, name }: { errors: Record<string, string> | null | undefined; name: string }) {
  const message = errors?.[name]
  if (!message) return null
  return (
    <span className="field-error" role="alert" id={`${name}-error`}>
      {message}
    </span>
  )
}
