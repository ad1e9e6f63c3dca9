import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { ServiceConfig } from './supervision.js';

const config = Compile(ServiceConfig);

describe('service config', () => {
  it('accepts a full config', () => {
    expect(
      config.Check({
        manager: 'supervisor',
        name: 'shop-api',
        command: `echo "it's 100%" ; exec ./app --flag='a b'`,
        workingDir: 'api/v2',
        environment: { PORT: '8080', _X1: 'a "b" %(c)s' },
        user: 'www-data',
        stopSignal: 'QUIT',
        stopTimeoutSeconds: 30,
        logFile: 'api.log',
        supervisor: { programDir: '/opt/sv/conf.d', configPath: '/opt/sv/supervisord.conf' },
      }),
    ).toBe(true);
  });

  it.each([
    ['a newline in the command', { command: 'a\nb' }],
    ['a carriage return in a value', { environment: { A: 'x\ry' } }],
    ['a tab in a value', { environment: { A: 'x\ty' } }],
    ['DEL in the command', { command: 'a\u007f' }],
    ['a lower-case variable', { environment: { path: 'x' } }],
    ['a name with a slash', { name: 'a/b' }],
    ['a name with ..', { name: 'a..b' }],
    ['a name with a colon (supervisor groups)', { name: 'a:b' }],
    ['an absolute working dir', { workingDir: '/etc' }],
    ['a working dir climbing out', { workingDir: 'a/../../etc' }],
    ['a log file in another directory', { logFile: '../x.log' }],
    ['a program dir climbing out', { supervisor: { programDir: '/etc/supervisor/../../root' } }],
    ['an unknown stop signal', { stopSignal: 'STOP' }],
    ['an unknown field', { restart: 'always' }],
  ])('refuses %s', (_, fields) => expect(config.Check({ manager: 'systemd', command: 'x', ...fields })).toBe(false));

  it.each(['* * * * *', '*/5 0-6 1,15 1-12/2 0', '0 3 * * 1-5', '59 23 31 12 7'])('accepts the schedule %j', (schedule) =>
    expect(config.Check({ manager: 'cron', command: 'x', schedule })).toBe(true),
  );

  it.each(['* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '@daily', '*/0 * * * *', '* * * * MON', '*  * * * *'])(
    'refuses the schedule %j',
    (schedule) => expect(config.Check({ manager: 'cron', command: 'x', schedule })).toBe(false),
  );
});
