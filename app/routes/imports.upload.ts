import type { ActionFunctionArgs } from '@remix-run/node'
import { acceptUpload } from '#app/imports/upload.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'

/** The upload endpoint of the page's XHR (with an upload progress bar): JSON in, JSON out. */
export async function action({ request, context }: ActionFunctionArgs) {
  // the route's rule is the upload rule (operators and administrators)
  const user = await requireRouteAccess(request, 'imports.upload.ts')
  const { database, org } = await getAppContext()
  const result = await acceptUpload(request, { database, orgId: org.id, zone: org.time_zone }, { userId: user.id, actor: user.login, ip: context?.ip ?? null })
  if (result.ok) return Response.json({ url: `/imports/${result.batchId}` })
  return Response.json({ error: result.error }, { status: result.status })
}

export async function loader({ request }: ActionFunctionArgs) {
  await requireRouteAccess(request, 'imports.upload.ts')
  return new Response('Используйте форму на странице «Загрузка данных».', { status: 405 })
}
