import type { LoaderFunctionArgs } from '@remix-run/node'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { publicPage } from '#reports/appendix-7/publication.server.ts'

/**
 * A published Appendix 7 at its public address (switched on per snapshot by an administrator; issue 15):
 * the static page as published — the form's tables without 4.9 and without personal data. No sign-in;
 * an unknown or revoked address is 404.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const { database } = await getAppContext()
  const html = await publicPage(database.db, params.token ?? '')
  if (!html) throw new Response('Публикация не найдена.', { status: 404 })
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=300',
    },
  })
}
