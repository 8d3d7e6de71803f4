/**
 * Every figure is defined once: a Russian label, a plain definition (what is counted, at which instant,
 * with which exclusions), a unit and which direction is better. Screens, hints and exported files read
 * the same entry. Client-safe.
 */
export type MetricUnit = 'count' | 'share' | 'seconds' | 'score' | 'points'

export interface MetricMeta {
  label: string
  definition: string
  /** `score`: a mean on a survey scale (1–5, 1–7); `points`: an index from −100 to 100 (NPS) */
  unit: MetricUnit
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
    unit: 'seconds',
    better: 'lower',
  },

  // dashboard: appeals by receipt
  'appeals.received': {
    label: 'Поступило обращений',
    definition: 'Обращения, зарегистрированные в периоде (дата поступления по местному времени организации), любой формы и темы.',
    unit: 'count',
    better: 'neither',
  },
  'appeals.complaints': {
    label: 'Жалобы',
    definition: 'Из поступивших в периоде — обращения, содержащие жалобу (заполнена тема жалобы).',
    unit: 'count',
    better: 'lower',
  },
  'appeals.requests': {
    label: 'Заявки на услуги',
    definition: 'Из поступивших в периоде — обращения, содержащие заявку на оказание услуг (заполнен тип заявки).',
    unit: 'count',
    better: 'neither',
  },
  'appeals.contracts_concluded': {
    label: 'Заключены договоры',
    definition:
      'Из поступивших в периоде — обращения, по результатам которых заключен договор технологического присоединения или ' +
      'оказания услуг по передаче электрической энергии (поле «заключен_договор» не пустое и не «нет»), по данным журнала на момент расчёта.',
    unit: 'count',
    better: 'neither',
  },
  'appeals.complaints_settled': {
    label: 'Урегулированы жалобы',
    definition: 'Из поступивших в периоде — обращения, по которым жалоба урегулирована (признак «жалоба_урегулирована»), по данным журнала на момент расчёта.',
    unit: 'count',
    better: 'higher',
  },

  // dashboard: phone lines
  'calls.offered': {
    label: 'Входящих звонков',
    definition: 'Входящие звонки, поступившие в очередь в периоде (начало звонка по местному времени), отвеченные и неотвеченные.',
    unit: 'count',
    better: 'neither',
  },
  'calls.answered': {
    label: 'Принято',
    definition: 'Входящие звонки периода, на которые ответил оператор.',
    unit: 'count',
    better: 'higher',
  },
  'calls.abandoned': {
    label: 'Потеряно',
    definition:
      'Входящие звонки периода без ответа оператора, кроме коротких (абонент ждал меньше порога короткого сброса: такие ' +
      'звонки не успевают быть принятыми и обычно ошибочны).',
    unit: 'count',
    better: 'lower',
  },
  'calls.short_abandoned': {
    label: 'Короткие сбросы',
    definition: 'Входящие звонки периода без ответа, в которых абонент ждал меньше порога короткого сброса (настройка организации).',
    unit: 'count',
    better: 'neither',
  },
  'calls.abandoned_share': {
    label: 'Доля потерянных',
    definition: 'Потеряно ÷ (входящих − короткие сбросы).',
    unit: 'share',
    better: 'lower',
  },
  'calls.answered_in_sl': {
    label: 'Принято в пределах порога',
    definition: 'Входящие звонки периода, принятые оператором не позднее порога уровня обслуживания от поступления в очередь.',
    unit: 'count',
    better: 'higher',
  },
  'calls.service_level': {
    label: 'Уровень обслуживания',
    definition:
      'Принято в пределах порога ÷ (входящих − короткие сбросы). Порог — настройка организации, по умолчанию норматив ' +
      'ответа на звонок из правил сроков (иначе 20 с).',
    unit: 'share',
    better: 'higher',
  },
  'calls.mean_wait': {
    label: 'Среднее ожидание ответа',
    definition: 'Среднее время от поступления в очередь до ответа оператора по принятым входящим звонкам периода (ASA).',
    unit: 'seconds',
    better: 'lower',
  },
  'calls.mean_handling': {
    label: 'Средняя длительность разговора',
    definition: 'Среднее время от ответа оператора до окончания звонка по принятым входящим звонкам периода.',
    unit: 'seconds',
    better: 'neither',
  },
  'calls.outbound': {
    label: 'Исходящих звонков',
    definition: 'Исходящие звонки (оповещения, перезвоны, опросы), начатые в периоде.',
    unit: 'count',
    better: 'neither',
  },
  'calls.callbacks_promised': {
    label: 'Обещан перезвон',
    definition: 'Звонки периода, в которых ответ не удалось дать во время разговора и нужен перезвон с ответом.',
    unit: 'count',
    better: 'neither',
  },
  'calls.callbacks_in_time': {
    label: 'Перезвон в срок',
    definition: 'Из обещанных перезвонов — сделанные не позднее норматива перезвона (правило сроков) от окончания звонка.',
    unit: 'count',
    better: 'higher',
  },
  'calls.callbacks_in_time_share': {
    label: 'Доля перезвонов в срок',
    definition: 'Перезвон в срок ÷ обещан перезвон. Перезвон, ещё не сделанный, в срок не засчитывается.',
    unit: 'share',
    better: 'higher',
  },

  // dashboard: offices
  'visits.total': {
    label: 'Посещений',
    definition: 'Талоны электронной очереди, выданные в периоде (по местному времени организации).',
    unit: 'count',
    better: 'neither',
  },
  'visits.served': {
    label: 'Вызвано к окну',
    definition: 'Талоны периода, по которым посетитель вызван к окну.',
    unit: 'count',
    better: 'higher',
  },
  'visits.no_shows': {
    label: 'Неявки',
    definition: 'Талоны периода без вызова к окну: посетитель ушёл, не дождавшись.',
    unit: 'count',
    better: 'lower',
  },
  'visits.mean_wait': {
    label: 'Среднее ожидание',
    definition: 'Среднее время от выдачи талона до вызова к окну по вызванным посетителям периода.',
    unit: 'seconds',
    better: 'lower',
  },
  'visits.p90_wait': {
    label: 'Ожидание, 90-й процентиль',
    definition:
      'Время ожидания, которое не превысили 90 % вызванных посетителей периода. Считается по распределению с шагом 1 мин ' +
      '(до 30 мин), 5 мин (до 1 ч), 15 мин (до 2 ч) с линейной интерполяцией внутри шага; свыше 2 ч — «более 2 ч».',
    unit: 'seconds',
    better: 'lower',
  },
  'visits.mean_service': {
    label: 'Среднее обслуживание',
    definition: 'Среднее время от вызова к окну до окончания обслуживания по обслуженным посетителям периода.',
    unit: 'seconds',
    better: 'neither',
  },
  'visits.p90_service': {
    label: 'Обслуживание, 90-й процентиль',
    definition: 'Время обслуживания, которое не превысили 90 % обслуженных посетителей периода (тот же способ, что для ожидания).',
    unit: 'seconds',
    better: 'neither',
  },
  'visits.within_wait_norm': {
    label: 'Ожидание в пределах норматива',
    definition:
      'Вызванные посетители периода, ждавшие не дольше норматива ожидания своего вида услуги (первое подходящее правило ' +
      'сроков «выдача талона → вызов»). Посетители, к которым норматив не относится, не учитываются.',
    unit: 'count',
    better: 'higher',
  },
  'visits.within_wait_norm_share': {
    label: 'Доля ожидавших в пределах норматива',
    definition: 'Ожидание в пределах норматива ÷ вызванные посетители, к которым относится норматив ожидания.',
    unit: 'share',
    better: 'higher',
  },

  // consumer surveys (answers by the day they were submitted, in the organisation's zone)
  'surveys.responses': {
    label: 'Получено анкет',
    definition:
      'Анкеты опросов, заполненные в периоде (по ссылке, по QR-коду в офисе или оператором по телефону). Каждая анкета — один опрошенный потребитель.',
    unit: 'count',
    better: 'higher',
  },
  'surveys.conducted': {
    label: 'Проведено опросов',
    definition: 'Опросы, по которым в периоде получена хотя бы одна анкета.',
    unit: 'count',
    better: 'neither',
  },
  'surveys.invitations': {
    label: 'Отправлено приглашений',
    definition:
      'Персональные (одноразовые) ссылки на опрос, созданные в периоде: выпуски ссылок по закрытым обращениям и ссылки, привязанные к обращению, звонку или посещению. QR-коды офисов не считаются: число увидевших их неизвестно.',
    unit: 'count',
    better: 'neither',
  },
  'surveys.invitations_answered': {
    label: 'Ответили по приглашению',
    definition: 'Из персональных ссылок, созданных в периоде, — те, по которым получена анкета (на момент расчёта).',
    unit: 'count',
    better: 'higher',
  },
  'surveys.response_rate': {
    label: 'Доля ответивших',
    definition: 'Ответили по приглашению ÷ отправлено приглашений (по ссылкам, созданным в периоде).',
    unit: 'share',
    better: 'higher',
  },
  'surveys.csat': {
    label: 'Удовлетворённость (CSAT)',
    definition:
      'Доля оценок «4» и «5» среди всех ответов на вопросы-оценки по шкале 1–5 в анкетах периода (если в анкете несколько таких вопросов, учитывается каждый ответ).',
    unit: 'share',
    better: 'higher',
  },
  'surveys.csat_mean': {
    label: 'Средняя оценка (1–5)',
    definition: 'Среднее арифметическое ответов на вопросы-оценки по шкале 1–5 в анкетах периода.',
    unit: 'score',
    better: 'higher',
  },
  'surveys.nps': {
    label: 'Индекс готовности рекомендовать (NPS)',
    definition:
      'Доля ответов 9–10 минус доля ответов 0–6 на вопросы «порекомендуете ли вы» по шкале 0–10 в анкетах периода, в пунктах от −100 до +100.',
    unit: 'points',
    better: 'higher',
  },
  'surveys.ces': {
    label: 'Лёгкость решения вопроса (CES)',
    definition:
      'Среднее ответов на вопрос «насколько легко было решить ваш вопрос» по шкале 1–7 (1 — очень трудно, 7 — очень легко) в анкетах периода.',
    unit: 'score',
    better: 'higher',
  },
} as const satisfies Record<string, MetricMeta>

export type MetricId = keyof typeof metricCatalog
