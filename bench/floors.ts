/**
 * What PGlite itself costs on this machine, beside the targets it bounds (issue 15): the
 * lab cannot be faster than the databases it runs.
 * - boot: a fresh Node process creating one PGlite from the lab's snapshot (the first create
 *   includes compiling pglite.wasm), then a second; the page boots four nodes on `cores`
 *   cores, so its cold load cannot beat (first + 3 x second) / cores, however the page is built.
 * - statements: the cheapest statement there is (`SELECT 1`), one after another on one
 *   warmed-up PGlite; one virtual hour of the default load runs 288,000 reads (and 72,000
 *   writes, each applied on 3 replicas: the pipeline bench measures plain inserts).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { loadSnapshot, SNAPSHOT_PATH } from '../src/platform/node/nodeFactory.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Runs in a child process with nothing compiled yet. */
const COLD_CREATE = `
const { readFileSync } = require('node:fs');
(async () => {
  const t0 = performance.now();
  const { PGlite } = await import('@electric-sql/pglite');
  const blob = new Blob([readFileSync(process.argv[1])]);
  const t1 = performance.now();
  const first = await PGlite.create({ loadDataDir: blob });
  const t2 = performance.now();
  const second = await PGlite.create({ loadDataDir: blob });
  const t3 = performance.now();
  await first.close();
  await second.close();
  console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2 }));
})();
`;

function coldCreate(): { importMs: number; firstMs: number; secondMs: number } {
  const out = execFileSync(process.execPath, ['-e', COLD_CREATE, SNAPSHOT_PATH], { encoding: 'utf8', cwd: ROOT });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

/** Mean microseconds per call of `run`, after a warm-up as long as the measure (so the JIT has settled). */
async function microsPerStatement(n: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < n; i++) await run();
  const start = performance.now();
  for (let i = 0; i < n; i++) await run();
  return ((performance.now() - start) * 1000) / n;
}

export async function benchFloors(repeats = 3, statements = 5000) {
  const boots = Array.from({ length: repeats }, coldCreate);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const firstMs = med(boots.map((b) => b.firstMs));
  const secondMs = med(boots.map((b) => b.secondMs));
  const cores = cpus().length;

  const pg = await PGlite.create({ loadDataDir: loadSnapshot() });
  const select1Us = await microsPerStatement(statements, () => pg.query('SELECT 1'));
  await pg.close();
  const hourReads = 80 * 3600;
  return {
    what: 'PGlite alone on this machine: the floors under the cold-load and headless-hour targets',
    boot: {
      freshProcessFirstCreateMs: Math.round(firstMs),
      secondCreateMs: Math.round(secondMs),
      cores,
      fourNodesFloorMs: Math.round((firstMs + 3 * secondMs) / cores),
      targetMs: 1000,
    },
    statements: {
      select1Us: round(select1Us),
      hourReadsAsSelect1S: round((hourReads * select1Us) / 1e6),
      targetS: 5,
      note: 'a lower bound: the real reads return rows, and every write is captured, shipped and applied on 3 replicas',
    },
  };
}
