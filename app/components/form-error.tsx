/** A form's refusal, announced to screen readers. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="notice bad" role="alert">
      {message}
    </p>
  )
}
