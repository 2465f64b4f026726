// End-to-end test of the console in a real headless Chromium against a running gateway.
//
//   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_ADMIN_TOKEN=... npm run e2e
//
// Environment:
//   GATEWAY_URL          control plane base URL (console + admin API), default http://127.0.0.1:8080
//   GATEWAY_ADMIN_TOKEN  an admin token (required)
//   GATEWAY_PROXY_URL    the gateway's client listener (Envoy), default http://127.0.0.1:10000
//   E2E_UPSTREAM_URL     an OpenAI-compatible upstream; default: a fake one started here
//   E2E_SCREENSHOTS      directory for screenshots, default ../docs/screenshots (repo docs)
//   CHROMIUM_PATH        default /usr/bin/chromium (Debian's package; nothing is downloaded)
//   E2E_TIMEOUT_MS       how long to wait for usage to show up, default 60000
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeUpstream } from './fake-upstream.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const TOKEN = process.env.GATEWAY_ADMIN_TOKEN;
const PROXY = (process.env.GATEWAY_PROXY_URL ?? 'http://127.0.0.1:10000').replace(/\/$/, '');
const SHOTS = resolve(process.env.E2E_SCREENSHOTS ?? resolve(here, '../../docs/screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);

if (!TOKEN) {
  console.error('GATEWAY_ADMIN_TOKEN is required (the admin token printed by the gateway at first start).');
  process.exit(2);
}

const suffix = Date.now().toString(36);
const names = {
  provider: `e2e-upstream-${suffix}`,
  model: `e2e-chat-${suffix}`,
  team: `e2e-team-${suffix}`,
  key: `e2e-key-${suffix}`,
};

let step = 'start';
function log(msg) {
  console.log(`[e2e] ${msg}`);
}
async function stepDo(name, fn) {
  step = name;
  const t0 = Date.now();
  await fn();
  log(`ok  ${name} (${Date.now() - t0} ms)`);
}
function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

async function api(method, path, body, token = TOKEN) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function chat(secret) {
  const res = await fetch(`${PROXY}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: names.model, messages: [{ role: 'user', content: 'Say hello' }] }),
  });
  return { status: res.status, body: await res.text() };
}

/** Retries `probe` (which throws or returns false) until it passes or the time is up. */
async function eventually(what, probe, ms = WAIT_MS) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      if ((await probe()) !== false) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function signIn(page, token) {
  await page.goto(`${BASE}/`);
  await page.getByLabel('Admin or viewer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function nav(page, label) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

/** Submits a dialog's form; fails with the form's error text when the API refused it. */
async function submitDialog(dialog, button) {
  await dialog.getByRole('button', { name: button }).click();
  const alert = dialog.getByRole('alert');
  await Promise.race([dialog.waitFor({ state: 'detached' }), alert.first().waitFor()]);
  if (await dialog.isVisible()) {
    throw new Error(`"${button}" was refused: ${(await alert.allInnerTexts()).join(' | ')}`);
  }
}

/** Waits until every chart on the page is drawn (or says it has no data): no "Loading" in screenshots. */
async function chartsDrawn(page, { required = true } = {}) {
  await page.waitForFunction(
    (required) => {
      // An empty list is not "drawn": right after a click the previous page may still be showing.
      const figures = [...document.querySelectorAll('figure.chart')];
      return (figures.length > 0 || !required) && figures.every((f) => f.querySelector('svg.recharts-surface .recharts-line') || (f.textContent ?? '').includes('No requests in this time range'));
    },
    required,
    { timeout: 15_000 },
  );
}

async function shot(page, name) {
  // Callers wait for their page's heading first; a page without charts has nothing to wait for.
  await chartsDrawn(page, { required: false });
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

const upstream = process.env.E2E_UPSTREAM_URL ? { url: process.env.E2E_UPSTREAM_URL, close: async () => {} } : await startFakeUpstream();
mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
context.setDefaultTimeout(15_000);
const page = await context.newPage();
let secret = '';
let failed = false;

try {
  await stepDo('a wrong token is refused', async () => {
    await signIn(page, 'not-a-valid-token');
    await page.getByRole('alert').filter({ hasText: 'This token was not accepted' }).waitFor();
  });

  await stepDo('sign in as admin', async () => {
    await signIn(page, TOKEN);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  await stepDo('create a provider', async () => {
    await nav(page, 'Providers');
    await page.getByRole('button', { name: 'New provider' }).click();
    const d = page.getByRole('dialog', { name: 'New provider' });
    await d.getByLabel('Name', { exact: true }).fill(names.provider);
    await d.getByLabel('Schema').selectOption('openai_compatible');
    // The OpenAI SDK's form: the API root with its version.
    await d.getByLabel('Base URL').fill(`${upstream.url}/v1`);
    await d.getByLabel('API key').fill('sk-e2e-upstream-secret');
    await submitDialog(d, 'Create provider');
    const row = page.getByRole('row', { name: new RegExp(names.provider) });
    await row.waitFor();
    check(!(await page.content()).includes('sk-e2e-upstream-secret'), 'the provider secret is not shown');
  });

  await stepDo('create a model', async () => {
    await nav(page, 'Models');
    await page.getByRole('button', { name: 'New model' }).click();
    const d = page.getByRole('dialog', { name: 'New model' });
    await d.getByLabel('Model name').fill(names.model);
    await d.getByLabel('Target 1 provider').selectOption(names.provider);
    await d.getByLabel('Target 1 upstream model').fill('fake-model');
    await d.getByLabel('Input price (USD per million tokens)', { exact: true }).fill('1');
    await d.getByLabel('Output price (USD per million tokens)').fill('2');
    await submitDialog(d, 'Create model');
    await page.getByRole('row', { name: new RegExp(names.model) }).waitFor();
  });

  await stepDo('create a team', async () => {
    await nav(page, 'Teams and keys');
    await page.getByLabel('New team name').fill(names.team);
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('row', { name: new RegExp(names.team) }).waitFor();
  });

  await stepDo('create a key and see its secret once', async () => {
    await page.getByRole('button', { name: 'New key' }).click();
    const d = page.getByRole('dialog', { name: 'New key' });
    await d.getByLabel('Key name').fill(names.key);
    await d.getByLabel('Team').selectOption(names.team);
    await d.getByRole('button', { name: 'Create key' }).click();
    const s = page.getByRole('dialog', { name: `Key ${names.key} created` });
    await s.getByText('shown only once').waitFor();
    secret = await s.getByLabel(`Secret of key ${names.key}`).inputValue();
    check(secret.startsWith('sk-gw-'), 'the secret looks like a gateway key');
    await shot(page, 'key-created');
    await s.getByRole('button', { name: 'I have copied the key' }).click();
    await page.getByRole('row', { name: new RegExp(names.key) }).waitFor();
    check(!(await page.content()).includes(secret), 'the secret is gone once the dialog is closed');
    await page.reload();
    await page.getByRole('row', { name: new RegExp(names.key) }).waitFor();
    check(!(await page.content()).includes(secret), 'the secret is not shown again');
  });

  await stepDo('create a quota for the key', async () => {
    await nav(page, 'Quotas');
    await page.getByRole('button', { name: 'New quota' }).click();
    const d = page.getByRole('dialog', { name: 'New quota' });
    await d.getByLabel('Applies to').selectOption('key');
    const keyOption = d.getByLabel('Key', { exact: true }).locator('option', { hasText: names.key });
    await keyOption.waitFor({ state: 'attached' });
    await d.getByLabel('Key', { exact: true }).selectOption({ label: await keyOption.innerText() });
    await d.getByLabel('Window').selectOption('day');
    await d.getByLabel('Limit (tokens)').fill('100000');
    await submitDialog(d, 'Create quota');
    await page.getByRole('row', { name: new RegExp(`key ${names.key}`) }).waitFor();
  });

  await stepDo('send a request through the gateway', async () => {
    await eventually('the gateway to route the new model', async () => {
      const r = await chat(secret);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      check(r.body.includes('Hello from the fake upstream.'), 'the upstream answer comes back');
    });
  });

  await stepDo('see the request in usage', async () => {
    await nav(page, 'Usage');
    await eventually('the request to appear in usage', async () => {
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByRole('row', { name: new RegExp(names.key) }).first().waitFor({ timeout: 2000 });
    });
    // 11 input tokens at $1/M and 7 output tokens at $2/M: $0.000025, not "$0.0000".
    const row = page.getByRole('row', { name: new RegExp(names.key) }).first();
    const text = await row.innerText();
    check(text.includes('$0.000025'), `a sub-cent cost shows its significant digits (row: ${text})`);
    check(!(await page.content()).includes('$0.0000<'), 'no cost prints as $0.0000');
    await shot(page, 'usage');
  });

  await stepDo('see it in the quota bar', async () => {
    await nav(page, 'Quotas');
    await eventually('the quota bar to show usage', async () => {
      await page.reload();
      const meter = page.getByRole('meter', { name: new RegExp(`key ${names.key}`) });
      await meter.waitFor({ timeout: 2000 });
      const now = Number(await meter.getAttribute('aria-valuenow'));
      check(now > 0, `quota usage ${now} > 0`);
    });
    await shot(page, 'quotas');
  });

  await stepDo('revoke the key', async () => {
    await nav(page, 'Teams and keys');
    await page.getByRole('button', { name: `Revoke key ${names.key}` }).click();
    await page.getByRole('dialog', { name: `Revoke key ${names.key}?` }).getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row', { name: new RegExp(`${names.key}.*revoked`) }).waitFor();
    await eventually('the revoked key to be refused', async () => {
      const r = await chat(secret);
      check(r.status === 401, `revoked key answered HTTP ${r.status}`);
    }, 10_000);
  });

  await stepDo('the error-rate axis runs from 0 to 100 %', async () => {
    await nav(page, 'Overview');
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await chartsDrawn(page);
    // SVG text has no innerText: read textContent; the x axis' ticks are times, without "%".
    const rateTicks = page.locator('figure[aria-label="Error rate"] svg text', { hasText: '%' });
    await rateTicks.nth(1).waitFor();
    const ticks = (await page.locator('figure[aria-label="Error rate"] svg text').allTextContents()).filter((t) => t.trim().endsWith('%'));
    const values = ticks.map((t) => Number(t.replace('%', '')));
    check(ticks.length > 1 && values.every((v) => Number.isFinite(v)), `error-rate ticks are percentages: ${ticks}`);
    check(Math.max(...values) === 100 && Math.min(...values) === 0, `the error-rate axis stops at 100 %: ${ticks}`);
  });

  await stepDo('screenshots of the main pages', async () => {
    for (const [label, file] of [
      ['Overview', 'overview'],
      ['Providers', 'providers'],
      ['Models', 'models'],
      ['Teams and keys', 'keys'],
      ['Fleets', 'fleets'],
      ['Audit log', 'audit'],
    ]) {
      await nav(page, label);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, file);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await nav(page, 'Providers');
    await page.waitForLoadState('networkidle');
    await shot(page, 'providers-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await stepDo('a viewer cannot change anything', async () => {
    const created = await api('POST', '/admin-tokens', { name: `e2e-viewer-${suffix}`, role: 'viewer' });
    check(created.status === 201 && created.body?.token, `viewer token created (HTTP ${created.status})`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, created.body.token);
    await page.getByText('viewer (read-only)').waitFor();
    const writeButtons = /^(New provider|New model|New key|New quota|Create team|Edit|Delete|Revoke)\b/;
    for (const label of ['Providers', 'Models', 'Teams and keys', 'Quotas']) {
      await nav(page, label);
      await page.getByRole('table').first().waitFor();
      const n = await page.getByRole('button', { name: writeButtons }).count();
      check(n === 0, `${label}: ${n} write controls shown to a viewer`);
    }
    const write = await api('POST', '/teams', { name: `e2e-viewer-team-${suffix}` }, created.body.token);
    check(write.status === 403, `a viewer write is refused with 403 (got ${write.status})`);
  });

  log('all steps passed');
} catch (e) {
  failed = true;
  console.error(`[e2e] FAILED at "${step}": ${e instanceof Error ? e.message : e}`);
  await page.screenshot({ path: resolve(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
  console.error(`[e2e] screenshot of the failure: ${resolve(SHOTS, 'failure.png')}`);
} finally {
  await browser.close();
  await upstream.close();
}
process.exit(failed ? 1 : 0);
