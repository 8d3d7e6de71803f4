/** A generated calls log (CSV), for the import benchmarks. */
import fs from 'node:fs'
import { prng } from '#app/demo/generate.ts'

export const CALLS_HEADER = 'call_id,direction,line,started_at,answered_at,ended_at,agent,category,callback_required,callback_at,caller_phone'

/** N calls as CSV with ISO timestamps (which a raw COPY can read too), deterministic. */
export function writeCalls(file: string, rows: number): void {
  const rand = prng(7)
  const fd = fs.openSync(file, 'w')
  let chunk = `${CALLS_HEADER}\n`
  const t0 = Date.UTC(2025, 0, 1, 5)
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00')
  for (let i = 0; i < rows; i++) {
    const start = t0 + Math.floor((i * (365 * 86_400_000)) / rows)
    const answered = rand() < 0.9
    const answerAt = start + Math.floor(rand() * 60_000)
    const end = (answered ? answerAt : start) + 20_000 + Math.floor(rand() * 300_000)
    const callback = answered && rand() < 0.05
    chunk += `${1735700000 + i}.${i % 1000},in,Горячая линия 8-800,${iso(start)},${answered ? iso(answerAt) : ''},${iso(end)},${answered ? `оператор ${i % 17}` : ''},${answered ? '1.1' : ''},${callback ? '1' : '0'},${callback ? iso(end + 3_600_000) : ''},+7 916 ${String(i % 10_000_000).padStart(7, '0')}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
}
