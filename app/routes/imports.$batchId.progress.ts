import type { LoaderFunctionArgs } from '@remix-run/node'
import { getProgress } from '#app/imports/progress.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'

/** Progress of a running import, from process memory (no database: the import holds PGlite's connection). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.$batchId.progress.ts')
  const progress = getProgress(params.batchId ?? '')
  return Response.json(progress ? { running: true, ...progress } : { running: false }, { headers: { 'Cache-Control': 'no-store' } })
}
