import { describe, expect, it } from 'vitest';
import { deployPathProblem } from './deploy-path.js';

describe('deploy paths', () => {
  it.each(['/srv/shop', '/srv/shop/', '/data/app', '/opt/shop', '/home/deploy/app', '/var/www/shop', '/usr/local/shop', '/app'])('%s is fine', (path) => {
    expect(deployPathProblem(path)).toBeNull();
  });

  it.each([
    ['/', 'must not be "/"'],
    ['///', 'must not be "/"'],
    ['/etc', 'system directory /etc'],
    ['/etc/nginx', 'system directory /etc'],
    ['//etc//app', 'system directory /etc'],
    ['/proc/self', 'system directory /proc'],
    ['/sys/kernel', 'system directory /sys'],
    ['/dev/shm/x', 'system directory /dev'],
    ['/boot/x', 'system directory /boot'],
    ['/root/app', 'system directory /root'],
    ['/usr/bin', 'system directory /usr'],
    ['/lib64/x', 'system directory /lib64'],
    ['/var/lib/dpkg', 'system directory /var/lib'],
    ['/usr/local', 'not /usr/local itself'],
    ['/srv', 'not /srv itself'],
    ['/srv/../etc', '"." or ".."'],
    ['/srv/./x', '"." or ".."'],
    ['/srv/-rf', 'starting with "-"'],
  ])('%s is refused', (path, reason) => {
    expect(deployPathProblem(path)).toContain(reason);
  });
});
