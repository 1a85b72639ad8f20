/**
 * A signed-in context for tests that call the router directly (createCaller): a user with these roles, on the
 * care team of these patients ('all': every patient in the store now) and holding seats on these boards. The
 * user has no password (it cannot sign in over HTTP); it exists only so the router's checks run for real.
 */
import { randomUUID } from 'node:crypto';
import { toAuthUser, type Role } from '@oncoboard/auth';
import type { Store } from '@oncoboard/store';
import type { ApiContext } from './trpc';

export interface TestUserOptions {
  roles: readonly Role[];
  patients?: readonly string[] | 'all';
  boards?: readonly string[];
  username?: string;
}

export async function testContext(store: Store, opts: TestUserOptions): Promise<ApiContext> {
  const id = `user-${randomUUID()}`;
  const row = await store.prisma.user.create({
    data: { id, username: opts.username ?? `test-${id.slice(5, 13)}`, displayName: `Test ${opts.roles.join('+')}`, rolesJson: JSON.stringify(opts.roles) },
  });
  const keys = opts.patients === 'all' ? (await store.prisma.patient.findMany({ select: { key: true } })).map((p) => p.key) : (opts.patients ?? []);
  if (keys.length) await store.prisma.careTeamMember.createMany({ data: keys.map((patientKey) => ({ userId: id, patientKey, addedBy: 'test' })) });
  if (opts.boards?.length) await store.prisma.boardMember.createMany({ data: opts.boards.map((boardId) => ({ boardId, userId: id })) });
  return { store, user: toAuthUser(row), client: { ip: '127.0.0.1', userAgent: 'vitest' } };
}

/** No one signed in. */
export function anonymousContext(store: Store): ApiContext {
  return { store, user: null };
}
