import { asciiFileName, contentDisposition, fileNameOf, orgPart } from './file-names.ts'

describe('one file-name scheme', () => {
  it('names a file by what, period and detail', () => {
    expect(fileNameOf({ what: 'Обращения', period: { from: '2025-01-01', to: '2025-12-31' }, ext: 'xlsx' })).toBe('Обращения_2025-01-01_2025-12-31.xlsx')
    expect(fileNameOf({ what: 'Приложение7', period: { year: 2025 }, detail: orgPart('АО «Электросеть»'), ext: 'xlsx' })).toBe(
      'Приложение7_2025_Электросеть.xlsx',
    )
    expect(fileNameOf({ what: 'Показатели', period: { from: '2025-03-31', to: '2025-03-31' }, ext: 'xlsx' })).toBe('Показатели_2025-03-31.xlsx')
    expect(fileNameOf({ what: 'Потерянные звонки', period: { day: '2025-03-10' }, detail: 'не связались', ext: 'xlsx' })).toBe(
      'Потерянные-звонки_2025-03-10_не-связались.xlsx',
    )
    expect(fileNameOf({ what: 'Ссылки-опроса', detail: ['№5', 'выпуск-2'], ext: 'xlsx' })).toBe('Ссылки-опроса_№5_выпуск-2.xlsx')
  })

  it('keeps no character a file system or browser refuses, and no quotes', () => {
    expect(orgPart('ПАО «Энерго/Сбыт»: "Север"')).toBe('Энерго-Сбыт-Север')
    expect(fileNameOf({ what: 'a\\b:c*d?e|f<g>h', ext: 'csv' })).toBe('a-b-c-d-e-f-g-h.csv')
    expect(fileNameOf({ what: '«»', ext: 'pdf' })).toBe('Файл.pdf')
    expect(orgPart('ООО ' + 'Очень длинное название организации '.repeat(3)).length).toBeLessThanOrEqual(40)
  })

  it('falls back to ASCII letters in filename= and gives the UTF-8 name in filename*=', () => {
    expect(asciiFileName('Обращения_2025-01-01_2025-12-31.xlsx')).toBe('Obrashcheniya_2025-01-01_2025-12-31.xlsx')
    expect(asciiFileName('Приложение7_2025_Электросеть.xlsx')).toBe('Prilozhenie7_2025_Elektroset.xlsx')
    expect(asciiFileName('Шаблон_Звонки.csv')).toBe('Shablon_Zvonki.csv')
    const header = contentDisposition("Звонки_2025_№1 (копия)'.xlsx")
    expect(header).toBe(
      `attachment; filename="Zvonki_2025_1_kopiya_.xlsx"; filename*=UTF-8''${encodeURIComponent("Звонки_2025_№1 (копия)'.xlsx").replace(/['()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    )
    expect(header).not.toMatch(/filename\*=UTF-8''[^;]*['()]/)
    // the browser's parser (and ours in download-link.tsx) reads the UTF-8 name back
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(header)![1]!
    expect(decodeURIComponent(encoded)).toBe("Звонки_2025_№1 (копия)'.xlsx")
  })
})
