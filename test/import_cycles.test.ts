// No import cycles in src/ or web/src/ (type-only imports included): a module that reaches itself
// through its imports is loaded half-initialised by one of its importers, and an index that
// modules import back makes every module depend on every other. The same check as
// `npx madge --circular --extensions ts src`, without the dependency.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of every static import/export … from, side-effect import and literal import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found.filter((s) => s.startsWith('.'));
}

/** The file a relative specifier names: TypeScript's `.js` for `.ts`, or no extension at all (web/). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Every cycle found by a depth-first search, each as the list of files from its start back to it. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => resolveImport(f, s)).filter((t): t is string => t !== undefined && /\.(ts|js|mjs)$/.test(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found.map((cycle) => cycle.map((f) => relative(root, f)));
}

describe('imports', () => {
  it('src/ and web/src/ have no import cycles', () => {
    const files = [...sources(join(root, 'src')), ...sources(join(root, 'web', 'src'))];
    expect(files.length).toBeGreaterThan(40);
    expect(cycles(files)).toEqual([]);
  });

  it('finds a cycle through a type-only import, and none once it is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = b + 1;\n");
      writeFileSync(join(dir, 'b.ts'), "import type { C } from './c';\nexport const b = 1;\nexport type B = C;\n");
      writeFileSync(join(dir, 'c.ts'), "export type { B as C } from './b.js';\n");
      const files = ['a.ts', 'b.ts', 'c.ts'].map((f) => join(dir, f));
      expect(cycles(files).map((c) => c.map((f) => f.slice(f.lastIndexOf('/') + 1)))).toEqual([['b.ts', 'c.ts', 'b.ts']]);
      writeFileSync(join(dir, 'c.ts'), 'export type C = number;\n');
      expect(cycles(files)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
