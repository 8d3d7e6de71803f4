import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'

export const SAMPLES = path.resolve(import.meta.dirname, '../files')
export const sample = (name: string) => path.join(SAMPLES, name)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-files-'))

/** Writes a throw-away file for one test and returns its path. */
export function tmpFile(name: string, content: string | Buffer): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2, 8)}-${name}`)
  fs.writeFileSync(file, content)
  return file
}

/** A minimal zip (deflate) with the given parts: enough to build hostile "XLSX" files. */
export function zipFile(name: string, parts: Record<string, Buffer>): string {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [fileName, data] of Object.entries(parts)) {
    const compressed = zlib.deflateRawSync(data, { level: 9 })
    const nameBytes = Buffer.from(fileName)
    const crc = zlib.crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, compressed)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + compressed.length
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(centrals.length / 2, 8)
  end.writeUInt16LE(centrals.length / 2, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return tmpFile(name, Buffer.concat([...locals, ...centrals, end]))
}
