/** Words of the work list, client-safe. */
const KINDS: Record<string, string> = { offices: 'офисы', appeals: 'обращения', calls: 'звонки', visits: 'посещения' }
export const kindLabel = (kind: string) => KINDS[kind] ?? kind
