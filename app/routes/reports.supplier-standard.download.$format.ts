import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The registry's «supplier-standard» for the page's year and moment (the older address of `/files/supplier-standard/<формат>`). */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'supplier-standard', params.format, { ip: context?.ip })
}
