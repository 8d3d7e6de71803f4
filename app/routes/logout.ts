import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { recordEvent } from '#app/models/command.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { endSession, requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'logout.ts')
  const { database } = await getAppContext()
  await recordEvent(database.db, actor, { action: 'logout' })
  return endSession(request)
}

export async function loader({ request }: ActionFunctionArgs) {
  await requireRouteAccess(request, 'logout.ts')
  return redirect('/')
}
