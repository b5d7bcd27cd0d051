// The house rules of docs/architecture.md, read from the code's own imports: every import points
// down the layers (kernel → domain → adapters → use-cases → edges), the folders of src/ form no
// circle, another folder is entered only through its index.ts, files stay one concept big, and
// nothing points at a design file outside the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Lower layers may be imported by higher ones, never the other way round. */
const layerRank: Record<string, number> = {
  'src/kernel': 0,
  'src/domain': 1,
  'src/adapters': 2,
  'src/use-cases': 3,
  'src/edges': 4,
  functions: 4,
  plugins: 4,
  bin: 4,
  harness: 5,
  bench: 6,
  test: 6,
};

interface SourceFile {
  path: string;
  text: string;
}

function sourceFiles(folders: readonly string[]): SourceFile[] {
  return folders.flatMap((folder) =>
    readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|js|cjs|mjs)$/.test(file) && !file.endsWith('.d.ts') && !file.includes('node_modules') && !file.includes('fixtures/'))
      .map((file) => {
        const path = join(folder, file);
        return { path, text: readFileSync(join(repoRoot, path), 'utf8') };
      }),
  );
}

const allFiles = sourceFiles(Object.keys(layerRank).map((name) => name.split('/')[0] as string).filter((name, index, all) => all.indexOf(name) === index));

/** `src/domain/image/probes/qcow2.ts` → `src/domain/image`; `src/kernel/logger.ts` → `src/kernel`; `plugins/…` → `plugins`. */
export function unitOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src') return parts.length >= 4 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
  return parts[0] as string;
}

function layerOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'src' ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

function relativeImports(file: SourceFile): ImportEdge[] {
  const pattern = /(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  return [...file.text.matchAll(pattern)].map((match) => {
    const specifier = match[1] as string;
    const target = normalize(join(dirname(file.path), specifier)).replace(/\.js$/, '.ts');
    return { from: file.path, to: target, specifier };
  });
}

const edges = allFiles.flatMap(relativeImports);

describe('the layers', () => {
  it('finds the layers it checks', () => {
    const layers = new Set(allFiles.map((file) => layerOf(file.path)));
    for (const layer of Object.keys(layerRank)) assert.ok(layers.has(layer), `no files in ${layer}`);
    assert.ok(edges.length > 300, `only ${edges.length} imports read`);
  });

  it('imports point down or sideways, never up', () => {
    const upward = edges
      .filter((edge) => !edge.to.startsWith('node_modules') && !edge.to.startsWith('dist/'))
      .filter((edge) => {
        const from = layerRank[layerOf(edge.from)];
        const to = layerRank[layerOf(edge.to)];
        return from !== undefined && to !== undefined && to > from;
      })
      .map((edge) => `${edge.from} imports ${edge.specifier}`);
    assert.deepEqual(upward, []);
  });

  it('benchmarks and tests import nothing of each other: what both use lives in harness/', () => {
    const across = edges
      .filter((edge) => (edge.from.startsWith('bench/') && edge.to.startsWith('test/')) || (edge.from.startsWith('test/') && edge.to.startsWith('bench/')))
      .map((edge) => `${edge.from} imports ${edge.specifier}`);
    assert.deepEqual(across, []);
  });

  it('the kernel imports nothing of ours outside itself', () => {
    const outward = edges.filter((edge) => layerOf(edge.from) === 'src/kernel' && layerOf(edge.to) !== 'src/kernel');
    assert.deepEqual(outward, []);
  });

  it('no folder of src/ is part of a circle', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of edges) {
      const from = unitOf(edge.from);
      const to = unitOf(edge.to);
      if (from !== to && from.startsWith('src/') && to.startsWith('src/')) {
        graph.set(from, (graph.get(from) ?? new Set()).add(to));
      }
    }
    const reaches = (start: string, goal: string): boolean => {
      const seen = new Set<string>();
      const stack = [...(graph.get(start) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop() as string;
        if (next === goal) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(graph.get(next) ?? []));
      }
      return false;
    };
    const circles = [...graph].flatMap(([from, targets]) => [...targets].filter((to) => reaches(to, from)).map((to) => `${from} → ${to}`));
    assert.deepEqual(circles, []);
  });

  it('code outside a folder of src/ enters it through its index.ts (tests may reach a step directly)', () => {
    // kernel/zod.ts is imported as a namespace on purpose: that is what lets esbuild tree-shake zod.
    const sideDoors = edges
      .filter((edge) => !edge.from.startsWith('test/') && edge.to.startsWith('src/') && unitOf(edge.from) !== unitOf(edge.to))
      .filter((edge) => !edge.to.endsWith('/index.ts') && edge.to !== 'src/kernel/zod.ts')
      .map((edge) => `${edge.from} imports ${edge.specifier}`);
    assert.deepEqual(sideDoors, []);
  });

  it('no source file is over 300 lines', () => {
    const long = allFiles
      .filter((file) => /^(src|functions|plugins)\//.test(file.path))
      .map((file) => ({ path: file.path, lines: file.text.split('\n').length - (file.text.endsWith('\n') ? 1 : 0) }))
      .filter((file) => file.lines > 300)
      .map((file) => `${file.path}: ${file.lines} lines`);
    assert.deepEqual(long, []);
  });

  it('nothing points at a design file outside the repository', () => {
    const self = relative(repoRoot, fileURLToPath(import.meta.url));
    const pointers = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((path) => /\.(ts|js|cjs|md|sh|yml|json)$/.test(path) && path !== self && path !== 'package-lock.json')
      .filter((path) => /shared\/(DESIGN|STYLE|docs|fixtures)|DESIGN\.md/.test(readFileSync(join(repoRoot, path), 'utf8')));
    assert.deepEqual(pointers, []);
  });
});
