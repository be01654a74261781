// README's TypeScript blocks run as pasted: each fenced ```ts block is written to its own module,
// with `from 'overparam'` pointing at src/index.ts (the package's entry, without a build), then
// type-checked together and imported one by one. A block that needs an import, an `await init()`
// or a name it does not define fails here.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const ENTRY_FILES: Record<string, string> = {
  overparam: join(repoRoot, 'src', 'index.ts'),
  'overparam/inline': join(repoRoot, 'src', 'inline.ts'),
};

/** The fenced ```ts blocks of README, with the line each starts on. */
function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    while (++i < lines.length && lines[i].trim() !== '```');
    blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') });
  }
  return blocks;
}

const blocks = typescriptBlocks(await readFile(join(repoRoot, 'README.md'), 'utf8'));
let dir: string;
const files: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'overparam-readme-'));
  // The package's build/ where a project that installed it has it (README's setWasmPath example).
  await mkdir(join(dir, 'node_modules', 'overparam'), { recursive: true });
  await symlink(join(repoRoot, 'build'), join(dir, 'node_modules', 'overparam', 'build'));
  for (const [index, { line, code }] of blocks.entries()) {
    const file = join(dir, `block${index}-line${line}.ts`);
    // Only the package name changes: `from 'overparam'` becomes the source entry's path.
    const source = code.replace(/from '(overparam(?:\/inline)?)'/g, (_, name: string) => `from ${JSON.stringify(ENTRY_FILES[name])}`);
    // `export {}` makes each block a module, as a file of the reader's project would be.
    await writeFile(file, `${source}\nexport {};\n`);
    files.push(file);
  }
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: ['node'],
      typeRoots: [join(repoRoot, 'node_modules', '@types')], strict: true, noEmit: true, skipLibCheck: true,
      allowImportingTsExtensions: true, noUnusedLocals: false,
    },
    files: files.map((f) => f.slice(dir.length + 1)),
  }));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("README's TypeScript blocks", () => {
  it('are there (the test reads the right file)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('type-check as pasted', async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)('node', [tsc, '-p', dir]).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  });

  it.each(blocks.map((b, i) => [b.line, i] as const))('the block at README line %i runs as pasted', async (_, index) => {
    const warn = vi.spyOn(console, 'warn');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    // A fresh library for each block, as each would be a program of its own.
    vi.resetModules();
    try {
      await import(/* @vite-ignore */ files[index]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });
});
