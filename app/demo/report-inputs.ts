/**
 * The demo organisation's sections of Appendix 7 that do not come from the logs, so the form is filled in
 * as a real filing would be: reference data for the demo year and the year before.
 */
export function demoReportInputs(year: number): { year: number; table: string; data: Record<string, unknown> }[] {
  const values = (rows: Record<string, number>) => ({ values: Object.fromEntries(Object.entries(rows).map(([code, value]) => [code, { value }])) })
  return [
    {
      year: year - 1,
      table: '1.1',
      data: values({
        '1': 182_400,
        '1.1': 176_950,
        '1.2': 5_450,
        '2.1': 40,
        '2.2': 610,
        '2.3': 4_980,
        '2.4': 176_770,
        '3.1': 120,
        '3.2': 9_300,
        '3.3': 172_980,
      }),
    },
    {
      year,
      table: '1.1',
      data: values({
        '1': 185_120,
        '1.1': 179_480,
        '1.2': 5_640,
        '2.1': 41,
        '2.2': 625,
        '2.3': 5_060,
        '2.4': 179_394,
        '3.1': 124,
        '3.2': 9_410,
        '3.3': 175_586,
      }),
    },
    { year: year - 1, table: '2.1', data: values({ '1': 2.41, '2': 1.37, '3': 0.62, '4': 0.21 }) },
    { year, table: '2.1', data: values({ '1': 2.18, '2': 1.29, '3': 0.58, '4': 0.19 }) },
    { year, table: '4.3', data: { phones: '8-800-100-00-00 (горячая линия, круглосуточно); 8 (4012) 00-00-00 (центр обработки вызовов, пн–пт 8:00–20:00)' } },
    {
      year,
      table: '4.4',
      data: {
        items: [
          {
            kind: 'Личный кабинет потребителя',
            address: 'https://lk.demo-energo.ru',
            description: 'заявки на ТП, показания приборов учёта, обращения, статус рассмотрения',
          },
          { kind: 'Интернет-приёмная', address: 'https://demo-energo.ru/priemnaya', description: 'обращения и жалобы в электронной форме' },
          { kind: 'Портал «Светлая страна»', address: 'https://светлаястрана.рф', description: 'обращения о качестве электроснабжения' },
        ],
      },
    },
    { year: year - 1, table: '4.7', data: values({ '1': 2, '2': 1_150, '3': 4.3, '4': 82.4 }) },
    { year, table: '4.7', data: values({ '1': 4, '2': 2_310, '3': 4.4, '4': 85.1 }) },
    {
      year,
      table: '4.8',
      data: {
        items: [
          { measure: 'Электронная очередь в ЦОП «Северный» и «Южный»', status: 'выполнено', result: 'среднее ожидание сократилось' },
          { measure: 'Обратный звонок по обращениям, принятым по телефону', status: 'выполнено', result: 'перезвон в течение 4 часов' },
          { measure: 'Мобильный офис в отдалённых посёлках', status: 'планируется', result: '' },
        ],
      },
    },
  ]
}
