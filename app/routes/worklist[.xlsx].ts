import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The older address of the work list's file (the registry's `worklist`, `/files/worklist/xlsx?days=<N>`). */
export function loader({ request, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'worklist', 'xlsx', { ip: context?.ip })
}
