import type { ActionFunctionArgs } from '@remix-run/node'
import { acceptUpload } from '#app/imports/upload.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'

/** The upload endpoint of the page's XHR (with an upload progress bar): JSON in, JSON out. */
export async function action({ request }: ActionFunctionArgs) {
  const { database, org } = await getAppContext()
  const result = await acceptUpload(request, { database, orgId: org.id, zone: org.time_zone })
  if (result.ok) return Response.json({ url: `/imports/${result.batchId}` })
  return Response.json({ error: result.error }, { status: result.status })
}

export function loader() {
  return new Response('Используйте форму на странице «Загрузка данных».', { status: 405 })
}
