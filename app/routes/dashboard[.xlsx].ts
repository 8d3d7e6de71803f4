import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The dashboard view as XLSX (the registry's «dashboard», the older address of `/files/dashboard/xlsx`). */
export function loader({ request, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'dashboard', 'xlsx', { ip: context?.ip })
}
