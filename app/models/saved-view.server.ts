/**
 * Saved views (ADR 020): a user's named filter sets of a page, kept as the page's query string. Opening one is
 * following a link; sending that link shares it (the colleague sees it within their own scope — the scope
 * comes from who asks, never from the URL).
 */
import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import type { Db } from '#db/client.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'

export interface SavedView {
  id: string
  name: string
  query: string
}

/** Only the keys of a view's filter bar are kept; anything else in the text is dropped. */
const VIEW_KEYS = ['period', 'year', 'quarter', 'month', 'from', 'to', 'branch', 'office', 'form', 'consumerType', 'compare'] as const

export function cleanViewQuery(text: string): string {
  const given = new URLSearchParams(text)
  const out = new URLSearchParams()
  for (const key of VIEW_KEYS) {
    const value = given.get(key)
    if (value !== null && value !== '' && value.length <= 100) out.set(key, value)
  }
  return out.toString()
}

export async function listSavedViews(db: Db, userId: string, page = 'dashboard'): Promise<SavedView[]> {
  return db.selectFrom('saved_view').select(['id', 'name', 'query']).where('user_id', '=', userId).where('page', '=', page).orderBy('name').execute()
}

export async function saveView(db: Db, userId: string, page: string, name: string, query: string): Promise<SavedView> {
  const trimmed = name.trim().replace(/\s+/g, ' ')
  if (!trimmed) throw new SavedViewError('Укажите название вида, например «Северный филиал, квартал».')
  if (trimmed.length > 80) throw new SavedViewError('Название вида — не длиннее 80 знаков.')
  return db
    .insertInto('saved_view')
    .values({ user_id: userId, page, name: trimmed, query: cleanViewQuery(query) })
    .onConflict((oc) => oc.columns(['user_id', 'page', 'name']).doUpdateSet({ query: cleanViewQuery(query) }))
    .returning(['id', 'name', 'query'])
    .executeTakeFirstOrThrow()
}

export async function deleteView(db: Db, userId: string, id: string): Promise<void> {
  if (!/^\d{1,18}$/.test(id)) return
  // only one's own: another user's id deletes nothing
  await db.deleteFrom('saved_view').where('id', '=', id).where('user_id', '=', userId).execute()
}

export class SavedViewError extends Error {}

/** The action of a page with saved views: «save» (name, query) and «delete» (id); answers with the page. */
export async function savedViewAction({ request }: ActionFunctionArgs, path: '/dashboard') {
  {
    const user = await requireRouteAccess(request, 'dashboard._index.tsx')
    const { database } = await getAppContext()
    const form = await request.formData()
    const intent = String(form.get('intent') ?? '')
    const query = cleanViewQuery(String(form.get('query') ?? ''))
    if (intent === 'save-view') {
      try {
        await saveView(database.db, user.id, 'dashboard', String(form.get('name') ?? ''), query)
      } catch (error) {
        if (error instanceof SavedViewError) return { savedViewError: error.message }
        throw error
      }
    } else if (intent === 'delete-view') await deleteView(database.db, user.id, String(form.get('id') ?? ''))
    return redirect(`${path}${query ? `?${query}` : ''}`)
  }
}
