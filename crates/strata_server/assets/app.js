// The strata registry dashboard: pages drawn from the answers of the API (api/v1), routed by `#/…`
// hashes. Every URL is relative to the page, so the dashboard works behind a path prefix.
// Data is never written as HTML: elements are built with `h`, text with text nodes.

const TOKEN_KEY = 'strata.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const main = document.getElementById('main');

// ---- building elements ----

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k in el && typeof v !== 'string' && el.namespaceURI !== SVG_NS) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const enc = encodeURIComponent;
const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
const fmtTime = (secs) => (secs ? new Date(secs * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');
const shortCommit = (c) => (c && /^[0-9a-f]{12,}$/.test(c) ? c.slice(0, 10) : c);

function band(b, score) {
  const text = score === null || score === undefined ? '—' : Number(score).toFixed(1);
  return h('span', { class: `badge band-${b || 'none'}`, title: b ? `band: ${b}` : 'no score' }, text,
    h('span', { class: 'skip' }, b ? ` (${b})` : ''));
}

function severity(sev) {
  return h('span', { class: `sev-${sev}` }, sev);
}

// ---- the API ----

class Unauthorized extends Error {}

async function api(path) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`api/v1/${path}`, { headers });
  if (r.status === 401) throw new Unauthorized();
  if (!r.ok) {
    let detail = `${r.status} ${r.statusText}`;
    try {
      const p = await r.json();
      detail = p.detail || p.title || detail;
    } catch { /* not a problem document */ }
    const e = new Error(detail);
    e.status = r.status;
    throw e;
  }
  return r.json();
}

const projectPath = (p) => `projects/${enc(p)}`;

// ---- routing ----

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query) };
}

function href(...parts) {
  const last = parts[parts.length - 1];
  let query = '';
  if (last && typeof last === 'object') {
    parts.pop();
    const q = new URLSearchParams(Object.entries(last).filter(([, v]) => v !== '' && v !== null && v !== undefined));
    query = q.toString() ? `?${q}` : '';
  }
  return `#/${parts.map(enc).join('/')}${query}`;
}

function setNav(project, current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  const item = (label, link, key) => h('li', {}, h('a', { href: link, 'aria-current': key === current ? 'page' : null }, label));
  nav.append(item('Projects', '#/', 'projects'));
  if (project) {
    nav.append(
      item('Modules', href('p', project), 'modules'),
      item('Graph', href('p', project, 'graph'), 'graph'),
      item('Findings', href('p', project, 'findings'), 'findings'),
      item('Trend', href('p', project, 'trend'), 'trend'),
    );
  }
  document.getElementById('signout').hidden = !sessionStorage.getItem(TOKEN_KEY);
}

let routeSeq = 0;

async function route() {
  const seq = ++routeSeq;
  const { parts, params } = parseHash();
  const [first, project, page, ...rest] = parts;
  const view = document.createElement('div');
  try {
    if (first !== 'p' || !project) {
      setNav(null, 'projects');
      await projectsPage(view);
    } else if (!page) {
      setNav(project, 'modules');
      await modulesPage(view, project);
    } else if (page === 'graph') {
      setNav(project, 'graph');
      await graphPage(view, project, params);
    } else if (page === 'm' && rest.length) {
      setNav(project, 'modules');
      await modulePage(view, project, rest.join('/'));
    } else if (page === 'findings') {
      setNav(project, 'findings');
      await findingsPage(view, project, params);
    } else if (page === 'trend') {
      setNav(project, 'trend');
      await trendPage(view, project, params);
    } else {
      throw new Error(`no page \`${parts.join('/')}\``);
    }
  } catch (e) {
    if (seq !== routeSeq) return;
    view.replaceChildren();
    if (e instanceof Unauthorized) tokenForm(view);
    else view.append(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
  if (seq !== routeSeq) return;
  main.replaceChildren(...view.childNodes);
  const title = main.querySelector('h1');
  document.title = title ? `${title.textContent} · strata` : 'strata';
  main.dataset.page = first === 'p' ? page || 'modules' : 'projects';
  main.dataset.ready = String(seq);
}

function tokenForm(view) {
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true });
  const form = h('form', {
    class: 'token',
    onsubmit: (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      route();
    },
  },
  h('label', { for: 'token' }, 'Bearer token (kept for this tab only)'), input,
  h('button', { type: 'submit' }, 'Sign in'));
  const had = sessionStorage.getItem(TOKEN_KEY);
  view.append(h('h1', {}, 'Sign in'),
    h('p', { role: 'alert' }, had ? 'The registry refused this token.' : 'This registry needs a token to read it.'),
    form);
}

// ---- 1. projects ----

async function projectsPage(view) {
  const { projects } = await api('projects');
  view.append(h('h1', {}, 'Projects'));
  if (!projects.length) {
    view.append(h('p', {}, 'No project yet: push one with ', h('code', {}, 'strata push'), '.'));
    return;
  }
  view.append(h('table', { class: 'projects' },
    h('thead', {}, h('tr', {}, ['Project', 'Latest commit', 'Indexed', 'Modules', 'Errors', 'Warnings']
      .map((t, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : null }, t)))),
    h('tbody', {}, projects.map((p) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: href('p', p.name) }, p.name)),
      h('td', {}, h('code', {}, dash(shortCommit(p.latest?.commit))), p.latest?.branch ? ` (${p.latest.branch})` : ''),
      h('td', {}, fmtTime(p.latest?.created_at)),
      h('td', { class: 'num' }, p.modules),
      h('td', { class: 'num' }, p.errors),
      h('td', { class: 'num' }, p.warnings),
    )))));
}

// ---- 2. the module table ----

