import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArtifactCache } from './job-artifact';

/** Loads the bundle in a fresh Node process, as a slot would, and returns what its default export says. */
function loadBundle(file: string): string {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => process.stdout.write(String(m.default)))`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
}

/** A minimal installation: a node_modules folder whose `@flott/version` package exports `version`. */
function makeInstallation(root: string, version: string): string {
  const modules = path.join(root, 'node_modules');
  const pkg = path.join(modules, '@flott', 'version');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@flott/version', version, main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), `module.exports = { version: ${JSON.stringify(version)} };`);
  return modules;
}

/** One job bundle, byte for byte the same for both installations: it reports the `@flott/*` package it loaded. */
const bundle = new TextEncoder().encode("import v from '@flott/version';\nexport default v.version;\n");
const sha256 = createHash('sha256').update(bundle).digest('hex');

describe('ArtifactCache', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-artifact-cache-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives two installations sharing one blob directory each their own packages', () => {
    const first = makeInstallation(path.join(tmp, 'checkout-1'), '1.0.0');
    const second = makeInstallation(path.join(tmp, 'checkout-2'), '2.0.0');
    const blobs = path.join(tmp, 'blobs');

    const fileOfFirst = new ArtifactCache(blobs, { installation: first }).put(sha256, bundle);
    const fileOfSecond = new ArtifactCache(blobs, { installation: second }).put(sha256, bundle);

    expect(fileOfFirst).not.toBe(fileOfSecond);
    expect(loadBundle(fileOfFirst)).toBe('1.0.0');
    expect(loadBundle(fileOfSecond)).toBe('2.0.0');
    // The first installation, asked again after the second one, still gets its own folder.
    expect(new ArtifactCache(blobs, { installation: first }).pathOf(sha256)).toBe(fileOfFirst);
  });

  it('renews a node_modules link that points at another installation', () => {
    const installation = makeInstallation(path.join(tmp, 'checkout'), '3.0.0');
    const stale = makeInstallation(path.join(tmp, 'deleted-checkout'), '0.9.0');
    const cache = new ArtifactCache(path.join(tmp, 'blobs'), { installation });
    const link = path.join(cache.directory, 'node_modules');
    fs.rmSync(link);
    fs.symlinkSync(stale, link, 'dir');

    const file = new ArtifactCache(path.join(tmp, 'blobs'), { installation }).put(sha256, bundle);

    expect(fs.readlinkSync(link)).toBe(fs.realpathSync(installation));
    expect(loadBundle(file)).toBe('3.0.0');
  });

  it('refuses a bundle whose bytes do not match its key', () => {
    const cache = new ArtifactCache(path.join(tmp, 'blobs'), { installation: makeInstallation(tmp, '1.0.0') });
    expect(() => cache.put(sha256, new TextEncoder().encode('tampered'))).toThrow(/hash mismatch/);
  });
});
