import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The determinism rule of eslint.config.mjs (DESIGN.md §9), run on planted code so it cannot silently
 * stop working (a renamed folder, a rule overridden by a later config block). ESLint's config is an
 * ES module, so it runs in a child Node process that lints every sample in one go.
 */
const REPO_ROOT = path.resolve(__dirname, '../../../..');

interface Sample {
  readonly file: string;
  readonly code: string;
}

const MARKER = '@@lint-results@@';

/** The rule ids reported for each sample, in order. */
function lint(samples: readonly Sample[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const samples = JSON.parse(process.env.SAMPLES);
    const MARKER = process.env.MARKER;
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const s of samples) {
      const [result] = await eslint.lintText(s.code, { filePath: s.file });
      out.push(result.messages.filter((m) => m.ruleId !== '@nx/enforce-module-boundaries').map((m) => m.ruleId ?? m.message));
    }
    process.stdout.write('\\n' + MARKER + JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, SAMPLES: JSON.stringify(samples), MARKER },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  // Nx's boundary rule may print warnings on stdout first.
  return JSON.parse(run.stdout.slice(run.stdout.lastIndexOf(MARKER) + MARKER.length)) as string[][];
}

const RUNTIME = 'packages/runtime/src/jobmaster/planted.ts';
const CORE = 'packages/core/src/planted.ts';

const VIOLATIONS: Record<string, string> = {
  'Date.now': 'export const t = Date.now();',
  'new Date()': 'export const t = new Date();',
  'Date()': 'export const t = Date();',
  'performance.now': 'export const t = performance.now();',
  'process.hrtime': 'export const t = process.hrtime.bigint();',
  setTimeout: 'export const t = setTimeout(() => undefined, 1);',
  setInterval: 'export const t = setInterval(() => undefined, 1);',
  setImmediate: 'export const t = setImmediate(() => undefined);',
  'globalThis.setTimeout': 'export const t = globalThis.setTimeout(() => undefined, 1);',
  'Math.random': 'export const r = Math.random();',
  'crypto.randomUUID': 'export const r = crypto.randomUUID();',
  'import randomUUID': "import { randomUUID } from 'node:crypto';\nexport const r = randomUUID();",
  'import randomBytes': "import { randomBytes } from 'crypto';\nexport const r = randomBytes(4);",
  'timers/promises': "import { setTimeout as sleep } from 'node:timers/promises';\nexport const r = sleep(1);",
};

describe('determinism lint rule (DESIGN.md §9)', () => {
  let results: string[][];
  const names = Object.keys(VIOLATIONS);
  const allowed: Sample[] = [
    { file: 'packages/runtime/src/time/planted.ts', code: VIOLATIONS['Date.now'] },
    { file: 'packages/core/src/time/planted.ts', code: VIOLATIONS['Math.random'] },
    { file: 'packages/runtime/src/jobmaster/planted.spec.ts', code: VIOLATIONS.setTimeout },
    { file: RUNTIME, code: "import { createHash } from 'node:crypto';\nexport const d = new Date(0).toISOString() + createHash('sha256').digest('hex');" },
    // Other packages are outside the rule's scope.
    { file: 'packages/cli/src/planted.ts', code: VIOLATIONS['Date.now'] },
  ];

  beforeAll(() => {
    results = lint([
      ...names.map((n) => ({ file: RUNTIME, code: VIOLATIONS[n] })),
      { file: CORE, code: VIOLATIONS['Date.now'] },
      { file: CORE, code: VIOLATIONS.setTimeout },
      { file: RUNTIME, code: 'export * from "./x";' },
      ...allowed,
    ]);
  }, 60_000);

  it('fails every clock read, timer and random source in runtime code', () => {
    const flagged = Object.fromEntries(names.map((n, i) => [n, results[i].length]));
    expect(flagged).toEqual(Object.fromEntries(names.map((n) => [n, 1])));
  });

  it('fails them in core code too, and keeps the no-export-* rule there', () => {
    const [dateNow, timer, exportAll] = results.slice(names.length, names.length + 3);
    expect(dateNow).toEqual(['no-restricted-properties']);
    expect(timer).toEqual(['no-restricted-globals']);
    expect(exportAll).toEqual(['no-restricted-syntax']);
  });

  it('allows the time services, specs, new Date(ms), createHash and other packages', () => {
    expect(results.slice(names.length + 3)).toEqual(allowed.map(() => []));
  });
});
