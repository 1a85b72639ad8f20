import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@oncoboard/auth';
import { openStore, type Store } from '@oncoboard/store';
import { cliWorkspace } from './test-support/cli-workspace';

// The account and access commands through the real CLI against a SQLite file, read back through the store.
// Each CLI run starts tsx and loads the whole CLI (seconds each on a busy machine): the timeouts are generous.
const ADMIN_PASSWORD = 'first admin passphrase';
const USER_PASSWORD = 'oncologist passphrase 1';

const { work, databaseUrl, cli } = cliWorkspace('cli-users');
let store: Store;

beforeAll(async () => {
  store = await openStore({ databaseUrl });
  await store.prisma.patient.create({ data: { key: 'Patient/p1' } });
  await store.prisma.patient.create({ data: { key: 'Patient/p2' } });
}, 60_000);
afterAll(async () => {
  await store?.close();
});

describe('oncoboard create-admin / user add / access / board-member', () => {
  it('creates the first admin from the environment, refuses a second without --force-another, and never prints the password', async () => {
    const weak = cli(['create-admin', '--username', 'root'], { env: { ONCOBOARD_ADMIN_PASSWORD: 'short' } });
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('at least 12 characters');
    const first = cli(['create-admin', '--username', 'Root', '--display-name', 'The Admin'], { env: { ONCOBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    expect(first.status, first.all).toBe(0);
    expect(first.stdout).toContain('created admin root');
    expect(first.all).not.toContain(ADMIN_PASSWORD);
    const row = await store.prisma.user.findUniqueOrThrow({ where: { username: 'root' } });
    expect(JSON.parse(row.rolesJson)).toEqual(['admin']);
    expect(await verifyPassword(row.passwordHash!, ADMIN_PASSWORD)).toBe(true);
    const second = cli(['create-admin', '--username', 'root2'], { env: { ONCOBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('an admin already exists');
    const forced = cli(['create-admin', '--username', 'root2', '--force-another', '--password-stdin'], { input: `${ADMIN_PASSWORD}-2\n` });
    expect(forced.status, forced.all).toBe(0);
    expect(await verifyPassword((await store.prisma.user.findUniqueOrThrow({ where: { username: 'root2' } })).passwordHash!, `${ADMIN_PASSWORD}-2`)).toBe(true);
  }, 600_000);

  it('adds a clinician with roles from stdin, grants and revokes patients, and seats them on a board', async () => {
    const bad = cli(['user', 'add', '--username', 'onc', '--role', 'oncologist,surgeon', '--password-stdin'], { input: USER_PASSWORD });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('"surgeon" is not a role');
    const added = cli(['user', 'add', '--username', 'onc', '--role', 'oncologist,care-coordinator', '--display-name', 'Dr Onc', '--password-stdin'], { input: USER_PASSWORD });
    expect(added.status, added.all).toBe(0);
    expect(added.all).not.toContain(USER_PASSWORD);
    const grant = cli(['access', 'grant', '--username', 'onc', '--patient', 'Patient/p1', '--patient', 'Patient/p2']);
    expect(grant.status, grant.all).toBe(0);
    const user = await store.prisma.user.findUniqueOrThrow({ where: { username: 'onc' } });
    expect((await store.prisma.careTeamMember.findMany({ where: { userId: user.id }, orderBy: { patientKey: 'asc' } })).map((r) => r.patientKey)).toEqual(['Patient/p1', 'Patient/p2']);
    expect(cli(['access', 'revoke', '--username', 'onc', '--patient', 'Patient/p2']).status).toBe(0);
    expect((await store.prisma.careTeamMember.findMany({ where: { userId: user.id } })).map((r) => r.patientKey)).toEqual(['Patient/p1']);
    expect(cli(['access', 'grant', '--username', 'onc', '--patient', 'Patient/nope']).stderr).toContain('no such patient in the store: Patient/nope');

    await store.prisma.tumorBoard.create({ data: { id: 'board-cli', title: 'B', specialty: 'gi', meetingAt: new Date('2026-01-01T00:00:00Z'), createdBy: 'test' } });
    expect(cli(['board-member', 'add', '--username', 'onc', '--board', 'board-cli']).status).toBe(0);
    expect(await store.prisma.boardMember.count({ where: { boardId: 'board-cli', userId: user.id } })).toBe(1);
    expect(cli(['board-member', 'add', '--username', 'onc', '--board', 'board-none']).stderr).toContain('no tumor board board-none');

    // Each change is on the audit trail as the OS user who ran the CLI.
    const grants = await store.prisma.auditEvent.findMany({ where: { operation: 'cli:access grant' } });
    expect(grants.map((g) => g.patientKey).sort()).toEqual(['Patient/p1', 'Patient/p2']);
    expect(grants[0]!.username).toMatch(/^cli:/);
  }, 600_000);

  it('audits a CLI import in its transaction: one record per patient written, as cli:<os user>', async () => {
    const file = join(work, 'p.json');
    writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [
      { resource: { resourceType: 'Patient', id: 'cli-a', name: [{ family: 'A' }] } },
      { resource: { resourceType: 'Patient', id: 'cli-b', name: [{ family: 'B' }] } },
    ] }));
    const r = cli(['import', file]);
    expect(r.status, r.all).toBe(0);
    const rows = await store.prisma.auditEvent.findMany({ where: { operation: 'cli:import' }, orderBy: { patientKey: 'asc' } });
    expect(rows.map((e) => [e.patientKey, e.action, e.outcome])).toEqual([['Patient/cli-a', 'C', '0'], ['Patient/cli-b', 'C', '0']]);
    expect(rows[0]!.username).toMatch(/^cli:/);
    // Unchanged on the second run: nothing written, nothing audited.
    expect(cli(['import', file]).status).toBe(0);
    expect(await store.prisma.auditEvent.count({ where: { operation: 'cli:import' } })).toBe(2);
  }, 600_000);
});
