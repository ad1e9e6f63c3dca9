import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BaselineTarget } from './baseline.js';

/** True when `ansible-playbook` is on PATH (it is never installed by the bench). */
export function ansibleInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The same unpack + atomic switch as the baseline, written the way an Ansible user would.
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: release directory
      ansible.builtin.file:
        path: "{{ root }}/releases/{{ release_id }}"
        state: directory
    - name: unpack the artifact
      ansible.builtin.unarchive:
        src: "{{ artifact }}"
        dest: "{{ root }}/releases/{{ release_id }}"
    - name: switch current
      ansible.builtin.shell: ln -sfn releases/{{ release_id }} {{ root }}/current.tmp && mv -T {{ root }}/current.tmp {{ root }}/current
`;

/**
 * Writes an inventory of the hosts and an ansible.cfg with the settings a tuned fleet uses: forks = the rollout's
 * concurrency, pipelining, and ControlPersist so each host's tasks share one SSH connection. Returns the run
 * directory to pass to `ansibleRelease`.
 */
export function prepareAnsible(dir: string, t: BaselineTarget): string {
  const run = path.join(dir, 'ansible');
  mkdirSync(path.join(run, 'cp'), { recursive: true });
  const inventory = t.hosts.map(
    (h, i) => `h${i + 1} ansible_host=${h.host} ansible_port=${h.port} ansible_user=${h.username} ansible_ssh_private_key_file=${t.keyPath} ansible_python_interpreter=/usr/bin/python3`,
  );
  writeFileSync(path.join(run, 'inventory.ini'), `[all]\n${inventory.join('\n')}\n`);
  writeFileSync(
    path.join(run, 'ansible.cfg'),
    [
      '[defaults]',
      `inventory = ${path.join(run, 'inventory.ini')}`,
      `forks = ${t.concurrency}`,
      'host_key_checking = False',
      'retry_files_enabled = False',
      '[ssh_connection]',
      'pipelining = True',
      'ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR',
      `control_path_dir = ${path.join(run, 'cp')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(run, 'release.yml'), PLAYBOOK);
  return run;
}

/** One `ansible-playbook` run of the release to every host; returns its wall time in ms. */
export async function ansibleRelease(run: string, t: BaselineTarget, releaseId: string, artifactPath: string): Promise<number> {
  const vars = JSON.stringify({ root: t.root, release_id: releaseId, artifact: artifactPath });
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    execFile(
      'ansible-playbook',
      ['-e', vars, path.join(run, 'release.yml')],
      { env: { ...process.env, ANSIBLE_CONFIG: path.join(run, 'ansible.cfg') }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(new Error(`ansible-playbook failed: ${error.message}\n${stdout.slice(-4000)}`)) : resolve()),
    );
  });
  return performance.now() - t0;
}
