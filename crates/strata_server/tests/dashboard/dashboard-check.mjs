// The dashboard in a real browser (run by .ci/dashboard-check, which installs playwright-core
// and Chromium):
//   node dashboard-check.mjs STRATA_BINARY WORK_DIR ARTEFACT_DIR [BIG_REPO]
// Serves a copy of examples/coder-ide in local mode with two commits (the second plants an
// import that makes a cycle and breaks lane, layer and declared dependencies), behind a
// prefix-stripping proxy at `/strata/`, and checks every page; then measures page weight and
// timings on BIG_REPO (about 1,000 modules). Exit 0: all passed; 1: a check failed.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [strata, work, artefacts, bigRepo] = process.argv.slice(2);
const modules = process.env.DASHBOARD_CHECK_MODULES;
const { chromium } = createRequire(path.join(modules, 'x.js'))('playwright-core');
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
fs.mkdirSync(artefacts, { recursive: true });

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
  if (!ok) failures += 1;
}

const servers = [];
function serve(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(strata, ['serve', '--root', root, '--bind', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    servers.push(child);
    let log = '';
    child.stderr.on('data', (b) => {
      log += b;
      const m = log.match(/strata serve: (http:\/\/\S+)\n/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`strata serve exited (${code}):\n${log}`)));
  });
}

async function getJson(url) {
  const r = await fetch(url);
  return r.ok ? r.json() : null;
}

async function waitFor(what, f, seconds = 120) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    if (await f()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A proxy that serves `upstream` under `/strata/` only, as a path-prefixing gateway does. */
function prefixProxy(upstream) {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith('/strata/')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not under the prefix: ${req.url}`);
      return;
    }
    const up = http.request({
      host: target.hostname, port: target.port, method: req.method,
      path: req.url.slice('/strata'.length), headers: req.headers,
    }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/strata/` })));
}

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], {
  env: {
    ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@strata.invalid', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@strata.invalid',
  },
  stdio: 'ignore',
});

/** A browser page that records console errors, failed requests and every response's size. */
async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const log = { errors: [], responses: [] };
  page.on('console', (m) => { if (m.type() === 'error') log.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => log.errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => log.errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', async (r) => {
    if (r.status() >= 400 && !r.url().includes('api/v1/__401')) log.errors.push(`HTTP ${r.status()}: ${r.url()}`);
    const entry = { url: r.url(), type: r.request().resourceType(), bytes: 0 };
    log.responses.push(entry);
    try { entry.bytes = (await r.body()).length; } catch { /* a redirect or a 304 */ }
  });
  return { context, page, log };
}

async function show(page, hash) {
  const before = await page.evaluate(() => document.getElementById('main')?.dataset.ready ?? '');
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((b) => { const r = document.getElementById('main').dataset.ready; return r && r !== b; }, before);
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage });
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

