/**
 * The time zones of Russia as people name them (issue 16): «Москва (UTC+3)», not «Europe/Moscow». The IANA
 * name stays what is stored and what the CLI accepts; screens and files show the label. Client-safe.
 */
export const RUSSIAN_ZONES: readonly { zone: string; label: string }[] = [
  { zone: 'Europe/Kaliningrad', label: 'Калининград (UTC+2)' },
  { zone: 'Europe/Moscow', label: 'Москва (UTC+3)' },
  { zone: 'Europe/Volgograd', label: 'Волгоград (UTC+3)' },
  { zone: 'Europe/Kirov', label: 'Киров (UTC+3)' },
  { zone: 'Europe/Samara', label: 'Самара (UTC+4)' },
  { zone: 'Europe/Saratov', label: 'Саратов (UTC+4)' },
  { zone: 'Europe/Ulyanovsk', label: 'Ульяновск (UTC+4)' },
  { zone: 'Europe/Astrakhan', label: 'Астрахань (UTC+4)' },
  { zone: 'Asia/Yekaterinburg', label: 'Екатеринбург (UTC+5)' },
  { zone: 'Asia/Omsk', label: 'Омск (UTC+6)' },
  { zone: 'Asia/Novosibirsk', label: 'Новосибирск (UTC+7)' },
  { zone: 'Asia/Barnaul', label: 'Барнаул (UTC+7)' },
  { zone: 'Asia/Tomsk', label: 'Томск (UTC+7)' },
  { zone: 'Asia/Novokuznetsk', label: 'Новокузнецк (UTC+7)' },
  { zone: 'Asia/Krasnoyarsk', label: 'Красноярск (UTC+7)' },
  { zone: 'Asia/Irkutsk', label: 'Иркутск (UTC+8)' },
  { zone: 'Asia/Chita', label: 'Чита (UTC+9)' },
  { zone: 'Asia/Yakutsk', label: 'Якутск (UTC+9)' },
  { zone: 'Asia/Vladivostok', label: 'Владивосток (UTC+10)' },
  { zone: 'Asia/Sakhalin', label: 'Сахалин (UTC+11)' },
  { zone: 'Asia/Magadan', label: 'Магадан (UTC+11)' },
  { zone: 'Asia/Srednekolymsk', label: 'Среднеколымск (UTC+11)' },
  { zone: 'Asia/Kamchatka', label: 'Камчатка (UTC+12)' },
  { zone: 'Asia/Anadyr', label: 'Анадырь (UTC+12)' },
]

const LABELS = new Map(RUSSIAN_ZONES.map((z) => [z.zone, z.label]))

/** «Europe/Moscow» → «Москва (UTC+3)»; a zone outside Russia keeps its IANA name. */
export function zoneLabel(zone: string): string {
  return LABELS.get(zone) ?? zone
}
