import { describe, expect, it } from 'vitest';
import { commandLine, commandSummary, withoutUserinfo } from './echo.js';

describe('command echo', () => {
  it('shows the first line of a command, at most 300 characters, and marks what it left out', () => {
    expect(commandLine('npm ci')).toBe('$ npm ci');
    expect(commandLine('npm ci\nnpm run build')).toBe('$ npm ci …');
    expect(commandLine(`echo ${'x'.repeat(400)}`)).toBe(`$ echo ${'x'.repeat(294)}…`);
    expect(commandLine('printf "a\tb\r"')).toBe('$ printf "a b "');
  });

  it('names the variables a command gets, never their values', () => {
    const echo = commandSummary('sh /srv/app/.platform/scripts/r1/restart.sh', ['as deploy', 'in /srv/app/releases/r1'], { PORT: '8080', API_TOKEN: 'hunter2' });
    expect(echo).toBe('sh /srv/app/.platform/scripts/r1/restart.sh (as deploy, in /srv/app/releases/r1, env PORT=… API_TOKEN=…)');
    expect(commandSummary('make', ['build command'], {})).toBe('make (build command)');
  });

  it('drops the user and password of a URL, and leaves an SSH login of an scp-like address', () => {
    expect(withoutUserinfo('https://oauth2:glpat-secret@gitlab.example.com/group/app.git')).toBe('https://…@gitlab.example.com/group/app.git');
    expect(withoutUserinfo('https://ghp_token@github.com/o/r.git')).toBe('https://…@github.com/o/r.git');
    expect(withoutUserinfo('http://u:p@ss@host:8080/health?next=a@b')).toBe('http://…@host:8080/health?next=a@b');
    expect(withoutUserinfo('https://github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(withoutUserinfo('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});
