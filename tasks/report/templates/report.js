// newsclean report: the articles table (search, filters, sorting), the article view and the
// keys. No network: the data are scripts under data/ (see tasks/report/data.py), loaded with
// <script> tags so that the report opens from the file system.
"use strict";
const NC = (() => {
  const S = {meta: null, rows: [], byId: new Map(), chunks: new Map(), waiting: new Map()};
  const FATE_LABEL = {left_out: "left out by the extractor"};
  const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
  const $ = id => document.getElementById(id);
  const fateLabel = f => FATE_LABEL[f] || f;
  const pct = x => x == null ? "—" : `${Math.round(100 * x)}%`;
  const KEY = `nc:${new URL(".", location.href).pathname}:`;  // every file:// page shares one storage: one key per report
  const store = {
    get(k) { try { return sessionStorage.getItem(KEY + k); } catch (e) { return null; } },
    set(k, v) { try { sessionStorage.setItem(KEY + k, v); } catch (e) { /* storage off or full */ } },
  };
  function mark(text, q) {  // the text, escaped, with the search words marked
    if (!q) return esc(text);
    const low = text.toLowerCase(), out = [];
    let at = 0, i;
    while ((i = low.indexOf(q, at)) >= 0) { out.push(esc(text.slice(at, i)), `<mark>${esc(text.slice(i, i + q.length))}</mark>`); at = i + q.length; }
    out.push(esc(text.slice(at)));
    return out.join("");
  }

  // --- data ---------------------------------------------------------------------------
  function meta(m) { S.meta = m; }
  function index(rows) {
    const f = S.meta.index_fields;
    S.rows = rows.map((r, i) => { const o = {pos: i}; f.forEach((k, j) => { o[k] = r[j]; }); return o; });
    S.rows.forEach(r => S.byId.set(r.id, r));
  }
  function rule(n) { const r = S.meta.rules[n]; return {id: r[0], category: r[1], description: r[2], href: r[3]}; }
  function chunk(k, size, text) { const w = S.waiting.get(k); if (w) { S.waiting.delete(k); w([size, text]); } }
  function rows(c) {  // an article's line columns (data.py: lines_data) -> one array per visible line:
    // [line, fate, rule, text, score, field, [flags], [[rule, before, after]...], final text]
    const by = (pairs, many) => { const m = new Map(); for (const [n, ...v] of pairs) { if (many) { if (!m.has(n)) m.set(n, []); m.get(n).push(v.length > 1 ? v : v[0]); } else m.set(n, v[0]); } return m; };
    const rules = by(c.rules), scores = by(c.scores), fields = by(c.fields), flags = by(c.flags, true), edits = by(c.edits, true), finals = by(c.finals);
    const blank = S.meta.fates.indexOf("blank"), out = [];
    c.text.forEach((t, i) => {
      const n = i + 1, f = Number(c.fates[i]);
      if (f !== blank) out.push([n, f, rules.get(n) ?? null, t, scores.get(n) ?? null, fields.get(n) ?? null, flags.get(n) ?? [], edits.get(n) ?? [], finals.get(n) ?? null]);
    });
    return out;
  }
  async function inflate([size, text]) {  // 15 bits a character from U+3000 (data.py: pack), then zlib
    if (typeof DecompressionStream === "undefined") throw new Error("this browser cannot decompress the report's data (DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later)");
    const bytes = new Uint8Array(size);
    let acc = 0, bits = 0, j = 0;
    for (let i = 0; i < text.length && j < size; i++) {
      acc = ((acc << 15) | (text.charCodeAt(i) - 0x3000)) & 0x7fffff;
      bits += 15;
      while (bits >= 8 && j < size) { bits -= 8; bytes[j++] = (acc >>> bits) & 255; }
    }
    const json = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).text();
    const list = JSON.parse(json);
    list.forEach(a => { a.text = a.lines.text; a.lines = rows(a.lines); });
    return list;
  }
  function loadChunk(k) {  // -> Promise of the chunk's articles (cached)
    if (!S.chunks.has(k)) {
      S.chunks.set(k, new Promise((resolve, reject) => {
        S.waiting.set(k, data => inflate(data).then(resolve, reject));
        const s = document.createElement("script");
        s.src = `data/c${String(k).padStart(5, "0")}.js`;
        s.onerror = () => reject(new Error(`cannot load ${s.src}`));
        s.onload = () => s.remove();
        document.head.appendChild(s);
      }));
    }
    return S.chunks.get(k);
  }
  async function article(id) {
    const row = S.byId.get(id);
    if (!row) return null;
    const list = await loadChunk(Math.floor(row.pos / S.meta.chunk));
    return list.find(a => a.id === id) || null;
  }
  const articleHref = (id, line) => `article.html#a=${encodeURIComponent(id)}${line ? `&l=${line}` : ""}`;
  function categories(row) { return new Set(row.rules.map(n => rule(n).category)); }

  // --- sortable tables ----------------------------------------------------------------
  function cellValue(td) {
    const t = (td.dataset.sort ?? td.textContent).trim();
    const n = Number(t.replace(/%$/, ""));
    return t !== "" && !isNaN(n) ? n : t.toLowerCase();
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined || a === "—") return 1;
    if (b === null || b === undefined || b === "—") return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b));
  }
  function markSorted(table, th, dir) {
    table.querySelectorAll("th").forEach(h => { h.classList.remove("asc", "desc"); h.removeAttribute("aria-sort"); });
    th.classList.add(dir > 0 ? "asc" : "desc");
    th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  }
  function sortable(table) {  // a static table: click a heading to sort by it, again to reverse
    table.querySelectorAll("thead th").forEach((th, col) => {
      th.tabIndex = 0;
      const go = () => {
        const dir = th.classList.contains("asc") ? -1 : 1;
        const body = table.tBodies[0];
        const rows = [...body.rows].sort((a, b) => dir * compare(cellValue(a.cells[col]), cellValue(b.cells[col])));
        rows.forEach(r => body.appendChild(r));
        markSorted(table, th, dir);
      };
      th.addEventListener("click", go);
      th.addEventListener("keydown", e => { if (e.key === "Enter") go(); });
    });
  }
  function typing(e) { return /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName) || e.ctrlKey || e.metaKey || e.altKey; }

  // --- the overview's articles table -------------------------------------------------
  const LIMIT = 500;
  const COLUMNS = [["id", "id"], ["title", "title"], ["site", "site"], ["language", "lang"], ["lines", "lines", 1],
    ["kept", "kept", 1], ["edited", "edited", 1], ["dropped", "dropped", 1], ["left_out", "left out", 1],
    ["caption", "caption", 1], ["metadata", "metadata", 1], ["removed", "removed", 1]];
  function indexPage() {
    const T = {q: "", textHits: null, gen: 0, sort: "id", dir: 1, limit: LIMIT, selected: -1, shown: []};
    const table = $("articles"), body = table.tBodies[0];
    const cols = S.meta.has_duplicates ? [...COLUMNS, ["duplicate_of", "duplicate of"]] : COLUMNS;
    table.tHead.innerHTML = "<tr>" + cols.map(([k, label, n]) => `<th data-key="${k}" tabindex="0"${n ? ' class="n"' : ""}>${label}</th>`).join("") + "</tr>";
    fillFilters();
    if (!S.meta.has_duplicates) $("f-dup").parentElement.hidden = true;
    const filters = ["f-rule", "f-category", "f-status", "f-site", "f-language", "f-dup"].map($);
    filters.forEach(s => s.addEventListener("change", render));
    table.tHead.querySelectorAll("th").forEach(th => {
      const go = () => { const k = th.dataset.key; T.dir = T.sort === k ? -T.dir : 1; T.sort = k; render(); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", e => { if (e.key === "Enter") go(); });
    });
    let timer = null;
    $("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
    $("more").addEventListener("click", () => { T.limit = Infinity; render(); });
    document.addEventListener("keydown", keys);
    render();

    function fillFilters() {
      const count = (key, of) => { const c = new Map(); S.rows.forEach(r => of(r).forEach(v => c.set(v, (c.get(v) || 0) + 1))); return [...c].sort((a, b) => compare(a[0], b[0])); };
      const fill = (id, pairs, label = v => v) => { $(id).innerHTML += pairs.map(([v, n]) => `<option value="${esc(v)}">${esc(label(v))} (${n})</option>`).join(""); };
      fill("f-rule", count("rule", r => r.rules.map(n => rule(n).id)));
      fill("f-category", count("category", r => categories(r)), v => v === "extractor" ? "extractor (left out by the extractor)" : v);
      fill("f-status", count("status", r => [r.status]));
      fill("f-site", count("site", r => [r.site]));
      fill("f-language", count("language", r => [r.language ?? "(none)"]));
    }
    function passes(r) {
      const [fr, fc, fs, fsite, fl, fd] = filters.map(s => s.value);
      if (fr && !r.rules.some(n => rule(n).id === fr)) return false;
      if (fc && !categories(r).has(fc)) return false;
      if (fs && r.status !== fs) return false;
      if (fsite && r.site !== fsite) return false;
      if (fl && (r.language ?? "(none)") !== fl) return false;
      if (fd === "yes" && !r.duplicate_of) return false;
      if (fd === "no" && r.duplicate_of) return false;
      if (T.q) {
        const head = `${r.id} ${r.title ?? ""} ${r.site}`.toLowerCase().includes(T.q);
        if (!head && !(T.textHits && T.textHits.has(r.id))) return false;
      }
      return true;
    }
    function render() {
      const rows = S.rows.filter(passes).sort((a, b) => T.dir * compare(a[T.sort], b[T.sort]) || a.pos - b.pos);
      T.shown = rows;
      const cut = rows.slice(0, T.limit);
      body.innerHTML = cut.map(rowHtml).join("");
      $("count").textContent = `${rows.length} of ${S.rows.length} articles`;
      $("more").hidden = rows.length <= cut.length;
      $("more").textContent = `show all ${rows.length}`;
      const th = table.tHead.querySelector(`th[data-key="${T.sort}"]`);
      if (th) markSorted(table, th, T.dir);
      T.selected = -1;
      store.set("order", JSON.stringify(rows.map(r => r.id)));
      store.set("q", T.q);
    }
    function rowHtml(r) {
      const cell = k => {
        const v = r[k];
        if (k === "id") return `<td><a href="${articleHref(r.id)}" title="${esc(r.id)}"><code>${esc(r.short)}</code></a></td>`;
        if (k === "title") return `<td>${r.status === "rejected" ? `<span class="fate-rejected">rejected: ${esc(r.reason)}</span>` : esc(v ?? "—")}</td>`;
        if (k === "removed") return `<td class="n">${pct(v)}</td>`;
        if (k === "duplicate_of") return `<td>${v ? `<a href="${articleHref(v)}" title="${esc(v)}">${esc(S.byId.get(v)?.short ?? v)}</a>` : ""}</td>`;
        return `<td${typeof v === "number" ? ' class="n"' : ""}>${esc(v ?? "—")}</td>`;
      };
      return `<tr class="status-${r.status}" data-id="${esc(r.id)}">${cols.map(([k]) => cell(k)).join("")}</tr>`;
    }
    async function search() {
      T.q = $("q").value.trim().toLowerCase();
      const gen = ++T.gen;
      T.textHits = T.q ? new Set() : null;
      render();
      if (!T.q) { $("searching").textContent = ""; return; }
      for (let k = 0; k < S.meta.chunks; k++) {
        $("searching").textContent = `searching the text: ${k}/${S.meta.chunks} parts`;
        let list;
        try { list = await loadChunk(k); } catch (err) { $("searching").textContent = `titles only: ${err.message}`; return; }
        if (gen !== T.gen) return;
        for (const a of list) if (a.text.some(t => t.toLowerCase().includes(T.q))) T.textHits.add(a.id);
        S.chunks.delete(k);  // 10k articles do not stay in memory
        if (k % 20 === 19) render();
      }
      $("searching").textContent = `searched titles and the text of ${S.rows.length} articles`;
      render();
    }
    function keys(e) {
      if (e.key === "/" && !typing(e)) { e.preventDefault(); $("q").focus(); return; }
      if (e.key === "Escape") { document.activeElement.blur(); return; }
      if (typing(e)) return;
      const trs = body.rows;
      if (e.key === "j" || e.key === "k") {
        T.selected = Math.max(0, Math.min(trs.length - 1, T.selected + (e.key === "j" ? 1 : -1)));
        [...trs].forEach((tr, i) => tr.classList.toggle("current", i === T.selected));
        trs[T.selected]?.scrollIntoView({block: "nearest"});
      } else if (e.key === "Enter" && T.selected >= 0) {
        location.href = articleHref(trs[T.selected].dataset.id);
      }
    }
  }

  // --- one article --------------------------------------------------------------------
  function articlePage() {
    const A = {id: null, changes: [], at: -1};
    S.q = store.get("q") || "";  // the overview's search, marked in the text
    window.addEventListener("hashchange", show);
    document.addEventListener("keydown", keys);
    show();

    function order() {
      const o = JSON.parse(store.get("order") || "null");
      if (o && o.includes(A.id)) return {ids: o, filtered: o.length < S.rows.length};
      return {ids: S.rows.map(r => r.id), filtered: false};
    }
    async function show() {
      const h = new URLSearchParams(location.hash.slice(1));
      A.id = h.get("a") ?? S.rows[0]?.id;
      const a = await article(A.id).catch(err => { $("view").textContent = err.message; return undefined; });
      if (a === undefined) return;
      if (!a) { $("view").innerHTML = `<p class="warn">No article <code>${esc(A.id)}</code> in this report.</p>`; return; }
      document.title = `${a.title || a.id} · newsclean report`;
      pager();
      $("view").innerHTML = articleHtml(a);
      if (S.q) $("pager").insertAdjacentHTML("beforeend", `<span class="note">search <mark>${esc(S.q)}</mark>: ${$("view").querySelectorAll("mark").length} places</span>`);
      $("view").querySelectorAll("a.bl").forEach(x => x.addEventListener("click", ev => { ev.preventDefault(); go(Number(x.dataset.line)); }));
      A.changes = [...$("view").querySelectorAll("tr.line.change")];
      A.at = -1;
      const line = Number(h.get("l"));
      if (line) go(line); else window.scrollTo(0, 0);
      document.body.dataset.ready = A.id;  // for tests and screenshots
    }
    function pager() {
      const {ids, filtered} = order(), i = ids.indexOf(A.id);
      const link = (j, text) => j >= 0 && j < ids.length ? `<a id="${text === "←" ? "prev" : "next"}" href="${articleHref(ids[j])}" title="${esc(ids[j])}">${text === "←" ? `← ${esc(S.byId.get(ids[j])?.short ?? ids[j])}` : `${esc(S.byId.get(ids[j])?.short ?? ids[j])} →`}</a>` : "";
      $("pager").innerHTML = `${link(i - 1, "←")}<a href="index.html">overview</a>${link(i + 1, "→")}<span class="note">article ${i + 1} of ${ids.length}${filtered ? " (as filtered and sorted on the overview)" : ""}</span>`;
    }
    function go(line) {
      const tr = $(`L${line}`);
      if (!tr) return;
      document.querySelectorAll("tr.current").forEach(x => x.classList.remove("current"));
      tr.classList.add("current");
      tr.scrollIntoView({block: "center"});
      A.at = A.changes.indexOf(tr);
    }
    function step(d) {  // to the next (d = 1) or previous (-1) changed line
      if (!A.changes.length) return;
      const cur = document.querySelector("tr.current");
      let i = A.at;
      if (i < 0 && cur) {  // the current line is not a change: from where it is
        const all = [...document.querySelectorAll("tr.line")], at = all.indexOf(cur);
        i = A.changes.findIndex(c => all.indexOf(c) > at) - (d > 0 ? 1 : 0);
        if (i < -1) i = A.changes.length - 1;
      }
      i = Math.max(0, Math.min(A.changes.length - 1, i + d));
      go(Number(A.changes[i].id.slice(1)));
    }
    function keys(e) {
      if (typing(e)) return;
      const {ids} = order(), i = ids.indexOf(A.id);
      if ((e.key === "j" || e.key === "ArrowRight") && i + 1 < ids.length) location.hash = `a=${encodeURIComponent(ids[i + 1])}`;
      else if ((e.key === "k" || e.key === "ArrowLeft") && i > 0) location.hash = `a=${encodeURIComponent(ids[i - 1])}`;
      else if (e.key === "n") step(1);
      else if (e.key === "p") step(-1);
      else if (e.key === "o" || e.key === "u") location.href = "index.html";
      else return;
      e.preventDefault();
    }
  }

  function ruleLink(n) { const r = rule(n); return `<a class="rule" href="${esc(r.href)}">${esc(r.id)}</a>`; }
  function tip(n) { const r = rule(n); return `${r.id}: ${r.description}`; }
  function diff(before, after) {
    after = after ?? "";
    let p = 0;
    while (p < Math.min(before.length, after.length) && before[p] === after[p]) p++;
    let s = 0;
    while (s < Math.min(before.length, after.length) - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
    const vis = t => t.replace(/ /g, "·").replace(/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\u2060\ufeff]/g, c => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
    return `${esc(before.slice(0, p))}<del>${esc(vis(before.slice(p, before.length - s)))}</del><ins>${esc(vis(after.slice(p, after.length - s)))}</ins>${esc(before.slice(before.length - s))}`;
  }
  function lineHtml(l) {
    const [n, fi, rl, text, score, field, flags, edits] = l;
    const fate = S.meta.fates[fi];
    const decider = rl ?? (edits.length ? edits[edits.length - 1][0] : (flags.length ? flags[0] : null));
    const change = fate !== "kept" || flags.length ? " change" : "";
    const attrs = decider !== null ? ` data-rule="${esc(rule(decider).id)}" title="${esc(tip(decider))}"` : "";
    const sc = score !== null ? `<span class="score${score < 0.5 ? " low" : ""}" title="the block classifier's score: its probability that the line is article text">${score.toFixed(2)}</span>` : "";
    const badge = `<span class="badge fate-${fate}">${esc(fateLabel(fate))}${field && field !== "caption" ? `: ${esc(field)}` : ""}</span>`;
    const flagHtml = flags.map(f => `<span class="badge flag" title="${esc(tip(f))}">unsure</span>${ruleLink(f)}`).join("");
    const body = edits.length ? edits.map(([r, b, a]) => `<div class="edit" title="${esc(tip(r))}">${diff(b, a)} ${ruleLink(r)}</div>`).join("") : `<div class="t">${mark(text, S.q)}</div>`;
    return `<tr id="L${n}" class="line fate-${fate}${change}" data-fate="${fate}"${attrs}><td class="ln">${n}</td><td class="sc">${sc}</td><td class="fate">${badge}${rl !== null ? ruleLink(rl) : ""}${flagHtml}</td><td class="text">${body}</td></tr>`;
  }
  function articleHtml(a) {
    const fates = {};
    a.lines.forEach(l => { const f = S.meta.fates[l[1]]; fates[f] = (fates[f] || 0) + 1; });
    const legend = S.meta.fates.filter(f => fates[f]).map(f => `<span class="badge fate-${f}">${esc(fateLabel(f))} ${fates[f]}</span>`).join("");
    const src = a.source;
    const lead = `source <code>${esc(src.path)}</code> (${esc(src.format)}${src.encoding ? `, ${esc(src.encoding)}` : ""}${src.extractor ? `, extracted by ${esc(src.extractor)}` : ""})
      · raw lines from the ${esc(a.raw_from)}${a.note ? ` <span class="warn">(${esc(a.note)})</span>` : ""} · ${a.changes} changes${a.status === "cleaned" ? ` · <span id="removed">${pct(a.removed)}</span> of the text removed` : ""}${a.duplicate_of ? ` · duplicate of <a href="${articleHref(a.duplicate_of)}" title="${esc(a.duplicate_of)}">${esc(S.byId.get(a.duplicate_of)?.short ?? a.duplicate_of)}</a>` : ""}`;
    const text = new Map(a.lines.map(l => [l[0], l[8] ?? l[3]]));
    const blocks = a.blocks.map(([n, kind]) => {
      const tag = {heading: "h4", quote: "blockquote"}[kind] || "p";
      return `<${tag} id="B${n}"${kind === "list_item" ? ' class="li"' : ""}><a class="bl" href="" data-line="${n}">${n}</a>${mark(text.get(n), S.q)}</${tag}>`;
    }).join("");
    const captions = a.captions.length ? `<div class="captions"><h4>Captions</h4>${a.captions.map(([t, x, c]) => `<figure><figcaption>${t ? `<b>${esc(t)}</b> ` : ""}${esc(x ?? "")}${c ? ` <span class="credit">${esc(c)}</span>` : ""}</figcaption></figure>`).join("")}</div>` : "";
    const clean = a.status === "cleaned" ? `<article><h3 class="title">${esc(a.title || "(no title)")}</h3>
      <dl class="meta"><dt>authors</dt><dd>${esc(a.authors.join(", ") || "—")}</dd><dt>published</dt><dd>${esc(a.published || "—")}</dd>
      <dt>site</dt><dd>${esc(a.site || "—")}</dd><dt>language</dt><dd>${esc(a.language || "—")}</dd>${a.url ? `<dt>url</dt><dd>${esc(a.url)}</dd>` : ""}</dl>
      ${captions}<div class="body">${blocks}</div></article>` : "<p>No corpus record: the input was rejected.</p>";
    return `<h1><code title="${esc(a.id)}">${esc(S.byId.get(a.id).short)}</code> ${esc(a.title || "")}</h1>
      <p class="lead">${lead}</p>
      ${a.status === "rejected" ? `<p class="rejected-reason">Rejected: ${esc(a.reason)}</p>` : ""}
      <p class="legend">${legend} <span class="note">Hover a line for its rule and what the rule does; the number left of a line is the classifier's score.</span></p>
      <div class="article-grid"><section class="raw"><h2>Raw text, line by line</h2>
      <input type="checkbox" id="full" class="toggle"><label for="full" class="note"> kept lines in full (the clean article beside has them whole)</label>
      <table class="lines"><tbody>${a.lines.map(lineHtml).join("")}</tbody></table></section>
      <section class="clean"><h2>Clean article</h2>${clean}</section></div>`;
  }

  function start(page) {
    document.querySelectorAll("table.sortable").forEach(sortable);
    if (page === "index") indexPage();
    if (page === "article") articlePage();
    else document.body.dataset.ready = page;  // for tests and screenshots (an article: its id, once drawn)
  }
  return {meta, index, chunk, start, loadChunk, article};
})();
