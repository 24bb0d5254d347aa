import * as fs from 'fs';
import * as path from 'path';
import { generateConfigurationDocs } from './docs';

/**
 * `npm run docs:config` runs this file from packages/runtime/dist/config/; the source sits at the
 * same depth under src/, so the repository root is four levels up either way.
 */
export const CONFIGURATION_DOCS_PATH = path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'configuration.md');

/** Writes the generated reference; returns whether the file changed. */
export function writeConfigurationDocs(file: string = CONFIGURATION_DOCS_PATH): boolean {
  const content = generateConfigurationDocs();
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return true;
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const file = argv.find((a) => !a.startsWith('--')) ?? CONFIGURATION_DOCS_PATH;
  if (check) {
    const upToDate = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === generateConfigurationDocs();
    process.stdout.write(upToDate ? `${file} is up to date\n` : `${file} is out of date; run npm run build && npm run docs:config\n`);
    return upToDate ? 0 : 1;
  }
  const changed = writeConfigurationDocs(file);
  process.stdout.write(changed ? `Wrote ${file}\n` : `${file} already up to date\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
