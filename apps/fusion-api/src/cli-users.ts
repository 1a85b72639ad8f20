/**
 * Accounts and access from the command line (no default password exists: the first admin is made here):
 *   oncoboard create-admin --username <u> [--display-name <n>] [--password-stdin] [--force-another]
 *   oncoboard user add --username <u> --role <role[,role...]> [--display-name <n>] [--password-stdin]
 *   oncoboard user add --username <u> --role <role[,...]> --oidc-subject <sub> [--oidc-issuer <url>]   (OIDC-only, no password)
 *   oncoboard user link-oidc --username <u> --oidc-subject <sub> [--oidc-issuer <url>] | user unlink-oidc --username <u>
 *   oncoboard access grant|revoke --username <u> (--patient <Patient/id> ... | --all-patients)
 *   oncoboard board-member add|remove --username <u> --board <board-id>
 * Passwords come from stdin (--password-stdin) or ONCOBOARD_ADMIN_PASSWORD / ONCOBOARD_USER_PASSWORD, and are never
 * printed. Each change is written to the audit trail as "cli:<os user>".
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  addBoardMember, AuthError, countUsersWithRole, createOidcUser, createUser, grantPatientAccess, linkOidcSubject, OIDC_ENV, unlinkOidcSubject, recordAuditEvent, recordAuditEvents, removeBoardMember, revokePatientAccess, storeAuditingChanges,
  type AuditAction,
} from '@oncoboard/auth';
import { openStore, resolveDatabaseUrl, type Store } from '@oncoboard/store';

export const ACCESS_COMMANDS = ['create-admin', 'user', 'access', 'board-member'] as const;

export const ACCESS_USAGE = `create-admin --username <u> [--display-name <n>] [--password-stdin] [--force-another]   (or ONCOBOARD_ADMIN_PASSWORD)
  user add --username <u> --role <oncologist|care-coordinator|developer|admin>[,...] [--display-name <n>] [--password-stdin]   (or ONCOBOARD_USER_PASSWORD)
  user add --username <u> --role <role>[,...] --oidc-subject <sub> [--oidc-issuer <url>]   (signs in only through OpenID Connect)
  user link-oidc --username <u> --oidc-subject <sub> [--oidc-issuer <url>]   |   user unlink-oidc --username <u>
  access grant|revoke --username <u> (--patient <Patient/id> ... | --all-patients)
  board-member add|remove --username <u> --board <board-id>`;

export class AccessUsageError extends Error {}

/** Who ran the CLI, for the audit trail. */
export function cliActor(): { username: string; roles: string[] } {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { username: `cli:${name}`, roles: [] };
}

async function readPassword(fromStdin: boolean, envName: string): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    // One trailing newline (from echo or a here-string) is not part of the password.
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const fromEnv = process.env[envName];
  if (!fromEnv) throw new AccessUsageError(`expected the password on stdin (--password-stdin) or in ${envName}`);
  return fromEnv;
}

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function audit(store: Store, action: AuditAction, operation: string, entities: string[] = [], patientKey?: string) {
  return recordAuditEvent(store.prisma, { action, operation: `cli:${operation}`, outcome: '0', user: cliActor(), entities, patientKey: patientKey ?? null });
}

/** --oidc-issuer, or the configured provider's (ONCOBOARD_OIDC_ISSUER). */
function oidcIssuerOption(given: string | undefined, command: string): string {
  const issuer = given?.trim() || process.env[OIDC_ENV.issuer]?.trim();
  if (!issuer) throw new AccessUsageError(`${command}: expected --oidc-issuer <url> (or ${OIDC_ENV.issuer} set to the provider's issuer)`);
  return issuer;
}

async function runOidcLinkCommand(verb: 'link-oidc' | 'unlink-oidc', username: string, subject: string | undefined, issuerOption: string | undefined): Promise<number> {
  if (verb === 'unlink-oidc') {
    return withStore(async (store) => {
      const removed = await unlinkOidcSubject(store.prisma, username);
      if (removed) await audit(store, 'U', 'user unlink-oidc', [`user:${username.toLowerCase()}`]);
      console.log(`${username.toLowerCase()}: ${removed ? 'no longer linked to an OpenID Connect subject (its sessions ended)' : 'was not linked to an OpenID Connect subject'}`);
      return 0;
    });
  }
  if (!subject) throw new AccessUsageError('user link-oidc: expected --oidc-subject <the provider\'s subject identifier>');
  const issuer = oidcIssuerOption(issuerOption, 'user link-oidc');
  return withStore(async (store) => {
    const user = await linkOidcSubject(store.prisma, username, issuer, subject);
    await audit(store, 'U', 'user link-oidc', [`User/${user.id}`]);
    console.log(`${user.username}: signs in through OpenID Connect as that subject`);
    return 0;
  });
}

