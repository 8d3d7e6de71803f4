/**
 * What the dashboard shows, as data: the tiles of each domain and the columns of its breakdown tables.
 * The screen and its XLSX file read this one list, so the file has the same figures as the screen.
 * Client-safe.
 */
import type { MetricId } from './catalog.ts'

export const DASHBOARD_TILES = {
  appeals: ['appeals.received', 'appeals.complaints', 'appeals.requests', 'appeals.on_time_share', 'appeals.overdue'],
  calls: [
    'calls.offered',
    'calls.answered',
    'calls.abandoned_share',
    'calls.service_level',
    'calls.mean_wait',
    'calls.mean_handling',
    'calls.callbacks_promised',
    'calls.callbacks_in_time_share',
    'calls.no_ending',
  ],
  visits: ['visits.total', 'visits.no_shows', 'visits.mean_wait', 'visits.p90_wait', 'visits.mean_service', 'visits.within_wait_norm_share'],
  surveys: ['surveys.responses', 'surveys.response_rate', 'surveys.csat', 'surveys.nps', 'surveys.ces'],
} as const satisfies Record<string, readonly MetricId[]>

export const BREAKDOWN_COLUMNS = {
  appeals: ['appeals.received', 'appeals.complaints', 'appeals.requests', 'appeals.due_in_period', 'appeals.on_time_share', 'appeals.overdue'],
  calls: [
    'calls.offered',
    'calls.answered',
    'calls.abandoned',
    'calls.service_level',
    'calls.mean_wait',
    'calls.callbacks_promised',
    'calls.callbacks_in_time_share',
  ],
  /** by line, the queue legs: a call that overflowed counts in each queue it went through */
  callLines: ['calls.line_offered', 'calls.line_answered', 'calls.line_overflowed', 'calls.line_lost', 'calls.line_mean_wait'],
  visits: [
    'visits.total',
    'visits.no_shows',
    'visits.mean_wait',
    'visits.p90_wait',
    'visits.mean_service',
    'visits.p90_service',
    'visits.within_wait_norm_share',
  ],
  /** consumers' scores next to the service figures of the same form and office */
  surveyForms: ['appeals.received', 'appeals.on_time_share', 'surveys.responses', 'surveys.csat', 'surveys.nps', 'surveys.ces'],
  surveyOffices: ['visits.total', 'visits.mean_wait', 'visits.within_wait_norm_share', 'surveys.responses', 'surveys.csat', 'surveys.nps', 'surveys.ces'],
} as const satisfies Record<string, readonly MetricId[]>

/** Every figure the dashboard shows, once, in order: the «Определения» of the screen and of the file. */
export const DASHBOARD_METRICS: readonly MetricId[] = [
  ...new Set<MetricId>([
    ...DASHBOARD_TILES.appeals,
    ...BREAKDOWN_COLUMNS.appeals,
    'appeals.on_time',
    'appeals.late',
    'appeals.open',
    ...DASHBOARD_TILES.calls,
    ...BREAKDOWN_COLUMNS.calls,
    ...BREAKDOWN_COLUMNS.callLines,
    'calls.short_abandoned',
    'calls.answered_in_sl',
    'calls.outbound',
    'calls.callbacks_in_time',
    ...DASHBOARD_TILES.visits,
    ...BREAKDOWN_COLUMNS.visits,
    'visits.served',
    'visits.within_wait_norm',
    ...DASHBOARD_TILES.surveys,
    'surveys.invitations',
    'surveys.invitations_answered',
  ]),
]

/** The survey results pages and files: tiles, breakdown columns, and every figure for «Определения». */
export const SURVEY_TILES = [
  'surveys.responses',
  'surveys.response_rate',
  'surveys.csat',
  'surveys.csat_mean',
  'surveys.nps',
  'surveys.ces',
] as const satisfies readonly MetricId[]
export const SURVEY_COLUMNS = [
  'surveys.responses',
  'surveys.invitations',
  'surveys.response_rate',
  'surveys.csat',
  'surveys.csat_mean',
  'surveys.nps',
  'surveys.ces',
] as const satisfies readonly MetricId[]
export const SURVEY_METRICS: readonly MetricId[] = ['surveys.conducted', ...SURVEY_COLUMNS, 'surveys.invitations_answered']
