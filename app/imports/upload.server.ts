import fs from 'node:fs/promises'
import path from 'node:path'
import {
  type NodeOnDiskFile,
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { enqueueImport, uploadRoot } from './jobs.server.ts'
import { IMPORT_KINDS, type ImportKind } from './kinds.ts'
import type { ImportTarget } from './pipeline.server.ts'

/** The largest upload accepted through the browser; larger logs go through the CLI. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024

export type UploadResult = { ok: true; batchId: string } | { ok: false; status: number; error: string }

/**
 * Receives an upload to disk (never to memory) in a folder of its own inside the uploads folder and queues
 * its import (jobs.server.ts): the answer comes at once, the import page follows the progress. A refused or
 * broken upload leaves no file behind; the queued one's file is removed when its import ends, however it ends.
 */
export async function acceptUpload(
  request: Request,
  target: ImportTarget,
  who: { userId: string; actor: string; ip: string | null },
  root = uploadRoot(),
): Promise<UploadResult> {
  await fs.mkdir(root, { recursive: true })
  const dir = await fs.mkdtemp(path.join(root, 'upload-'))
  let queued = false
  try {
    let formData: FormData
    try {
      formData = await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          unstable_createFileUploadHandler({ directory: dir, maxPartSize: MAX_UPLOAD_BYTES, file: () => 'upload.bin' }),
          unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
        ),
      )
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) {
        return { ok: false, status: 413, error: `Файл больше ${MAX_UPLOAD_BYTES / 1024 ** 3} ГБ: загрузите его командой npm run cli -- import.` }
      }
      return { ok: false, status: 400, error: 'Не удалось принять файл: запрос оборван или повреждён. Попробуйте ещё раз.' }
    }
    const kind = String(formData.get('kind') ?? '')
    if (!IMPORT_KINDS.includes(kind as ImportKind)) return { ok: false, status: 400, error: 'Выберите, что содержит файл.' }
    const file = formData.get('file') as NodeOnDiskFile | null
    if (!file || typeof file === 'string' || !file.name) return { ok: false, status: 400, error: 'Выберите файл для загрузки.' }
    const skipInvalid = formData.get('skipInvalid') === 'on'
    const fileName = path.basename(file.name).slice(0, 255) || 'файл'
    const batchId = await enqueueImport(
      target.database,
      target.orgId,
      { kind: kind as ImportKind, fileName, skipInvalid, userId: who.userId, actor: who.actor, ip: who.ip },
      file.getFilePath(),
      file.size,
    )
    queued = true
    return { ok: true, batchId }
  } finally {
    if (!queued) await fs.rm(dir, { recursive: true, force: true })
  }
}
