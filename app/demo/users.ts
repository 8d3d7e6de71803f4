import type { Role } from '#app/utils/access.ts'

/**
 * One demo user per role, plus a branch manager who sees one branch. The passwords are public (README,
 * sign-in page in demo mode): they exist only in the demo organisation.
 */
export const DEMO_USERS: readonly { login: string; password: string; fullName: string; roles: Role[]; branch?: string }[] = [
  { login: 'admin', password: 'demo-admin-2025', fullName: 'Администратор системы', roles: ['admin'] },
  { login: 'rukovoditel', password: 'demo-manager-2025', fullName: 'Руководитель компании', roles: ['management'] },
  {
    login: 'filial',
    password: 'demo-branch-2025',
    fullName: 'Руководитель филиала «Северные ЭС»',
    roles: ['management'],
    branch: 'Северные электрические сети',
  },
  { login: 'kachestvo', password: 'demo-quality-2025', fullName: 'Специалист по качеству', roles: ['quality'] },
  { login: 'otchetnost', password: 'demo-report-2025', fullName: 'Специалист по отчётности', roles: ['reporting'] },
  { login: 'operator', password: 'demo-operator-2025', fullName: 'Оператор', roles: ['operator'] },
]
