// GraphSQL page: uses only the JSON API (see graphsql/web/app.py). No library, no network beyond this server.
'use strict';
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const SVG = 'http://www.w3.org/2000/svg';
const TOKEN = new URLSearchParams(location.search).get('token') || '';
const HISTORY_KEY = 'graphsql-history';
let dbs = [], graph = null, current = {sql: '', page: 0, pageSize: 100, total: 0};

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (TOKEN) headers['Authorization'] = 'Bearer ' + TOKEN;
  const r = await fetch(path, Object.assign({}, options, {headers}));
  let body = null;
  try { body = await r.json(); } catch (e) { body = {detail: r.statusText}; }
  if (!r.ok) {
    const d = body && body.detail;
    throw new Error(Array.isArray(d) ? d.map(x => x.msg).join('; ') : (d || r.statusText));
  }
  return body;
}
function showError(msg) { $('error').textContent = msg || ''; $('error').hidden = !msg; }

// ---- SQL, highlighted -------------------------------------------------------------------------------------------
const KEYWORDS = ['SELECT', 'DISTINCT', 'FROM', 'WHERE', 'JOIN', 'LEFT', 'INNER', 'OUTER', 'ON', 'AS', 'AND', 'OR',
  'NOT', 'IN', 'IS', 'NULL', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'UNION', 'ALL',
  'INTERSECT', 'EXCEPT', 'LIKE', 'BETWEEN', 'EXISTS', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'WITH', 'CAST',
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX'];
const KW_RE = new RegExp("('(?:[^']|'')*')|(\\b\\d+(?:\\.\\d+)?\\b)|\\b(" + KEYWORDS.join('|') + ")\\b", 'gi');
function highlight(sql) {
  let out = '', last = 0;
  sql.replace(KW_RE, (m, str, num, kw, at) => {
    out += esc(sql.slice(last, at));
    out += `<span class="${str ? 'str' : num ? 'num' : 'kw'}">${esc(m)}</span>`;
    last = at + m.length; return m;
  });
  return out + esc(sql.slice(last));
}

// ---- the schema graph -------------------------------------------------------------------------------------------
const ROW_H = 16, MAX_COLS = 8, CHAR_W = 7.3;
function boxOf(t) {
  const shown = t.columns.slice(0, MAX_COLS);
  const lines = shown.map(c => (c.pk ? 'PK ' : c.fk === 'declared' ? 'FK ' : c.fk ? 'fk? ' : '   ') + c.name);
  if (t.columns.length > MAX_COLS) lines.push(`… ${t.columns.length - MAX_COLS} more`);
  const w = Math.max(t.name.length + 2, ...lines.map(l => l.length)) * CHAR_W + 16;
  return {lines, w, h: (lines.length + 1) * ROW_H + 10};
}
function drawGraph(g) {
  graph = g;
  const svg = $('graph'); svg.innerHTML = '';
  const boxes = g.tables.map(boxOf);
  const cellW = Math.max(...boxes.map(b => b.w)) + 70, cellH = Math.max(...boxes.map(b => b.h)) + 50;
  const pos = {};
  g.tables.forEach((t, i) => { pos[t.key] = {x: t.x * cellW + 20, y: t.y * cellH + 20, w: boxes[i].w, h: boxes[i].h}; });
  const edges = document.createElementNS(SVG, 'g');
  for (const e of g.edges) {
    const a = pos[e.source], b = pos[e.target]; if (!a || !b) continue;
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('x1', a.x + a.w / 2); line.setAttribute('y1', a.y + a.h / 2);
    line.setAttribute('x2', b.x + b.w / 2); line.setAttribute('y2', b.y + b.h / 2);
    line.setAttribute('class', 'edge ' + e.kind);
    line.dataset.source = e.source; line.dataset.target = e.target;
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${e.source}.${e.column} = ${e.target}.${e.ref_column}` + (e.kind === 'inferred' ? ` (inferred, ${e.confidence})` : '');
    line.appendChild(title); edges.appendChild(line);
  }
  svg.appendChild(edges);
  g.tables.forEach((t, i) => {
    const p = pos[t.key], box = boxes[i];
    const grp = document.createElementNS(SVG, 'g');
    grp.setAttribute('class', 'tbl'); grp.dataset.table = t.key;
    grp.setAttribute('transform', `translate(${p.x},${p.y})`);
    grp.innerHTML = `<rect class="box" rx="5" width="${box.w}" height="${box.h}"></rect>` +
      `<rect class="head" rx="5" width="${box.w}" height="${ROW_H + 6}"></rect>` +
      `<text class="title" x="8" y="${ROW_H}">${esc(t.name)}</text>` +
      box.lines.map((l, j) => `<text x="8" y="${(j + 2) * ROW_H + 4}">${esc(l)}</text>`).join('');
    grp.addEventListener('click', ev => { ev.stopPropagation(); showTable(t); });
    svg.appendChild(grp);
  });
  const maxX = Math.max(...Object.values(pos).map(p => p.x + p.w)) + 20;
  const maxY = Math.max(...Object.values(pos).map(p => p.y + p.h)) + 20;
  setView({x: 0, y: 0, w: maxX, h: maxY});
}
let view = {x: 0, y: 0, w: 100, h: 100};
function setView(v) { view = v; $('graph').setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`); }
(function panZoom() {
  const svg = $('graph'); let drag = null;
  svg.addEventListener('mousedown', ev => { drag = {x: ev.clientX, y: ev.clientY, v: Object.assign({}, view)}; });
  window.addEventListener('mouseup', () => { drag = null; });
  svg.addEventListener('mousemove', ev => {
    if (!drag) return;
    const k = view.w / svg.clientWidth;
    setView({x: drag.v.x - (ev.clientX - drag.x) * k, y: drag.v.y - (ev.clientY - drag.y) * k, w: view.w, h: view.h});
  });
  svg.addEventListener('wheel', ev => {
    ev.preventDefault();
    const f = ev.deltaY > 0 ? 1.15 : 1 / 1.15, r = svg.getBoundingClientRect();
    const px = view.x + (ev.clientX - r.left) / r.width * view.w, py = view.y + (ev.clientY - r.top) / r.height * view.h;
    setView({x: px - (px - view.x) * f, y: py - (py - view.y) * f, w: view.w * f, h: view.h * f});
  }, {passive: false});
})();
async function showTable(t) {
  document.querySelectorAll('g.tbl').forEach(g => g.classList.toggle('chosen', g.dataset.table === t.key));
  let h = `<strong>${esc(t.name)}</strong>: ` + t.columns.map(c => esc(c.name) + ' <span class="muted">' + esc(c.type) +
    (c.pk ? ', primary key' : '') + (c.fk ? `, ${c.fk} foreign key` : '') + '</span>').join(' · ');
  try {
    const s = await api(`/api/schema/${$('db').value}/sample/${encodeURIComponent(t.name)}`);
    h += '<div>' + rowsTable(s.columns, s.rows) + '</div>';
  } catch (e) { h += `<p class="err">${esc(e.message)}</p>`; }
  $('table-info').innerHTML = h;
}
function lightUp(ans) {
  const scores = Object.fromEntries(ans.linked_tables.map(x => [x.table, x.score]));
  const kept = new Set(ans.kept_tables.map(t => t.toLowerCase()));
  const top = Math.max(1e-9, ...Object.values(scores));
  document.querySelectorAll('g.tbl').forEach(g => {
    const t = g.dataset.table;
    g.classList.toggle('kept', kept.has(t)); g.classList.toggle('linked', t in scores);
    // the header's shade says how strongly the question links to the table (its score over the best one's)
    const share = t in scores ? Math.max(0, scores[t]) / top : 0;
    g.dataset.score = t in scores ? String(scores[t]) : '';
    g.querySelector('rect.head').style.fillOpacity = t in scores ? (0.2 + 0.8 * share).toFixed(2) : '';
    const title = g.querySelector('title') || g.appendChild(document.createElementNS(SVG, 'title'));
    title.textContent = t in scores ? `linked, score ${scores[t]}` + (kept.has(t) ? '; in the prompt' : '') : (kept.has(t) ? 'in the prompt' : '');
  });
  const path = new Set(ans.join_edges.map(([a, b]) => [a, b].sort().join('|')));
  document.querySelectorAll('line.edge').forEach(l =>
    l.classList.toggle('path', path.has([l.dataset.source, l.dataset.target].sort().join('|'))));
}

// ---- databases ----------------------------------------------------------------------------------------------------
async function loadDatabases(select) {
  dbs = await api('/api/databases');
  $('db').innerHTML = dbs.map(d => `<option value="${d.id}">${esc(d.name)}</option>`).join('');
  if (select) $('db').value = select;
  await chooseDatabase();
}
async function chooseDatabase() {
  $('table-info').textContent = ''; $('graph').innerHTML = '';
  if (!$('db').value) { $('table-info').textContent = 'no database yet: upload one'; return; }
  try { drawGraph(await api('/api/schema/' + $('db').value)); } catch (e) { showError(e.message); }
}
$('db').onchange = chooseDatabase;
$('file').onchange = async () => {
  const f = $('file').files[0]; if (!f) return;
  showError(''); $('status').textContent = 'uploading…';
  try {
    const j = await api('/api/upload', {method: 'POST', headers: {'X-Filename': f.name}, body: f});
    await loadDatabases(j.id);
  } catch (e) { showError(e.message); }
  $('status').textContent = '';
};

// ---- results --------------------------------------------------------------------------------------------------------
function rowsTable(columns, rows) {
  return '<table class="rows"><tr>' + columns.map(c => `<th>${esc(c)}</th>`).join('') + '</tr>' +
    rows.map(r => '<tr>' + r.map(v => `<td>${esc(v)}</td>`).join('') + '</tr>').join('') + '</table>';
}
function showRows(res) {
  current.page = res.page || 0; current.total = res.total_rows; current.pageSize = res.page_size;
  const pages = Math.max(1, Math.ceil(res.total_rows / res.page_size));
  $('result').innerHTML = rowsTable(res.columns, res.rows) +
    (res.truncated ? `<p class="muted">the result was cut at ${res.total_rows} rows</p>` : '');
  $('pager').hidden = pages <= 1;
  $('page-info').textContent = `page ${current.page + 1} of ${pages} (${res.total_rows} rows)`;
  $('prev').disabled = current.page === 0; $('next').disabled = current.page >= pages - 1;
  const q = new URLSearchParams({db: $('db').value, sql: current.sql});
  if (TOKEN) q.set('token', TOKEN);
  $('csv').href = '/api/csv?' + q; $('csv').hidden = false;
}
async function runSql(sql, page = 0) {
  showError(''); current.sql = sql;
  try {
    const res = await api('/api/sql', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({db: $('db').value, sql, page, page_size: current.pageSize})});
    if (!res.ok) { $('result').innerHTML = ''; $('pager').hidden = true; $('csv').hidden = true;
      showError('the query failed: ' + res.error); return; }
    showRows(res);
  } catch (e) { showError(e.message); }
}
$('run').onclick = () => runSql($('sql-edit').value);
$('prev').onclick = () => runSql(current.sql, current.page - 1);
$('next').onclick = () => runSql(current.sql, current.page + 1);
$('copy').onclick = async () => {
  const text = $('sql-view').textContent;
  try { await navigator.clipboard.writeText(text); }
  catch (e) { const t = document.createElement('textarea'); t.value = text; document.body.appendChild(t); t.select();
    document.execCommand('copy'); t.remove(); }
  $('copied').textContent = 'copied'; setTimeout(() => { $('copied').textContent = ''; }, 1500);
};

