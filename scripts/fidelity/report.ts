/**
 * The fidelity suite's agreement table (Markdown, so it reads in a CI log and pastes into
 * an issue) and the README section that documents known disagreements.
 */
import type { Check, Outcome } from './cases.ts';

export interface Row {
  check: Check;
  real: Outcome;
  lab: Outcome;
  agree: boolean;
}

function cell(o: Outcome): string {
  return (o.detail ? `${o.value} (${o.detail})` : o.value).replaceAll('|', '\\|');
}

export function renderTable(rows: Row[], version: string): string {
  const lines = [
    `| case | what | real PostgreSQL ${version} | the lab | verdict |`,
    '|---|---|---|---|---|',
    ...rows.map((r) => {
      const verdict = r.agree
        ? 'agree'
        : r.check.simplification
          ? `differ: known simplification ("${r.check.simplification}")`
          : '**DISAGREE**';
      return `| ${r.check.id} | ${r.check.title} | ${cell(r.real)} | ${cell(r.lab)} | ${verdict} |`;
    }),
  ];
  return lines.join('\n');
}

/** The README's "Where the model simplifies" section (up to the next heading). */
export function simplificationsSection(readme: string): string {
  const start = readme.indexOf('## Where the model simplifies');
  if (start < 0) return '';
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}
