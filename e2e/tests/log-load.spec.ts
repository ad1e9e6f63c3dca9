import { randomBytes } from 'node:crypto';
import { createSampleAppRepo, startSshHosts, type SampleAppRepo, type SshHosts } from '@rp/deploy-engine/testing';
import type { APIRequestContext, Page } from '@playwright/test';
import { ADMIN, expect, signIn, test } from '../fixtures.js';

/**
 * How the release page copes with a big log, measured in the real browser against the real product: a release whose
 * build prints 10,000 numbered lines (every tenth green, every hundredth bold red) is opened in a fresh page load, and
 * the test reports how long until the last line is on screen, the long tasks on the way, and how fast scrolling and
 * searching answer. The same page with a 20-line build log is measured the same way as the baseline, so the report can
 * tell what the log's size costs apart from what the page costs. The figures are printed for the report; the
 * assertions are only sanity bounds, not a timing benchmark.
 */
const LINES = 10_000;
const BASELINE_LINES = 20;
const build = (count: number) =>
  [
    `awk 'BEGIN { for (i = 1; i <= ${count}; i++) {`,
    'if (i % 100 == 0) printf "\\033[1;31mline %05d ERROR\\033[0m\\n", i;',
    'else if (i % 10 == 0) printf "\\033[32mline %05d ok\\033[0m\\n", i;',
    'else printf "line %05d\\n", i } }\'',
  ].join(' ');

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

let hosts: SshHosts;
let repo: SampleAppRepo;

test.beforeAll(async () => {
  hosts = await startSshHosts(1);
  repo = createSampleAppRepo();
});

test.afterAll(async () => {
  await hosts?.stopAll();
  repo?.remove();
});

async function api(request: APIRequestContext, token: string, method: 'GET' | 'POST', url: string, data?: object) {
  const response = await request.fetch(url, { method, headers: { authorization: `Bearer ${token}` }, ...(data ? { data } : {}) });
  expect(response.status(), `${method} ${url}: ${await response.text()}`).toBeLessThan(300);
  return response.json();
}

interface LogEvent {
  seq: number;
  type: string;
  text: string | null;
}

/** A finished release whose build printed `count` lines, created over the API; returns it and its log lines. */
async function releaseWithLog(request: APIRequestContext, count: number) {
  const login = await request.post('/api/auth/login', { data: ADMIN });
  const { token } = await login.json();
  const host = hosts.hosts[0];
  if (!host) throw new Error('no ssh host');
  const group = await api(request, token, 'POST', '/api/groups', { name: `e2e-log-${randomBytes(3).toString('hex')}` });
  const key = await api(request, token, 'POST', '/api/credentials', { groupId: group.id, name: 'deploy-key', kind: 'ssh_key', privateKey: host.privateKey });
  const server = await api(request, token, 'POST', '/api/servers', { groupId: group.id, name: 'web-1', host: host.host, port: host.port, username: host.username, credentialId: key.id });
  await api(request, token, 'POST', `/api/servers/${server.id}/test`);
  const project = await api(request, token, 'POST', '/api/projects', { groupId: group.id, name: `app-${count}`, gitUrl: repo.url, preset: 'shell', buildCommand: build(count), artifactPaths: [] });
  const environment = await api(request, token, 'POST', `/api/projects/${project.id}/environments`, {
    name: 'prod',
    deployPath: `${host.deployRoot}/app`,
    serverIds: [server.id],
  });
  const release = await api(request, token, 'POST', '/api/releases', { environmentId: environment.id, ref: 'main' });
  await expect.poll(async () => (await api(request, token, 'GET', `/api/releases/${release.id}`)).state, { timeout: 120_000 }).toBe('succeeded');

  const lines: string[] = [];
  for (let since = 0, more = true; more; ) {
    const page = await api(request, token, 'GET', `/api/releases/${release.id}/logs?since=${since}&limit=10000`);
    for (const e of page.events as LogEvent[]) if (e.type === 'log') lines.push(plain(e.text ?? ''));
    more = page.more;
    since = (page.events as LogEvent[]).at(-1)?.seq ?? since;
  }
  return { id: release.id as string, lines };
}

/** Collects the main thread's long tasks (over 50 ms) from the very start of every document. */
async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

type Action = { scrollTo: 'top' | 'end' } | { search: string } | { click: string };

/**
 * Milliseconds from doing `action` in the page until a rendered log line contains `wanted`, measured inside the page
 * (frame by frame) so the driver's round trips are not counted.
 */
