import fs from 'node:fs/promises'
import {
  type NodeOnDiskFile,
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { enqueueImport, makeUploadDir, uploadRoot } from './jobs.server.ts'
import { IMPORT_KINDS, type ImportKind } from './kinds.ts'
import { displayFileName, uploadedFileName, withEscapedFileNames } from './multipart-names.server.ts'
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
  const dir = await makeUploadDir(root)
  let queued = false
  try {
    let formData: FormData
    let originalName = ''
    try {
      // the user's file name is kept for display (history, report, audit); on disk the file is «upload.bin»
      const toDisk = unstable_createFileUploadHandler({ directory: dir, maxPartSize: MAX_UPLOAD_BYTES, file: () => 'upload.bin' })
      formData = await unstable_parseMultipartFormData(
        withEscapedFileNames(request),
        unstable_composeUploadHandlers(
          (part) => {
            if (part.name === 'file' && part.filename) originalName = uploadedFileName(part.filename)
            return toDisk(part)
          },
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
    // «Формат» and «Сопоставление столбцов» of the form: one value, told apart by a prefix (ADR 018)
    const how = String(formData.get('how') ?? '').trim()
    const format = how.startsWith('format:') ? how.slice(7) : undefined
    const mapping = how.startsWith('mapping:') ? how.slice(8) : undefined
    const fileName = displayFileName(originalName || file.name)
    const batchId = await enqueueImport(
      target.database,
      target.orgId,
      {
        kind: kind as ImportKind,
        fileName,
        skipInvalid,
        ...(format ? { format } : {}),
        ...(mapping ? { mapping } : {}),
        userId: who.userId,
        actor: who.actor,
        ip: who.ip,
      },
      file.getFilePath(),
      file.size,
    )
    queued = true
    return { ok: true, batchId }
  } finally {
    if (!queued) await fs.rm(dir, { recursive: true, force: true })
  }
}
