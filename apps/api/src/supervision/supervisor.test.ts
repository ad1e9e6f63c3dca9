import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkServiceConfig } from './config-check.js';
import { serviceSpec } from './service-spec.js';
import { environmentRefusal, renderSupervisorProgram } from './supervisor.js';

const project = { id: 'p-1', name: 'shop', restartCommand: '' };
const render = (config: Parameters<typeof serviceSpec>[0]) => renderSupervisorProgram(serviceSpec(config, project, '/srv/shop'));

/**
 * Reads a rendered section the way supervisord 4 does (its config parser, `%` expansion, shlex for the command and
 * its own key=value parser for the environment) and prints what the process would get, as JSON.
 */
const READ_AS_SUPERVISORD = `
import json, shlex, sys
from supervisor.options import UnhosedConfigParser, expand
from supervisor.datatypes import dict_of_key_value_pairs
parser = UnhosedConfigParser()
parser.read_string(sys.stdin.read())
section = parser.sections()[0]
get = lambda key: expand(parser.get(section, key), {}, key)
print(json.dumps({
  'section': section,
  'argv': shlex.split(get('command')),
  'directory': get('directory'),
  'environment': dict_of_key_value_pairs(get('environment')) if parser.has_option(section, 'environment') else {},
  'stdout_logfile': get('stdout_logfile'),
}))
`;
/** The Python supervisord itself runs on (its script's #! line): the one that has the supervisor package. */
const python = existsSync('/usr/bin/supervisord') ? (/^#!(\S+)/.exec(readFileSync('/usr/bin/supervisord', 'utf8'))?.[1] ?? 'python3') : 'python3';
function readAsSupervisord(content: string) {
  const out = spawnSync(python, ['-c', READ_AS_SUPERVISORD], { input: content, encoding: 'utf8' });
  expect(out.stderr).toBe('');
  return JSON.parse(out.stdout) as { section: string; argv: string[]; directory: string; environment: Record<string, string>; stdout_logfile: string };
}

describe('supervisor program', () => {
  it('is one program section with every setting of the config', () => {
    const file = render({ manager: 'supervisor', command: 'exec ./bin/app', workingDir: 'api', environment: { PORT: '8080', MODE: 'a "quoted" word' }, user: 'app', stopSignal: 'QUIT', stopTimeoutSeconds: 30 });
    expect(file.path).toBe('/etc/supervisor/conf.d/rp-shop.conf');
    expect(file.content).toBe(
      [
        '[program:rp-shop]',
        "command=/bin/sh -c 'exec ./bin/app'",
        'directory=/srv/shop/current/api',
        `environment=PORT="8080",MODE='a "quoted" word'`,
        'user=app',
        'stopsignal=QUIT',
        'stopwaitsecs=30',
        'autostart=true',
        'autorestart=true',
        'stdout_logfile=/srv/shop/shared/logs/rp-shop.log',
        'redirect_stderr=true',
        'stopasgroup=true',
        'killasgroup=true',
        '',
      ].join('\n'),
    );
  });

  it('writes into the configured program directory', () => {
    expect(render({ manager: 'supervisor', name: 'api', command: 'x', supervisor: { programDir: '/opt/sv/conf.d' } }).path).toBe('/opt/sv/conf.d/api.conf');
  });

  it('doubles every % (supervisord expands %(name)s) and breaks up what its parser would take for a comment', () => {
    const { content } = render({ manager: 'supervisor', command: 'echo 100% ; date +%s #tag', environment: { RATE: '5%(ENV_HOME)s' } });
    expect(content).toContain("command=/bin/sh -c 'echo 100%% ''; date +%%s ''#tag'\n");
    expect(content).toContain('environment=RATE="5%%(ENV_HOME)s"\n');
  });

  it.each([
    ['both quote characters', `it's "x"`],
    ['a quote at the start', `"x`],
    ['a quote at the end', `x'`],
    ['a comment after whitespace', 'a ;b'],
    ['a hash after whitespace', 'a #b'],
  ])('refuses an environment value with %s, which supervisord would read differently', (_, value) => {
    expect(environmentRefusal(value)).toMatch(/supervisor/);
    expect(() => render({ manager: 'supervisor', command: 'x', environment: { V: value } })).toThrow(/body\.service\.environment\.V/);
    expect(() => checkServiceConfig({ manager: 'supervisor', command: 'x', environment: { V: value } })).toThrow(/body\.service\.environment\.V/);
  });

  it('gives the process exactly the command and environment configured (read by supervisord\'s own parser)', () => {
    const command = `echo "it's 100% done" ; printf '%s\\n' "$HOME" #not a comment;x ; echo a\\;b`;
    const environment = { A: 'x y, z', B: "it's", C: '50%(ENV_HOME)s', D: 'a;b#c', E: '' };
    const parsed = readAsSupervisord(render({ manager: 'supervisor', name: 'demo', command, environment }).content);
    expect(parsed).toEqual({
      section: 'program:demo',
      argv: ['/bin/sh', '-c', command],
      directory: '/srv/shop/current',
      environment,
      stdout_logfile: '/srv/shop/shared/logs/demo.log',
    });
  });
});
