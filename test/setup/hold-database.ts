// A process that opens the embedded database of DATA_DIR, prints «OPEN» and keeps it open until killed:
// the owner in the embedded-server tests (test/cli.integration.test.ts).
import { openDatabase } from '#db/client.server.ts'

const database = await openDatabase(process.env, { settings: { fsync: 'off' } })
await database.pool.query('select 1')
process.stdout.write('OPEN\n')
process.on('SIGTERM', () => void database.close().then(() => process.exit(0)))
setInterval(() => {}, 60_000)
