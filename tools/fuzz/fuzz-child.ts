// One fuzz target's inputs, run in a child process of run-fuzz.ts so that a hang can be killed and a crash of the
// whole process (out of memory, process.exit, an abort in a native decoder) is seen from outside. Reports each
// input over IPC: "start" before the parse, "done" with its outcome after. Inputs i = from .. runs-1 are
// generated from the run's seed (see caseBatch), so the parent can restart it after input i.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH, caseBatch, describeCase, fuzzCaseArbitrary, materialize, runCase, type CaseResult } from './fuzz-support';
import { loadFuzzTarget } from './targets/index';

export interface ChildRequest {
  target: string;
  seed: number;
  runs: number;
  from: number;
  budgetMsPerMiB: number;
  outDir: string;
}

export type ChildMessage =
  | { t: 'ready'; seeds: number }
  | { t: 'start'; i: number }
  | ({ t: 'done'; i: number; label?: string; saved?: string } & CaseResult)
  | { t: 'end' };

const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]!) as ChildRequest;
  const target = await loadFuzzTarget(request.target);
  const seeds = await target.seeds();
  const custom = target.mutators ?? [];
  const arbitrary = fuzzCaseArbitrary(seeds.length, custom.length, target.customWeight);
  await target.warmUp?.();
  // One untimed pass over the first seed: module initialisation and JIT warm-up are not the parser's time.
  if (seeds[0]) await runCase(target, seeds[0].bytes, seeds[0], { budgetMsPerMiB: Number.MAX_SAFE_INTEGER });
  await send({ t: 'ready', seeds: seeds.length });
  for (let b = Math.floor(request.from / BATCH); b * BATCH < request.runs; b++) {
    const cases = caseBatch(arbitrary, request.seed, b);
    for (let k = 0; k < BATCH; k++) {
      const i = b * BATCH + k;
      if (i < request.from || i >= request.runs) continue;
      const fuzzCase = cases[k]!;
      // Flushed before the (synchronous) parse: a parse that never returns blocks the event loop, and the
      // parent must already know which input it was on.
      await send({ t: 'start', i });
      const input = materialize(fuzzCase, seeds, custom);
      const result = await runCase(target, input, seeds[fuzzCase.seed % seeds.length], { budgetMsPerMiB: request.budgetMsPerMiB });
      const message: ChildMessage = { t: 'done', i, ...result };
      if (result.kind === 'crash' || result.kind === 'hang') {
        message.label = describeCase(fuzzCase, seeds, custom);
        mkdirSync(request.outDir, { recursive: true });
        const saved = join(request.outDir, `${target.name}-seed${request.seed}-input${i}.bin`);
        writeFileSync(saved, input);
        message.saved = saved;
      }
      await send(message);
    }
  }
  await send({ t: 'end' });
  process.disconnect?.();
}

main().catch((error) => {
  console.error(`fuzz child failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(70);
});
