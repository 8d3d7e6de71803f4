import type { Migration } from 'kysely'
import * as core from './2026_11_23_0001_core.ts'
import * as access from './2026_11_23_0002_access.ts'
import * as norms from './2026_11_23_0003_norms.ts'
import * as rollups from './2026_11_23_0004_rollups.ts'
import * as reports from './2026_11_23_0005_reports.ts'
import * as surveys from './2026_11_23_0006_surveys.ts'
import * as engine from './2026_12_01_0007_engine.ts'
import * as security from './2026_12_01_0008_security.ts'
import * as callLegs from './2026_12_01_0009_call_legs.ts'
import * as filing from './2026_12_01_0010_filing.ts'
import * as integration from './2026_12_01_0011_integration.ts'
import * as mappings from './2026_12_01_0012_mappings.ts'
import * as mail from './2026_12_01_0013_mail.ts'
import * as views from './2026_12_01_0014_views.ts'
import * as codes from './2026_12_01_0016_codes.ts'
import * as waitKnown from './2026_12_01_0020_wait_known.ts'
import * as normDay from './2026_12_01_0021_norm_day.ts'
import * as lostDay from './2026_12_01_0024_lost_day.ts'
import * as callBatch from './2026_12_01_0025_call_batch_unchecked.ts'
import * as appealAnswered from './2026_12_01_0026_appeal_answered.ts'
import * as callHourTotal from './2026_12_01_0027_call_hour_total.ts'
import * as rollupChanges from './2026_12_01_0028_rollup_changes.ts'

/** The migrations in order. A static list (not a folder scan) works under vitest, tsx and the bundle alike. */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_core': core,
  '2026_11_23_0002_access': access,
  '2026_11_23_0003_norms': norms,
  '2026_11_23_0004_rollups': rollups,
  '2026_11_23_0005_reports': reports,
  '2026_11_23_0006_surveys': surveys,
  '2026_12_01_0007_engine': engine,
  '2026_12_01_0008_security': security,
  '2026_12_01_0009_call_legs': callLegs,
  '2026_12_01_0010_filing': filing,
  '2026_12_01_0011_integration': integration,
  '2026_12_01_0012_mappings': mappings,
  '2026_12_01_0013_mail': mail,
  '2026_12_01_0014_views': views,
  '2026_12_01_0016_codes': codes,
  '2026_12_01_0020_wait_known': waitKnown,
  '2026_12_01_0021_norm_day': normDay,
  '2026_12_01_0024_lost_day': lostDay,
  '2026_12_01_0025_call_batch_unchecked': callBatch,
  '2026_12_01_0026_appeal_answered': appealAnswered,
  '2026_12_01_0027_call_hour_total': callHourTotal,
  '2026_12_01_0028_rollup_changes': rollupChanges,
}
