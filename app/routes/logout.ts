import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { endSession, requireRouteAccess } from '#app/utils/auth.server.ts'

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRouteAccess(request, 'logout.ts')
  const { database } = await getAppContext()
  await recordAudit(database.db, { orgId: user.orgId, userId: user.id, actor: user.login, action: 'logout', ip: context?.ip })
  return endSession(request)
}

export async function loader({ request }: ActionFunctionArgs) {
  await requireRouteAccess(request, 'logout.ts')
  return redirect('/')
}
