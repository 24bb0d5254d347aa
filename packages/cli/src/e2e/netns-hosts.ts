import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './run-cli';

const BIN = path.join(REPO_ROOT, 'packages/cli/bin/flott.js');

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Several "hosts" on this machine (../shared/TEST-SERVICES.md): one network namespace per host, each
 * with a veth into a bridge that lives in a namespace of its own, addresses 10.213.<subnet>.<n>/24.
 * Every process, the client included, runs inside a host's namespace (nothing leaves the machine).
 * `cut`/`heal` take a host's link down and up (a partition: no reset, packets just stop).
 */
export class NetnsHosts {
  private readonly prefix: string;
  private readonly subnet: number;
  private readonly processes: ChildProcess[] = [];
  readonly hosts: string[];

  constructor(hostNames: readonly string[]) {
    this.prefix = `fl${process.pid % 100000}`;
    this.subnet = 100 + (process.pid % 150);
    this.hosts = [...hostNames];
  }

  /** The namespace of `host`. */
  ns(host: string): string {
    return `${this.prefix}-${host}`;
  }

  address(host: string): string {
    return `10.213.${this.subnet}.${this.hosts.indexOf(host) + 1}`;
  }

  private veth(host: string): string {
    return `${this.prefix}v${this.hosts.indexOf(host)}`;
  }

  setUp(): void {
    const bridgeNs = `${this.prefix}-br`;
    ip(['netns', 'add', bridgeNs]);
    ip(['-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', bridgeNs, 'link', 'set', 'br0', 'up']);
    for (const host of this.hosts) {
      const ns = this.ns(host);
      const inner = this.veth(host);
      const outer = `${inner}b`;
      ip(['netns', 'add', ns]);
      ip(['link', 'add', inner, 'type', 'veth', 'peer', 'name', outer]);
      ip(['link', 'set', inner, 'netns', ns]);
      ip(['link', 'set', outer, 'netns', bridgeNs]);
      ip(['-n', bridgeNs, 'link', 'set', outer, 'master', 'br0']);
      ip(['-n', bridgeNs, 'link', 'set', outer, 'up']);
      ip(['-n', ns, 'addr', 'add', `${this.address(host)}/24`, 'dev', inner]);
      ip(['-n', ns, 'link', 'set', inner, 'up']);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  }

  /** Starts `flott <args>` on `host`; its output collects in the returned accessors. */
  flott(host: string, args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn('ip', ['netns', 'exec', this.ns(host), process.execPath, BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, output: () => out, exited };
  }

  cut(host: string): void {
    ip(['-n', this.ns(host), 'link', 'set', this.veth(host), 'down']);
  }

  heal(host: string): void {
    ip(['-n', this.ns(host), 'link', 'set', this.veth(host), 'up']);
  }

  /** Kills every process started here and deletes the namespaces (and with them the links). */
  async tearDown(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('close', () => resolve());
            p.kill('SIGKILL');
          }),
      ),
    );
    for (const ns of [...this.hosts.map((h) => this.ns(h)), `${this.prefix}-br`]) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        // not created (setUp failed part-way)
      }
    }
  }
}
