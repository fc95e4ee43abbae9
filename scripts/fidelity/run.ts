/**
 * `npm run fidelity`: checks what the lab teaches against a real PostgreSQL primary and
 * streaming standby. Every case's scenario file runs on a fresh real pair (wall time) and
 * on the lab (virtual clock); each check's outcome is compared and printed as a table
 * (case, real PostgreSQL, the lab, verdict). Exits non-zero when PostgreSQL cannot be
 * started, when a check disagrees without a documented simplification (README, "Where the
 * model simplifies"), or when the page's "checked against PostgreSQL" marks
 * (src/ui/shared/fidelity.json) claim a behaviour that did not agree. `--update` rewrites
 * that file from this run; `--case <id>` runs only the cases containing that check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenarioText } from '../../src/scenarios/schema.ts';
import { BEHAVIOURS, CASES, type Check, type Outcome } from './cases.ts';
import { runOnLab } from './labRunner.ts';
import { findPostgres, PgTemplate } from './realCluster.ts';
import { runOnPostgres } from './realRunner.ts';
import { type Row, renderTable, simplificationsSection } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const MARKS_PATH = join(root, 'src/ui/shared/fidelity.json');

/** What the page's "checked against PostgreSQL" marks read: behaviours whose every check agreed. */
interface Marks {
  postgres: string;
  behaviours: Record<string, { label: string; checks: string[] }>;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const only = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
  const started = Date.now();
  const install = await findPostgres();
  console.error(`fidelity: PostgreSQL ${install.version} from ${install.bin}; building the template pair`);
  const template = await PgTemplate.create(install);
  const rows: Row[] = [];
  const cleanup = () => template.dispose();
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    for (const c of CASES) {
      if (only && !c.checks.some((k) => k.id === only)) continue;
      const scenario = parseScenarioText(
        readFileSync(join(here, 'scenarios', `${c.scenario}.json`), 'utf8'),
        c.scenario,
      );
      const t0 = Date.now();
      const pair = await template.startPair();
      let real: Awaited<ReturnType<typeof runOnPostgres>>;
      try {
        real = await runOnPostgres(pair, scenario, c.probes ?? [], c.tailMs);
      } finally {
        await pair.dispose();
      }
      const t1 = Date.now();
      const lab = await runOnLab(scenario, c.probes ?? [], c.tailMs);
      console.error(`fidelity: ${c.scenario}: PostgreSQL ${t1 - t0} ms, lab ${Date.now() - t1} ms`);
      for (const check of c.checks) rows.push(compare(check, check.outcome(real), check.outcome(lab)));
    }
  } finally {
    cleanup();
  }
  console.log(renderTable(rows, install.version));
  const problems = [...undocumented(rows), ...(only ? [] : marksProblems(rows, install, args.includes('--update')))];
  const agree = rows.filter((r) => r.agree).length;
  const known = rows.filter((r) => !r.agree && r.check.simplification).length;
  console.log(
    `\nfidelity: ${rows.length} checks against PostgreSQL ${install.version}: ${agree} agree, ` +
      `${known} known simplifications, ${rows.length - agree - known} disagree (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  for (const p of problems) console.log(`fidelity: FAIL: ${p}`);
  return problems.length ? 1 : 0;
}

function compare(check: Check, real: Outcome, lab: Outcome): Row {
  return { check, real, lab, agree: real.value === lab.value };
}

/** Disagreements with no documented simplification, and documented ones whose README bullet is missing. */
function undocumented(rows: Row[]): string[] {
  const section = simplificationsSection(readFileSync(join(root, 'README.md'), 'utf8'));
  const problems: string[] = [];
  for (const r of rows) {
    const s = r.check.simplification;
    if (!r.agree && !s) problems.push(`${r.check.id}: the lab disagrees with PostgreSQL`);
    if (!r.agree && s && !section.includes(`**${s}`))
      problems.push(`${r.check.id}: README's "Where the model simplifies" has no bullet "${s}"`);
    if (r.agree && s)
      console.log(`fidelity: note: ${r.check.id} now agrees; its simplification "${s}" may be taken off the list`);
  }
  return problems;
}

/** The page's marks must claim only behaviours whose every check agreed in this run. */
function marksProblems(rows: Row[], install: { major: string }, update: boolean): string[] {
  const behaviours: Marks['behaviours'] = {};
  const failed = new Set<string>();
  for (const r of rows) {
    const b = r.check.behaviour;
    if (!b) continue;
    behaviours[b] = { label: BEHAVIOURS[b], checks: [...(behaviours[b]?.checks ?? []), r.check.id] };
    if (!r.agree) failed.add(b);
  }
  for (const b of failed) delete behaviours[b];
  if (update) {
    const marks: Marks = { postgres: install.major, behaviours };
    writeFileSync(MARKS_PATH, `${JSON.stringify(marks, null, 2)}\n`);
    console.log(`fidelity: wrote ${MARKS_PATH}`);
    return [];
  }
  const marks = JSON.parse(readFileSync(MARKS_PATH, 'utf8')) as Marks;
  const problems: string[] = [];
  if (marks.postgres !== install.major)
    problems.push(
      `fidelity.json says PostgreSQL ${marks.postgres}, this run used ${install.major} (run with --update)`,
    );
  for (const b of Object.keys(marks.behaviours)) {
    if (!behaviours[b]) problems.push(`the page marks "${b}" as checked against PostgreSQL, but it did not agree`);
  }
  for (const b of Object.keys(behaviours)) {
    if (!marks.behaviours[b]) console.log(`fidelity: note: "${b}" agrees; \`npm run fidelity -- --update\` marks it`);
  }
  return problems;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`fidelity: FAIL: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
