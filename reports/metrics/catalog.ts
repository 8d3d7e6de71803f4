/**
 * Every figure is defined once: a Russian label, a plain definition (what is counted, at which instant,
 * with which exclusions), a unit and which direction is better. Screens, hints and exported files read
 * the same entry. Client-safe.
 */
export interface MetricMeta {
  label: string
  definition: string
  unit: 'count' | 'share'
  better: 'higher' | 'lower' | 'neither'
}

export const metricCatalog = {
  'appeals.due_in_period': {
    label: 'Срок ответа наступил',
    definition:
      'Обращения, срок ответа по которым истёк в выбранном периоде (по местному времени организации; срок в днях ' +
      'истекает в 24:00 последнего дня). Обращения без правила срока не учитываются.',
    unit: 'count',
    better: 'neither',
  },
  'appeals.on_time': {
    label: 'Ответ в срок',
    definition: 'Из обращений со сроком в периоде — ответ дан не позднее срока и не позднее даты «по состоянию на».',
    unit: 'count',
    better: 'higher',
  },
  'appeals.late': {
    label: 'Ответ с нарушением срока',
    definition: 'Из обращений со сроком в периоде — ответ дан позже срока (но не позднее даты «по состоянию на»).',
    unit: 'count',
    better: 'lower',
  },
  'appeals.overdue': {
    label: 'Без ответа, срок истёк',
    definition: 'Из обращений со сроком в периоде — ответа на дату «по состоянию на» нет, а срок уже истёк.',
    unit: 'count',
    better: 'lower',
  },
  'appeals.open': {
    label: 'Срок ещё не истёк',
    definition: 'Из обращений со сроком в периоде — ответа на дату «по состоянию на» нет, срок ещё не истёк. В долю соблюдения не входят.',
    unit: 'count',
    better: 'neither',
  },
  'appeals.on_time_share': {
    label: 'Доля ответов в срок',
    definition:
      'Ответ в срок ÷ (ответ в срок + с нарушением + без ответа с истёкшим сроком), по обращениям со сроком в периоде, ' +
      'на дату «по состоянию на». Обращения, срок которых ещё не истёк, не учитываются.',
    unit: 'share',
    better: 'higher',
  },
  'appeals.at_risk': {
    label: 'На подходе к сроку',
    definition: 'Обращения без ответа на дату «по состоянию на», срок которых истекает в ближайшие N рабочих дней.',
    unit: 'count',
    better: 'lower',
  },
  'norms.records': {
    label: 'Записей',
    definition: 'Звонки или посещения, к которым относится норматив и чьё начальное событие (начало звонка, выдача талона…) попало в период.',
    unit: 'count',
    better: 'neither',
  },
  'norms.within': {
    label: 'В пределах норматива',
    definition: 'Записи, у которых от начального до конечного события прошло не больше норматива (на дату «по состоянию на»).',
    unit: 'count',
    better: 'higher',
  },
  'norms.beyond': {
    label: 'Сверх норматива',
    definition: 'Записи, у которых от начального до конечного события прошло больше норматива.',
    unit: 'count',
    better: 'lower',
  },
  'norms.missing': {
    label: 'Без конечного события',
    definition:
      'Записи без конечного события на дату «по состоянию на» (звонок без ответа, перезвон не сделан, посетитель не дождался). ' +
      'По правилу они либо считаются нарушением, когда норматив истёк, либо не оцениваются (неявка в офис).',
    unit: 'count',
    better: 'lower',
  },
  'norms.within_share': {
    label: 'Доля в пределах норматива',
    definition:
      'В пределах норматива ÷ (в пределах + сверх + без конечного события с истёкшим нормативом, если правило считает их нарушением).',
    unit: 'share',
    better: 'higher',
  },
  'norms.mean': {
    label: 'Среднее значение',
    definition: 'Среднее время от начального до конечного события по записям, где оба события есть. Для нормативов «в среднем» оно и сравнивается с нормативом.',
    unit: 'count',
    better: 'lower',
  },
} as const satisfies Record<string, MetricMeta>

export type MetricId = keyof typeof metricCatalog
