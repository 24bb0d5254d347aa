import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A built entry point of the runtime (`dist/<relative>`), found from this file also when the code runs
 * from sources (tests): worker threads always start from built JavaScript.
 */
export function runtimeDistEntry(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === '@flott/runtime') {
      const entry = path.join(dir, 'dist', relative);
      if (!fs.existsSync(entry)) throw new Error(`Assertion failed: ${entry} is missing; build the runtime first (npm run build)`);
      return entry;
    }
    if (path.dirname(dir) === dir) throw new Error('Assertion failed: @flott/runtime package root not found');
  }
}
