import crypto from 'node:crypto'
import zlib from 'node:zlib'
import { acceptsGzip, deflateParts, gzipJoined } from './gzip-parts.server.ts'

const joined = (parts: Buffer[], separator: Buffer) => Buffer.concat(parts.flatMap((p, i) => (i > 0 ? [separator, p] : [p])))

async function roundTrip(texts: string[], separator: string) {
  const parts = texts.map((t) => Buffer.from(t))
  const segments = await deflateParts(parts)
  const body = gzipJoined(parts, segments, Buffer.from(separator))
  // gunzip checks the CRC-32 and the length in the trailer: a wrong one throws
  expect(zlib.gunzipSync(body).equals(joined(parts, Buffer.from(separator)))).toBe(true)
  return { body, segments }
}

describe('a kept page compressed once, answered with a new nonce each time', () => {
  it('is one valid gzip member whatever the nonce, and the segments serve every answer', async () => {
    const page = `<html><script nonce="§">a</script>${'<svg><path d="M1,2L3,4"/></svg>'.repeat(5000)}«Сроки»<script nonce="§">b</script></html>`
    const parts = page.split('§').map((t) => Buffer.from(t))
    const segments = await deflateParts(parts)
    for (const nonce of ['AAAA', crypto.randomBytes(16).toString('base64'), crypto.randomBytes(16).toString('base64')]) {
      const body = gzipJoined(parts, segments, Buffer.from(nonce))
      expect(zlib.gunzipSync(body).toString()).toBe(page.replaceAll('§', nonce))
      expect(body.length).toBeLessThan(Buffer.byteLength(page) / 10)
    }
  })

  it('handles empty parts (a nonce first, last or twice in a row), one part and a large incompressible one', async () => {
    await roundTrip(['', 'x', '', ''], 'nonce')
    await roundTrip(['только один кусок'], 'nonce')
    await roundTrip([''], 'nonce')
    await roundTrip([crypto.randomBytes(300_000).toString('latin1'), 'конец'], 'n')
  })

  it('is decoded by a streaming inflater too (as a browser reads it, chunk by chunk)', async () => {
    const { body } = await roundTrip(['<p>', '</p>'.repeat(10_000)], 'abc')
    const gunzip = zlib.createGunzip()
    const out: Buffer[] = []
    gunzip.on('data', (c: Buffer) => out.push(c))
    const done = new Promise((resolve, reject) => gunzip.on('end', resolve).on('error', reject))
    for (let i = 0; i < body.length; i += 7) gunzip.write(body.subarray(i, i + 7))
    gunzip.end()
    await done
    expect(Buffer.concat(out).toString()).toBe(`<p>abc${'</p>'.repeat(10_000)}`)
  })

  it('a wrong checksum would be noticed: the trailer is the CRC-32 of the joined text', async () => {
    const parts = [Buffer.from('a'.repeat(1000)), Buffer.from('b')]
    const body = gzipJoined(parts, await deflateParts(parts), Buffer.from('N'))
    expect(body.readUInt32LE(body.length - 8)).toBe(zlib.crc32(joined(parts, Buffer.from('N'))) >>> 0)
    expect(body.readUInt32LE(body.length - 4)).toBe(1002)
    const broken = Buffer.from(body)
    broken.writeUInt32LE((broken.readUInt32LE(broken.length - 8) ^ 1) >>> 0, broken.length - 8)
    expect(() => zlib.gunzipSync(broken)).toThrow()
  })

  it('reads Accept-Encoding as browsers and proxies send it', () => {
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true)
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8, *;q=0.1')).toBe(true)
    expect(acceptsGzip('GZIP')).toBe(true)
    expect(acceptsGzip('*')).toBe(true)
    expect(acceptsGzip('gzip;q=0')).toBe(false)
    expect(acceptsGzip('gzip;q=0.000, br')).toBe(false)
    expect(acceptsGzip('br, deflate')).toBe(false)
    expect(acceptsGzip('gzip;q=0, *')).toBe(false)
    expect(acceptsGzip('*;q=0, gzip;q=0.5')).toBe(true)
    expect(acceptsGzip('*;q=0')).toBe(false)
    expect(acceptsGzip('gzip;q=abc')).toBe(false)
    expect(acceptsGzip('identity')).toBe(false)
    expect(acceptsGzip('')).toBe(false)
    expect(acceptsGzip(undefined)).toBe(false)
  })
})
