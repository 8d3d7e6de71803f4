import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The older address of an import's rejections (the registry's `import-rejections`, `/files/import-rejections/csv?batch=<№>`). */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'import-rejections', 'csv', { ip: context?.ip, extra: { batch: params.batchId ?? '' } })
}