async function coderIde(browser) {
  const dir = path.join(work, 'coder-ide');
  fs.cpSync(path.join(repoRoot, 'examples/coder-ide'), dir, { recursive: true });
  fs.rmSync(path.join(dir, '.strata'), { recursive: true, force: true });
  // Runtime budgets for the module page: p99 rising towards its limit, error rate without data.
  fs.appendFileSync(path.join(dir, 'services/logging/module.yaml'), 'budgets:\n  p99_ms: 250\n  error_rate: 0.01\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'coder-ide');
  const url = await serve(dir);
  const api = `${url}/api/v1/projects/coder-ide`;
  await waitFor('the first snapshot', async () => (await getJson(`${api}/snapshots`))?.snapshots?.length === 1);
  // logging (core, foundation) imports shard-manager (platform), which imports logging.
  fs.appendFileSync(path.join(dir, 'services/logging/src/index.ts'), "import { shardFor } from '@coder/shard-manager';\n");
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'logging imports shard-manager');
  await waitFor('the second snapshot', async () => (await getJson(`${api}/snapshots`))?.snapshots?.length === 2);

  // Ten days of hourly p99 samples of logging: 200 ms + 3 ms/day, breaching 250 ms in about 7 days.
  const t0 = 1767225600;
  const samples = Array.from({ length: 241 }, (_, i) => ({ module: 'logging', metric: 'p99_ms', at: t0 + i * 3600, value: 200 + (3 * i) / 24 + ((i * 7) % 5) - 2 }));
  const pushed = await fetch(`${api}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ samples }) });
  check(pushed.status === 200, 'metrics: the samples are stored', String(pushed.status));

  const proxy = await prefixProxy(url);
  const base = proxy.url;
  const { context, page, log } = await newPage(browser);

  // Token form: the API answers 401 until the page sends the token.
  const seen = [];
  await page.route('**/api/v1/**', (route) => {
    const auth = route.request().headers().authorization;
    seen.push(auth);
    if (auth === 'Bearer strata_test') route.continue();
    else route.fulfill({ status: 401, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Unauthorized","status":401,"detail":"a token is needed"}' });
  });
  await page.goto(base);
  await page.waitForSelector('form.token');
  await shot(page, '0-token');
  await page.fill('#token', 'strata_test');
  await page.click('form.token button[type=submit]');
  await page.waitForSelector('table.projects');
  check(seen.at(-1) === 'Bearer strata_test', 'the token form sends `Authorization: Bearer`');
  check(await page.evaluate(() => sessionStorage.getItem('strata.token')) === 'strata_test', 'the token is kept in sessionStorage');
  await page.unroute('**/api/v1/**');
  // The 401s above were the test's own.
  log.errors.length = 0;

  // 1. Projects.
  await page.reload();
  await page.waitForSelector('table.projects');
  check((await texts(page, 'table.projects tbody th')).join() === 'coder-ide', 'projects: the project is listed');
  await shot(page, '1-projects');

  // 2. The module table.
  await show(page, '#/p/coder-ide');
  await page.waitForSelector('#modules tbody tr');
  const visibleNames = () => page.$$eval('#modules tbody tr:not([hidden]) th', (els) => els.map((e) => e.textContent));
  const all = await visibleNames();
  check(all.length === 18, 'modules: 18 rows', `${all.length}`);
  const red = await page.$$eval('#modules tbody tr:not([hidden]) .band-red', (e) => e.length);
  check(red > 0, 'modules: red bands shown');
  await page.click('#modules th button[data-key=name]');
  const asc = await visibleNames();
  check(JSON.stringify(asc) === JSON.stringify([...all].sort()), 'modules: sorted by name, ascending');
  await page.click('#modules th button[data-key=name]');
  check(JSON.stringify(await visibleNames()) === JSON.stringify([...asc].reverse()), 'modules: sorted by name, descending');
  check(await page.getAttribute('#modules th:first-child', 'aria-sort') === 'descending', 'modules: aria-sort tells the order');
  // The keyboard sorts too: the headers are buttons.
  await page.focus('#modules th button[data-key=errors]');
  await page.keyboard.press('Enter');
  const errs = await page.$$eval('#modules tbody tr td:nth-child(6)', (els) => els.map((e) => Number(e.textContent)));
  check(errs.every((v, i) => i === 0 || errs[i - 1] <= v), 'modules: Enter on a header sorts by errors', errs.join());
  await page.selectOption('#f-lane', 'core');
  const lanes = await page.$$eval('#modules tbody tr:not([hidden]) td:nth-child(4)', (els) => els.map((e) => e.textContent));
  check(lanes.length > 0 && lanes.every((l) => l === 'core'), 'modules: the lane filter', lanes.join());
  await page.selectOption('#f-lane', '');
  await page.selectOption('#f-band', 'green');
  const bands = await page.$$eval('#modules tbody tr:not([hidden]) .badge', (els) => els.map((e) => e.className));
  check(bands.every((b) => b.includes('band-green')), 'modules: the band filter', bands.join());
  await page.selectOption('#f-band', '');
  await page.fill('#f-search', 'shard');
  check((await visibleNames()).join() === 'shard-manager', 'modules: search', (await visibleNames()).join());
  check((await page.textContent('#count')) === '1 of 18 modules', 'modules: the count follows the filters');
  await page.fill('#f-search', '');
  await shot(page, '2-modules');

  // 3. The graph: a red edge leads to the findings it stands for.
  await show(page, '#/p/coder-ide/graph');
  await page.waitForSelector('#graph .node');
  check(await page.$$eval('#graph .node', (e) => e.length) === 18, 'graph: 18 modules drawn');
  const badEdges = await page.$$eval('#graph a.bad-edge', (els) => els.map((e) => `${e.dataset.from}->${e.dataset.to}`));
  check(badEdges.includes('logging->shard-manager') && badEdges.includes('shard-manager->logging'), 'graph: the cycle is red', badEdges.join());
  const box = await page.getAttribute('#graph', 'viewBox');
  await page.click('#zoom-in');
  check(await page.getAttribute('#graph', 'viewBox') !== box, 'graph: + zooms');
  await shot(page, '3-graph');
  const before = await page.evaluate(() => document.getElementById('main').dataset.ready);
  await page.click('#graph a.bad-edge[data-from="logging"][data-to="shard-manager"] path.edge', { force: true });
  await page.waitForFunction((b) => document.getElementById('main').dataset.ready !== b, before);
  const rules = (await texts(page, 'table.findings tbody td:nth-child(3)')).sort();
  check(JSON.stringify(rules) === JSON.stringify(['lane-violation', 'layer-violation', 'no-cycles', 'undeclared-dependency']),
    'graph: a red edge opens the findings it comes from', rules.join());
  await shot(page, '5-edge-findings');
  // Focus: a module and its neighbours.
  await show(page, '#/p/coder-ide/graph?focus=shard-manager');
  await page.waitForSelector('#graph .node');
  const near = (await page.$$eval('#graph .node', (els) => els.map((e) => e.dataset.module))).sort();
  check(near.join() === 'document-manager,logging,search-service,shard-manager,user-management', 'graph: focus shows the neighbourhood', near.join());
  await shot(page, '3-graph-focus');

  // 4. A module.
  await show(page, '#/p/coder-ide/m/logging');
  const dims = await texts(page, 'table.dimensions tbody th');
  check(['rules', 'maintainability', 'structure', 'ownership'].every((d) => dims.includes(d)), 'module: the health dimensions', dims.join());
  check((await page.$$('svg.chart polyline, svg.chart circle')).length > 0, 'module: history charts drawn');
  const where = await texts(page, 'table.findings td code');
  check(where.includes('services/logging/src/index.ts:4'), 'module: findings with file:line', where.join());
  check((await texts(page, 'section[aria-labelledby=h-out] tbody th')).join() === 'shard-manager', 'module: its dependencies');
  const budgets = await texts(page, 'section[aria-labelledby=h-budgets] tbody th');
  check(budgets.join() === 'error_rate,p99_ms', 'module: its budgets', budgets.join());
  const statuses = await texts(page, 'section[aria-labelledby=h-budgets] .budget');
  check(statuses.join() === 'no-data,at-risk', 'module: each budget\'s status', statuses.join());
  const breach = (await texts(page, 'section[aria-labelledby=h-budgets] tbody tr:nth-child(2) td:nth-child(6)')).join();
  check(/^in \d+\.\d d \(\d+\.\d d to \d+\.\d d\), around 20\d\d-\d\d-\d\d$/.test(breach), 'module: the time to breach with its interval', breach);
  check((await page.$$('section[aria-labelledby=h-budgets] svg.spark polyline')).length === 1, 'module: a sparkline of the samples');
  await shot(page, '4-module');

  // 5. Findings, filtered by the API.
  await show(page, '#/p/coder-ide/findings?severity=warning');
  const sevs = await texts(page, 'table.findings tbody td:nth-child(2)');
  check(sevs.length === 2 && sevs.every((s) => s === 'warning'), 'findings: the severity filter', sevs.join());
  await page.selectOption('#f-rule', 'port-conflict');
  await page.waitForFunction(() => location.hash.includes('rule=port-conflict') && document.querySelector('#count'));
  await page.waitForFunction(() => document.querySelectorAll('table.findings tbody tr').length === 0 || document.querySelector('#count').textContent.startsWith('0'));
  await show(page, '#/p/coder-ide/findings?rule=port-conflict');
  check((await texts(page, 'table.findings tbody td:nth-child(3)')).every((r) => r === 'port-conflict'), 'findings: the rule filter');
  await shot(page, '5-findings');

  // 6. Trend and what changed.
  await show(page, '#/p/coder-ide/trend');
  await page.waitForSelector('#changes');
  const summary = await page.textContent('#changes p');
  check(/4 new finding/.test(summary), 'trend: the four new findings between the two commits', summary);
  check((await page.$$('table.snapshots tbody tr')).length === 2, 'trend: two snapshots');
  await shot(page, '6-trend');

  check(log.errors.length === 0, 'no console error or failed request on any page', log.errors.join('\n  '));
  // Every request went through the prefix: an absolute URL would have missed it.
  const outside = log.responses.filter((r) => !r.url.startsWith(base));
  check(outside.length === 0, 'behind the `/strata/` prefix, every URL is relative', outside.map((r) => r.url).join());
  await context.close();
  proxy.server.close();
}

async function big(browser) {
  const url = await serve(bigRepo);
  const projects = await (async () => {
    let list = null;
    await waitFor('the big repository indexed', async () => { list = (await getJson(`${url}/api/v1/projects`))?.projects; return list?.length; }, 600);
    return list;
  })();
  const project = projects[0].name;
  const { context, page, log } = await newPage(browser);
  const t0 = Date.now();
  await page.goto(`${url}/#/p/${encodeURIComponent(project)}`);
  await page.waitForSelector('#modules tbody tr');
  const rendered = Date.now() - t0;
  // The table renders the rows near the viewport; the count says how many it holds.
  const rows = Number((await page.textContent('#count')).split(' of ')[1].split(' ')[0]);
  const inDom = await page.$$eval('#modules tbody tr', (e) => e.length);
  const renderMs = await page.getAttribute('#modules', 'data-render-ms');
  const kb = (f) => (log.responses.filter(f).reduce((a, r) => a + r.bytes, 0) / 1024).toFixed(1);
  const assets = kb((r) => ['document', 'script', 'stylesheet'].includes(r.type));
  const data = kb((r) => r.type === 'fetch');
  // Sorting: the click handler re-orders the rows; then the next frame is painted.
  const sortTimes = [];
  for (const key of ['name', 'score', 'owner', 'errors']) {
    sortTimes.push(await page.evaluate(async (k) => {
      const t = performance.now();
      document.querySelector(`#modules th button[data-key=${k}]`).click();
      const js = performance.now() - t;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return [performance.now() - t, js];
    }, key));
  }
  const searchMs = await page.evaluate(async () => {
    const t = performance.now();
    const input = document.getElementById('f-search');
    input.value = 'a';
    input.dispatchEvent(new Event('input'));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t;
  });
  await shot(page, '7-big-modules', false);
  check(rows >= 1000, `big: ${rows} modules in the table`);
  console.log(`big project \`${project}\`: ${rows} modules (${inDom} rows in the document)`);
  // Sorted through the whole list, not only the rows drawn: the first row after sorting by
  // name descending is the last name.
  const names = (await page.evaluate(() => fetch(location.href.split('#')[0] + 'api/v1/projects/' + location.hash.split('/')[2] + '/modules').then((r) => r.json()))).modules.map((m) => m.name);
  await page.click('#modules th button[data-key=name]');
  await page.click('#modules th button[data-key=name]');
  const firstRow = await page.textContent('#modules tbody tr:not(.spacer) th');
  const lastName = [...names].sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare).at(-1);
  check(firstRow === lastName, 'big: sorting orders every row, not only the ones drawn', `${firstRow} != ${lastName}`);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => document.querySelector('#modules tbody tr:not(.spacer)').getAttribute('aria-rowindex') !== '2');
  const lastRow = await page.$$eval('#modules tbody tr:not(.spacer) th', (els) => els.at(-1).textContent);
  const firstName = [...names].sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare)[0];
  check(lastRow === firstName, 'big: scrolled to the bottom, the last rows are drawn', `${lastRow} != ${firstName}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  console.log(`  page weight: ${assets} KiB of HTML+JS+CSS, ${data} KiB of API data (uncompressed)`);
  console.log(`  navigation to the module table rendered: ${rendered} ms (the page's own build: ${renderMs} ms after the data)`);
  console.log(`  sort by name/score/owner/errors, to the next frame: ${sortTimes.map(([t]) => t.toFixed(0)).join(' / ')} ms (of which the script: ${sortTimes.map(([, j]) => j.toFixed(0)).join(' / ')} ms); search: ${searchMs.toFixed(0)} ms`);
  const g0 = Date.now();
  await show(page, `#/p/${encodeURIComponent(project)}/graph`);
  await page.waitForSelector('#graph .node');
  console.log(`  the graph of every module drawn: ${Date.now() - g0} ms`);
  await shot(page, '8-big-graph', false);
  check(log.errors.length === 0, 'big: no console error or failed request', log.errors.join('\n  '));
  await context.close();
}

// Playwright starts Chromium with a fresh, temporary `--user-data-dir` of its own (it refuses
// one passed in `args`).
const browser = await chromium.launch({
  executablePath: process.env.DASHBOARD_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  await coderIde(browser);
  if (bigRepo) await big(browser);
} catch (e) {
  check(false, 'the dashboard check ran to the end', e.stack);
} finally {
  await browser.close();
  for (const s of servers) s.kill('SIGTERM');
}
console.log(`screenshots: ${artefacts}`);
process.exit(failures ? 1 : 0);
