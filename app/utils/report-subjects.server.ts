/**
 * What a report about one thing is about (`ReportSubjects`, reports/registry/report.ts), found for the
 * registry's one download path: each refuses what the user may not have as the old download routes did
 * (404 for a survey, a batch or an import that is not there, 403 for an organisation's rejections asked by
 * a branch user), and reads only the user's branches.
 */
import type { Database } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import type { Scope } from '#db/scope.server.ts'
import type { ReportSubjects, SubjectKind } from '#reports/registry.server.ts'
import { surveyUrl } from '#reports/surveys/qr.server.ts'
import { REJECTIONS_FOR_ORGANISATION, findImportBatch, listImportRejections, mayReadRejections } from '#app/models/import-batch.server.ts'
import { batchLinks, getBatch, requireSurvey } from '#app/models/survey.server.ts'
import type { SessionUser } from '#app/models/user.server.ts'
import { columnLabel } from '#app/imports/kinds.ts'
import { workListOf } from './worklist-view.server.ts'

export interface SubjectAsk {
  request: Request
  database: Database
  org: Organisation
  user: SessionUser
  scope: Scope
  personalData: boolean
  /** the report's parameters: the URL's, and what an older address carried in its path */
  params: Record<string, string>
}

export const SUBJECTS: { [K in SubjectKind]: (ask: SubjectAsk) => Promise<ReportSubjects[K]> } = {
  async survey({ database, org, params }) {
    return { survey: await requireSurvey(database.db, org.id, params.survey) }
  },
  async 'survey-batch'({ request, database, org, scope, params }) {
    const survey = await requireSurvey(database.db, org.id, params.survey)
    const batch = await getBatch(database.db, survey.id, params.batch)
    if (!batch) throw new Response('Такого выпуска ссылок нет.', { status: 404 })
    return { survey, batch, links: batchLinks(database.db, survey.id, batch.id, scope), urlOf: (token) => surveyUrl(request, token) }
  },
  async worklist({ database, scope, personalData, params }) {
    return workListOf(database, scope, personalData, params.days)
  },
  async 'import-rejections'({ database, org, user, personalData, params }) {
    const batch = await findImportBatch(database.db, org.id, params.batch ?? '')
    if (!batch) throw new Response('Такой загрузки нет.', { status: 404 })
    if (!mayReadRejections(user)) throw new Response(REJECTIONS_FOR_ORGANISATION, { status: 403 })
    const rows = await listImportRejections(database.db, batch.id, Number.MAX_SAFE_INTEGER, personalData)
    return {
      batch: { id: batch.id },
      rows: rows.map((r) => ({ line: r.line, column: r.column ? columnLabel(batch.kind, r.column) : '', value: r.value, reason: r.reason })),
    }
  },
}
