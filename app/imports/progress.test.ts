import type { Database } from '#db/client.server.ts'
import { type ImportProgress, progressReporter } from './progress.server.ts'

/** A database that records the progress written to the batch row. */
function recording() {
  const written: ImportProgress[] = []
  const query = {
    set: (values: { progress: string }) => {
      written.push(JSON.parse(values.progress) as ImportProgress)
      return query
    },
    where: () => query,
    execute: async () => [],
  }
  return { written, database: { db: { updateTable: () => query } } as unknown as Database }
}

const progress = (): ImportProgress => ({
  batchId: '1',
  kind: 'calls',
  fileName: 'calls.csv',
  phase: 'reading',
  bytesRead: 0,
  totalBytes: 1000,
  rowsRead: 0,
  rowsRejected: 0,
  startedAt: 0,
})

describe('the progress of an import', () => {
  it('is written at once when the first rows are read, then at most once per interval', async () => {
    const { written, database } = recording()
    const reporter = progressReporter(database, progress(), 60_000)
    await reporter.flush() // the phase: nothing read yet
    reporter.progress.bytesRead = 100
    reporter.tick() // within the interval, no rows yet: not written
    reporter.progress.rowsRead = 1
    reporter.tick() // the first row: written now, not a minute later
    reporter.progress.rowsRead = 2
    reporter.tick() // within the interval again
    await reporter.flush()
    expect(written.map((p) => p.rowsRead)).toEqual([0, 1, 2])
  })

  it('writes a tick once the interval has passed', async () => {
    const { written, database } = recording()
    const reporter = progressReporter(database, progress(), 0)
    reporter.progress.bytesRead = 10
    reporter.tick()
    reporter.progress.bytesRead = 20
    reporter.tick()
    await reporter.flush()
    expect(written.map((p) => p.bytesRead)).toEqual([10, 20, 20])
  })
})
