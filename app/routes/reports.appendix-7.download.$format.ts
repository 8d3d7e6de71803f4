import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The registry's «appendix-7» for the page's year and moment (the older address of `/files/appendix-7/<формат>`). */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'appendix-7', params.format, { ip: context?.ip })
}
