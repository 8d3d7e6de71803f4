import type { Database } from '#db/client.server.ts'

/**
 * Progress of a running import, written to its `import_batch` row as it goes (at most twice a second,
 * outside the import's transaction), so that any process — the server that runs it, another server, the
 * page of a CLI import — shows it with one cheap read that never waits for the import (ADR 013).
 */
export interface ImportProgress {
  batchId: string
  kind: string
  fileName: string
  phase: 'queued' | 'reading' | 'saving' | 'finished'
  bytesRead: number
  totalBytes: number
  rowsRead: number
  rowsRejected: number
  startedAt: number
}

export interface ProgressReporter {
  readonly progress: ImportProgress
  /**
   * After a change: written when the last write is older than the interval — and at once when the first rows
   * have been read (the page shows the import under way as soon as it is).
   */
  tick(): void
  /** Written now (phase changes). */
  flush(): Promise<void>
}

export function progressReporter(database: Database, progress: ImportProgress, intervalMs = 500): ProgressReporter {
  let last = 0
  let rowsShown = false
  let writing: Promise<void> = Promise.resolve()
  const write = () => {
    last = Date.now()
    if (progress.rowsRead > 0) rowsShown = true
    const snapshot = JSON.stringify(progress)
    writing = writing
      .then(() => database.db.updateTable('import_batch').set({ progress: snapshot }).where('id', '=', progress.batchId).execute())
      .then(
        () => {},
        () => {}, // progress is a courtesy: a failed write loses nothing
      )
    return writing
  }
  return {
    progress,
    tick() {
      if (Date.now() - last >= intervalMs || (!rowsShown && progress.rowsRead > 0)) void write()
    },
    flush: write,
  }
}

/** The progress stored on a batch row (jsonb), or undefined. */
export function readProgress(value: unknown): ImportProgress | undefined {
  if (!value || typeof value !== 'object') return undefined
  return value as ImportProgress
}
