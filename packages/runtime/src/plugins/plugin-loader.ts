import { Container, ContainerModule } from 'inversify';
import { ConfigurationError } from '@flott/core';

/** A ContainerModule from any copy of inversify (plugins may bring their own). */
export function isContainerModule(v: unknown): v is ContainerModule {
  return v instanceof ContainerModule || (typeof v === 'object' && v !== null && typeof (v as ContainerModule).load === 'function' && typeof (v as ContainerModule).id === 'number');
}

/**
 * Loads plugin packages by name (DESIGN.md §2): every exported ContainerModule is loaded into the
 * container. A package that cannot be found or exports no module fails with a clear error.
 */
export function loadPlugins(container: Container, specifiers: readonly string[], requireFn: (id: string) => unknown = require): void {
  for (const spec of specifiers) {
    let mod: Record<string, unknown>;
    try {
      mod = requireFn(spec) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigurationError(`Cannot load plugin '${spec}' (from 'plugins'): ${(e as Error).message}`, { plugin: spec });
    }
    const modules = Object.values(mod).filter(isContainerModule);
    if (modules.length === 0) throw new ConfigurationError(`Plugin '${spec}' exports no InversifyJS ContainerModule`, { plugin: spec });
    container.loadSync(...modules);
  }
}

export function createPluginContainer(specifiers: readonly string[]): Container {
  const container = new Container();
  loadPlugins(container, specifiers);
  return container;
}

/**
 * A child of `parent`, made by `parent`'s own copy of inversify: a distribution that brings its own
 * (`require('inversify')` in a launcher, as examples/custom-distribution does) hands the runtime a
 * Container of that copy, and a container's parent must be of its class (inversify keeps it in private
 * fields). The runtime's bundle carries its own copy (scripts/bundle-package.js); bindings, modules and
 * decorator metadata work across copies.
 */
export function childContainer(parent: Container): Container {
  return new (parent.constructor as typeof Container)({ parent });
}
