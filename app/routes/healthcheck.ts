import { checkDatabase } from '#app/utils/app-database.server.ts'

/**
 * For monitoring and tests: 200 «OK» once the database is migrated and answers; 503 with a Russian reason
 * while it does not (a restart, a failover, the embedded server stopped) — and 200 again after, without a
 * restart of the product. Public (access.ts); says nothing but the state.
 */
export async function loader() {
  const problem = await checkDatabase()
  const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }
  if (problem) return new Response(`Нет связи с базой данных: ${problem}`, { status: 503, headers })
  return new Response('OK', { headers })
}
