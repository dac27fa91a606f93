// The OAuth flow end to end in a real headless Chromium with JavaScript switched off: sign in,
// consent (Allow), the redirect with a code to a loopback listener, the token exchange over HTTP,
// a /v5 call, refresh, revoke, and the Cancel path. Run by scripts/browser-tests, which installs
// playwright-core into target/browser-node and passes the pinbox binary in PINBOX_BIN.

import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';

const require = createRequire(`${process.env.BROWSER_NODE_MODULES}/`);
const { chromium } = require('playwright-core');

const BIN = process.env.PINBOX_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';
const SCOPES = 'boards:read,pins:read,user_accounts:read';
const started = Date.now();
/** Undone in reverse order at the end, pass or fail. */
const cleanups = [];

function step(text) {
  console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
}

function pinbox(args, dataDir) {
  return execFileSync(BIN, [...args, '--data-dir', dataDir], { encoding: 'utf8' }).trim();
}

/** A loopback HTTP listener standing in for the app's redirect URI; it records each request. */
async function callbackListener() {
  const hits = [];
  const waiting = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      // The browser's own requests (favicon) are not answers from the OAuth flow.
      res.writeHead(404);
      res.end();
      return;
    }
    hits.push(url);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<p>The app got its answer.</p>');
    while (waiting.length) waiting.shift()(url);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return {
    uri: `http://127.0.0.1:${server.address().port}/callback`,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    hits,
  };
}

/** `pinbox serve` on a free port; resolves with its base URL once it listens. */
async function serve(dataDir) {
  const child = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir, '--no-demo'], {
    env: { ...process.env, PINBOX_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  cleanups.push(() => { child.kill('SIGTERM'); return exited; });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = line.match(/^pinbox listening on (.*)$/);
    if (m) return m[1];
  }
  throw new Error('pinbox serve exited before listening');
}

