// moved to reports/errors.ts (issue 19: reports/ never imports app/); app/ keeps this path until the lead's mechanical import rewrite
export { InputError } from '#reports/errors.ts'
