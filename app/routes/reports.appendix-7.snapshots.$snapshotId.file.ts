import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { downloadReport } from '#app/utils/download.server.ts'

/** `?kind=` of the older address → the format and part of the registry's `appendix-7-snapshot`. */
const KINDS: Record<string, { format: string; part?: string }> = {
  xlsx: { format: 'xlsx' },
  pdf: { format: 'pdf' },
  html: { format: 'html' },
  published: { format: 'xlsx', part: 'publication' },
}

/**
 * The older address of a frozen Appendix 7's files (`?kind=xlsx|pdf|html|published`): the registry's
 * `appendix-7-snapshot`, `/files/appendix-7-snapshot/<xlsx|pdf|html>?snapshot=<№>[&part=publication]`.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // the guard first, as before: a signed-out user is sent to sign in whatever the kind
  await requireRouteAccess(request, 'reports.appendix-7.snapshots.$snapshotId.file.ts')
  const kind = KINDS[new URL(request.url).searchParams.get('kind') ?? 'xlsx']
  if (!kind) throw new Response('Такого файла у этого отчёта нет.', { status: 404 })
  return downloadReport(request, 'appendix-7-snapshot', kind.format, {
    ip: context?.ip,
    extra: { snapshot: params.snapshotId ?? '', part: kind.part ?? 'form' },
  })
}