/** Runs one of ACCESS_COMMANDS; returns the exit status (1 with a message naming what is wrong). */
export async function runAccessCommand(command: string, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string' },
      patient: { type: 'string', multiple: true },
      'all-patients': { type: 'boolean', default: false },
      board: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      'force-another': { type: 'boolean', default: false },
      'oidc-subject': { type: 'string' },
      'oidc-issuer': { type: 'string' },
    },
  });
  const username = values.username;
  if (!username) throw new AccessUsageError(`${command}: expected --username <name>`);
  try {
    switch (command) {
      case 'create-admin':
        return await withStore(async (store) => {
          if (!values['force-another'] && (await countUsersWithRole(store.prisma, 'admin')) > 0) {
            console.error('oncoboard create-admin: an admin already exists; add --force-another to create one more');
            return 1;
          }
          const password = await readPassword(values['password-stdin'], 'ONCOBOARD_ADMIN_PASSWORD');
          const user = await createUser(store.prisma, { username, displayName: values['display-name'], roles: ['admin'], password });
          await audit(store, 'C', 'create-admin', [`User/${user.id}`]);
          console.log(`created admin ${user.username}`);
          return 0;
        });
      case 'user': {
        const verb = positionals[0];
        if (verb === 'link-oidc' || verb === 'unlink-oidc') return await runOidcLinkCommand(verb, username, values['oidc-subject'], values['oidc-issuer']);
        if (verb !== 'add') throw new AccessUsageError('user: expected "user add", "user link-oidc" or "user unlink-oidc"');
        if (!values.role) throw new AccessUsageError('user add: expected --role <role[,role...]>');
        const role = values.role;
        const subject = values['oidc-subject'];
        if (subject !== undefined) {
          const issuer = oidcIssuerOption(values['oidc-issuer'], 'user add');
          return await withStore(async (store) => {
            const user = await createOidcUser(store.prisma, { username, displayName: values['display-name'], roles: role.split(','), issuer, subject });
            await audit(store, 'C', 'user add', [`User/${user.id}`, 'oidc']);
            console.log(`created user ${user.username} (${user.roles.join(', ')}), signing in through OpenID Connect only`);
            return 0;
          });
        }
        return await withStore(async (store) => {
          const password = await readPassword(values['password-stdin'], 'ONCOBOARD_USER_PASSWORD');
          const user = await createUser(store.prisma, { username, displayName: values['display-name'], roles: role.split(','), password });
          await audit(store, 'C', 'user add', [`User/${user.id}`]);
          console.log(`created user ${user.username} (${user.roles.join(', ')})`);
          return 0;
        });
      }
      case 'access': {
        const verb = positionals[0];
        if (verb !== 'grant' && verb !== 'revoke') throw new AccessUsageError('access: expected "access grant" or "access revoke"');
        const patients = values.patient ?? [];
        if (values['all-patients'] === patients.length > 0) throw new AccessUsageError(`access ${verb}: expected --patient <Patient/id> (repeatable) or --all-patients`);
        for (const p of patients) if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(p)) throw new AccessUsageError(`--patient ${p}: expected a patient key like "Patient/<id>"`);
        const target = values['all-patients'] ? 'all' : patients;
        return await withStore(async (store) => {
          if (verb === 'grant') {
            const added = await grantPatientAccess(store.prisma, username, target, cliActor().username);
            await recordAuditEvents(
              store.prisma,
              (target === 'all' ? [undefined] : target).map((patientKey) => ({ action: 'C' as const, operation: 'cli:access grant', outcome: '0' as const, user: cliActor(), patientKey, entities: [`user:${username.toLowerCase()}`] })),
            );
            console.log(`${username.toLowerCase()}: on the care team of ${added} more patient${added === 1 ? '' : 's'}${target === 'all' ? ' (every patient in the store now; patients imported later need a new grant)' : ''}`);
          } else {
            const removed = await revokePatientAccess(store.prisma, username, target);
            await recordAuditEvents(
              store.prisma,
              (target === 'all' ? [undefined] : target).map((patientKey) => ({ action: 'D' as const, operation: 'cli:access revoke', outcome: '0' as const, user: cliActor(), patientKey, entities: [`user:${username.toLowerCase()}`] })),
            );
            console.log(`${username.toLowerCase()}: removed from the care team of ${removed} patient${removed === 1 ? '' : 's'}`);
          }
          return 0;
        });
      }
      case 'board-member': {
        const verb = positionals[0];
        if (verb !== 'add' && verb !== 'remove') throw new AccessUsageError('board-member: expected "board-member add" or "board-member remove"');
        const board = values.board;
        if (!board) throw new AccessUsageError(`board-member ${verb}: expected --board <board-id>`);
        return await withStore(async (store) => {
          const changed = verb === 'add' ? await addBoardMember(store.prisma, username, board) : await removeBoardMember(store.prisma, username, board);
          await audit(store, verb === 'add' ? 'C' : 'D', `board-member ${verb}`, [`board:${board}`, `user:${username.toLowerCase()}`]);
          console.log(`${username.toLowerCase()}: ${changed ? (verb === 'add' ? 'now holds a seat on' : 'no longer holds a seat on') : verb === 'add' ? 'already holds a seat on' : 'held no seat on'} ${board}`);
          return 0;
        });
      }
      default:
        throw new AccessUsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof AuthError) {
      console.error(`oncoboard ${command}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/**
 * The store a CLI import writes through: each batch that changes patient data writes one audit record per patient
 * changed, as "cli:<os user>", action C, in the batch's own transaction.
 */
export function cliImportStore(store: Store, command: string): Store {
  return storeAuditingChanges(store, { action: 'C', operation: `cli:${command}`, user: cliActor() });
}
