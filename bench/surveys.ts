/**
 * `npm run bench:surveys [-- --responses 500000 --runs 5 --submissions 2000] [--smoke]`
 * Survey results on PostgreSQL for a year of N responses (about 3 answers each, 1.5 N personal links, 30
 * offices): the daily rollup built from scratch, the results page's figures and breakdowns (from the rollup), each question's distribution and the
 * first page of
 * free answers (medians), the answers file (rows per second, peak memory), and answering through links —
 * one after another and 16 at a time — as the public page does (resolve the link, store the response).
 * PostgreSQL: BENCH_DATABASE_URL; without it, a throwaway embedded server (common.ts).
 * `--smoke`: 1 000 responses, 1 run, 20 submissions; nothing written to bench/out.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { benchServer, freshDatabase, median, onInterrupt, outputDir } from './common.ts'
import { BENCHMARKS, benchArgs, volume } from './options.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { getSurvey, resolveLink, storeResponse } from '#app/models/survey.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { surveyAnswersWorkbook } from '#reports/surveys/exports.server.ts'
import { readAnswers } from '#reports/surveys/questions.ts'
import { buildSurveyResults, questionSummaries, responsePages, textAnswers } from '#reports/surveys/results.server.ts'

const values = benchArgs(BENCHMARKS.surveys.options)
const SMOKE = values.smoke
const N = Math.max(1, volume(values, 'responses', 1000))
const RUNS = Math.max(1, volume(values, 'runs', 1))
const SUBMISSIONS = Math.max(1, volume(values, 'submissions', 20))
const QUESTIONS = [
  { id: 'q1', kind: 'csat', text: 'Оценка', required: true },
  { id: 'q2', kind: 'ces', text: 'Лёгкость', required: false },
  { id: 'q3', kind: 'nps', text: 'Рекомендация', required: false },
  { id: 'q4', kind: 'multi', text: 'Что понравилось', required: false, options: ['вежливость', 'скорость', 'результат', 'понятность'] },
  { id: 'q5', kind: 'text', text: 'Пожелания', required: false },
]

const server = await benchServer()
try {
  const database = await freshDatabase(server.url, 'sq_bench_surveys')
  const db = database.db
  const org = await updateOrganisation(db, (await getOrganisation(db)).id, { timeZone: 'Europe/Moscow' })

  let t = performance.now()
  await sql`insert into branch (org_id, name) select ${org.id}, 'Филиал ' || g from generate_series(1, 3) g`.execute(db)
  await sql`insert into office (org_id, office_code, name, branch_id)
    select ${org.id}, 'O' || g, 'Офис ' || g, (select id from branch where org_id = ${org.id} order by id offset (g % 3) limit 1) from generate_series(1, 30) g`.execute(
    db,
  )
  const survey = await db
    .insertInto('survey')
    .values({ org_id: org.id, title: 'Опрос', subject_kind: 'organisation', opens_on: '2025-01-01', questions: JSON.stringify(QUESTIONS) })
    .returning('id')
    .executeTakeFirstOrThrow()
  const year = sql.raw(`timestamptz '2025-01-01 00:00+03' + interval '365 days' * (((g::bigint * 7919) % ${N})::float8 / ${N})`)
  const links = Math.round(N * 1.5)
  await sql`insert into survey_invitation (org_id, survey_id, token, single_use, delivery, branch_id, office_code, form, created_at)
    select ${org.id}, ${survey.id}, md5(g::text), true, 'sms', (select id from branch order by id offset (g % 3) limit 1), 'O' || (1 + g % 30),
      (array['in_person','phone','internet','post','other'])[1 + g % 5], ${year}
    from generate_series(1, ${links}) g`.execute(db)
  // two responses in three through a link (the link with the same number), the rest by QR code
  await sql`insert into survey_response (org_id, survey_id, invitation_id, single_use, collected_by, branch_id, office_code, form, submitted_at)
    select ${org.id}, ${survey.id}, case when g % 3 <> 0 then g end, g % 3 <> 0, case when g % 3 <> 0 then 'link' else 'qr' end,
      (select id from branch order by id offset (g % 3) limit 1), 'O' || (1 + g % 30), (array['in_person','phone','internet','post','other'])[1 + g % 5], ${year} + interval '1 hour'
    from generate_series(1, ${N}) g`.execute(db)
  await sql`insert into survey_answer (response_id, question_id, kind, score, choices, text)
    select id, 'q1', 'csat', 1 + (id * 7) % 5, null::int[], null::text from survey_response
    union all select id, 'q2', 'ces', 1 + (id * 5) % 7, null, null from survey_response where id % 5 <> 0
    union all select id, 'q3', 'nps', (id * 3) % 11, null, null from survey_response where id % 10 < 7
    union all select id, 'q4', 'multi', null, array[(id % 4)::int, ((id + 1) % 4)::int], null from survey_response where id % 2 = 0
    union all select id, 'q5', 'text', null, null, 'Пожелание номер ' || id from survey_response where id % 20 = 0`.execute(db)
  await sql`analyze`.execute(db)
  const answers = Number((await sql<{ n: string }>`select count(*) as n from survey_answer`.execute(db)).rows[0]!.n)
  console.log(
    `данные: ${N.toLocaleString('ru-RU')} анкет, ${answers.toLocaleString('ru-RU')} ответов, ${links.toLocaleString('ru-RU')} ссылок — ${((performance.now() - t) / 1000).toFixed(1)} с`,
  )

  t = performance.now()
  await refreshRollups(database, org.id)
  const rollupSeconds = (performance.now() - t) / 1000
  console.log(`сводная таблица опросов с нуля: ${rollupSeconds.toFixed(1)} с`)

  const full = await getSurvey(db, org.id, survey.id)
  const scope = { orgId: org.id, branches: 'all' as const }
  const view = readView(new URLSearchParams('period=year&year=2025'), org.time_zone, 2025)
  const offices = new Map(Array.from({ length: 30 }, (_, i) => [`O${i + 1}`, `Офис ${i + 1}`]))
  const timed = async (fn: () => Promise<unknown>) => {
    const xs: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now()
      await fn()
      xs.push(performance.now() - s)
    }
    return median(xs)
  }
  const results = await timed(() => buildSurveyResults(db, scope, view, { offices }, survey.id))
  const distributions = await timed(() => questionSummaries(db, scope, view, full!))
  const texts = await timed(() => textAnswers(db, scope, view, survey.id, 1, 50))
  const page = await timed(() =>
    Promise.all([
      buildSurveyResults(db, scope, view, { offices }, survey.id),
      questionSummaries(db, scope, view, full!),
      textAnswers(db, scope, view, survey.id, 1, 50),
    ]),
  )
  console.log(
    `итоги опроса за год (плитки, разрезы, динамика): ${results.toFixed(0)} мс; распределения: ${distributions.toFixed(0)} мс; свободные ответы, стр. 1: ${texts.toFixed(0)} мс; страница целиком: ${page.toFixed(0)} мс`,
  )

  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-')), 'answers.xlsx')
  onInterrupt(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }))
  t = performance.now()
  await pipeline(
    surveyAnswersWorkbook(full!, responsePages(db, scope, view, survey.id), org.time_zone, offices, (x) => x, [['Отчёт', 'bench']]),
    fs.createWriteStream(file),
  )
  const fileSeconds = (performance.now() - t) / 1000
  clearInterval(sampler)
  console.log(
    `XLSX всех анкет: ${fileSeconds.toFixed(1)} с — ${Math.round(N / fileSeconds).toLocaleString('ru-RU')} строк/с, пик памяти ${Math.round(peak / 1e6)} МБ, файл ${Math.round(fs.statSync(file).size / 1e6)} МБ`,
  )
  fs.rmSync(path.dirname(file), { recursive: true, force: true })

  // answering: new single-use links, each answered once
  await sql`insert into survey_invitation (org_id, survey_id, token, single_use, delivery, created_at)
    select ${org.id}, ${survey.id}, 'bench' || lpad(g::text, 17, '0'), true, 'sms', now() from generate_series(1, ${SUBMISSIONS * 2}) g`.execute(db)
  const answer = (n: number) => async () => {
    const link = await resolveLink(db, `bench${String(n).padStart(17, '0')}`)
    if (link.state !== 'ok') throw new Error(link.state)
    const { answers: a } = readAnswers(link.survey.questions, (name) => (name === 'q1' ? ['5'] : name === 'q3' ? ['9'] : name === 'q5' ? ['Спасибо'] : []))
    const stored = await storeResponse(db, { survey: link.survey, invitation: link.invitation, collectedBy: 'link', dims: link.invitation.dims, answers: a })
    if (!stored.stored) throw new Error('not stored')
  }
  t = performance.now()
  for (let i = 1; i <= SUBMISSIONS; i++) await answer(i)()
  const sequential = SUBMISSIONS / ((performance.now() - t) / 1000)
  t = performance.now()
  let next = SUBMISSIONS + 1
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next <= SUBMISSIONS * 2) await answer(next++)()
    }),
  )
  const parallel = SUBMISSIONS / ((performance.now() - t) / 1000)
  t = performance.now()
  await refreshRollups(database, org.id)
  const refreshAfterAnswers = performance.now() - t
  console.log(`обновление сводной таблицы после ${(SUBMISSIONS * 2).toLocaleString('ru-RU')} новых анкет: ${refreshAfterAnswers.toFixed(0)} мс`)
  console.log(`ответы по ссылкам: ${Math.round(sequential)} анкет/с подряд, ${Math.round(parallel)} анкет/с по 16 одновременно`)

  // a benchmark that measured nothing must not pass: every response of the year reached the results
  const counted = Number((await sql<{ n: string }>`select count(*) as n from survey_response where survey_id = ${survey.id}`.execute(db)).rows[0]!.n)
  if (counted !== N + SUBMISSIONS * 2) throw new Error(`анкет в базе ${counted}, ожидалось ${N + SUBMISSIONS * 2}`)
  const out = outputDir(SMOKE)
  fs.writeFileSync(
    path.join(out.dir, 'surveys.json'),
    JSON.stringify(
      {
        responses: N,
        answers,
        links,
        rollupSeconds,
        resultsMs: results,
        distributionsMs: distributions,
        textsMs: texts,
        pageMs: page,
        fileSeconds,
        fileRowsPerSecond: N / fileSeconds,
        filePeakRssMb: peak / 1e6,
        submitSequentialPerSecond: sequential,
        submitParallelPerSecond: parallel,
        refreshAfterAnswersMs: refreshAfterAnswers,
      },
      null,
      2,
    ),
  )
  out.remove()
  await database.close()
} finally {
  await server.stop()
}
