/** `?page=` as a whole number ≥ 1; anything else (a hand-edited URL) is page 1. */
export function pageParam(request: Request): number {
  return Math.max(1, Math.floor(Number(new URL(request.url).searchParams.get('page')) || 1))
}
