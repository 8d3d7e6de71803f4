/** The surveys' changes as commands (ADR 025): each change with its audit row in one transaction. */
import type { Db } from '#db/client.server.ts'
import type { Answer, RecordKind, SurveyDefinition } from '#reports/surveys/questions.ts'
import { type Actor, runCommand } from './command.server.ts'
import {
  type BatchInput,
  type Dimensions,
  type LinkInput,
  type Survey,
  createBatch,
  createLink,
  phoneLinkOf,
  recordDimensions,
  saveSurvey,
  storeResponse,
} from './survey.server.ts'

/** A survey created or edited, with `survey.create` / `survey.update`. Returns its id. */
export function saveSurveyCommand(db: Db, actor: Actor, surveyId: string | null, definition: SurveyDefinition): Promise<string> {
  return runCommand(db, actor, async (tx) => {
    const id = await saveSurvey(tx, actor.org.id, actor.user.id, surveyId, definition)
    return {
      result: id,
      audit: {
        action: surveyId ? 'survey.update' : 'survey.create',
        object: definition.title,
        details: { survey: id, questions: definition.questions.length, opensOn: definition.opensOn, closesOn: definition.closesOn },
      },
    }
  })
}

/** One personal link (for a record or the survey's subject), with `survey.link`. Returns its token. */
export function createLinkCommand(db: Db, actor: Actor, survey: Survey, input: LinkInput): Promise<string> {
  return runCommand(db, actor, async (tx) => {
    const token = await createLink(tx, survey, input, { id: actor.user.id, scope: actor.scope })
    return { result: token, audit: { action: 'survey.link', object: survey.title, details: { survey: survey.id, record: input.record?.kind ?? null } } }
  })
}

/** A batch of links for the appeals closed in a period, with `survey.batch`. */
export function createBatchCommand(db: Db, actor: Actor, survey: Survey, input: BatchInput) {
  return runCommand(db, actor, async (tx) => {
    const batch = await createBatch(tx, survey, actor.org.time_zone, input, { id: actor.user.id, name: actor.user.fullName, scope: actor.scope })
    return { result: batch, audit: { action: 'survey.batch', object: survey.title, details: { survey: survey.id, ...batch } } }
  })
}

/**
 * A phone survey entered by an operator, with `survey.phone`: tied to the appeal or call whose number is
 * given (an `InputError` when there is none the operator may see), counted against the appeal's unused
 * phone-survey link when one was issued. The response, its answers and the audit row are one transaction; a
 * link answered meanwhile is refused (`stored: false`) without an audit row and without aborting it.
 */
export function storePhoneResponseCommand(
  db: Db,
  actor: Actor,
  survey: Survey,
  input: { record: { kind: RecordKind; number: string } | null; answers: readonly Answer[] },
) {
  return runCommand(db, actor, async (tx) => {
    let dims: Dimensions = {
      branchId: null,
      officeCode: null,
      form: 'phone',
      topic: survey.subjectKind === 'topic' ? survey.subjectCode : null,
      consumerType: null,
      appealId: null,
      callId: null,
      visitId: null,
    }
    let invitation: { id: string; singleUse: boolean } | null = null
    if (input.record) {
      dims = await recordDimensions(tx, survey, input.record.kind, input.record.number, actor.scope)
      // the appeal's phone-survey link, when one was issued: the answer counts against its batch
      if (dims.appealId) invitation = await phoneLinkOf(tx, survey, dims.appealId)
    }
    const stored = await storeResponse(tx, { survey, invitation, collectedBy: 'phone', dims, answers: input.answers, enteredBy: actor.user.id })
    return {
      result: stored,
      audit: stored.stored
        ? { action: 'survey.phone', object: survey.title, details: { survey: survey.id, response: stored.id, record: input.record?.kind ?? null } }
        : null,
    }
  })
}