const BAND_ORDER = { red: 0, yellow: 1, green: 2 };
const MODULE_COLUMNS = [
  { key: 'name', label: 'Module', value: (m) => m.name },
  { key: 'score', label: 'Health', num: true, value: (m) => m.health?.score ?? -1 },
  { key: 'tier', label: 'Tier', num: true, value: (m) => m.tier ?? 99 },
  { key: 'lane', label: 'Lane', value: (m) => m.lane || '' },
  { key: 'owner', label: 'Owner', value: (m) => m.owner || '' },
  { key: 'errors', label: 'Errors', num: true, value: (m) => m.findings?.errors ?? 0 },
  { key: 'warnings', label: 'Warnings', num: true, value: (m) => m.findings?.warnings ?? 0 },
  { key: 'status', label: 'Status', value: (m) => statusText(m.status) },
];

function statusText(st) {
  if (st === null || st === undefined) return '';
  if (typeof st === 'string') return st;
  if (typeof st === 'object') {
    if (st.state) return st.state;
    if ('up' in st) return st.up ? 'up' : 'down';
    const live = st.liveness?.ok;
    if (live !== undefined) return live ? 'up' : 'down';
  }
  return JSON.stringify(st);
}

async function modulesPage(view, project) {
  const t0 = performance.now();
  const data = await api(`${projectPath(project)}/modules`);
  const modules = data.modules;
  view.append(h('h1', {}, `${project}: modules`),
    h('p', { class: 'muted' }, `Snapshot ${data.snapshot.id} · commit `, h('code', {}, shortCommit(data.snapshot.commit)), ` · ${fmtTime(data.snapshot.created_at)}`));

  const distinct = (f) => [...new Set(modules.map(f).filter(Boolean))].sort();
  const select = (id, label, values) => h('label', { for: id }, label,
    h('select', { id }, h('option', { value: '' }, 'all'), values.map((v) => h('option', { value: v }, v))));
  const search = h('input', { type: 'search', id: 'f-search', placeholder: 'name, owner, lane…' });
  const count = h('p', { class: 'muted', id: 'count', 'aria-live': 'polite' });
  view.append(h('div', { class: 'filters', role: 'search' },
    h('label', { for: 'f-search' }, 'Search', search),
    select('f-lane', 'Lane', distinct((m) => m.lane)),
    select('f-band', 'Band', ['green', 'yellow', 'red']),
    select('f-owner', 'Owner', distinct((m) => m.owner))), count);

  // Each row is built once; sorting re-orders the row nodes and filtering hides them.
  const rows = modules.map((m) => {
    const tr = h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: href('p', project, 'm', m.name) }, m.name)),
      h('td', { class: 'num' }, band(m.health?.band, m.health?.score)),
      h('td', { class: 'num' }, dash(m.tier)),
      h('td', {}, dash(m.lane)),
      h('td', {}, dash(m.owner)),
      h('td', { class: 'num' }, m.findings?.errors ? h('a', { href: href('p', project, 'findings', { module: m.name, severity: 'error' }) }, m.findings.errors) : '0'),
      h('td', { class: 'num' }, m.findings?.warnings ? h('a', { href: href('p', project, 'findings', { module: m.name, severity: 'warning' }) }, m.findings.warnings) : '0'),
      h('td', {}, dash(statusText(m.status))));
    const text = [m.name, m.owner, m.lane, m.layer, m.kind, m.lang, m.root].filter(Boolean).join(' ').toLowerCase();
    return { m, tr, text, keys: MODULE_COLUMNS.map((c) => c.value(m)) };
  });

  const tbody = h('tbody', {});
  const sort = { col: 1, dir: 1 };
  const headers = MODULE_COLUMNS.map((c, i) => h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': 'none' },
    h('button', { type: 'button', 'data-key': c.key, onclick: () => sortBy(i) }, c.label)));
  const table = h('table', { class: 'modules', id: 'modules', 'aria-rowcount': rows.length + 1 },
    h('caption', { class: 'skip' }, 'Modules; the column headers sort the table'),
    h('thead', {}, h('tr', { 'aria-rowindex': 1 }, headers)), tbody);
  view.append(table);

  // Only the rows near the viewport are in the document (spacers stand for the others): with
  // a thousand modules, sorting and filtering then touch a hundred rows, not every cell.
  let shownRows = rows;
  let rowHeight = 33;
  const spacer = () => {
    const td = h('td', { colspan: MODULE_COLUMNS.length });
    return { tr: h('tr', { class: 'spacer', 'aria-hidden': 'true' }, td), td };
  };
  const above = spacer();
  const below = spacer();
  function render() {
    if (table.isConnected) attached = true;
    // Rows are one line high (no wrapping); their height is measured, fractions included, so
    // that the spacers add up over a thousand rows.
    const sample = tbody.querySelector('tr:not(.spacer)');
    const measured = sample?.isConnected ? sample.getBoundingClientRect().height : 0;
    if (measured) rowHeight = measured;
    const top = table.isConnected ? tbody.getBoundingClientRect().top : 0;
    const first = Math.max(0, Math.floor(-top / rowHeight) - 30);
    const last = Math.min(shownRows.length, first + Math.ceil(window.innerHeight / rowHeight) + 60);
    above.td.style.height = `${first * rowHeight}px`;
    below.td.style.height = `${(shownRows.length - last) * rowHeight}px`;
    const slice = shownRows.slice(first, last).map((r) => r.tr);
    tbody.replaceChildren(...(first ? [above.tr] : []), ...slice, ...(last < shownRows.length ? [below.tr] : []));
  }
  let pending = false;
  let attached = false;
  function onScroll() {
    if (!table.isConnected) {
      // Another page replaced this one.
      if (attached) {
        window.removeEventListener('scroll', onScroll);
        window.removeEventListener('resize', onScroll);
      }
      return;
    }
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onScroll, { passive: true });

  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  function sortBy(i, keepDir = false) {
    if (!keepDir) sort.dir = sort.col === i ? -sort.dir : 1;
    sort.col = i;
    const t = performance.now();
    const num = MODULE_COLUMNS[i].num;
    const dir = sort.dir;
    rows.sort((a, b) => {
      const x = a.keys[i];
      const y = b.keys[i];
      const c = num ? x - y : collator.compare(x, y);
      return c * dir || collator.compare(a.m.name, b.m.name);
    });
    headers.forEach((th, j) => th.setAttribute('aria-sort', j === i ? (dir > 0 ? 'ascending' : 'descending') : 'none'));
    filter();
    table.dataset.sortMs = (performance.now() - t).toFixed(1);
  }

  const lane = view.querySelector('#f-lane');
  const bandSel = view.querySelector('#f-band');
  const owner = view.querySelector('#f-owner');
  function filter() {
    const q = search.value.trim().toLowerCase();
    shownRows = rows.filter((r) => (!q || r.text.includes(q))
      && (!lane.value || r.m.lane === lane.value)
      && (!bandSel.value || r.m.health?.band === bandSel.value)
      && (!owner.value || r.m.owner === owner.value));
    shownRows.forEach((r, i) => r.tr.setAttribute('aria-rowindex', i + 2));
    table.setAttribute('aria-rowcount', shownRows.length + 1);
    count.textContent = `${shownRows.length} of ${rows.length} modules`;
    render();
  }
  search.addEventListener('input', filter);
  for (const sel of [lane, bandSel, owner]) sel.addEventListener('change', filter);

  // Worst health first: the modules that need attention.
  sortBy(1, true);
  requestAnimationFrame(render);
  table.dataset.renderMs = (performance.now() - t0).toFixed(1);
}

