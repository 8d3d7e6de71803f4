import fs from 'node:fs'
import { ensureEmbeddedServer } from '#db/embedded.server.ts'
import { BENCH_SERVER_SETTINGS } from './common.ts'
fs.mkdirSync('/tmp/sq-big/pg', { recursive: true })
fs.chmodSync('/tmp/sq-big', 0o711)
const server = await ensureEmbeddedServer({ dir: '/tmp/sq-big/pg', database: 'postgres', settings: BENCH_SERVER_SETTINGS })
fs.writeFileSync('/tmp/sq-big/url', server.url)
console.log('READY', server.url)
setInterval(() => {}, 1 << 30)
