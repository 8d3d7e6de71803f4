import jsQR from 'jsqr'
import { qrPath, surveyUrl } from './qr.server.ts'

/** Draws the modules into an RGBA bitmap (4 px per module) and reads it back as a phone would. */
function decode(text: string): string | undefined {
  const { size, modules } = qrPath(text)
  const scale = 4
  const width = size * scale
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255)
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (!dark) return
      for (let y = 0; y < scale; y++)
        for (let x = 0; x < scale; x++) {
          const i = ((r + 4) * scale + y) * width * 4 + ((c + 4) * scale + x) * 4
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0
        }
    }),
  )
  return jsQR(pixels, width, width)?.data
}

describe('QR codes for the waiting hall', () => {
  it('read back as the survey link they encode', () => {
    const url = 'https://quality.example.ru/s/AbCdEfGhIjKlMnOpQrStUv'
    expect(decode(url)).toBe(url)
  })

  it('the path draws exactly the dark modules', () => {
    const { d, modules } = qrPath('https://x.ru/s/1234567890abcdef')
    expect(d.match(/M/g)?.length).toBe(modules.flat().filter(Boolean).length)
  })

  it('links use PUBLIC_URL when set, else the request origin', () => {
    const request = new Request('http://10.0.0.5:3000/surveys/1/links')
    expect(surveyUrl(request, 'tok', {})).toBe('http://10.0.0.5:3000/s/tok')
    expect(surveyUrl(request, 'tok', { PUBLIC_URL: 'https://opros.example.ru/' })).toBe('https://opros.example.ru/s/tok')
  })
})
