/**
 * The publication of a filed Appendix 7 (Order 186 requires it on the organisation's website; issue 15):
 * the form's tables as filed — every table except 4.9, whose rows are single appeals — as a static HTML
 * file the organisation can put on its site and as a downloadable XLSX. Nothing of an appeal is in it:
 * only the tables of counts and averages and what the organisation typed in about itself. An
 * administrator may also switch on a public address served by the product, per snapshot, and revoke it.
 */
import { randomBytes } from 'node:crypto'
import { buffer } from 'node:stream/consumers'
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { InputError } from '#reports/errors.ts'
import { type Cell, cellText } from '#reports/sheet-writer/model.ts'
import { type PrintSpec, type SheetSpec, writeReportBook } from '#reports/sheet-writer/writer.server.ts'
import { safeText } from '#reports/export/workbook.server.ts'
import type { Appendix7Report } from './build.server.ts'
import { withYears } from './template.ts'

export interface PublishedTable {
  code: string
  section: string
  title: string
  widths: readonly number[]
  header: Cell[][]
  body: Cell[][]
}

/** What a snapshot keeps for its publication: the heading and the tables except the register. */
export interface PublishedForm {
  appendix: string
  title: string
  caption: string
  org: string
  year: number
  templateVersion: string
  basis: string
  sections: Record<string, string>
  tables: PublishedTable[]
  /** the register's code and title: named as left out */
  register: { code: string; title: string } | null
}