// ---- 3. the module graph ----

const LANE_COLOURS = ['#cfe2ff', '#d3f9d8', '#fff3bf', '#ffd8e8', '#e5dbff', '#c5f6fa', '#ffe8cc', '#e9ecef', '#d0ebff', '#f3d9fa'];

/** Pairs `from\u0000to` → the findings that make the edge a problem. */
function edgeProblems(findings) {
  const bad = new Map();
  const add = (from, to, f) => {
    const k = `${from}\u0000${to}`;
    if (!bad.has(k)) bad.set(k, []);
    bad.get(k).push(f);
  };
  for (const f of findings) {
    if (Array.isArray(f.cycle) && f.rule === 'no-cycles') {
      for (let i = 0; i + 1 < f.cycle.length; i += 1) add(f.cycle[i], f.cycle[i + 1], f);
    } else if (f.module && f.target) {
      add(f.module, f.target, f);
    }
  }
  return bad;
}

/** Layers with dependencies below their dependents: a module's layer is the longest chain of
 *  dependencies under it (edges closing a cycle are left out). */
function layout(names, edges) {
  const out = new Map(names.map((n) => [n, []]));
  const inn = new Map(names.map((n) => [n, []]));
  for (const e of edges) {
    if (out.has(e.from) && out.has(e.to) && e.from !== e.to) {
      out.get(e.from).push(e.to);
      inn.get(e.to).push(e.from);
    }
  }
  const height = new Map();
  const state = new Map();
  for (const root of names) {
    if (state.has(root)) continue;
    // Iterative depth-first search: a recursive one overflows on long chains.
    const stack = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const deps = out.get(top[0]);
      if (top[1] < deps.length) {
        const d = deps[top[1]];
        top[1] += 1;
        if (!state.has(d)) {
          state.set(d, 1);
          stack.push([d, 0]);
        }
      } else {
        let hgt = 0;
        for (const d of deps) if (state.get(d) === 2) hgt = Math.max(hgt, height.get(d) + 1);
        height.set(top[0], hgt);
        state.set(top[0], 2);
        stack.pop();
      }
    }
  }
  const maxH = Math.max(0, ...height.values());
  const layers = Array.from({ length: maxH + 1 }, () => []);
  for (const n of names) layers[maxH - height.get(n)].push(n);
  // A few barycentre sweeps to shorten edges.
  const pos = new Map();
  layers.forEach((l) => { l.sort(); l.forEach((n, i) => pos.set(n, i)); });
  for (let pass = 0; pass < 4; pass += 1) {
    const down = pass % 2 === 0;
    const order = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const l of order) {
      const bc = new Map(l.map((n) => {
        const ns = down ? inn.get(n) : out.get(n);
        const v = ns.length ? ns.reduce((a, x) => a + pos.get(x), 0) / ns.length : pos.get(n);
        return [n, v];
      }));
      l.sort((a, b) => bc.get(a) - bc.get(b));
      l.forEach((n, i) => pos.set(n, i));
    }
  }
  return layers;
}

