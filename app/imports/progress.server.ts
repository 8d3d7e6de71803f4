/**
 * Progress of running imports, in process memory: the import's transaction holds PGlite's only
 * connection and its writes are invisible until commit, so the page polls this instead.
 */
export interface ImportProgress {
  batchId: string
  kind: string
  fileName: string
  phase: 'reading' | 'saving' | 'finished'
  bytesRead: number
  totalBytes: number
  rowsRead: number
  rowsRejected: number
  startedAt: number
}

const running = new Map<string, ImportProgress>()

export function setProgress(progress: ImportProgress): void {
  running.set(progress.batchId, progress)
}

export function getProgress(batchId: string): ImportProgress | undefined {
  return running.get(batchId)
}

export function clearProgress(batchId: string): void {
  running.delete(batchId)
}