export function publishedFormOf(report: Appendix7Report): PublishedForm {
  const { ctx, built } = report
  const h = ctx.template.heading
  return {
    appendix: h.appendix,
    title: `${h.title} ${ctx.org.name} ${withYears(h.period, ctx.year)}`,
    caption: h.caption,
    org: ctx.org.name,
    year: ctx.year,
    templateVersion: ctx.template.version,
    basis: ctx.template.basis,
    sections: Object.fromEntries(Object.entries(ctx.template.sections).filter((e): e is [string, string] => typeof e[1] === 'string')),
    tables: built.tables.map((t) => ({ code: t.code, section: t.section, title: t.title, widths: t.widths, header: t.header, body: t.body })),
    register: built.register ? { code: built.register.code, title: withYears(built.register.title, ctx.year) } : null,
  }
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function tableHtml(t: PublishedTable): string {
  const cell = (tag: 'th' | 'td', c: Cell) => {
    const attrs = `${(c.colspan ?? 1) > 1 ? ` colspan="${c.colspan}"` : ''}${(c.rowspan ?? 1) > 1 ? ` rowspan="${c.rowspan}"` : ''}${tag === 'td' && (typeof c.v === 'number' || c.s === 'center') ? ' class="num"' : ''}${c.s?.endsWith('Bold') ? ' style="font-weight:bold"' : ''}`
    return `<${tag}${attrs}>${escape(cellText(c))}</${tag}>`
  }
  return (
    `<table><thead>${t.header.map((row) => `<tr>${row.map((c) => cell('th', c)).join('')}</tr>`).join('')}</thead>` +
    `<tbody>${t.body.map((row) => `<tr>${row.map((c) => cell('td', c)).join('')}</tr>`).join('')}</tbody></table>`
  )
}

export interface FilingFacts {
  filedOn: string | null
  number: string | null
}

/** The publication as one self-contained HTML file (no scripts, no outside resources). */
export function publicationHtml(form: PublishedForm, filing: FilingFacts): string {
  let section = ''
  const body: string[] = []
  for (const t of form.tables) {
    if (t.section !== section) {
      section = t.section
      body.push(`<h2>Раздел ${escape(section)}. ${escape(form.sections[section] ?? '')}</h2>`)
    }
    body.push(`<h3>Таблица ${escape(t.code)}. ${escape(t.title)}</h3>`, tableHtml(t))
  }
  if (form.register) {
    body.push(
      `<h3>Таблица ${escape(form.register.code)}. ${escape(form.register.title)}</h3>`,
      '<p class="note">Таблица содержит строку по каждому обращению потребителя и не публикуется: она представлена в уполномоченный орган в составе поданного отчёта.</p>',
    )
  }
  const filed = filing.filedOn
    ? `Представлена ${escape(filing.filedOn.split('-').reverse().join('.'))}${filing.number ? `, вх. № ${escape(filing.number)}` : ''}.`
    : ''
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(form.title)}</title>
<style>
body{font-family:"PT Sans","DejaVu Sans",Arial,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#111;line-height:1.35}
h1{font-size:1.35rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}th,td{border:1px solid #555;padding:.25rem .4rem;vertical-align:top}
th{background:#f0f0f0;font-weight:bold;text-align:center}td.num{text-align:center}.muted,.note{color:#444;font-size:.9rem}
@media print{body{margin:0;max-width:none}table{page-break-inside:auto}tr{page-break-inside:avoid}thead{display:table-header-group}}
</style></head>
<body>
<p class="muted">${escape(form.appendix)}</p>
<h1>${escape(form.title)}</h1>
<p class="muted">${escape(form.basis)} ${filed}</p>
${body.join('\n')}
</body></html>
`
}

/** The publication as XLSX: the same tables, one sheet each, print-ready. */
export async function publicationFile(form: PublishedForm): Promise<Buffer> {
  const print = (t: PublishedTable): PrintSpec => ({
    orientation: t.widths.reduce((a, b) => a + b, 0) > 95 ? 'landscape' : 'portrait',
    repeatRows: [3, 2 + t.header.length],
    title: `${form.title}. Таблица ${t.code}`,
    org: form.org,
  })
  const specs: SheetSpec[] = form.tables.map((t) => ({ name: t.code, widths: t.widths, freezeRows: 2 + t.header.length, print: print(t) }))
  const about: [string, string][] = [
    ['Отчёт', form.title],
    ['Макет формы', form.basis],
    ['Версия шаблона', form.templateVersion],
    ['Не публикуется', form.register ? `таблица ${form.register.code} (строка по каждому обращению потребителя)` : ''],
  ]
  return buffer(
    writeReportBook('xlsx', specs, about, async (book) => {
      for (const t of form.tables) {
        const sheet = await book.next()
        await sheet.row([{ v: form.title, s: 'title', colspan: t.widths.length }])
        await sheet.row([{ v: `Таблица ${t.code}. ${t.title}`, s: 'title', colspan: t.widths.length }])
        for (const row of t.header) await sheet.row(row)
        for (const row of t.body) await sheet.row(row.map((c) => (typeof c.v === 'string' ? { ...c, v: safeText(c.v) } : c)))
        await sheet.end()
      }
    }),
  )
}

/** Publishes a filed, organisation-wide snapshot: the HTML and the file are made once and kept. */
export async function publishSnapshot(db: Db, scope: Scope, id: string, by: string): Promise<void> {
  if (scope.branches !== 'all') throw new InputError('Опубликовать отчёт организации может только пользователь, которому видна вся организация.')
  const row = await db
    .selectFrom('report_snapshot')
    .select(['id', 'tables', 'filed_at', 'filed_number', 'scope_branches', 'published_at', 'replaced_by'])
    .select(sql<string | null>`to_char(filed_on, 'YYYY-MM-DD')`.as('filed_on'))
    .where('org_id', '=', scope.orgId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new InputError('Зафиксированный отчёт не найден.')
  if (!row.filed_at) throw new InputError('Публикуется поданный отчёт: сначала отметьте подачу (дата и вх. №).')
  if (row.scope_branches !== null) throw new InputError('Публикуется только отчёт всей организации.')
  if (row.replaced_by) throw new InputError(`Отчёт заменён исправленным (№ ${row.replaced_by}): публикуйте исправленный.`)
  if (!row.tables) throw new InputError('Отчёт зафиксирован до появления публикаций: зафиксируйте его заново.')
  const form = row.tables as PublishedForm
  const html = publicationHtml(form, { filedOn: row.filed_on, number: row.filed_number })
  const file = await publicationFile(form)
  const done =
    await sql`update report_snapshot set published_html = ${html}, published_file = ${file}, published_at = now(), published_by_name = ${by} where id = ${id} and published_at is null`.execute(
      db,
    )
  if (!Number(done.numAffectedRows ?? 0)) throw new InputError('Отчёт уже опубликован.')
}

/** Switches the public address of a published snapshot on (a new unguessable token) or off (the token is forgotten: an old link stops working for good). */
export async function setPublicAddress(db: Db, scope: Scope, id: string, enabled: boolean): Promise<string | null> {
  const row = await db.selectFrom('report_snapshot').select(['published_at']).where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst()
  if (!row) throw new InputError('Зафиксированный отчёт не найден.')
  if (!row.published_at) throw new InputError('Сначала опубликуйте отчёт.')
  const token = enabled ? randomBytes(16).toString('base64url') : null
  await db.updateTable('report_snapshot').set({ public_enabled: enabled, public_token: token }).where('id', '=', id).where('org_id', '=', scope.orgId).execute()
  return token
}

/** The published page behind a public address, if it is switched on. */
export async function publicPage(db: Db, token: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return undefined
  const row = await db
    .selectFrom('report_snapshot')
    .select('published_html')
    .where('public_token', '=', token)
    .where('public_enabled', '=', true)
    .executeTakeFirst()
  return row?.published_html ?? undefined
}
