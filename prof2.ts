import pg from 'pg'
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { openDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { mergeSql } from '#app/imports/pipeline.server.ts'
import { kindSpecs } from '#app/imports/kinds.ts'
const d = await openDatabase({ DATABASE_URL: 'postgres://postgres@127.0.0.1:55440/app_test' })
await migrateToLatest(d.db)
const org = await getOrganisation(d.db)
const c = await d.pool.connect()
const H = 'call_id,direction,line,started_at,answered_at,ended_at,agent,category,callback_required,callback_at,appeal_reg_number,caller_phone'
const time = async (label: string, f: () => Promise<unknown>) => { const t = performance.now(); const r = await f(); console.log(label, ((performance.now() - t) / 1000).toFixed(2)); return r }
await c.query('begin')
await c.query(`create temp table import_stage (src_line serial, ${H.split(',').map(h => `"${h}" ${/_at$/.test(h) ? 'timestamptz' : h === 'callback_required' ? 'boolean' : 'text'}`).join(',')}) on commit drop`)
await time('stage copy', () => pipeline(fs.createReadStream('bench/out/calls-1000000.csv'), c.query(copyFrom(`copy import_stage (${H.replace(',appeal_reg_number', '')}) from stdin with (format csv, header true)`))))
await time('dup check', () => c.query(`select call_id, array_agg(src_line) from import_stage group by call_id having count(*) > 1`))
await time('merge (on conflict)', () => c.query(mergeSql(kindSpecs.calls), [org.id, null]))
await c.query('rollback')
await c.query('begin')
await c.query(`create temp table import_stage (src_line serial, ${H.split(',').map(h => `"${h}" ${/_at$/.test(h) ? 'timestamptz' : h === 'callback_required' ? 'boolean' : 'text'}`).join(',')}) on commit drop`)
await pipeline(fs.createReadStream('bench/out/calls-1000000.csv'), c.query(copyFrom(`copy import_stage (${H.replace(',appeal_reg_number', '')}) from stdin with (format csv, header true)`)))
await time('analyze', () => c.query('analyze import_stage'))
const cols = H.split(',').map(h => `"${h}"`).join(',')
await time('plain insert anti-join', () => c.query(`insert into call (org_id, ${cols}) select $1, ${cols} from import_stage s where not exists (select 1 from call t where t.org_id = $1 and t.call_id = s.call_id)`, [org.id]))
await c.query('rollback')
c.release(); await d.close()
