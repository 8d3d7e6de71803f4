import { getAppContext } from '#app/utils/app-database.server.ts'

/** For tests and monitoring: 200 once the database is migrated and ready. Public (access.ts). */
export async function loader() {
  await getAppContext()
  return new Response('OK', { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}
