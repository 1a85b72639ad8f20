import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findOidcUser } from '@oncoboard/auth';
import { openStore, type Store } from '@oncoboard/store';
import { cliWorkspace } from './test-support/cli-workspace';

// Linking accounts to an OpenID Connect subject through the real CLI against a SQLite file, read back through the
// store. Each CLI run starts tsx and loads the whole CLI (seconds each on a busy machine).
const ISSUER = 'https://login.example.org/realms/hospital';

const { databaseUrl, cli: runCli } = cliWorkspace('cli-oidc');
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ONCOBOARD_OIDC_ISSUER: '', ...env } });
let store: Store;

beforeAll(async () => {
  store = await openStore({ databaseUrl });
  await createUser(store.prisma, { username: 'carol', roles: ['care-coordinator'], password: 'a long enough passphrase' });
}, 60_000);
afterAll(async () => {
  await store?.close();
});

describe('oncoboard user add --oidc-subject / user link-oidc / user unlink-oidc', () => {
  it('adds an OIDC-only account (issuer from ONCOBOARD_OIDC_ISSUER, no password asked) and refuses one without an issuer', async () => {
    const noIssuer = cli(['user', 'add', '--username', 'alice', '--role', 'oncologist', '--oidc-subject', 'alice-sub']);
    expect(noIssuer.status).not.toBe(0);
    expect(noIssuer.stderr).toContain('expected --oidc-issuer <url> (or ONCOBOARD_OIDC_ISSUER');
    const added = cli(['user', 'add', '--username', 'alice', '--role', 'oncologist', '--oidc-subject', 'alice-sub'], { ONCOBOARD_OIDC_ISSUER: `${ISSUER}/` });
    expect(added.status, added.all).toBe(0);
    expect(added.stdout).toContain('signing in through OpenID Connect only');
    const row = await store.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    expect(row).toMatchObject({ passwordHash: null, oidcIssuer: ISSUER, oidcSubject: 'alice-sub' });
    expect(await store.prisma.auditEvent.count({ where: { operation: 'cli:user add' } })).toBe(1);
  }, 600_000);

  it('links an existing account, refuses a subject already linked to another, and unlinks', async () => {
    const taken = cli(['user', 'link-oidc', '--username', 'carol', '--oidc-subject', 'alice-sub', '--oidc-issuer', ISSUER]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('already linked to alice');
    const linked = cli(['user', 'link-oidc', '--username', 'carol', '--oidc-subject', 'carol-sub', '--oidc-issuer', ISSUER]);
    expect(linked.status, linked.all).toBe(0);
    expect((await findOidcUser(store.prisma, ISSUER, 'carol-sub'))?.user.username).toBe('carol');
    // The password stays: carol may still sign in either way.
    expect((await store.prisma.user.findUniqueOrThrow({ where: { username: 'carol' } })).passwordHash).toMatch(/^\$argon2id\$/);
    const unlinked = cli(['user', 'unlink-oidc', '--username', 'carol']);
    expect(unlinked.status, unlinked.all).toBe(0);
    expect(await findOidcUser(store.prisma, ISSUER, 'carol-sub')).toBeNull();
    expect(await store.prisma.auditEvent.count({ where: { operation: { in: ['cli:user link-oidc', 'cli:user unlink-oidc'] } } })).toBe(2);
  }, 600_000);
});
