import { unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { displayFileName, uploadedFileName, withEscapedFileNames } from './multipart-names.server.ts'

/** A multipart request as a browser sends it, its body cut into chunks of `size` bytes. */
async function upload(name: string, content: string, size: number): Promise<Request> {
  const form = new FormData()
  form.set('kind', 'appeals')
  form.set('file', new Blob([content], { type: 'text/csv' }), name)
  const made = new Request('http://localhost/imports/upload', { method: 'POST', body: form })
  const bytes = new Uint8Array(await made.arrayBuffer())
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size))
      controller.close()
    },
  })
  return new Request(made.url, { method: 'POST', headers: made.headers, body, duplex: 'half' } as RequestInit)
}

async function parse(request: Request) {
  let name = ''
  const form = await unstable_parseMultipartFormData(request, async (part) => {
    if (part.filename) name = uploadedFileName(part.filename)
    return unstable_createMemoryUploadHandler()(part)
  })
  return { name, kind: form.get('kind'), text: await (form.get('file') as File).text() }
}

describe('the user’s file name survives the upload', () => {
  const content = 'Номер;Дата\r\n--not-a-boundary;=\r\n\r\nfilename="x;y"\r\n'
  for (const name of ['отчёт; март=2025.xlsx', 'a=b.csv', 'a;b;c.csv', '100% готово.csv', 'обычный.csv', 'кавычка "в" имени.csv'])
    it(`«${name}»`, async () => {
      // Remix's parser alone refuses names with `;` or `=`
      if (/[;=]/.test(name)) await expect(parse(await upload(name, content, 1 << 20))).rejects.toThrow(/malformed content-disposition/)
      for (const size of [1, 7, 64, 1 << 20]) {
        const parsed = await parse(withEscapedFileNames(await upload(name, content, size)))
        expect(parsed).toEqual({ name, kind: 'appeals', text: content })
      }
    })

  it('a name is shown without a path, control or direction-override characters', () => {
    expect(displayFileName('..\\..\\etc/passwd')).toBe('passwd')
    expect(displayFileName('счёт\u202Eslx.exe')).toBe('счётslx.exe')
    expect(displayFileName('a\r\nb.csv')).toBe('ab.csv')
    expect(displayFileName('')).toBe('файл')
    expect(displayFileName('я'.repeat(300))).toHaveLength(255)
  })
})