async function graphPage(view, project, params) {
  const [graph, found] = await Promise.all([
    api(`${projectPath(project)}/graph?level=module`),
    api(`${projectPath(project)}/findings`),
  ]);
  const bad = edgeProblems(found.findings);
  const focus = params.get('focus') || '';
  const all = graph.modules.map((m) => m.name);
  let names = all;
  if (focus && all.includes(focus)) {
    const near = new Set([focus]);
    for (const e of graph.module_edges) {
      if (e.from === focus) near.add(e.to);
      if (e.to === focus) near.add(e.from);
    }
    names = all.filter((n) => near.has(n));
  }
  const shown = new Set(names);
  const edges = graph.module_edges.filter((e) => shown.has(e.from) && shown.has(e.to));
  const meta = new Map(graph.modules.map((m) => [m.name, m]));
  const lanes = [...new Set(graph.modules.map((m) => m.lane || '(none)'))].sort();
  const colour = (lane) => LANE_COLOURS[lanes.indexOf(lane || '(none)') % LANE_COLOURS.length];

  view.append(h('h1', {}, `${project}: module graph`));
  const focusInput = h('input', { id: 'g-focus', list: 'g-names', value: focus, placeholder: 'module name' });
  const go = (name) => { location.hash = href('p', project, 'graph', { focus: name }); };
  const zoomBtns = h('span', {},
    h('button', { type: 'button', id: 'zoom-in', 'aria-label': 'Zoom in', onclick: () => zoom(1 / 1.25) }, '+'), ' ',
    h('button', { type: 'button', id: 'zoom-out', 'aria-label': 'Zoom out', onclick: () => zoom(1.25) }, '−'), ' ',
    h('button', { type: 'button', onclick: () => fit() }, 'Fit'));
  view.append(h('form', {
    class: 'graph-tools',
    onsubmit: (ev) => { ev.preventDefault(); go(focusInput.value.trim()); },
  },
  h('div', { class: 'filters' }, h('label', { for: 'g-focus' }, 'Focus on a module and its neighbours', focusInput)),
  h('datalist', { id: 'g-names' }, all.map((n) => h('option', { value: n }))),
  h('button', { type: 'submit' }, 'Focus'),
  focus ? h('button', { type: 'button', onclick: () => go('') }, 'Whole graph') : null,
  focus ? h('a', { href: href('p', project, 'm', focus) }, `Open ${focus}`) : null,
  zoomBtns));

  const badCount = edges.filter((e) => bad.has(`${e.from}\u0000${e.to}`)).length;
  view.append(h('div', { class: 'legend' },
    lanes.map((l) => h('span', {}, svgSwatch(colour(l)), ` lane ${l}`)),
    h('span', {}, svgLine('#6e7781', 1.2), ' dependency (downward)'),
    h('span', {}, svgLine('#b42318', 2.4), ` cycle or violation (${badCount}; click one for its findings)`)));

  const layers = layout(names, edges);
  const W = 170; const H = 30; const GX = 24; const GY = 80;
  const widest = Math.max(1, ...layers.map((l) => l.length));
  const xy = new Map();
  layers.forEach((l, li) => {
    const offset = ((widest - l.length) * (W + GX)) / 2;
    l.forEach((n, i) => xy.set(n, { x: offset + i * (W + GX), y: li * (H + GY) }));
  });
  const width = widest * (W + GX);
  const height = layers.length * (H + GY);

  const root = s('g', {});
  const edgeLayer = s('g', {});
  const nodeLayer = s('g', {});
  root.append(edgeLayer, nodeLayer);
  for (const e of edges) {
    const a = xy.get(e.from);
    const b = xy.get(e.to);
    const x1 = a.x + W / 2; const x2 = b.x + W / 2;
    let d;
    if (b.y > a.y) {
      const y1 = a.y + H; const y2 = b.y;
      d = `M${x1},${y1} C${x1},${y1 + GY / 2} ${x2},${y2 - GY / 2} ${x2},${y2}`;
    } else {
      // An upward edge (it closes a cycle, or runs within a layer): drawn as an arc on the side.
      const y1 = a.y; const y2 = b.y + H;
      const bend = Math.max(40, Math.abs(x2 - x1) / 3);
      d = `M${x1 + 6},${y1} C${x1 + bend},${y1 - GY} ${x2 + bend},${y2 + GY} ${x2 + 6},${y2}`;
    }
    const key = `${e.from}\u0000${e.to}`;
    const problems = bad.get(key);
    const label = `${e.from} → ${e.to}: ${e.imports} import${e.imports === 1 ? '' : 's'}`;
    if (problems) {
      const rules = [...new Set(problems.map((f) => f.rule))].join(', ');
      const link = s('a', {
        href: href('p', project, 'findings', { from: e.from, to: e.to }),
        class: 'bad-edge', 'data-from': e.from, 'data-to': e.to,
        'aria-label': `${label}; ${rules}: show the findings`,
      },
      s('title', {}, `${label}\n${rules}\nclick for the findings`),
      s('path', { d, class: 'hit bad' }),
      s('path', { d, class: 'edge bad', 'marker-end': 'url(#arrow-bad)' }));
      edgeLayer.append(link);
    } else {
      edgeLayer.append(s('g', { 'data-from': e.from, 'data-to': e.to },
        s('title', {}, label), s('path', { d, class: 'hit' }), s('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' })));
    }
  }
  for (const n of names) {
    const { x, y } = xy.get(n);
    const m = meta.get(n) || {};
    const label = n.length > 22 ? `${n.slice(0, 21)}…` : n;
    const node = s('g', {
      class: `node${n === focus ? ' focused' : ''}`, transform: `translate(${x},${y})`, tabindex: 0, role: 'button',
      'data-module': n, 'aria-label': `${n} (lane ${m.lane || 'none'}): focus on it`,
    },
    s('title', {}, `${n}\nlane ${dash(m.lane)} · layer ${dash(m.layer)} · tier ${dash(m.tier)}\nclick: focus · double-click: open`),
    s('rect', { width: W, height: H, rx: 5, fill: colour(m.lane) }),
    s('text', { x: W / 2, y: H / 2 + 4, 'text-anchor': 'middle' }, label));
    node.addEventListener('click', () => { if (!moved) go(n); });
    node.addEventListener('dblclick', () => { location.hash = href('p', project, 'm', n); });
    node.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); go(n); }
    });
    nodeLayer.append(node);
  }
  const defs = s('defs', {},
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#6e7781' })),
    s('marker', { id: 'arrow-bad', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#b42318' })));
  const svg = s('svg', { id: 'graph', role: 'group', 'aria-label': `Module graph: ${names.length} modules, ${edges.length} dependencies` }, defs, root);
  view.append(h('div', { class: 'graph-wrap' }, svg));
  view.append(h('p', { class: 'muted' }, 'Drag to pan, wheel or +/− to zoom; click a module to focus on its neighbours, double-click to open it; Tab reaches every module and red edge.'));

  // The view box is the camera: pan moves it, zoom scales it.
  const pad = 20;
  let vb = { x: -pad, y: -pad, w: width + 2 * pad, h: height + 2 * pad };
  const apply = () => svg.setAttribute('viewBox', `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
  function fit() {
    vb = { x: -pad, y: -pad, w: Math.max(width, 400) + 2 * pad, h: Math.max(height, 200) + 2 * pad };
    if (vb.w > width + 2 * pad) vb.x = -(vb.w - width) / 2;
    apply();
  }
  function zoom(f, cx = vb.x + vb.w / 2, cy = vb.y + vb.h / 2) {
    vb = { x: cx - (cx - vb.x) * f, y: cy - (cy - vb.y) * f, w: vb.w * f, h: vb.h * f };
    apply();
  }
  fit();
  // Many modules: start zoomed in on the top, readable, rather than a dot field.
  if (width > 2400) {
    const f = 2400 / vb.w;
    zoom(f, vb.x + vb.w / 2, vb.y);
  }
  svg.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    const scale = Math.max(vb.w / r.width, vb.h / r.height);
    const cx = vb.x + (ev.clientX - r.left - (r.width - vb.w / scale) / 2) * scale;
    const cy = vb.y + (ev.clientY - r.top - (r.height - vb.h / scale) / 2) * scale;
    zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
  }, { passive: false });
  let drag = null;
  let moved = false;
  svg.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, vb: { ...vb } };
    moved = false;
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x; const dy = ev.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    if (!moved) { moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add('dragging'); }
    const r = svg.getBoundingClientRect();
    const scale = Math.max(vb.w / r.width, vb.h / r.height);
    vb = { ...drag.vb, x: drag.vb.x - dx * scale, y: drag.vb.y - dy * scale };
    apply();
  });
  const end = () => { drag = null; svg.classList.remove('dragging'); setTimeout(() => { moved = false; }, 0); };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);
  svg.addEventListener('click', (ev) => { if (moved) { ev.preventDefault(); ev.stopPropagation(); } }, true);
}

function svgSwatch(fill) {
  return s('svg', { width: 14, height: 14, 'aria-hidden': 'true' }, s('rect', { width: 14, height: 14, rx: 3, fill, stroke: '#1f2328' }));
}

function svgLine(stroke, width) {
  return s('svg', { width: 24, height: 10, 'aria-hidden': 'true' }, s('line', { x1: 0, y1: 5, x2: 24, y2: 5, stroke, 'stroke-width': width }));
}

// ---- 4. a module ----

async function modulePage(view, project, name) {
  const base = `${projectPath(project)}/modules/${enc(name)}`;
  const [card, hist] = await Promise.all([api(base), api(`${base}/history`)]);
  const m = card.module;
  const d = card.declaration || {};
  const hl = card.health;
  view.append(h('h1', {}, name, ' ', band(hl?.band ?? m.health?.band, hl?.score ?? m.health?.score)));
  if (d.description) view.append(h('p', {}, d.description));
  view.append(h('p', {}, h('a', { href: href('p', project, 'graph', { focus: name }) }, 'Show in the graph'), ' · ',
    h('a', { href: href('p', project, 'findings', { module: name }) }, 'Its findings')));

  const field = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  const valueText = (v) => {
    if (v === null || v === undefined) return '—';
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') || '—';
    if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : x}`).join('; ');
    return String(v);
  };
  const skip = new Set(['description', 'schema']);
  const schemaFields = Object.keys(d).length ? Object.entries(d).filter(([k]) => !skip.has(k)) : Object.entries(m).filter(([k]) => !['health', 'findings', 'status'].includes(k));
  const owner = d.owner ?? m.owner;
  const contact = d.contact ?? card.contact ?? null;
  view.append(h('div', { class: 'cards' },
    h('section', { 'aria-labelledby': 'h-fields' }, h('h2', { id: 'h-fields' }, 'module.yaml'),
      h('dl', { class: 'fields' }, schemaFields.map(([k, v]) => field(k, valueText(v))))),
    h('section', { 'aria-labelledby': 'h-owner' }, h('h2', { id: 'h-owner' }, 'Owner'),
      h('dl', { class: 'fields' }, field('owner', dash(owner)), field('contact', contact ? (String(contact).includes('@') ? h('a', { href: `mailto:${contact}` }, contact) : contact) : '—'),
        field('status', dash(statusText(card.status))),
        card.links?.length ? field('links', card.links.map((l, i) => [i ? ', ' : '', /^https?:/.test(l.url) ? h('a', { href: l.url, rel: 'noopener noreferrer' }, l.title || l.url) : (l.title || l.url)])) : null,
        card.external?.length ? field('external', card.external.join(', ')) : null))));

  const deps = (title, id, list) => h('section', { 'aria-labelledby': id }, h('h2', { id }, `${title} (${list.length})`),
    list.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Module'), h('th', { scope: 'col', class: 'num' }, 'Imports'))),
      h('tbody', {}, list.map((e) => h('tr', {}, h('th', { scope: 'row' }, h('a', { href: href('p', project, 'm', e.module) }, e.module)), h('td', { class: 'num' }, e.imports)))))
      : h('p', { class: 'muted' }, 'None.'));
  view.append(h('div', { class: 'cards' },
    deps('Depends on', 'h-out', card.dependencies || []),
    deps('Used by', 'h-in', card.dependents || [])));

  view.append(h('h2', { id: 'h-findings' }, `Findings (${card.findings.length})`), findingsTable(project, card.findings, false));

  view.append(h('h2', { id: 'h-health' }, 'Health'));
  if (!hl) {
    view.append(h('p', { class: 'muted' }, 'No health data in this snapshot.'));
  } else {
    view.append(h('p', {}, `Score ${hl.score ?? '—'} (${hl.band}), tier ${dash(hl.tier)}, data for ${Math.round((hl.data_coverage ?? 0) * 100)} % of the weight.`,
      hl.gates_failed?.length ? [' Held back by: ', hl.gates_failed.join('; '), '.'] : ''));
    view.append(h('table', { class: 'dimensions' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Dimension'), h('th', { scope: 'col', class: 'num' }, 'Weight'), h('th', { scope: 'col', class: 'num' }, 'Score'), h('th', { scope: 'col' }, 'Evidence'))),
      h('tbody', {}, hl.dimensions.map((dm) => h('tr', {},
        h('th', { scope: 'row' }, dm.id),
        h('td', { class: 'num' }, dm.weight),
        h('td', { class: 'num' }, dm.score === null ? h('span', { class: 'muted' }, 'no data') : [h('meter', { min: 0, max: 10, low: 5, high: 8, optimum: 10, value: dm.score, 'aria-hidden': 'true' }), ' ', dm.score.toFixed(1)]),
        h('td', {}, dm.evidence?.length ? h('ul', { class: 'plain' }, dm.evidence.map((ev) => h('li', {}, h('code', {}, ev)))) : h('span', { class: 'muted' }, rawText(dm.raw))))))));
    if (hl.next_steps?.length) {
      view.append(h('h3', {}, 'Next steps'), h('ol', {}, hl.next_steps.map((st) => h('li', {}, st))));
    }
  }

  const declared = m.budgets || d.budgets;
  if (declared && Object.keys(declared).length) {
    view.append(budgetsSection(await api(`${projectPath(project)}/budgets`), name));
  }

  view.append(h('h2', {}, 'History'));
  const points = hist.history;
  view.append(h('div', { class: 'cards' },
    h('figure', {}, lineChart(points, [{ key: 'score', cls: 'line-score', label: 'score' }], { max: 10, label: 'Health score over snapshots' }),
      h('figcaption', { class: 'muted' }, `Health score, ${points.length} snapshot${points.length === 1 ? '' : 's'}`)),
    h('figure', {}, lineChart(points, [{ key: 'errors', cls: 'line-errors', label: 'errors' }, { key: 'warnings', cls: 'line-warnings', label: 'warnings' }], { label: 'Findings over snapshots' }),
      h('figcaption', { class: 'muted' }, 'Findings: errors (solid red), warnings (dashed)'))));
}

/** A number with about four significant digits. */
function num(v) {
  if (v === null || v === undefined) return '—';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** The module's runtime budgets: limit, current level, trend, status, time to breach. */
function budgetsSection(doc, name) {
  const mod = doc.modules.find((x) => x.module === name);
  const section = h('section', { 'aria-labelledby': 'h-budgets' }, h('h2', { id: 'h-budgets' }, 'Budgets'));
  if (!mod) {
    append(section, [h('p', { class: 'muted' }, 'No budgets.')]);
    return section;
  }
  const when = (b) => {
    if (b.status === 'breached') return 'over the limit now';
    if (!b.breach) return '—';
    const r = b.breach;
    const d = (x) => `${x.toFixed(1)} d`;
    const latest = r.latest_days === null ? 'maybe never' : d(r.latest_days);
    return [`in ${d(r.in_days)} `, h('span', { class: 'muted' }, `(${d(r.earliest_days)} to ${latest}), around ${new Date(r.at * 1000).toISOString().slice(0, 10)}`)];
  };
  append(section, [
    h('p', { class: 'muted' }, `A trend is fitted (Theil–Sen) on the ${num(doc.window_days)} days before each budget's latest sample; a breach within ${num(doc.horizon_days)} days is at risk.`),
    h('table', { class: 'budgets' },
      h('thead', {}, h('tr', {}, ['Metric', 'Limit', 'Current', 'Trend / day', 'Status', 'Time to breach', 'Samples'].map((t, i) => h('th', { scope: 'col', class: [1, 2, 3].includes(i) ? 'num' : null }, t)))),
      h('tbody', {}, mod.budgets.map((b) => h('tr', {},
        h('th', { scope: 'row' }, h('code', {}, b.metric)),
        h('td', { class: 'num' }, num(b.limit)),
        h('td', { class: 'num' }, num(b.current)),
        h('td', { class: 'num' }, b.trend_per_day === null ? '—' : `${b.trend_per_day > 0 ? '+' : ''}${num(b.trend_per_day)}`),
        h('td', {}, h('span', { class: `budget budget-${b.status}` }, b.status)),
        h('td', {}, when(b)),
        h('td', {}, b.series.length > 1 ? sparkline(b) : h('span', { class: 'muted' }, `${b.samples} sample${b.samples === 1 ? '' : 's'}`)))))),
  ]);
  return section;
}

/** A budget's samples as a small line, with its limit dashed. */
function sparkline(b) {
  const W = 140; const H = 32; const P = 2;
  const values = b.series.map((p) => p.value);
  const lo = Math.min(...values); const hi = Math.max(...values, b.limit);
  const t0 = b.series[0].at; const t1 = b.series.at(-1).at;
  const x = (t) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (v) => H - P - ((v - lo) / Math.max(1e-12, hi - lo)) * (H - 2 * P);
  const label = `${b.metric}: ${b.samples} samples from ${num(lo)} to ${num(Math.max(...values))}, limit ${num(b.limit)}`;
  return s('svg', { class: 'spark', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
    s('title', {}, label),
    s('line', { class: 'spark-limit', x1: P, x2: W - P, y1: y(b.limit), y2: y(b.limit) }),
    s('polyline', { class: `spark-line budget-${b.status}`, points: b.series.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') }));
}

function rawText(raw) {
  if (!raw || !Object.keys(raw).length) return '—';
  return Object.entries(raw).map(([k, v]) => `${k} ${v}`).join(' · ');
}

/** A small line chart of `points` (oldest first) as inline SVG. */
function lineChart(points, series, { max, label }) {
  const Wc = 560; const Hc = 180; const L = 34; const B = 22; const T = 10; const R = 12;
  const top = max ?? Math.max(1, ...points.flatMap((p) => series.map((sr) => p[sr.key] ?? 0)));
  const n = points.length;
  const x = (i) => L + (n <= 1 ? (Wc - L - R) / 2 : (i * (Wc - L - R)) / (n - 1));
  const y = (v) => T + (Hc - T - B) * (1 - v / top);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${Wc} ${Hc}`, role: 'img', 'aria-label': label, width: '100%' });
  svg.append(s('title', {}, label));
  for (const t of [0, top / 2, top]) {
    svg.append(s('line', { class: 'axis', x1: L, x2: Wc - R, y1: y(t), y2: y(t) }),
      s('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end' }, Number.isInteger(t) ? t : t.toFixed(1)));
  }
  points.forEach((p, i) => {
    if (n <= 8 || i % Math.ceil(n / 8) === 0 || i === n - 1) {
      svg.append(s('text', { x: x(i), y: Hc - 6, 'text-anchor': 'middle' }, `#${p.snapshot ?? p.id}`));
    }
  });
  for (const sr of series) {
    const pts = points.map((p, i) => (p[sr.key] === null || p[sr.key] === undefined ? null : [x(i), y(p[sr.key])])).filter(Boolean);
    if (pts.length > 1) svg.append(s('polyline', { class: sr.cls, points: pts.map((q) => q.join(',')).join(' ') }));
    for (const [cx, cy] of pts) svg.append(s('circle', { cx, cy, r: 3, class: sr.cls }));
  }
  return svg;
}

// ---- 5. findings ----

function findingsTable(project, findings, withModule = true) {
  if (!findings.length) return h('p', { class: 'muted' }, 'No findings.');
  return h('table', { class: 'findings' },
    h('thead', {}, h('tr', {}, [withModule ? 'Module' : null, 'Severity', 'Rule', 'Where', 'Message'].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, findings.map((f) => h('tr', {},
      withModule ? h('td', {}, f.module ? h('a', { href: href('p', project, 'm', f.module) }, f.module) : '—') : null,
      h('td', {}, severity(f.severity)),
      h('td', {}, h('a', { href: href('p', project, 'findings', { rule: f.rule }) }, f.rule)),
      h('td', {}, h('code', {}, f.file ? `${f.file}:${f.line ?? ''}` : '—')),
      h('td', {}, f.message, f.help ? h('div', { class: 'muted' }, `help: ${f.help}`) : null)))));
}

async function findingsPage(view, project, params) {
  const rule = params.get('rule') || '';
  const module = params.get('module') || '';
  const sev = params.get('severity') || '';
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  const q = new URLSearchParams(Object.entries({ rule, module, severity: sev }).filter(([, v]) => v));
  const [data, all] = await Promise.all([
    api(`${projectPath(project)}/findings${q.toString() ? `?${q}` : ''}`),
    api(`${projectPath(project)}/findings`),
  ]);
  let findings = data.findings;
  if (from && to) {
    // The findings one edge of the graph stands for: its imports' violations, and the cycles
    // it is a step of.
    const bad = edgeProblems(findings);
    findings = bad.get(`${from}\u0000${to}`) || [];
  }
  view.append(h('h1', {}, from && to ? `Findings on ${from} → ${to}` : `${project}: findings`));
  const rules = [...new Set(all.findings.map((f) => f.rule))].sort();
  const mods = [...new Set(all.findings.map((f) => f.module).filter(Boolean))].sort();
  const sel = (id, label, values, cur) => h('label', { for: id }, label, h('select', { id, name: id.slice(2) },
    h('option', { value: '' }, 'all'), values.map((v) => h('option', { value: v, selected: v === cur }, v))));
  const form = h('form', {
    class: 'filters', role: 'search',
    onsubmit: (ev) => {
      ev.preventDefault();
      location.hash = href('p', project, 'findings', {
        rule: form.querySelector('#f-rule').value, module: form.querySelector('#f-module').value, severity: form.querySelector('#f-severity').value,
      });
    },
  },
  sel('f-rule', 'Rule', rules, rule), sel('f-module', 'Module', mods, module), sel('f-severity', 'Severity', ['error', 'warning'], sev),
  h('button', { type: 'submit' }, 'Filter'));
  for (const el of form.querySelectorAll('select')) el.addEventListener('change', () => form.requestSubmit());
  view.append(form);
  if (from && to) {
    view.append(h('p', {}, 'The dependency ', h('a', { href: href('p', project, 'm', from) }, from), ' → ',
      h('a', { href: href('p', project, 'm', to) }, to), ' is drawn red because of these findings. ',
      h('a', { href: href('p', project, 'findings') }, 'All findings')));
  }
  view.append(h('p', { class: 'muted', id: 'count' }, `${findings.length} finding${findings.length === 1 ? '' : 's'} (${findings.filter((f) => f.severity === 'error').length} errors)`));
  view.append(findingsTable(project, findings));
}

// ---- 6. trend and what changed ----

async function trendPage(view, project, params) {
  const { snapshots } = await api(`${projectPath(project)}/snapshots`);
  const list = [...snapshots].sort((a, b) => a.id - b.id);
  view.append(h('h1', {}, `${project}: health over time`));
  // The health of at most the 30 newest snapshots (one request each).
  const recent = list.slice(-30);
  const healths = await Promise.all(recent.map((sn) => api(`${projectPath(project)}/health?snapshot=${sn.id}`).catch(() => null)));
  const points = recent.map((sn, i) => {
    const ms = healths[i]?.modules || [];
    const scores = ms.map((m) => m.score).filter((v) => typeof v === 'number');
    const cnt = (b) => ms.filter((m) => m.band === b).length;
    return {
      id: sn.id, score: scores.length ? scores.reduce((a, v) => a + v, 0) / scores.length : null,
      errors: sn.errors, warnings: sn.warnings, red: cnt('red'), yellow: cnt('yellow'), green: cnt('green'),
    };
  });
  view.append(h('div', { class: 'cards' },
    h('figure', {}, lineChart(points, [{ key: 'score', cls: 'line-score' }], { max: 10, label: 'Mean module health score over snapshots' }),
      h('figcaption', { class: 'muted' }, 'Mean module health score')),
    h('figure', {}, lineChart(points, [{ key: 'errors', cls: 'line-errors' }, { key: 'warnings', cls: 'line-warnings' }], { label: 'Findings over snapshots' }),
      h('figcaption', { class: 'muted' }, 'Findings: errors (solid red), warnings (dashed)'))));
  view.append(h('table', { class: 'snapshots' },
    h('thead', {}, h('tr', {}, ['Snapshot', 'Commit', 'Indexed', 'Modules', 'Mean score', 'Green', 'Yellow', 'Red', 'Errors', 'Warnings']
      .map((t, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : null }, t)))),
    h('tbody', {}, [...recent].reverse().map((sn) => {
      const p = points.find((x) => x.id === sn.id);
      return h('tr', {}, h('th', { scope: 'row' }, `#${sn.id}`), h('td', {}, h('code', {}, shortCommit(sn.commit)), sn.branch ? ` (${sn.branch})` : ''),
        h('td', {}, fmtTime(sn.created_at)), h('td', { class: 'num' }, sn.modules),
        h('td', { class: 'num' }, p.score === null ? '—' : p.score.toFixed(2)),
        h('td', { class: 'num' }, p.green), h('td', { class: 'num' }, p.yellow), h('td', { class: 'num' }, p.red),
        h('td', { class: 'num' }, sn.errors), h('td', { class: 'num' }, sn.warnings));
    }))));

  view.append(h('h2', { id: 'h-compare' }, 'What changed'));
  if (list.length < 2) {
    view.append(h('p', { class: 'muted' }, 'One snapshot so far: nothing to compare.'));
    return;
  }
  const a = Number(params.get('a')) || list[list.length - 2].id;
  const b = Number(params.get('b')) || list[list.length - 1].id;
  const pick = (id, label, cur) => h('label', { for: id }, label, h('select', { id },
    [...list].reverse().map((sn) => h('option', { value: sn.id, selected: sn.id === cur }, `#${sn.id} ${shortCommit(sn.commit)} ${fmtTime(sn.created_at)}`))));
  const form = h('form', {
    class: 'filters',
    onsubmit: (ev) => {
      ev.preventDefault();
      location.hash = href('p', project, 'trend', { a: form.querySelector('#c-a').value, b: form.querySelector('#c-b').value });
    },
  }, pick('c-a', 'From', a), pick('c-b', 'To', b), h('button', { type: 'submit' }, 'Compare'));
  view.append(form);
  const P = projectPath(project);
  const [ma, mb, fa, fb] = await Promise.all([
    api(`${P}/modules?snapshot=${a}`), api(`${P}/modules?snapshot=${b}`),
    api(`${P}/findings?snapshot=${a}`), api(`${P}/findings?snapshot=${b}`),
  ]);
  const byName = (d) => new Map(d.modules.map((m) => [m.name, m]));
  const A = byName(ma); const Bm = byName(mb);
  const added = [...Bm.keys()].filter((n) => !A.has(n)).sort();
  const removed = [...A.keys()].filter((n) => !Bm.has(n)).sort();
  const deltas = [...Bm.values()].filter((m) => A.has(m.name)).map((m) => {
    const before = A.get(m.name).health?.score; const after = m.health?.score;
    return { name: m.name, before, after, band: m.health?.band, delta: (after ?? 0) - (before ?? 0) };
  }).filter((x) => x.before !== x.after).sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.name.localeCompare(y.name));
  // Lines move as code is edited: a finding is the same when its rule, module, file and
  // message are.
  const fkey = (f) => [f.rule, f.module, f.file, f.message].join('\u0000');
  const keysA = new Set(fa.findings.map(fkey)); const keysB = new Set(fb.findings.map(fkey));
  const fresh = fb.findings.filter((f) => !keysA.has(fkey(f)));
  const fixed = fa.findings.filter((f) => !keysB.has(fkey(f)));
  const modLinks = (names) => (names.length ? h('ul', { class: 'plain' }, names.map((n) => h('li', {}, h('a', { href: href('p', project, 'm', n) }, n)))) : h('p', { class: 'muted' }, 'None.'));
  view.append(h('section', { id: 'changes', 'aria-labelledby': 'h-compare' },
    h('p', {}, `From snapshot #${a} to #${b}: ${added.length} module(s) added, ${removed.length} removed, ${fresh.length} new finding(s), ${fixed.length} fixed, ${deltas.length} score change(s).`),
    h('div', { class: 'cards' },
      h('section', {}, h('h3', {}, `Modules added (${added.length})`), modLinks(added)),
      h('section', {}, h('h3', {}, `Modules removed (${removed.length})`), modLinks(removed))),
    h('h3', {}, `Score changes (${deltas.length})`),
    deltas.length ? h('table', { class: 'deltas' },
      h('thead', {}, h('tr', {}, ['Module', 'Before', 'After', 'Change'].map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
      h('tbody', {}, deltas.map((x) => h('tr', {}, h('th', { scope: 'row' }, h('a', { href: href('p', project, 'm', x.name) }, x.name)),
        h('td', { class: 'num' }, dash(x.before)), h('td', { class: 'num' }, band(x.band, x.after)),
        h('td', { class: `num ${x.delta >= 0 ? 'delta-up' : 'delta-down'}` }, `${x.delta >= 0 ? '+' : '−'}${Math.abs(x.delta).toFixed(1)}`)))))
      : h('p', { class: 'muted' }, 'None.'),
    h('h3', {}, `New findings (${fresh.length})`), findingsTable(project, fresh),
    h('h3', {}, `Fixed findings (${fixed.length})`), findingsTable(project, fixed)));
}

// ---- start ----

document.getElementById('signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  route();
});
window.addEventListener('hashchange', () => {
  route().then(() => main.focus({ preventScroll: true }));
});
route();
