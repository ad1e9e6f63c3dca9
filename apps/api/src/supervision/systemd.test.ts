import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceSpec } from './service-spec.js';
import { execWord, renderSystemdUnit } from './systemd.js';

const project = { id: 'p-1', name: 'shop', restartCommand: '' };
const work = mkdtempSync(join(tmpdir(), 'rp-systemd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Undoes what systemd does to an ExecStart word (systemd.syntax(7), systemd.service(5)): specifiers (`%%` → `%`),
 * the quotes and C escapes, then `$$` → `$`. What comes out is what /bin/sh -c gets.
 */
function systemdUnquote(word: string): string {
  const text = word.replaceAll('%%', '%');
  expect(text.startsWith("'") && text.endsWith("'")).toBe(true);
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i];
    if (c === '\\') {
      out += text[i + 1];
      i += 1;
    } else {
      // An unescaped quote inside would end the word early.
      expect(c).not.toBe("'");
      out += c;
    }
  }
  return out.replaceAll('$$', '$');
}

describe('systemd unit', () => {
  it('runs the command in current/<workingDir> with every setting of the config', () => {
    const spec = serviceSpec(
      { manager: 'systemd', command: 'exec ./bin/app --port 8080', workingDir: 'api', environment: { PORT: '8080' }, user: 'app', stopSignal: 'INT', stopTimeoutSeconds: 20 },
      project,
      '/srv/shop/',
    );
    const unit = renderSystemdUnit(spec);
    expect(unit.path).toBe('/etc/systemd/system/rp-shop.service');
    expect(unit.content).toBe(
      [
        '[Unit]',
        'Description=shop (rp-shop), managed by the release platform',
        'After=network.target',
        '',
        '[Service]',
        'Type=simple',
        'WorkingDirectory=/srv/shop/current/api',
        "ExecStart=/bin/sh -c 'exec ./bin/app --port 8080'",
        'Environment="PORT=8080"',
        'User=app',
        'KillSignal=SIGINT',
        'TimeoutStopSec=20',
        'Restart=on-failure',
        'StandardOutput=append:/srv/shop/shared/logs/rp-shop.log',
        'StandardError=inherit',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    );
  });

  it('leaves out what the config does not set and honours a named unit, unit dir and log file', () => {
    const spec = serviceSpec({ manager: 'systemd', name: 'shop-api', command: 'exec ./app', logFile: 'api.log', systemd: { unitDir: '/usr/lib/systemd/system' } }, project, '/srv/shop');
    const { path, content } = renderSystemdUnit(spec);
    expect(path).toBe('/usr/lib/systemd/system/shop-api.service');
    expect(content).not.toMatch(/^(User|KillSignal|TimeoutStopSec|Environment)=/m);
    expect(content).toContain('StandardOutput=append:/srv/shop/shared/logs/api.log\n');
  });

  it.each([
    ['quotes', `echo "it's" 'done'`],
    ['backslashes', 'printf "a\\\\b\\n"'],
    ['variables systemd would expand', 'echo $HOME ${USER} $$'],
    ['specifiers', 'date +%Y-%m-%d %n %%'],
    ['a lone semicolon systemd reads as a separator', 'true ; echo second'],
  ])('keeps %s for the shell', (_, command) => {
    const line = renderSystemdUnit(serviceSpec({ manager: 'systemd', command }, project, '/srv/shop')).content.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(line?.startsWith('ExecStart=/bin/sh -c ')).toBe(true);
    expect(systemdUnquote(line?.slice('ExecStart=/bin/sh -c '.length) ?? '')).toBe(command);
    expect(execWord(command)).toBe(line?.slice('ExecStart=/bin/sh -c '.length));
  });

  it('keeps a hostile environment value inside its one double-quoted assignment', () => {
    const { content } = renderSystemdUnit(serviceSpec({ manager: 'systemd', command: 'x', environment: { TOKEN: 'a" Environment="EVIL=1 \\ 100%' } }, project, '/srv/shop'));
    const lines = content.split('\n').filter((l) => l.startsWith('Environment='));
    expect(lines).toEqual(['Environment="TOKEN=a\\" Environment=\\"EVIL=1 \\\\ 100%%"']);
  });

  it('renders units systemd-analyze verify accepts', () => {
    const deployPath = join(work, 'deploy');
    mkdirSync(join(deployPath, 'current'), { recursive: true });
    const spec = serviceSpec(
      { manager: 'systemd', name: 'rp-verify', command: `echo "it's 100% $HOME \\ done" ; x=';'`, environment: { A: 'x y, "z"', B: "it's \\ 5%" }, user: 'root', stopSignal: 'QUIT', stopTimeoutSeconds: 5 },
      project,
      deployPath,
    );
    const unitFile = join(work, 'rp-verify.service');
    writeFileSync(unitFile, renderSystemdUnit(spec).content);
    // Unbalanced quoting is a fatal error for verify (exit 1): a quote that escaped its word would show here.
    expect(() => execFileSync('systemd-analyze', ['verify', unitFile], { stdio: 'pipe' })).not.toThrow();
  });
});
