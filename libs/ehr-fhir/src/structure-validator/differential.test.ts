// Differential test against Medplum 4.5.2's validateResource, on the mCODE STU4 examples and on seeded
// mutations of them. Prints the agreement report (and every disagreement) for review.
import { indexStructureDefinitionBundle } from '@medplum/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitionBundles } from './compile';
import type { R4StructureValidator } from './index';
import { compileR4StructureValidator } from './index';
import { loadMcodeBundles, loadMcodeCorpus } from './test-support/corpus';
import { compare, medplumValidate } from './test-support/differential';
import { MUTATION_KINDS, generateMutations } from './test-support/mutate';

const SEED = 20261128;
const MUTATIONS = 600;

let v: R4StructureValidator;

beforeAll(() => {
  const bundles = loadDefinitionBundles();
  for (const b of bundles) indexStructureDefinitionBundle(b as never);
  v = compileR4StructureValidator({ bundles });
}, 60_000);

const fmt = (i: { severity: string; expression?: string; message: string }): string => `${i.severity} ${i.expression ?? '(no expression)'}: ${i.message}`;

describe('differential test against Medplum validateResource', () => {
  it('both accept every mCODE example (177 resources, 65 Bundle entries, the 2 Bundles)', () => {
    const corpus = [...loadMcodeCorpus(), ...loadMcodeBundles()];
    expect(corpus.length).toBe(244);
    const problems: string[] = [];
    for (const { source, resource } of corpus) {
      const m = medplumValidate(resource);
      if (m.rejected) problems.push(`Medplum rejects ${source}: ${m.issues.map(fmt).join('; ')}`);
      const ours = v.validate(resource);
      if (ours.length) problems.push(`we report on ${source}: ${ours.map(fmt).join('; ')}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it(`rejects what Medplum rejects, at the same paths (${MUTATIONS} seeded mutations, seed ${SEED})`, () => {
    const mutations = generateMutations(loadMcodeCorpus(), MUTATIONS, SEED);
    expect(mutations.length).toBe(MUTATIONS);
    const perKind = new Map<string, { n: number; medplumRejects: number; pathAgree: number; messageAgree: number; onlyOurs: number }>(
      MUTATION_KINDS.map((k) => [k, { n: 0, medplumRejects: 0, pathAgree: 0, messageAgree: 0, onlyOurs: 0 }]),
    );
    let medplumRejects = 0;
    let pathAgree = 0;
    let messageAgree = 0;
    let deep = 0;
    let invariantOnly = 0;
    let onlyOurs = 0;
    let bothReject = 0;
    const disagreements: string[] = [];
    const messageDiffs: string[] = [];
    for (const m of mutations) {
      const c = compare(v, m.resource);
      const k = perKind.get(m.kind)!;
      k.n++;
      if (m.deep) deep++;
      if (!c.medplumRejected) {
        if (c.oursRejected) {
          onlyOurs++;
          k.onlyOurs++;
        }
        continue;
      }
      medplumRejects++;
      k.medplumRejects++;
      if (c.oursRejected) bothReject++;
      if (c.invariantOnly) invariantOnly++;
      if (c.pathAgree) {
        pathAgree++;
        k.pathAgree++;
      } else {
        disagreements.push(
          `#${m.id} ${m.kind}${m.deep ? ' (deep)' : ''}: ${m.description} [${m.source}]\n` +
            `    Medplum: ${c.medplum.map(fmt).slice(0, 6).join(' | ')}${c.medplum.length > 6 ? ` | ... (${c.medplum.length})` : ''}\n` +
            `    ours:    ${c.ours.map(fmt).join(' | ') || '(nothing)'}`,
        );
      }
      if (c.messageAgree) {
        messageAgree++;
        k.messageAgree++;
      } else if (c.pathAgree) {
        messageDiffs.push(`#${m.id} ${m.description}: Medplum ${c.medplum.map(fmt).join(' | ')}  //  ours ${c.ours.map(fmt).join(' | ')}`);
      }
    }
    const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)}%`;
    const lines = [
      `Differential test: ${mutations.length} mutations (${deep} inside components/extensions), seed ${SEED}`,
      `  Medplum rejects ${medplumRejects}; we reject ${bothReject} of those (${pct(bothReject, medplumRejects)}).`,
      `  Path agreement (we reject, with an error at every path of Medplum's non-invariant errors): ${pathAgree}/${medplumRejects} = ${pct(pathAgree, medplumRejects)}`,
      `  Same message too: ${messageAgree}/${medplumRejects} = ${pct(messageAgree, medplumRejects)}`,
      `  Medplum rejects only by a FHIRPath invariant (out of scope): ${invariantOnly}`,
      `  Medplum accepts but we reject (deliberately stricter, see validator.ts): ${onlyOurs}`,
      '  kind                     n  Medplum-rejects  path-agree  message-agree  only-ours',
      ...[...perKind].map(([kind, s]) => `  ${kind.padEnd(22)} ${String(s.n).padStart(3)} ${String(s.medplumRejects).padStart(16)} ${String(s.pathAgree).padStart(11)} ${String(s.messageAgree).padStart(14)} ${String(s.onlyOurs).padStart(10)}`),
      `Disagreements (${disagreements.length}):`,
      ...disagreements,
      `Same path, different message (${messageDiffs.length}):`,
      ...messageDiffs.map((d) => '  ' + d),
    ];
    console.log(lines.join('\n'));
    expect(medplumRejects).toBeGreaterThanOrEqual(300);
    expect(pathAgree / medplumRejects).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