async function timeInPage(page: Page, action: Action, wanted: string): Promise<number> {
  return page.evaluate(
    async ({ action, wanted }) => {
      const start = performance.now();
      const viewport = document.querySelector('[data-testid="log-viewport"]') as HTMLElement;
      if ('scrollTo' in action) viewport.scrollTop = action.scrollTo === 'top' ? 0 : viewport.scrollHeight;
      else if ('search' in action) {
        const input = document.querySelector('input[data-testid="log-search"]') as HTMLInputElement;
        input.value = action.search;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      } else (document.querySelector(`[data-testid="${action.click}"]`) as HTMLElement).click();
      const shown = () => Array.from(document.querySelectorAll('[data-testid="log-line"]')).some((l) => l.textContent?.includes(wanted));
      const deadline = start + 30_000;
      while (!shown()) {
        if (performance.now() > deadline) throw new Error(`"${wanted}" never appeared`);
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      return Math.round(performance.now() - start);
    },
    { action, wanted },
  );
}

/**
 * Loads a release page afresh and returns the time from navigation start until its last log line is on screen with
 * every line counted, and the long tasks until then.
 */
async function openReleasePage(page: Page, id: string, lines: string[]) {
  const last = lines.map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  await page.goto(`/releases/${id}`);
  const rendered = await page.waitForFunction(
    ({ lastLine, total }) => {
      const shown = Array.from(document.querySelectorAll('[data-testid="log-line"]')).some((l) => l.textContent?.includes(lastLine));
      const counted = document.querySelector('.console__count')?.textContent?.includes(`${total} / ${total}`);
      return shown && counted && performance.now();
    },
    { lastLine: last, total: lines.length },
    { polling: 'raf', timeout: 60_000 },
  );
  const firstRender = Math.round(Number(await rendered.jsonValue()));
  const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
  const during = tasks.filter((t) => t.start <= firstRender);
  return {
    firstRender,
    longTasks: during.length,
    longest: Math.round(Math.max(0, ...during.map((t) => t.duration))),
    blocked: Math.round(during.reduce((sum, t) => sum + t.duration, 0)),
  };
}

test('a release page with a 10,000-line log loads, scrolls and searches without freezing', async ({ page, request }, testInfo) => {
  test.setTimeout(300_000);
  const small = await releaseWithLog(request, BASELINE_LINES);
  const { id, lines } = await releaseWithLog(request, LINES);
  expect(lines.length).toBeGreaterThanOrEqual(LINES);
  const shown = lines.map((l) => l.trim()).filter(Boolean);
  const first = shown[0] ?? '';
  const last = shown.at(-1) ?? '';

  await watchLongTasks(page);
  await page.goto('/');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).not.toHaveURL(/\/login/);

  await openReleasePage(page, small.id, small.lines);
  const baseline = await openReleasePage(page, small.id, small.lines);
  const { firstRender, longTasks, longest, blocked } = await openReleasePage(page, id, lines);
  await expect(page.getByTestId('log-line')).not.toHaveCount(0);
  expect(await page.getByTestId('log-line').count(), 'only a window of the log is in the DOM').toBeLessThan(200);
  await page.screenshot({ path: testInfo.outputPath('log-loaded.png'), fullPage: true });

  const viewport = page.getByTestId('log-viewport');
  const scrollTop = await timeInPage(page, { scrollTo: 'top' }, first);
  const scrollEnd = await timeInPage(page, { scrollTo: 'end' }, last);

  const search = page.getByTestId('log-search');
  const searchMs = await timeInPage(page, { search: 'line 05000' }, 'line 05000');
  await expect(page.getByTestId('log-matches')).toHaveText('第 1 / 1 处');
  await expect(page.locator('.console__mark.is-current')).toHaveText('line 05000');

  // The echoed build command (a dim `$` line) names ERROR too: matches are counted from the log as it is.
  const matching = lines.filter((l) => l.toLowerCase().includes('error'));
  const errors = matching.length;
  const second = matching.find((l, i) => i > 0 && /^line \d+ ERROR$/.test(l.trim()))?.trim() ?? '';
  expect(matching.indexOf(second)).toBeGreaterThan(0);
  // A new search starts from the top of what is on screen, so go to the top for the matches to start at the first.
  await timeInPage(page, { scrollTo: 'top' }, first);
  await search.fill('ERROR');
  await expect(page.getByTestId('log-matches')).toHaveText(`第 1 / ${errors} 处`);
  const nextMs = await timeInPage(page, { click: 'log-match-next' }, second);
  await expect(page.getByTestId('log-matches')).toHaveText(`第 2 / ${errors} 处`);
  // The red bold build output arrives as colour, not as escape codes.
  await expect(page.locator('.console__line.is-current .console__text')).toHaveText(second);
  const red = page.locator('.console__line.is-current .ansi-fg-31.ansi-bold').first();
  await expect(red).toHaveText(second.replace('ERROR', ''));
  expect(await red.evaluate((el) => getComputedStyle(el).color)).not.toBe(await viewport.evaluate((el) => getComputedStyle(el).color));
  await page.screenshot({ path: testInfo.outputPath('log-search.png'), fullPage: true });

  console.log(
    `log-load: ${lines.length} lines; first render ${firstRender} ms (navigation → last line on screen); ` +
      `long tasks until then ${longTasks}, longest ${longest} ms, total ${blocked} ms; ` +
      `baseline ${small.lines.length} lines: first render ${baseline.firstRender} ms, longest task ${baseline.longest} ms, total ${baseline.blocked} ms; ` +
      `scroll to top ${scrollTop} ms, back to end ${scrollEnd} ms; search ${searchMs} ms; next match ${nextMs} ms`,
  );
  expect(firstRender).toBeLessThan(20_000);
  expect(longest).toBeLessThan(5_000);
  expect(scrollTop).toBeLessThan(2_000);
  expect(scrollEnd).toBeLessThan(2_000);
  expect(searchMs).toBeLessThan(5_000);
  expect(nextMs).toBeLessThan(5_000);
});
