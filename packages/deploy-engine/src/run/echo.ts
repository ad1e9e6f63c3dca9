import { quote } from '../shell/quote.js';

/** An echo line is one line of the log, as long as a terminal shows at a glance. */
const ECHO_MAX = 300;

/** Tabs, carriage returns and other control characters would break the one-line rendering; they become spaces. */
export const printable = (text: string): string => text.replace(/\p{Cc}/gu, ' ');

/** The first line of `text`, shortened to `max` characters; `…` says something was left out. */
export function firstLine(text: string, max = ECHO_MAX): string {
  const lines = text.trim().split('\n');
  const first = printable(lines[0] ?? '');
  if (first.length > max) return `${first.slice(0, max - 1)}…`;
  return lines.length > 1 ? `${first} …` : first;
}

/** The text of a `command` log line: `$ ` and a one-line summary of what runs. */
export const commandLine = (summary: string): string => `$ ${firstLine(summary)}`;

/**
 * The variables a command is given, by name only: their values (a target's env may hold secrets) never reach the
 * log through an echo.
 */
export const envNames = (env: Record<string, string>): string => Object.keys(env).map((k) => `${k}=…`).join(' ');

/** `<command> (facts…, env K=… …)`: an echo that names the variables a command gets, never their values. */
export function commandSummary(command: string, facts: string[], env: Record<string, string>): string {
  const names = envNames(env);
  return `${command} (${[...facts, ...(names ? [`env ${names}`] : [])].join(', ')})`;
}

/**
 * A URL without its user and password: a Git or health-check URL may carry a token there. scp-like Git addresses
 * (`git@host:repo`) have no scheme and name only the SSH login, and are left as they are.
 */
export function withoutUserinfo(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1…@');
}

/** An argument vector as a shell line, quoting only the words that need it. */
export const shellLine = (argv: string[]): string => argv.map((a) => (/^[A-Za-z0-9_./=:@+-]+$/.test(a) ? a : quote(a))).join(' ');
