import type { LoaderFunctionArgs } from '@remix-run/node'
import { getProgress } from '#app/imports/progress.server.ts'

/** Progress of a running import, from process memory (no database: the import holds PGlite's connection). */
export function loader({ params }: LoaderFunctionArgs) {
  const progress = getProgress(params.batchId ?? '')
  return Response.json(progress ? { running: true, ...progress } : { running: false }, { headers: { 'Cache-Control': 'no-store' } })
}
