import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { getImport, postImport } from '#app/integration/api.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'

/**
 * The import API (ADR 017, /api/openapi.json): `POST /api/imports/<kind>` takes a file or a JSON array
 * of records, `GET /api/imports/<id>` answers how that import went. Only an integration token
 * (`Authorization: Bearer …`) opens it: no cookies, no session, no CSRF check (the token is no ambient
 * credential). Methods and content types are screened by server/hardening.mjs before Remix.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { database, org } = await getAppContext()
  if (request.method !== 'POST')
    return Response.json(
      { error: 'Метод не поддерживается: POST /api/imports/<вид>, GET /api/imports/<номер>.' },
      { status: 405, headers: { Allow: 'GET, POST' } },
    )
  return postImport(request, params.param ?? '', { database, org, ip: context?.ip ?? null })
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { database, org } = await getAppContext()
  return getImport(request, params.param ?? '', { database, org, ip: context?.ip ?? null })
}
