/**
 * The architecture's rules, checked over the source's imports (read as text, so they hold
 * for type-only imports too):
 * - src/engine imports nothing outside itself but its allowed packages (no React, DOM
 *   libraries, D3, zustand, node: built-ins): it runs the same in Node and the browser;
 * - everything else reaches the engine only through src/engine/index.ts;
 * - the page runtime (src/page) has no React and never imports the UI;
 * - scenarios, lessons, the CLI and the platforms never import the page or the UI;
 * - no import cycles among the modules of src.
 * `violations` is pure (a map of file texts in, sentences out), so a test can show that a
 * deliberately bad import is caught.
 */
import { dirname, join, normalize, relative } from 'node:path';

/** Packages the engine may use: none of them touches the DOM or needs Node. */
export const ENGINE_PACKAGES = ['zod', 'xstate', '@electric-sql/pglite', 'pure-rand', 'dbgate-query-splitter'];

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;

/** Every module specifier a file imports. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const under = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

/** Sentences naming each broken rule, with the file and the import; empty when all hold. */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const edges: string[] = [];
    for (const spec of importsOf(text)) {
      const local = spec.startsWith('.') ? normalize(join(dirname(file), spec)) : undefined;
      if (local && files.has(local)) edges.push(local);
      const where = `${file} imports "${spec}"`;
      if (under(file, 'src/engine')) {
        if (local && !under(local, 'src/engine'))
          problems.push(`${where}: the engine imports nothing outside src/engine`);
        if (!local && !ENGINE_PACKAGES.includes(packageOf(spec)))
          problems.push(
            `${where}: the engine may use only ${ENGINE_PACKAGES.join(', ')} (it runs in Node and the browser)`,
          );
        continue;
      }
      if (local && under(local, 'src/engine') && local !== 'src/engine/index.ts')
        problems.push(`${where}: outside the engine, import it only from src/engine/index.ts`);
      if (under(file, 'src/page') && ((local && under(local, 'src/ui')) || packageOf(spec) === 'react'))
        problems.push(`${where}: the page runtime (src/page) has no React and never imports the UI`);
      for (const layer of ['src/scenarios', 'src/lessons', 'src/cli', 'src/platform'])
        if (under(file, layer) && local && (under(local, 'src/ui') || under(local, 'src/page')))
          problems.push(`${where}: ${layer} never imports the page or the UI`);
    }
    graph.set(file, edges);
  }
  return [...problems, ...cycles(graph).map((c) => `import cycle: ${c.join(' -> ')}`)];
}

/** Each cycle in the import graph once (depth-first search, reported from its first file). */
function cycles(graph: ReadonlyMap<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** Paths relative to the repository root, with forward slashes. */
export function repoPath(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}
