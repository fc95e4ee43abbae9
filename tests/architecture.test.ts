/**
 * The layout's boundaries, enforced: the build fails when src/engine imports anything
 * outside itself, when anything else reaches past src/engine/index.ts, when the page
 * runtime imports the UI, or on an import cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, repoPath, violations } from './architecture/rules.ts';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
        files.set(repoPath(ROOT, path), readFileSync(path, 'utf8'));
    }
  };
  walk(join(ROOT, dir));
  return files;
}

describe('architecture', () => {
  it('holds for the source tree, the bench, the scripts and the Playwright specs', () => {
    const files = new Map([...sources('src'), ...sources('bench'), ...sources('scripts'), ...sources('e2e')]);
    expect(files.size).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it('finds the imports of a file, type-only, re-exports, dynamic and worker URLs included', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "import './style.css';",
      "const w = new Worker(new URL('./worker.ts', import.meta.url));",
      "const m = await import('./lazy.ts');",
    ].join('\n');
    expect(importsOf(text)).toEqual(
      ['./a.ts', '../b.ts', './c.ts', './style.css', './lazy.ts', './worker.ts'].sort(
        (x, y) => text.indexOf(x) - text.indexOf(y),
      ),
    );
  });

  it('rejects an engine file that imports the UI or React, and a panel that reaches into the engine', () => {
    const files = new Map([
      ['src/engine/index.ts', "export * from './cluster/cluster.ts';"],
      [
        'src/engine/cluster/cluster.ts',
        "import { x } from '../../ui/topology/Topology.tsx';\nimport React from 'react';",
      ],
      ['src/ui/topology/Topology.tsx', "import { Cluster } from '../../engine/cluster/cluster.ts';"],
      ['src/page/store.ts', "import { y } from '../ui/topology/Topology.tsx';"],
    ]);
    expect(violations(files)).toEqual([
      'src/engine/cluster/cluster.ts imports "../../ui/topology/Topology.tsx": the engine imports nothing outside src/engine',
      'src/engine/cluster/cluster.ts imports "react": the engine may use only zod, xstate, @electric-sql/pglite, pure-rand, dbgate-query-splitter (it runs in Node and the browser)',
      'src/ui/topology/Topology.tsx imports "../../engine/cluster/cluster.ts": outside the engine, import it only from src/engine/index.ts',
      'src/page/store.ts imports "../ui/topology/Topology.tsx": the page runtime (src/page) has no React and never imports the UI',
      'import cycle: src/engine/cluster/cluster.ts -> src/ui/topology/Topology.tsx -> src/engine/cluster/cluster.ts',
    ]);
  });
});