async function tokenRequest(base, app, secret, fields, path = '/v5/oauth/token') {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function me(base, token) {
  const res = await fetch(`${base}/v5/user_account`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: await res.json() };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pinbox-browser-data-'));
  const profile = mkdtempSync(join(tmpdir(), 'pinbox-browser-profile-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => rmSync(profile, { recursive: true, force: true }));

  const callback = await callbackListener();
  pinbox(['user', 'create', 'alice', '--password', PASSWORD], dataDir);
  const [app, secret] = pinbox(['app', 'create', '--owner', 'alice', '--name', 'Browser <test> app',
    '--redirect-uri', callback.uri], dataDir).split('\n');
  const base = await serve(dataDir);
  step(`pinbox at ${base}, app ${app}, redirect URI ${callback.uri}`);

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    javaScriptEnabled: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  cleanups.push(() => context.close());
  const page = context.pages()[0] || (await context.newPage());
  const authorizeUrl = `${base}/oauth/?${new URLSearchParams({
    client_id: app, redirect_uri: callback.uri, response_type: 'code', scope: SCOPES, state: 'browser-1',
  })}`;

  // Sign in.
  await page.goto(authorizeUrl);
  assert.equal(await page.title(), 'Sign in to pinbox · pinbox');
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wrong password');
  await page.click('#sign-in');
  assert.equal(await page.textContent('#problem'), 'Wrong username or password.');
  await page.fill('#username', 'alice');
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in');
  step('signed in');
  const cookie = (await context.cookies(`${base}/oauth/`)).find((c) => c.name === 'pinbox_session');
  assert.ok(cookie, 'a session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');

  // Consent names the app (escaped, shown as text) and each scope with the spec's description.
  assert.equal(await page.title(), 'Allow access? · pinbox');
  assert.equal(await page.textContent('#app-name'), 'Browser <test> app');
  const scopes = await page.textContent('#scopes');
  for (const text of ['See your public boards, including group boards you join', 'See your public Pins',
    'See your user accounts and followers']) {
    assert.ok(scopes.includes(text), `consent lists "${text}"`);
  }

  // Allow: the browser lands on the app's redirect URI with a code and the state.
  const allowed = callback.next();
  await page.click('#allow');
  const landing = await allowed;
  assert.equal(landing.searchParams.get('state'), 'browser-1');
  const code = landing.searchParams.get('code');
  assert.ok(code, 'a code');
  assert.equal(new URL(page.url()).pathname, '/callback');
  step('allowed: the redirect URI got a code');

  // The app exchanges the code and calls the API.
  const exchanged = await tokenRequest(base, app, secret, {
    grant_type: 'authorization_code', code, redirect_uri: callback.uri,
  });
  assert.equal(exchanged.status, 200, JSON.stringify(exchanged.json));
  assert.equal(exchanged.json.scope, SCOPES);
  assert.equal(exchanged.json.token_type, 'bearer');
  assert.equal(exchanged.json.expires_in, 2592000);
  const { access_token: access, refresh_token: refresh } = exchanged.json;
  assert.equal((await me(base, access)).json.username, 'alice');
  const replay = await tokenRequest(base, app, secret, {
    grant_type: 'authorization_code', code, redirect_uri: callback.uri,
  });
  assert.equal(replay.status, 400);
  assert.equal((await me(base, access)).status, 401, 'a replayed code revokes its tokens');
  step('code exchanged, /v5/user_account answered, the replayed code revoked its tokens');

  // A second consent (already signed in: straight to the consent page) for refresh and revoke.
  const second = callback.next();
  await page.goto(authorizeUrl.replace('browser-1', 'browser-2'));
  assert.equal(await page.title(), 'Allow access? · pinbox');
  await page.click('#allow');
  const code2 = (await second).searchParams.get('code');
  const tokens = (await tokenRequest(base, app, secret, {
    grant_type: 'authorization_code', code: code2, redirect_uri: callback.uri,
  })).json;
  const refreshed = await tokenRequest(base, app, secret, {
    grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'user_accounts:read',
  });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
  assert.equal(refreshed.json.response_type, 'refresh_token');
  assert.equal(refreshed.json.scope, 'user_accounts:read');
  assert.ok(refreshed.json.refresh_token.startsWith('pinr_'));
  assert.equal((await me(base, refreshed.json.access_token)).status, 200);
  step('refreshed (narrowed to user_accounts:read)');

  const revoked = await tokenRequest(base, app, secret, { token: refreshed.json.access_token },
    '/v5/oauth/token/revoke');
  assert.equal(revoked.status, 200);
  assert.equal((await me(base, refreshed.json.access_token)).status, 401);
  const revokedRefresh = await tokenRequest(base, app, secret, { token: tokens.refresh_token },
    '/v5/oauth/token/revoke');
  assert.equal(revokedRefresh.status, 200);
  const dead = await tokenRequest(base, app, secret, {
    grant_type: 'refresh_token', refresh_token: tokens.refresh_token,
  });
  assert.equal(dead.status, 400);
  assert.equal((await me(base, tokens.access_token)).status, 401, 'the grant ends with its refresh token');
  step('revoked the access token, then the refresh token and its grant');

  // Cancel: the app hears access_denied with its state, and no code.
  const cancelled = callback.next();
  await page.goto(authorizeUrl.replace('browser-1', 'browser-3'));
  await page.click('#cancel');
  const denied = await cancelled;
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('state'), 'browser-3');
  assert.equal(denied.searchParams.get('code'), null);
  step('cancel sent access_denied');

  // An unregistered redirect URI: an error page, and the browser stays on pinbox.
  await page.goto(authorizeUrl.replace(encodeURIComponent(callback.uri), encodeURIComponent('http://127.0.0.1:9/evil')));
  assert.equal(await page.title(), 'This link cannot be used · pinbox');
  assert.ok(page.url().startsWith(base));
  assert.equal(callback.hits.length, 3, 'no redirect reached the app');
  step('an unregistered redirect URI got the error page');
}

let failed = false;
try {
  await main();
  console.log(`browser OAuth flow: passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (e) {
  failed = true;
  console.error('browser OAuth flow: FAILED');
  console.error(e);
} finally {
  // Last set up, first torn down.
  for (const cleanup of cleanups.reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
}
process.exit(failed ? 1 : 0);
