// Storyline's planner (D30): one page, no build step, no inline script (the CSP forbids it).
'use strict';

(function () {
  const tg = window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const initData = (tg && tg.initData) || hash.get('tgWebAppData') || '';
  const state = { me: null, team: null, page: 'plan', plan: null, library: { offset: 0, category: '', filter: '' }, history: {} };

  // --- look: Telegram's theme when given, else the system's ---
  function theme() {
    let params = tg && tg.themeParams && Object.keys(tg.themeParams).length ? tg.themeParams : null;
    if (!params && hash.get('tgWebAppThemeParams')) {
      try { params = JSON.parse(hash.get('tgWebAppThemeParams')); } catch (e) { params = null; }
    }
    const root = document.documentElement;
    if (params) {
      const map = { bg_color: '--bg', text_color: '--text', hint_color: '--hint', link_color: '--link', button_color: '--button',
        button_text_color: '--button-text', secondary_bg_color: '--secondary-bg' };
      Object.keys(map).forEach(k => { if (params[k]) root.style.setProperty(map[k], params[k]); });
      const bg = params.bg_color || '#ffffff';
      root.classList.add(dark(bg) ? 'dark' : 'light');
    }
    if (tg) { try { tg.ready(); tg.expand(); } catch (e) { /* outside Telegram */ } }
  }
  function dark(hex) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) return false;
    const [r, g, b] = [1, 2, 3].map(i => parseInt(m[i], 16));
    return (r * 299 + g * 587 + b * 114) / 1000 < 128;
  }

  // --- DOM and API helpers ---
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    children.flat().forEach(c => { if (c !== null && c !== undefined && c !== false) el.append(c.nodeType ? c : String(c)); });
    return el;
  }
  const $ = id => document.getElementById(id);
  const fill = (el, ...nodes) => el.replaceChildren(...nodes.flat().filter(n => n !== null && n !== undefined && n !== false));

  class ApiError extends Error {
    constructor(status, body) { super(body && body.message ? body.message : 'request failed (' + status + ')'); this.status = status; }
  }
  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (initData) headers['Authorization'] = 'tma ' + initData;
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    const res = await fetch('/app/api' + path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : form ? body : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!res.ok) throw new ApiError(res.status, json);
    return json;
  }
  function fail(message) {
    $('loading').hidden = true;
    $('tabs').hidden = true;
    document.querySelectorAll('.page').forEach(p => { p.hidden = true; });
    $('error-text').textContent = message;
    $('error').hidden = false;
  }
  let toastTimer = null;
  function toast(message, bad) {
    const t = $('toast');
    t.textContent = message;
    t.className = 'toast' + (bad ? ' bad' : '');
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
  }
  function handle(e) {
    if (e instanceof ApiError && e.status === 401) { fail(e.message); return; }
    toast(e.message, true);
  }
  const tenantPath = () => '/tenants/' + encodeURIComponent(state.team.chatId);
  const isAdmin = () => state.team && state.team.role === 'admin';

  // --- times in the team's zone ---
  function parts(iso, zone) {
    const f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
      minute: '2-digit', hourCycle: 'h23', weekday: 'short' });
    const o = {};
    f.formatToParts(new Date(iso)).forEach(p => { o[p.type] = p.value; });
    return o;
  }
  const localDay = (iso, zone) => { const p = parts(iso, zone); return p.year + '-' + p.month + '-' + p.day; };
  const localTime = (iso, zone) => { const p = parts(iso, zone); return p.hour + ':' + p.minute; };
  const localInput = (iso, zone) => localDay(iso, zone) + 'T' + localTime(iso, zone);
  function dayTitle(date) {
    const d = new Date(date + 'T12:00:00Z');
    return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  }
  function addDays(date, n) {
    const d = new Date(date + 'T12:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  function thumb(item, cls) {
    if (item.thumb) return h('img', { class: cls || 'thumb', src: item.thumb, alt: '', loading: 'lazy' });
    return h('div', { class: cls || 'thumb' }, item.video ? '▶' : '—');
  }

  // --- pages ---
  async function showPlan() {
    const page = $('page-plan');
    const plan = await api('GET', tenantPath() + '/plan?days=7');
    state.plan = plan;
    const zone = plan.tenant.timezone;
    const days = [];
    for (let i = 0; i < plan.days; i++) days.push(addDays(plan.from, i));
    const byDay = {};
    plan.slots.forEach(s => { (byDay[localDay(s.scheduledFor, zone)] = byDay[localDay(s.scheduledFor, zone)] || []).push(s); });
    const head = h('div', { class: 'row' },
      h('span', { class: 'hint' }, plan.tenant.postsPerDay + ' a day, ' + plan.tenant.hours + ' ' + zone
        + (plan.tenant.paused ? ' · paused' : '') + (plan.tenant.dryRun ? ' · dry run' : '')),
      isAdmin() ? h('button', { type: 'button', id: 'plan-now', onclick: planNow }, 'Plan now') : null);
    const week = h('div', { class: 'week' }, days.map(day => {
      const col = h('div', { class: 'day', 'data-day': day }, h('h3', {}, dayTitle(day)),
        (byDay[day] || []).map(s => slotCard(s, zone)),
        (byDay[day] || []).length ? null : h('p', { class: 'hint' }, 'nothing planned'));
      if (isAdmin()) {
        col.addEventListener('dragover', e => { e.preventDefault(); col.classList.add('over'); });
        col.addEventListener('dragleave', () => col.classList.remove('over'));
        col.addEventListener('drop', e => {
          e.preventDefault();
          col.classList.remove('over');
          const slot = plan.slots.find(s => String(s.id) === e.dataTransfer.getData('text/plain'));
          if (slot) move(slot, day + 'T' + localTime(slot.scheduledFor, zone));
        });
      }
      return col;
    }));
    fill(page, head, week);
  }

  function slotCard(s, zone) {
    const movable = isAdmin() && s.movable;
    const card = h('div', { class: 'slot', 'data-slot-id': s.id, draggable: movable ? 'true' : null },
      thumb(s),
      h('div', { class: 'info' },
        h('div', { class: 'time' }, localTime(s.scheduledFor, zone)),
        h('div', { class: 'name', title: s.title || '' }, s.title || 'no image yet'),
        h('div', {}, s.category ? h('span', { class: 'badge' }, s.category) : null,
          h('span', { class: 'badge ' + (s.route || '') }, s.route === 'instagram' ? 'Instagram' : 'Telegram'),
          s.state !== 'planned' ? h('span', { class: 'badge state' }, s.state) : null,
          s.movedBy ? h('span', { class: 'badge' }, 'moved by @' + s.movedBy) : null),
        movable ? h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'quiet move', onclick: () => editor(card, s, zone) }, 'Move'),
          h('button', { type: 'button', class: 'quiet swap', onclick: () => swap(card, s) }, 'Swap'),
          h('button', { type: 'button', class: 'quiet skip', onclick: () => skip(s) }, 'Skip')) : null));
    if (movable) card.addEventListener('dragstart', e => e.dataTransfer.setData('text/plain', String(s.id)));
    return card;
  }

  function editor(card, s, zone) {
    const old = card.querySelector('.editor');
    if (old) { old.remove(); return; }
    const input = h('input', { type: 'datetime-local', class: 'when', value: localInput(s.scheduledFor, zone), step: '60' });
    card.querySelector('.info').append(h('div', { class: 'editor' }, input,
      h('button', { type: 'button', class: 'save', onclick: () => move(s, input.value) }, 'Save')));
  }

  async function move(s, local) {
    try {
      await api('PATCH', tenantPath() + '/slots/' + s.id, { at: local });
      toast('Moved to ' + local.replace('T', ' '));
    } catch (e) { handle(e); }
    await showPlan().catch(handle);
  }

  async function swap(card, s) {
    const old = card.querySelector('.picker');
    if (old) { old.remove(); return; }
    try {
      const found = await api('GET', tenantPath() + '/candidates');
      const grid = h('div', { class: 'grid picker' }, found.items.length ? found.items.map(item =>
        h('div', { class: 'item pick', 'data-item-id': item.mediaId, onclick: async () => {
          try { await api('PATCH', tenantPath() + '/slots/' + s.id, { mediaItemId: item.mediaId }); toast('Image swapped'); } catch (e) { handle(e); }
          await showPlan().catch(handle);
        } }, thumb(item), h('div', {}, item.title || ''))) : h('p', { class: 'hint' }, 'No other image may be posted now.'));
      card.after(grid);
    } catch (e) { handle(e); }
  }

  async function skip(s) {
    const go = await ask('Skip this story? Its image is left out for a while, as with Skip in the chat.');
    if (!go) return;
    try { await api('DELETE', tenantPath() + '/slots/' + s.id); toast('Skipped'); } catch (e) { handle(e); }
    await showPlan().catch(handle);
  }

  function ask(text) {
    return new Promise(resolve => {
      if (tg && tg.showConfirm && tg.initData) { try { tg.showConfirm(text, resolve); return; } catch (e) { /* fall through */ } }
      resolve(window.confirm(text));
    });
  }

  async function planNow() {
    try {
      const r = await api('POST', tenantPath() + '/plan');
      toast('Planned ' + r.added + ' new slots (' + r.alreadyPlanned + ' already planned) until ' + r.until);
    } catch (e) { handle(e); }
    await showPlan().catch(handle);
  }

  async function showLibrary() {
    const page = $('page-library');
    const f = state.library;
    const q = new URLSearchParams({ offset: f.offset, limit: 30 });
    if (f.category) q.set('category', f.category);
    if (f.filter) q.set('filter', f.filter);
    const lib = await api('GET', tenantPath() + '/library?' + q);
    const cat = h('select', { id: 'lib-category', onchange: e => { f.category = e.target.value; f.offset = 0; showLibrary().catch(handle); } },
      h('option', { value: '' }, 'all categories'),
      Object.keys(lib.categories).map(c => h('option', { value: c, selected: c === f.category }, c + ' (' + lib.categories[c] + ')')));
    const filter = h('select', { id: 'lib-filter', onchange: e => { f.filter = e.target.value; f.offset = 0; showLibrary().catch(handle); } },
      [['', 'everything'], ['never', 'never posted'], ['locked', 'locked'], ['rejected', 'rejected'], ['videos', 'videos']]
        .map(([v, t]) => h('option', { value: v, selected: v === f.filter }, t)));
    const c = lib.counts;
    const runway = h('ul', { class: 'list runway' }, (lib.runway || []).map(r => h('li', { class: r.level }, r.text)));
    const grid = h('div', { class: 'grid' }, lib.items.map(item => h('div', { class: 'item', 'data-item-id': item.id },
      thumb(item),
      h('div', { class: 'name' }, item.title || ''),
      h('div', { class: 'hint' }, (item.category || '') + (item.timesPosted ? ' · posted ' + item.timesPosted + '×' : ' · never posted')),
      item.lockReason ? h('div', { class: 'hint' }, '🔒 ' + item.lockReason) : null,
      item.lockReason && isAdmin() ? h('button', { type: 'button', class: 'quiet', onclick: async () => {
        try { await api('POST', tenantPath() + '/library/' + item.id + '/unlock'); toast('Unlocked'); } catch (e) { handle(e); }
        showLibrary().catch(handle);
      } }, item.lockReason === 'rejected' ? 'Restore' : 'Unlock') : null)));
    const pager = h('div', { class: 'row' },
      h('button', { type: 'button', class: 'quiet', disabled: f.offset === 0, onclick: () => { f.offset = Math.max(0, f.offset - 30); showLibrary().catch(handle); } }, '‹ Previous'),
      h('span', { class: 'hint' }, lib.total ? (f.offset + 1) + '–' + Math.min(f.offset + 30, lib.total) + ' of ' + lib.total : 'nothing here'),
      h('button', { type: 'button', class: 'quiet', disabled: f.offset + 30 >= lib.total, onclick: () => { f.offset += 30; showLibrary().catch(handle); } }, 'Next ›'));
    const file = h('input', { type: 'file', id: 'upload-file', accept: 'image/jpeg,image/png,image/webp,video/mp4,video/quicktime,.mp4,.mov' });
    const caption = h('input', { type: 'text', id: 'upload-caption', placeholder: 'Title | https://link | #category' });
    const upload = h('form', { class: 'row', id: 'upload-form' }, file, caption, h('button', { type: 'submit', id: 'upload' }, 'Add to library'));
    upload.addEventListener('submit', async e => {
      e.preventDefault();
      if (!file.files.length) { toast('Choose an image or a video first', true); return; }
      const data = new FormData();
      data.append('caption', caption.value);
      data.append('file', file.files[0]);
      try {
        const r = await api('POST', tenantPath() + '/library', data);
        if (r.outcome === 'REFUSED') toast('Not added: ' + r.reason, true);
        else if (r.outcome === 'DUPLICATE') toast(r.name + ' is in the library already');
        else toast('Added ' + r.name + (r.category ? ' as ' + r.category : '') + ' (' + r.libraryActive + ' items)');
      } catch (err) { handle(err); }
      showLibrary().catch(handle);
    });
    fill(page, upload,
      h('p', { class: 'hint' }, c.active + ' active: ' + c.images + ' images, ' + c.videos + ' videos; ' + c.neverPosted + ' never posted, ' + c.locked + ' locked'),
      h('h2', {}, 'Runway'), runway,
      h('div', { class: 'row' }, cat, filter), grid, pager);
  }

  async function showHistory() {
    const page = $('page-history');
    const f = state.history;
    const q = new URLSearchParams({ limit: 50 });
    if (f.outcome) q.set('outcome', f.outcome);
    if (f.person) q.set('person', f.person);
    const hist = await api('GET', tenantPath() + '/history?' + q);
    const zone = state.team.timezone || 'UTC';
    f.people = f.people || {};
    hist.items.forEach(i => { if (i.userId) f.people[i.userId] = i.who; });
    const outcome = h('select', { id: 'hist-outcome', onchange: e => { f.outcome = e.target.value; showHistory().catch(handle); } },
      ['', 'posted', 'skipped', 'rejected', 'expired', 'failed'].map(o => h('option', { value: o, selected: o === (f.outcome || '') }, o || 'every outcome')));
    const person = h('select', { id: 'hist-person', onchange: e => { f.person = e.target.value; showHistory().catch(handle); } },
      h('option', { value: '' }, 'everybody'),
      Object.keys(f.people).map(id => h('option', { value: id, selected: id === String(f.person || '') }, f.people[id])));
    fill(page, h('div', { class: 'row' }, outcome, person),
      hist.items.length ? h('ul', { class: 'list' }, hist.items.map(i => h('li', {},
        thumb(i),
        h('div', {},
          h('div', {}, h('strong', {}, i.outcome), ' · ', i.title || 'no image'),
          h('div', { class: 'hint' }, localDay(i.completedAt, zone) + ' ' + localTime(i.completedAt, zone)
            + (i.who ? ' · ' + i.who : '') + ' · ' + (i.route === 'instagram' ? 'Instagram' : 'Telegram') + (i.dryRun ? ' · dry run' : '')),
          i.instagramPermalink ? h('a', { href: i.instagramPermalink, target: '_blank', rel: 'noopener' }, 'on Instagram') : null,
          i.error ? h('div', { class: 'hint' }, i.error) : null)))) : h('p', { class: 'hint' }, 'Nothing yet.'));
  }

  function barChart(points, label) {
    const w = 320, hgt = 120, pad = 16;
    const max = Math.max(1, ...points.map(p => p.value));
    const bw = (w - pad) / Math.max(1, points.length);
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + hgt);
    svg.setAttribute('class', 'chart');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    points.forEach((p, i) => {
      const bh = Math.round((hgt - pad - 12) * p.value / max);
      const r = document.createElementNS(svg.namespaceURI, 'rect');
      r.setAttribute('x', String(pad + i * bw + 1));
      r.setAttribute('y', String(hgt - pad - bh));
      r.setAttribute('width', String(Math.max(1, bw - 2)));
      r.setAttribute('height', String(bh));
      r.setAttribute('class', p.cls || 'bar-posted');
      const t = document.createElementNS(svg.namespaceURI, 'title');
      t.textContent = p.label + ': ' + p.value;
      r.append(t);
      svg.append(r);
    });
    const axis = document.createElementNS(svg.namespaceURI, 'text');
    axis.setAttribute('x', '0');
    axis.setAttribute('y', '10');
    axis.textContent = String(max);
    svg.append(axis);
    return svg;
  }

  async function showStats() {
    const page = $('page-stats');
    const st = await api('GET', tenantPath() + '/stats');
    const days = [];
    const today = localDay(new Date().toISOString(), state.team.timezone || 'UTC');
    for (let i = 29; i >= 0; i--) days.push(addDays(today, -i));
    const posted = {};
    st.daily.forEach(d => { if (d.outcome === 'posted') posted[d.day] = (posted[d.day] || 0) + d.n; });
    const table = (title, rows) => h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, title), h('th', { class: 'num' }, '7 days'),
      h('th', { class: 'num' }, '30 days'))), h('tbody', {}, Object.keys(rows).map(k => h('tr', {}, h('td', {}, k),
      h('td', { class: 'num' }, rows[k].last7), h('td', { class: 'num' }, rows[k].last30)))));
    const median = st.medianSecondsToPost === null || st.medianSecondsToPost === undefined ? 'no posts yet'
      : Math.round(st.medianSecondsToPost / 60) + ' min';
    fill(page, 
      h('h2', {}, 'Posts a day, last 30 days'),
      barChart(days.map(d => ({ label: d, value: posted[d] || 0 })), 'posts per day'),
      h('p', { class: 'hint' }, 'Total ' + Object.values(posted).reduce((a, b) => a + b, 0) + ' posted; median time to post: ' + median),
      h('h2', {}, 'Outcomes'), table('outcome', st.outcomes),
      h('h2', {}, 'Who posted'), table('person', st.people),
      h('h2', {}, 'By category, 30 days'),
      st.categories.length ? barChart(st.categories.map(c => ({ label: c.category || 'none', value: c.posted })), 'posts per category') : null,
      h('table', {}, h('tbody', {}, st.categories.map(c => h('tr', {}, h('td', {}, c.category || 'none'),
        h('td', { class: 'num' }, c.posted + ' posted'), h('td', { class: 'num' }, c.stories + ' stories'))))),
      instagramStats(st.instagram || []));
  }

  /** D31: each Instagram story's latest figures, 30 days, newest first: reach as bars, then the numbers. */
  function instagramStats(stories) {
    const measured = stories.filter(s => s.latest);
    if (!measured.length) return null;
    const num = v => v === null || v === undefined ? '–' : String(v);
    const name = s => s.title || ('story ' + s.mediaId);
    return h('section', { id: 'instagram-stats' },
      h('h2', {}, 'Instagram reach, 30 days'),
      barChart(measured.slice().reverse().map(s => ({ label: name(s), value: s.latest.reach || 0 })), 'reach per story'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'story'), h('th', { class: 'num' }, 'reach'), h('th', { class: 'num' }, 'replies'),
        h('th', { class: 'num' }, 'taps fwd'), h('th', { class: 'num' }, 'exits'))),
        h('tbody', {}, measured.map(s => h('tr', {}, h('td', {}, name(s) + (s.category ? ' · ' + s.category : '')),
          h('td', { class: 'num' }, num(s.latest.reach)), h('td', { class: 'num' }, num(s.latest.replies)),
          h('td', { class: 'num' }, num(s.latest.tapsForward)), h('td', { class: 'num' }, num(s.latest.exits)))))));
  }

  async function showSettings() {
    const page = $('page-settings');
    const st = await api('GET', tenantPath() + '/settings');
    const t = st.tenant;
    const admin = st.role === 'admin';
    const field = (label, input) => h('label', {}, h('span', {}, label), input);
    const check = (id, label, on) => h('label', { class: 'check' }, h('input', { type: 'checkbox', id, checked: on, disabled: !admin }), h('span', {}, label));
    const mixInputs = st.categories.map(c => h('div', { class: 'mix' }, h('span', {}, c),
      h('input', { type: 'number', min: '0', max: '100', step: '10', 'data-category': c, value: st.categoryMix[c] || 0, disabled: !admin })));
    const form = h('form', { class: 'settings', id: 'settings-form' },
      field('Posts a day (1–50)', h('input', { type: 'number', id: 'posts-per-day', min: '1', max: '50', value: t.postsPerDay, disabled: !admin })),
      field('Posting hours', h('input', { type: 'text', id: 'hours', value: t.hours, placeholder: '9-21', disabled: !admin })),
      field('Time zone', h('input', { type: 'text', id: 'timezone', value: t.timezone, disabled: !admin })),
      check('paused', 'Posting paused', t.paused),
      check('dry-run', 'Dry run', t.dryRun),
      check('instagram', 'Publish through Instagram when a story needs no stickers', t.instagram),
      h('h2', {}, 'Category mix (%)'),
      st.categories.length ? mixInputs : h('p', { class: 'hint' }, 'The library has no categories (top-level folders) yet.'),
      h('p', { class: 'hint' }, 'All at 0 = even variety. Otherwise the shares must add up to 100.'),
      admin ? h('button', { type: 'submit', id: 'save-settings' }, 'Save') : h('p', { class: 'hint' }, 'Only chat administrators can change settings.'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const body = {};
      const posts = Number($('posts-per-day').value);
      if (String(posts) !== String(t.postsPerDay)) body.postsPerDay = $('posts-per-day').value === '' ? null : posts;
      if ($('hours').value !== t.hours) body.hours = $('hours').value;
      if ($('timezone').value !== t.timezone) body.timezone = $('timezone').value;
      if ($('paused').checked !== t.paused) body.paused = $('paused').checked;
      if ($('dry-run').checked !== t.dryRun) body.dryRun = $('dry-run').checked;
      if ($('instagram').checked !== t.instagram) body.instagram = $('instagram').checked;
      const mix = {};
      let changedMix = false;
      form.querySelectorAll('[data-category]').forEach(i => {
        const v = Number(i.value || 0);
        if (v > 0) mix[i.dataset.category] = v;
        if (v !== (st.categoryMix[i.dataset.category] || 0)) changedMix = true;
      });
      if (changedMix) body.categoryMix = Object.keys(mix).length ? mix : null;
      if (!Object.keys(body).length) { toast('Nothing changed'); return; }
      try {
        await api('PATCH', tenantPath() + '/settings', body);
        toast('Saved');
        await refreshTeam();
        await showSettings();
      } catch (err) { handle(err); }
    });
    const ig = st.instagram;
    fill(page, form,
      h('h2', {}, 'Instagram'),
      h('p', { class: 'hint', id: 'instagram-status' }, ig && ig.connected ? '@' + ig.username + ' · token ' + ig.tokenStatus
        + (ig.tokenDaysLeft !== null && ig.tokenDaysLeft !== undefined ? ' (' + ig.tokenDaysLeft + ' days)' : '') : 'not connected'),
      h('h2', {}, 'Runway'), h('ul', { class: 'list runway' }, (st.runway || []).map(r => h('li', { class: r.level }, r.text))));
  }

  const pages = { plan: showPlan, library: showLibrary, history: showHistory, stats: showStats, settings: showSettings };

  async function show(name) {
    state.page = name;
    document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.page === name));
    document.querySelectorAll('.page').forEach(p => { p.hidden = p.id !== 'page-' + name; });
    document.body.dataset.page = name;
    try {
      await pages[name]();
      document.body.dataset.ready = name;
      performance.mark('storyline-ready-' + name);
    } catch (e) { handle(e); }
  }

  async function refreshTeam() {
    const plan = await api('GET', tenantPath() + '/plan?days=1');
    Object.assign(state.team, plan.tenant, { role: plan.role });
  }

  async function start() {
    theme();
    try {
      state.me = await api('GET', '/me');
    } catch (e) {
      fail(e.message);
      return;
    }
    $('loading').hidden = true;
    const teams = state.me.tenants;
    if (!teams.length) {
      fail('You are not a member of any team that uses Storyline. Write in your team\'s chat once, then open the planner again.');
      return;
    }
    const wanted = query.get('tenant') || hash.get('tgWebAppStartParam') || (tg && tg.initDataUnsafe && tg.initDataUnsafe.start_param);
    state.team = teams.find(t => String(t.chatId) === String(wanted)) || teams[0];
    const select = $('team');
    select.replaceChildren(...teams.map(t => h('option', { value: t.chatId, selected: t === state.team }, t.title)));
    select.hidden = teams.length < 2;
    select.addEventListener('change', async () => {
      state.team = teams.find(t => String(t.chatId) === select.value);
      await refreshTeam().catch(handle);
      $('title').textContent = state.team.title;
      show(state.page);
    });
    $('title').textContent = state.team.title;
    try { await refreshTeam(); } catch (e) { handle(e); return; }
    $('tabs').hidden = false;
    document.querySelectorAll('#tabs button').forEach(b => b.addEventListener('click', () => show(b.dataset.page)));
    show(query.get('page') && pages[query.get('page')] ? query.get('page') : 'plan');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
