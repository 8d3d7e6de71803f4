/** The users page's changes as commands (ADR 025): each change and its audit row in one transaction. */
import type { Db } from '#db/client.server.ts'
import { type Actor, runCommand } from './command.server.ts'
import { clearSignInLimits } from './sign-in.server.ts'
import { type SessionUser, type UserInput, createUser, updateUser } from './user.server.ts'

export function createUserCommand(db: Db, actor: Actor, input: UserInput): Promise<SessionUser> {
  return runCommand(db, actor, async (tx) => {
    const user = await createUser(tx, actor.org.id, input)
    return {
      result: user,
      audit: { action: 'user.create', object: user.login, details: { roles: user.roles, allBranches: user.allBranches, branchIds: user.branchIds } },
    }
  })
}

export function updateUserCommand(
  db: Db,
  actor: Actor,
  target: { id: string; login: string },
  input: Omit<UserInput, 'login'> & { disabled: boolean },
): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    await updateUser(tx, actor.org.id, target.id, input)
    return {
      result: undefined,
      audit: {
        action: 'user.update',
        object: target.login,
        details: {
          roles: input.roles,
          allBranches: input.allBranches,
          branchIds: input.branchIds,
          disabled: input.disabled,
          passwordReset: Boolean(input.password),
        },
      },
    }
  })
}

/** Forgets a login's failed sign-ins (the lock after too many), with the audit row `user.unlock`. */
export function unlockUserCommand(db: Db, actor: Actor, target: { login: string }): Promise<number> {
  return runCommand(db, actor, async (tx) => {
    const cleared = await clearSignInLimits(tx, target.login)
    return { result: cleared, audit: { action: 'user.unlock', object: target.login, details: { failures: cleared } } }
  })
}
