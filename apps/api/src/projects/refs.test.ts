import { describe, expect, it } from 'vitest';
import { authenticatedUrl, scrub } from './refs.js';

describe('git token access', () => {
  const access = { gitUrl: 'https://gitlab.example.com/team/app.git', token: { username: null, secret: 'glpat-a/b+c@d' } };

  it('puts the token in the URL as GitLab expects, encoded', () => {
    expect(authenticatedUrl(access)).toBe('https://oauth2:glpat-a%2Fb+c%40d@gitlab.example.com/team/app.git');
    expect(authenticatedUrl({ ...access, token: { username: 'ci-bot', secret: 't' } })).toBe('https://ci-bot:t@gitlab.example.com/team/app.git');
    expect(authenticatedUrl({ gitUrl: access.gitUrl })).toBe(access.gitUrl);
  });

  it('removes every form of the token from messages', () => {
    const message = `fatal: unable to access '${authenticatedUrl(access)}': 401; raw glpat-a/b+c@d; encoded ${encodeURIComponent('glpat-a/b+c@d')}`;
    const clean = scrub(message, access);
    expect(clean).not.toContain('glpat');
    expect(clean).toContain('***');
  });
});
