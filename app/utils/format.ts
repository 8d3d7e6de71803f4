// moved to reports/format.ts (issue 19: reports/ never imports app/); app/ keeps this path until the lead's mechanical import rewrite
export * from '#reports/format.ts'
