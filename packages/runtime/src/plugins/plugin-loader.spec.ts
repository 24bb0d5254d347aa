import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The built runtime carries its own copy of inversify (scripts/bundle-package.js); plugins and distributions may
 * bring theirs (`require('inversify')`). Checked in a child process on the built packages, as they run.
 */
describe('plugins and containers across copies of inversify (built runtime)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-plugins-spec-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("loads a plugin module made by node_modules' inversify, and makes children of a container of either copy", () => {
    const plugin = path.join(dir, 'greeter-plugin.js');
    fs.writeFileSync(plugin, `
      const { ContainerModule, decorate, injectable } = require(${JSON.stringify(require.resolve('inversify'))});
      class Greeter { greet() { return 'hello from the plugin'; } }
      decorate(injectable(), Greeter);
      exports.greeterModule = new ContainerModule((options) => { options.bind('greeter').to(Greeter).inSingletonScope(); });`);
    const r = spawnSync(process.execPath, ['-e', `
      const inversify = require('inversify');
      const { createPluginContainer, childContainer } = require('@flott/runtime');
      const plugins = createPluginContainer([${JSON.stringify(plugin)}]);
      const own = new inversify.Container();
      own.bind('name').toConstantValue('the distribution');
      const child = childContainer(plugins);
      const ownChild = childContainer(own);
      process.stdout.write(JSON.stringify({
        sameCopy: plugins instanceof inversify.Container,
        greeting: child.get('greeter').greet(),
        singleton: child.get('greeter') === plugins.get('greeter'),
        fromParent: ownChild.get('name'),
        childOfOwnCopy: ownChild instanceof inversify.Container,
      }));`], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ sameCopy: false, greeting: 'hello from the plugin', singleton: true, fromParent: 'the distribution', childOfOwnCopy: true });
  });
});