// ---- asking ----------------------------------------------------------------------------------------------------------
function showAnswer(j) {
  $('answer').hidden = false;
  $('sql-view').innerHTML = highlight(j.sql); $('sql-edit').value = j.sql; current.sql = j.sql;
  $('generated').hidden = !j.generated; $('generated-view').innerHTML = highlight(j.generated || '');
  $('fallback').hidden = !j.before_fallback; $('fallback-view').innerHTML = highlight(j.before_fallback || '');
  $('shots').hidden = !j.before_shots; $('shots-view').innerHTML = highlight(j.before_shots || '');
  $('shots-n').textContent = String((j.demonstrations || []).length);
  $('reused').hidden = !j.reused_example; $('reused-q').textContent = j.reused_example || '';
  $('asked-as').hidden = !j.asked_as; $('asked-as-q').textContent = j.asked_as || '';
  const many = j.candidates.length > 1;
  $('candidates').hidden = !many;
  $('candidates').innerHTML = many ? '<p class="muted">candidates (votes: candidates with the same result)</p><table class="rows">' +
    j.candidates.map(c => `<tr><td>${c.votes}</td><td><code>${highlight(c.sql)}</code>${c.ok ? '' : ' <span class="err">' + esc(c.error || 'failed') + '</span>'}</td></tr>`).join('') + '</table>' : '';
  $('explain').textContent = `linked: ${j.linked_tables.map(x => x.table + ' ' + x.score).join(', ')} · in the prompt: ${j.kept_tables.join(', ')} · join path: ${j.join_path.join(' ; ') || '–'} · ${j.seconds} s`;
  lightUp(j);
  if (!j.ok) { $('result').innerHTML = ''; $('pager').hidden = true; $('csv').hidden = true; showError('the query failed: ' + j.error); }
  else showRows({columns: j.columns, rows: j.rows, total_rows: j.total_rows, page: 0, page_size: j.page_size});
}
async function ask(question) {
  showError(''); $('answer').hidden = true; $('result').innerHTML = ''; $('pager').hidden = true;
  const examples = $('examples').value.split('\n').filter(l => l.includes('=>'))
    .map(l => { const i = l.indexOf('=>'); return {question: l.slice(0, i).trim(), sql: l.slice(i + 2).trim()}; });
  const body = JSON.stringify({db: $('db').value, question, samples: Number($('samples').value), examples});
  $('ask').disabled = true;
  try {
    const start = await api('/api/jobs', {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
    let st = {state: 'queued', position: start.position};
    while (st.state !== 'done') {
      $('status').textContent = st.state === 'running' || st.position === 0 ? 'thinking… (the first question also loads the model)'
        : `waiting: ${st.position - 1} question(s) ahead of yours`;
      await new Promise(r => setTimeout(r, 400));
      st = await api('/api/jobs/' + start.job);
    }
    if (st.error) throw new Error(st.error);
    showAnswer(st.answer); remember(question, st.answer.sql);
  } catch (e) { showError(e.message); }
  $('status').textContent = ''; $('ask').disabled = false;
}
$('ask').onclick = () => ask($('q').value);

// ---- history (this browser only) --------------------------------------------------------------------------------
function history() { try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch (e) { return []; } }
function remember(question, sql) {
  const h = history(); h.unshift({question, sql, db: $('db').selectedOptions[0]?.text || '', time: new Date().toLocaleString()});
  localStorage.setItem(HISTORY_KEY, JSON.stringify(h.slice(0, 50))); showHistory();
}
function showHistory() {
  $('history').innerHTML = history().map((e, i) => `<li data-i="${i}" title="${esc(e.sql)}">${esc(e.question)} <span class="muted">${esc(e.db)} · ${esc(e.time)}</span></li>`).join('');
  $('history').querySelectorAll('li').forEach(li => li.onclick = () => {
    const e = history()[Number(li.dataset.i)]; $('q').value = e.question; $('sql-edit').value = e.sql; ask(e.question);
  });
}
$('clear-history').onclick = () => { localStorage.removeItem(HISTORY_KEY); showHistory(); };

showHistory();
loadDatabases().catch(e => showError(e.message));
