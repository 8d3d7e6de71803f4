/**
 * Latency of signed-in pages of a running product: `node bench/page-latency.mjs [path…]`
 * (BASE, LOGIN, PASSWORD from the environment; default the landing page and the cockpit). Signs in once,
 * warms each page once, then asks 20 times one after another and 20 times all at once; prints p50/p95.
 */
const base = process.env.BASE ?? 'http://127.0.0.1:3000'
const login = process.env.LOGIN ?? 'rukovoditel'
const password = process.env.PASSWORD ?? 'demo-manager-2025'
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['/', '/dashboard?period=year&year=2025']
const N = 20

const signIn = await fetch(`${base}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
  body: new URLSearchParams({ login, password }),
})
const cookie = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ')
if (!cookie) throw new Error(`вход не удался: ${signIn.status}`)

const once = async (path) => {
  const t = performance.now()
  const r = await fetch(`${base}${path}`, { headers: { cookie } })
  await r.arrayBuffer()
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`)
  return performance.now() - t
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]
const ms = (x) => `${x.toFixed(1)} мс`
for (const path of paths) {
  const cold = await once(path)
  const serial = []
  for (let i = 0; i < N; i++) serial.push(await once(path))
  const parallel = await Promise.all(Array.from({ length: N }, () => once(path)))
  console.log(
    `${path}\n  первый запрос: ${ms(cold)}\n  ${N} подряд: p50 ${ms(pct(serial, 50))}, p95 ${ms(pct(serial, 95))}\n  ${N} одновременно: p50 ${ms(pct(parallel, 50))}, p95 ${ms(pct(parallel, 95))}`,
  )
}
