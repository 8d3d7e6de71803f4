import { type Kysely, sql } from 'kysely'

/**
 * Branch codes (issue 16, ADR 022). A branch gets a short code, unique in its organisation (case-insensitive):
 * an offices file names the branch by code (`код_филиала`) or by its exact name, and a name the organisation
 * does not know is no longer turned into a new branch silently.
 *
 * Existing branches: the initials of the name's words in capitals («Северные электрические сети» → «СЭС»; a word
 * already in capitals is kept whole: «Северные ЭС» → «СЭС»); when two branches of one organisation would get the
 * same initials, the older keeps them and the others get «Ф-<номер>». A branch inserted without a code gets
 * «Ф-<номер>» from a trigger, so every branch always has one.
 *
 * Also: the preset rules' sources no longer say «(rg.ru), проверить» (text for a developer, not a user).
 */
const SOURCES: [string, string][] = [
  [
    'Регламент портала «Светлая страна» (ПАО «Россети»): 8 рабочих дней с публикации — по вторичному источнику, проверить',
    'Регламент портала «Светлая страна» (ПАО «Россети»): срок 8 рабочих дней с публикации взят из изложения регламента: сверьте с официальным текстом',
  ],
  [
    'Приказ Минэнерго № 186, пп. «в»; 4 часа — по вторичному источнику (rg.ru), проверить',
    'Приказ Минэнерго № 186, пп. «в»; срок 4 часа взят из изложения приказа в «Российской газете»: сверьте с официальным текстом',
  ],
  [
    'Приказ Минэнерго № 186, прил. 4 п. 8; 4 часа — по вторичному источнику, проверить',
    'Приказ Минэнерго № 186, прил. 4 п. 8; срок 4 часа взят из изложения приказа: сверьте с официальным текстом',
  ],
  [
    'Приказ Минэнерго № 186; 30 минут — по вторичному источнику (rg.ru), проверить',
    'Приказ Минэнерго № 186; срок 30 минут взят из изложения приказа в «Российской газете»: сверьте с официальным текстом',
  ],
]

/** A copy of branchInitials (app/imports/branches.server.ts) as of this migration: migrations do not import app code. */
function initials(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean)
    .map((w) => (w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase() ? w : w[0]!))
    .join('')
    .toUpperCase()
    .replace(/Ё/g, 'Е')
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table branch add column code text`.execute(db)
  // computed here, not in SQL: upper() and [[:upper:]] on Cyrillic depend on the cluster's locale
  const branches = (await sql<{ id: string; org_id: string; name: string }>`select id::text, org_id::text, name from branch order by id`.execute(db)).rows
  const taken = new Set<string>()
  for (const b of branches) {
    const wanted = initials(b.name)
    const code = wanted && !taken.has(`${b.org_id}:${wanted}`) ? wanted : `Ф-${b.id}`
    taken.add(`${b.org_id}:${code}`)
    await sql`update branch set code = ${code} where id = ${b.id}`.execute(db)
  }
  await sql`
    create function branch_default_code() returns trigger language plpgsql as $$
    begin
      if new.code is null or btrim(new.code) = '' then new.code := 'Ф-' || new.id; end if;
      return new;
    end $$`.execute(db)
  await sql`create trigger branch_default_code before insert on branch for each row execute function branch_default_code()`.execute(db)
  await sql`alter table branch alter column code set not null`.execute(db)
  await sql`create unique index branch_code on branch (org_id, code)`.execute(db)
  for (const [before, after] of SOURCES) await sql`update deadline_rule set source = ${after} where source = ${before}`.execute(db)
  // what an import found about branches: unknown names (with lines), branches created, offices moved
  await sql`alter table import_batch add column branch_report jsonb`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table import_batch drop column branch_report`.execute(db)
  for (const [before, after] of SOURCES) await sql`update deadline_rule set source = ${before} where source = ${after}`.execute(db)
  await sql`drop trigger branch_default_code on branch`.execute(db)
  await sql`drop function branch_default_code()`.execute(db)
  await sql`drop index branch_code`.execute(db)
  await sql`alter table branch drop column code`.execute(db)
}
