// The layering of main/parts.mjs holds for the whole tree: every folder of main/ is in a
// part, no two folders import each other (directly or round a loop), and the README's
// layout section is the one made from the parts file.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partOf, parts } from '../main/parts.mjs';
import { layoutSection, withLayout } from './layout.mjs';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'main');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'test-support' ? [] : sources(full);
    return /\.(ts|tsx|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Folder -> folders of main/ it imports (shipped code only: tests may reach across). */
export function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const folder of readdirSync(main).filter((n) => statSync(path.join(main, n)).isDirectory())) {
    const edges = new Set<string>();
    for (const file of sources(path.join(main, folder))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\(|require\()\s*['"](\.[^'"]+)['"]/g)) {
        const target = path.relative(main, path.resolve(path.dirname(file), m[1]!)).split(path.sep);
        if (target[0] !== '..' && target.length > 1 && target[0] !== folder) edges.add(target[0]!);
      }
    }
    graph.set(folder, edges);
  }
  return graph;
}

/** A loop of folders importing each other, or null. */
function loop(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'open');
    trail.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    trail.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('the layering of main/', () => {
  const graph = folderGraph();

  it('puts every folder of main/ in a part, and names no folder that is not there', () => {
    expect([...graph.keys()].filter((f) => !partOf(f))).toEqual([]);
    const named = parts.flatMap((p) => p.folders.map((f) => f.name));
    expect(named.filter((f) => !graph.has(f))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
  });

  it('has no loop of folders importing each other', () => {
    expect(loop(graph)).toBeNull();
  });

  it('finds a loop when there is one (the check can fail)', () => {
    const withLoop = new Map(graph);
    withLoop.set('capture', new Set([...(graph.get('capture') ?? []), 'analysis']));
    expect(loop(withLoop)).toEqual(expect.arrayContaining(['capture', 'analysis']));
  });

  it('README.md carries the layout section made from main/parts.mjs (node scripts/layout.mjs --write)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(layoutSection());
    expect(withLayout(readme)).toBe(readme);
  });
});
