#!/usr/bin/env node
// Per-package test coverage with a floor (README.md, Development).
//   node scripts/coverage.js                 run every package's tests with coverage, print the table, check the floor
//   node scripts/coverage.js --report        only print and check what the last run wrote to coverage/ (CI, after npm test)
//   node scripts/coverage.js --update-floor  like --report, then write those figures, rounded down, to coverage-floor.json
// The floor fails the run when a package drops below it, lacks a figure or lacks a floor.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const floorFile = path.join(root, 'coverage-floor.json');
const metrics = ['lines', 'branches', 'functions', 'statements'];
const args = process.argv.slice(2);

if (!args.includes('--report') && !args.includes('--update-floor')) {
  fs.rmSync(path.join(root, 'coverage'), { recursive: true, force: true });
  const nxPackage = require.resolve('nx/package.json');
  const nx = path.join(path.dirname(nxPackage), require(nxPackage).bin.nx);
  const run = spawnSync(process.execPath, [nx, 'run-many', '-t', 'test', '--skip-nx-cache', '--outputStyle=stream'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FLOTT_COVERAGE: 'true' },
  });
  if (run.status !== 0) {
    console.error('coverage: the tests failed, so no figures were checked');
    process.exit(run.status ?? 1);
  }
}

// Figures per package, from the json-summary each package's Jest run wrote (jest.preset.js).
const figures = new Map();
for (const dir of require(path.join(root, 'package.json')).workspaces) {
  const summary = path.join(root, 'coverage', dir, 'coverage-summary.json');
  if (!fs.existsSync(summary)) continue;
  const { total } = JSON.parse(fs.readFileSync(summary, 'utf8'));
  const name = require(path.join(root, dir, 'package.json')).name;
  figures.set(name, Object.fromEntries(metrics.map((m) => [m, total[m]])));
}

const pct = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total);
const all = Object.fromEntries(metrics.map((m) => [m, { covered: 0, total: 0 }]));
const rows = [['package', ...metrics.map((m) => `${m} %`)]];
for (const [name, f] of figures) {
  rows.push([name, ...metrics.map((m) => pct(f[m]).toFixed(2))]);
  for (const m of metrics) (all[m].covered += f[m].covered), (all[m].total += f[m].total);
}
rows.push(['all packages', ...metrics.map((m) => pct(all[m]).toFixed(2))]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
console.log(['', line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n'));
console.log('(worker threads and child processes run from dist/ and are not counted)\n');

if (args.includes('--update-floor')) {
  const floor = { $comment: 'Per-package coverage floor in whole percent, checked by scripts/coverage.js.' };
  for (const [name, f] of figures) floor[name] = Object.fromEntries(metrics.map((m) => [m, Math.floor(pct(f[m]))]));
  fs.writeFileSync(floorFile, `${JSON.stringify(floor, null, 2)}\n`);
  console.log(`coverage: wrote ${path.relative(root, floorFile)}`);
  process.exit(0);
}

if (!fs.existsSync(floorFile)) {
  console.error('coverage: no coverage-floor.json (write one: node scripts/coverage.js --update-floor)');
  process.exit(1);
}
const floor = JSON.parse(fs.readFileSync(floorFile, 'utf8'));
const failures = [];
for (const name of Object.keys(floor).filter((k) => !k.startsWith('$'))) {
  if (!figures.has(name)) failures.push(`${name}: no coverage figures (did its Jest suite run with FLOTT_COVERAGE=true?)`);
}
for (const [name, f] of figures) {
  if (!floor[name]) {
    failures.push(`${name}: no floor in coverage-floor.json (add one: node scripts/coverage.js --update-floor)`);
    continue;
  }
  for (const m of metrics) {
    if (pct(f[m]) < floor[name][m]) failures.push(`${name}: ${m} coverage ${pct(f[m]).toFixed(2)}% is below its floor of ${floor[name][m]}%`);
  }
}
if (failures.length > 0) {
  console.error(`coverage: below the floor in coverage-floor.json\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('coverage: every package is at or above its floor (coverage-floor.json)');
