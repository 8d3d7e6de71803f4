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
} as const satisfies Record<string, MetricMeta>

export type MetricId = keyof typeof metricCatalog
