import { describe, expect, it } from 'vitest';
import { renderPm2Ecosystem } from './pm2.js';
import { serviceSpec } from './service-spec.js';

const project = { id: 'p-1', name: 'shop', restartCommand: '' };

describe('pm2 ecosystem', () => {
  it('declares one app running the command through /bin/sh in current/<workingDir>, logging to the shared log', () => {
    const command = `node server.js --title "it's" $PORT\n`.trim();
    const file = renderPm2Ecosystem(
      serviceSpec({ manager: 'pm2', command, workingDir: 'web', environment: { PORT: '3000', QUOTE: '"}], "x": 1' }, stopTimeoutSeconds: 8 }, project, '/srv/shop'),
    );
    expect(file.path).toBe('/srv/shop/.platform/service/rp-shop.pm2.json');
    expect(JSON.parse(file.content)).toEqual({
      apps: [
        {
          name: 'rp-shop',
          script: '/bin/sh',
          args: ['-c', command],
          interpreter: 'none',
          cwd: '/srv/shop/current/web',
          env: { PORT: '3000', QUOTE: '"}], "x": 1' },
          out_file: '/srv/shop/shared/logs/rp-shop.log',
          error_file: '/srv/shop/shared/logs/rp-shop.log',
          merge_logs: true,
          autorestart: true,
          kill_timeout: 8000,
        },
      ],
    });
  });
});
