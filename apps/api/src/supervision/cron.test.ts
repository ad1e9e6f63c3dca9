import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCronBlock } from './cron.js';
import { serviceSpec } from './service-spec.js';

const project = { id: 'p-1', name: 'shop', restartCommand: '' };
const work = mkdtempSync(join(tmpdir(), 'rp-cron-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The command field as cron hands it to the shell (cronie's do_command): `\%` becomes `%`, any other backslash
 * stays, and the first unescaped `%` ends the command (the rest would be its stdin).
 */
function asCronRunsIt(field: string): string {
  let out = '';
  let escaped = false;
  for (const ch of field) {
    if (escaped) {
      if (ch === '%') out = out.slice(0, -1);
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      out += ch;
      escaped = true;
    } else if (ch === '%') {
      break;
    } else out += ch;
  }
  return out;
}

describe('cron block', () => {
  it('is one job between the markers, appending to the shared log', () => {
    const block = renderCronBlock(serviceSpec({ manager: 'cron', name: 'report', command: './bin/report', workingDir: 'jobs', schedule: '*/5 * * * 1-5' }, project, '/srv/shop'));
    expect(block.content).toBe(
      ["# BEGIN rp-report", "*/5 * * * 1-5 cd '/srv/shop/current/jobs' && /bin/sh -c './bin/report' >> '/srv/shop/shared/logs/report.log' 2>&1", '# END rp-report', ''].join('\n'),
    );
  });

  it('runs exactly the configured command and environment once cron has read the line', () => {
    const deployPath = join(work, 'deploy');
    mkdirSync(join(deployPath, 'current'), { recursive: true });
    mkdirSync(join(deployPath, 'shared/logs'), { recursive: true });
    const command = `printf '%s|%s|%s\\n' "100%" 'a\\%b' 'c\\\\%d'; echo "$GREETING" "$(pwd)"`;
    const greeting = `50% off 'now' \\% "quoted"`;
    const block = renderCronBlock(serviceSpec({ manager: 'cron', name: 'job', command, environment: { GREETING: greeting }, schedule: '0 3 * * *' }, project, deployPath));
    const line = block.content.split('\n')[1] ?? '';
    const field = line.split(' ').slice(5).join(' ');
    const ran = spawnSync('/bin/sh', ['-c', asCronRunsIt(field)], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    const direct = spawnSync('/bin/sh', ['-c', command], { cwd: join(deployPath, 'current'), encoding: 'utf8', env: { ...process.env, GREETING: greeting } });
    expect(readFileSync(join(deployPath, 'shared/logs/job.log'), 'utf8')).toBe(direct.stdout);
    expect(direct.stdout).toContain('100%|a\\%b|c\\\\%d');
  });
});
