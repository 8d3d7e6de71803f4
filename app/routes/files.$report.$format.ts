import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/**
 * Every report of the registry as a file (reports/registry.server.ts): `/files/<отчёт>/<формат>?…` with the
 * parameters of its page; access by the report's page (app/utils/access.ts).
 */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return downloadReport(request, params.report, params.format, { ip: context?.ip })
}
