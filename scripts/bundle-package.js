#!/usr/bin/env node
// A package's built modules as one file (docs/architecture.md, "Start-up"): run in a package's directory after
// `tsc -b` (its `build` script does). Every thread that loads a Flott package pays per module it loads (resolving,
// reading, compiling: ~0.5 ms each under load), and a slot thread loads ~500. esbuild puts all of `dist/`'s modules
// reachable from the package's entry points into `dist/bundle/package.js`, each wrapped to run on its first require
// as before (what a thread does not use stays unevaluated), with every bare import (other packages, node_modules)
// left to Node. The entry points in package.json (`main`, `exports`) are one-line files in `dist/bundle/` that take
// their module from that one bundle, so each module has one instance per thread whichever entry reached it; so are
// the package's worker-thread entries (`flottBundle.workers`: paths under `dist/`).
//   node ../../scripts/bundle-package.js   in a package's directory: writes its dist/bundle/
//   node scripts/bundle-package.js --all   in the repository: every workspace with `flottBundle` (after `tsc -b`)
const fs = require('fs');
const path = require('path');

const BUNDLE_DIR = './dist/bundle/';

/**
 * name -> the tsc output it runs (`./dist/...js`, or a vendored package's name): `flottBundle.entries`, once every
 * entry point package.json names (`main`, `exports`) is checked to be the bundle's file of an entry there.
 */
function entries(pkg) {
  const all = new Map(Object.entries((pkg.flottBundle && pkg.flottBundle.entries) || {}));
  const check = (name, target) => {
    if (target !== `${BUNDLE_DIR}${name}.js` || !all.has(name)) {
      throw new Error(`${pkg.name}: entry point '${name}' is ${target}; it must be ${BUNDLE_DIR}${name}.js, with the dist file it runs in flottBundle.entries['${name}']`);
    }
  };
  check('index', `./${pkg.main}`);
  for (const [subpath, target] of Object.entries(pkg.exports || {})) {
    if (subpath !== './package.json') check(subpath === '.' ? 'index' : subpath.slice(2).replace(/\//g, '-'), typeof target === 'string' ? target : target.default);
  }
  return all;
}

/** The package a bare import names (`@scope/name` or `name`, without a subpath). */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * What stays Node's to load: every bare import (other packages, node_modules, builtins), except
 * - `flottBundle.vendor`: packages put into this bundle, from their ES module build where they have one
 *   (inversify's is one file; its CommonJS build is ~210): the runtime vendors inversify;
 * - `flottBundle.alias`: bare imports that load another package's entry point instead (the plugins take
 *   inversify from `@flott/runtime/inversify`, so one thread has one copy of it whichever package asks).
 */
function externals({ vendor = [], alias = {} }) {
  const vendored = (name) => vendor.some((v) => (v.endsWith('/*') ? name.startsWith(v.slice(0, -1)) : name === v));
  return {
    name: 'flott-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'vendor') return undefined;
        if (Object.prototype.hasOwnProperty.call(alias, args.path)) return { path: alias[args.path], external: true };
        if (!vendored(packageOf(args.path))) return { path: args.path, external: true };
        const r = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: 'vendor' });
        return r.errors.length > 0 ? { errors: r.errors } : { path: r.path };
      });
    },
  };
}

async function bundlePackage(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const all = entries(pkg);
  const out = path.join(dir, BUNDLE_DIR);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const names = [...all.keys()];
  // Getters, so the bundle's own evaluation runs none of the entries: each runs on its first use.
  const contents = `module.exports = {\n${names.map((n) => `  get ${JSON.stringify(n)}() { return require(${JSON.stringify(all.get(n))}); },`).join('\n')}\n};\n`;
  const { build } = require('esbuild');
  await build({
    stdin: { contents, resolveDir: dir, sourcefile: 'bundle-entries.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [externals(pkg.flottBundle)],
    outfile: path.join(out, 'package.js'),
    // Linked to the .ts sources through tsc's maps: traces of runtime code map back where source maps are on.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  const { init, parse } = require('cjs-module-lexer');
  await init();
  for (const n of names) {
    // Node finds the names an ES module may import from a CommonJS one by reading its text (cjs-module-lexer),
    // so each entry lists the names its dist file exports, in a line that never runs (as esbuild writes them).
    const source = all.get(n);
    const exported = source.startsWith('.')
      ? parse(fs.readFileSync(path.join(dir, source), 'utf8')).exports
      : Object.keys(require(require.resolve(source, { paths: [dir] })));
    const names = exported.length === 0 ? '' : `0 && (module.exports = { ${exported.join(', ')} });\n`;
    fs.writeFileSync(
      path.join(out, `${n}.js`),
      `'use strict';\n// ${all.get(n)}, from the package's one bundle (scripts/bundle-package.js).\nmodule.exports = require('./package.js')[${JSON.stringify(n)}];\n${names}`,
    );
  }
}

async function main() {
  if (!process.argv.includes('--all')) return bundlePackage(process.cwd());
  const root = path.join(__dirname, '..');
  for (const ws of JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces) {
    const dir = path.join(root, ws);
    if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).flottBundle) await bundlePackage(dir);
  }
}

main().catch((e) => {
  process.stderr.write(`bundle-package: ${e.message}\n`);
  process.exit(1);
});
