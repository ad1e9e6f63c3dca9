import { execFileSync } from 'node:child_process';
import type { SampleAppRepo, SshHosts } from '@rp/deploy-engine/testing';
import type { BaselineTarget } from './baseline.js';
import { createBenchProject, type BenchProject, type Fleet } from './fleet.js';
import { WorkMeter } from './machine.js';
import type { Product } from './product.js';
import type { Settings } from './settings.js';

/** Everything the phases share: the running product, the hosts as both sides reach them, and the source repo. */
export class BenchContext {
  readonly #projects = new Map<number, BenchProject>();

  constructor(
    readonly settings: Settings,
    readonly product: Product,
    readonly ssh: SshHosts,
    /** The deploy root every host sees at the same path (its own directory bind-mounted there). */
    readonly mount: string,
    readonly fleet: Fleet,
    readonly repo: SampleAppRepo,
    /** Scratch directory for artifacts and Ansible files. */
    readonly dir: string,
  ) {}

  /** The project and environment (all hosts) releasing `sizeMb` MB, created on first use. */
  async project(sizeMb: number): Promise<BenchProject> {
    const known = this.#projects.get(sizeMb);
    if (known) return known;
    const created = await createBenchProject(this.product.api, this.fleet, {
      name: `bench-${sizeMb}mb`,
      gitUrl: this.repo.url,
      sizeMb,
      deployPath: `${this.mount}/product-${sizeMb}mb`,
      serverIds: this.fleet.serverIds,
      concurrency: this.settings.concurrency,
    });
    this.#projects.set(sizeMb, created);
    return created;
  }

  /** The baseline's view of `count` hosts (all by default) with its own deploy directory `name`. */
  baseline(name: string, count = this.ssh.hosts.length): BaselineTarget {
    return { hosts: this.ssh.hosts.slice(0, count), keyPath: this.ssh.clientKeyPath, root: `${this.mount}/${name}`, concurrency: this.settings.concurrency };
  }

  /** A new commit on `main`, so the next release builds (and uploads) a new artifact instead of reusing one. */
  newCommit(label: string): string {
    return this.repo.addCommit({ message: label });
  }

  /** Starts measuring a phase's work: the machine and the product's processes. */
  meter(): WorkMeter {
    return new WorkMeter(() => ({ product: Object.values(this.product.pids) }));
  }

  /**
   * Flushes dirty pages before a measured step, so no step pays for the disk writes of the one before it (a 100 MB
   * release to 20 hosts writes 2–4 GB).
   */
  settle(): void {
    execFileSync('sync');
  }
}
