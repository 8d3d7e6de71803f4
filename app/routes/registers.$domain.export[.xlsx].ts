import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** A register (or a figure's records) as XLSX, streamed, no cap (the registry's «register», the older address of `/files/register/xlsx?domain=…`). */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  if (!['appeals', 'calls', 'visits'].includes(params.domain ?? '')) throw new Response('Такого журнала нет.', { status: 404 })
  return downloadReport(request, 'register', 'xlsx', { ip: context?.ip, extra: { domain: params.domain! } })
}
