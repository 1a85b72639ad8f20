import { afterAll, beforeAll, expect, it } from 'vitest';
import { prismaAccessReads, type AccessReads } from './access-reads';
import type { DatabaseProvider } from './database-url';
import { sqliteDate } from './sqlite-reads';
import { observation, patientRecord } from './test-support/records';
import { cleanupTestDatabases, describeEachProvider, freshStore } from './test-support/test-databases';
import type { Store } from './types';

afterAll(cleanupTestDatabases);

const TEAM_PATIENT = 'Patient/on-team';
const BOARD_PATIENT = 'Patient/on-board';
const OTHER_PATIENT = 'Patient/nobody';

describeEachProvider('access reads', (provider: DatabaseProvider) => {
  let store: Store;
  const lastSeenAt = new Date('2026-01-02T03:04:05.678Z');
  const expiresAt = new Date('2026-01-02T15:04:05.678Z');

  beforeAll(async () => {
    store = await freshStore(provider);
    const run = await store.beginImportRun('access tests');
    await store.writeRecords(run.id, [
      patientRecord(TEAM_PATIENT, { displayName: 'A' }),
      patientRecord(BOARD_PATIENT, { displayName: 'B' }),
      patientRecord(OTHER_PATIENT, { displayName: 'C' }),
      observation({ id: 'obs-board', patient: BOARD_PATIENT, date: '2020-01-01' }),
    ]);
    await store.prisma.user.create({ data: { id: 'u-1', username: 'clinician', displayName: 'Dr C', rolesJson: '["oncologist"]' } });
    await store.prisma.user.create({ data: { id: 'u-2', username: 'gone', displayName: 'Dr G', rolesJson: '["oncologist"]', disabled: true } });
    await store.prisma.session.create({ data: { id: 'session-1', userId: 'u-1', csrfTokenHash: 'c'.repeat(64), lastSeenAt, expiresAt, createdAt: lastSeenAt } });
    await store.prisma.session.create({ data: { id: 'session-2', userId: 'u-2', csrfTokenHash: 'd'.repeat(64), lastSeenAt, expiresAt, createdAt: lastSeenAt } });
    await store.prisma.careTeamMember.create({ data: { userId: 'u-1', patientKey: TEAM_PATIENT } });
    await store.prisma.tumorBoard.create({ data: { id: 'board-1', title: 'Board', specialty: 'breast', meetingAt: expiresAt, createdBy: 'test' } });
    await store.prisma.boardCase.create({ data: { id: 'case-1', boardId: 'board-1', patientKey: BOARD_PATIENT, question: 'q', position: 0 } });
  });

  const implementations = (): [string, AccessReads][] => [
    ['the store', store.accessReads],
    ['Prisma', prismaAccessReads(store.prisma)],
  ];

  it('reads a session with its user in one call (dates, flags and roles as stored), and null for an unknown id', async () => {
    for (const [name, reads] of implementations()) {
      expect(await reads.sessionWithUser('session-1'), name).toEqual({
        id: 'session-1',
        userId: 'u-1',
        csrfTokenHash: 'c'.repeat(64),
        lastSeenAt,
        expiresAt,
        user: { id: 'u-1', username: 'clinician', displayName: 'Dr C', rolesJson: '["oncologist"]', disabled: false },
      });
      expect((await reads.sessionWithUser('session-2'))?.user.disabled, name).toBe(true);
      expect(await reads.sessionWithUser('no-such-session'), name).toBeNull();
    }
  });

  it('sees a write committed through the Prisma client at once (a session touched, a seat added)', async () => {
    const touched = new Date('2026-01-02T03:10:00.000Z');
    await store.prisma.session.updateMany({ where: { id: 'session-1' }, data: { lastSeenAt: touched } });
    expect((await store.accessReads.sessionWithUser('session-1'))?.lastSeenAt).toEqual(touched);
    expect(await store.accessReads.patientAccess('u-1', BOARD_PATIENT)).toBe(false);
    await store.prisma.boardMember.create({ data: { boardId: 'board-1', userId: 'u-1' } });
    expect(await store.accessReads.patientAccess('u-1', BOARD_PATIENT)).toBe(true);
    await store.prisma.boardMember.deleteMany({ where: { boardId: 'board-1', userId: 'u-1' } });
    expect(await store.accessReads.patientAccess('u-1', BOARD_PATIENT)).toBe(false);
  });

  it('grants a patient through the care team or a board seat, and nothing else', async () => {
    await store.prisma.boardMember.create({ data: { boardId: 'board-1', userId: 'u-2' } });
    for (const [name, reads] of implementations()) {
      expect(await reads.patientAccess('u-1', TEAM_PATIENT), name).toBe(true);
      expect(await reads.patientAccess('u-1', OTHER_PATIENT), name).toBe(false);
      expect(await reads.patientAccess('u-2', BOARD_PATIENT), name).toBe(true);
      expect(await reads.patientAccess('u-2', TEAM_PATIENT), name).toBe(false);
      expect(await reads.patientAccess('no-such-user', TEAM_PATIENT), name).toBe(false);
    }
  });

  it('serves the first timeline page, counts and a source record with its history like the paged reads', async () => {
    const first = await store.getTimeline(BOARD_PATIENT, { limit: 1 });
    expect(first).toMatchObject({ total: 1, undatedCount: 0 });
    expect(first.items.map((e) => e.title)).toEqual(['PSA 0']);
    const record = await store.getSourceRecord('fhir/Observation/obs-board');
    expect(record?.record).toMatchObject({ key: 'fhir/Observation/obs-board', version: 1, contentBytes: null });
    expect(record?.record.importedAt).toBeInstanceOf(Date);
    expect(record?.history).toEqual([]);
    expect(await store.getSourceRecord('fhir/Observation/none')).toBeNull();
  });
});

it('reads each stored date format SQLite may hold, and names the column of one it cannot read', () => {
  const instant = new Date('2026-01-02T03:04:05.000Z');
  expect(sqliteDate('2026-01-02T03:04:05.000+00:00', 'x')).toEqual(instant);
  expect(sqliteDate('2026-01-02 03:04:05', 'x')).toEqual(instant);
  expect(sqliteDate(instant.getTime(), 'x')).toEqual(instant);
  expect(sqliteDate(instant, 'x')).toEqual(instant);
  expect(() => sqliteDate('soon', 'Session.expiresAt')).toThrow(/Session\.expiresAt: expected a stored date, found "soon"/);
  expect(() => sqliteDate(null, 'Session.expiresAt')).toThrow(/Session\.expiresAt: expected a stored date, found NULL/);
});
