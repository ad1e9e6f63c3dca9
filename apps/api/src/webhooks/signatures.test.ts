import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { giteeVerified, githubVerified, gitlabVerified } from './signatures.js';

const SECRET = 'b3f1-secret';

describe('webhook secrets', () => {
  it('GitLab: the token itself', () => {
    expect(gitlabVerified(SECRET, { token: SECRET })).toBe(true);
    expect(gitlabVerified(SECRET, { token: `${SECRET} ` })).toBe(false);
    expect(gitlabVerified(SECRET, {})).toBe(false);
  });

  it('GitHub: the HMAC-SHA256 of the exact bytes', () => {
    const raw = Buffer.from('{"ref":"refs/heads/main"}');
    const signature = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    expect(githubVerified(SECRET, { signature }, raw)).toBe(true);
    expect(githubVerified(SECRET, { signature }, Buffer.from('{"ref": "refs/heads/main"}'))).toBe(false);
    expect(githubVerified(SECRET, { signature: signature.replace('sha256=', 'sha1=') }, raw)).toBe(false);
    expect(githubVerified(SECRET, {}, raw)).toBe(false);
  });

  it('Gitee: the password, or a signature over a timestamp within the hour', () => {
    const now = 1_764_468_072_000;
    const sign = (at: number) => createHmac('sha256', SECRET).update(`${at}\n${SECRET}`).digest('base64');
    expect(giteeVerified(SECRET, { token: SECRET }, now)).toBe(true);
    expect(giteeVerified(SECRET, { token: sign(now), timestamp: String(now) }, now)).toBe(true);
    expect(giteeVerified(SECRET, { token: encodeURIComponent(sign(now - 60_000)), timestamp: String(now - 60_000) }, now)).toBe(true);
    expect(giteeVerified(SECRET, { token: sign(now - 3_700_000), timestamp: String(now - 3_700_000) }, now)).toBe(false);
    expect(giteeVerified(SECRET, { token: sign(now), timestamp: String(now + 1) }, now)).toBe(false);
    expect(giteeVerified(SECRET, { token: '%E0%A4%A', timestamp: String(now) }, now)).toBe(false);
    expect(giteeVerified(SECRET, { timestamp: String(now) }, now)).toBe(false);
  });
});
