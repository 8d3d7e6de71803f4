/**
 * Classification policies of regulation.md I.4 and the dynamics formula of C.0 / I.3: organisation settings
 * with the defaults of the spec, printed in every file's «О файле». Client-safe.
 */
import { z } from 'zod'
import { appealForm, callCategory, labelOf } from '#reports/vocabulary.ts'
import { countOf, WORDS } from '#reports/plural.ts'

const formCode = z.enum(Object.keys(appealForm) as [keyof typeof appealForm, ...(keyof typeof appealForm)[]])

export const policiesSchema = z
  .object({
    /** I.4.1–2: a channel (as the register writes it) counted as another form of service */
    channelForms: z.array(z.object({ channel: z.string().trim().min(1).max(200), form: formCode }).strict()).max(100),
    /** I.4.5: repeated appeals (with «повторное_к») count in 4.1 and 4.9 */
    countRepeats: z.boolean(),
    /** I.4.3: call categories (Appendix 4) left out of table 4.3 */
    callsExcludeCategories: z.array(z.enum(Object.keys(callCategory) as [string, ...string[]])).max(20),
    /** I.4.4: column 8 of 4.2 counts every ticket or only the visitors called to a window */
    officeVisits: z.enum(['all', 'served']),
    /** C.0: percent change (N − N‑1) ÷ N‑1 × 100, or the ratio N ÷ N‑1 */
    dynamics: z.enum(['percent', 'ratio']),
    decimals: z.number().int().min(0).max(3),
  })
  .strict()

export type ReportPolicies = z.infer<typeof policiesSchema>

export const DEFAULT_POLICIES: ReportPolicies = {
  channelForms: [
    { channel: 'Личный кабинет', form: 'internet' },
    { channel: 'Электронная приёмная', form: 'internet' },
    { channel: 'Электронная почта', form: 'internet' },
    { channel: 'Госуслуги', form: 'internet' },
    { channel: 'Светлая страна', form: 'internet' },
    // appeals from outside platforms (issue #17, source-systems.md): a policy, not a fact — editable
    { channel: 'Платформа обратной связи', form: 'internet' },
    { channel: 'Портал ТП', form: 'internet' },
    { channel: 'ЦУР', form: 'other' },
    { channel: 'Инцидент Менеджмент', form: 'other' },
    { channel: 'Мессенджер', form: 'internet' },
    { channel: 'Социальные сети', form: 'other' },
    { channel: 'Факс', form: 'other' },
    { channel: 'Письменное обращение в офисе', form: 'in_person' },
  ],
  countRepeats: true,
  callsExcludeCategories: [],
  officeVisits: 'all',
  dynamics: 'percent',
  decimals: 1,
}

/** Stored policies over the defaults (a missing key takes its default; an invalid stored value is ignored). */
export function policiesFrom(stored: unknown): ReportPolicies {
  if (!stored || typeof stored !== 'object') return DEFAULT_POLICIES
  const merged = { ...DEFAULT_POLICIES, ...(stored as object) }
  const parsed = policiesSchema.safeParse(merged)
  return parsed.success ? parsed.data : DEFAULT_POLICIES
}

/** A channel as it is compared: trimmed, lower case, ё as е, single spaces (the same rule in SQL). */
export function channelKey(channel: string): string {
  return channel.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ')
}

/** The dynamics of a figure; null prints as «–» (no previous figure, or a previous zero). */
export function dynamicsOf(previous: number | null, current: number | null, p: Pick<ReportPolicies, 'dynamics' | 'decimals'>): number | null {
  if (previous === null || current === null || previous === 0) return null
  const value = p.dynamics === 'percent' ? ((current - previous) / previous) * 100 : current / previous
  const f = 10 ** p.decimals
  return Math.round(value * f) / f || 0 // never «-0»
}

export const DYNAMICS_LABEL = {
  percent: 'изменение в процентах: (N − N‑1) ÷ N‑1 × 100',
  ratio: 'отношение N ÷ N‑1',
} as const

/** The policies in words, for «О файле» and the report page. */
export function describePolicies(p: ReportPolicies): [string, string][] {
  return [
    [
      'Форма обслуживания по каналу (I.4.1–2)',
      p.channelForms.length
        ? p.channelForms.map((c) => `«${c.channel}» → ${labelOf(appealForm, c.form)}`).join('; ')
        : 'по полю «форма» журнала, без исключений',
    ],
    ['Повторные обращения (I.4.5)', p.countRepeats ? 'учитываются как отдельные обращения' : 'не учитываются в 4.1 и 4.9'],
    [
      'Звонки в таблице 4.3 (I.4.3)',
      p.callsExcludeCategories.length
        ? `все входящие, кроме категорий ${p.callsExcludeCategories.map((c) => `${c} «${labelOf(callCategory, c)}»`).join(', ')}`
        : 'все входящие звонки',
    ],
    ['Графа 8 таблицы 4.2 (I.4.4)', p.officeVisits === 'all' ? 'все выданные талоны' : 'только посетители, вызванные к окну'],
    ['Динамика изменения показателя', `${DYNAMICS_LABEL[p.dynamics]}, ${countOf(p.decimals, WORDS.sign)} после запятой; при N‑1 = 0 — «–»`],
  ]
}
