/* carebook search in the browser.
 *
 * Runs from static files only and also from disk (file://), so index parts
 * are loaded as <script> elements, never with fetch(). The query analyzer
 * and the ranking are ports of src/search/analyzer.rs (query mode) and
 * src/search/rank.rs: the same query gives the same records in the same
 * order as `carebook search`. Results are built as text nodes, never HTML.
 */
(function (global) {
  'use strict';
  var S = (global.carebookSearch = global.carebookSearch || {});
  var store = { meta: null, shards: {}, docs: {} };
  var waiting = {};

  function settle(key, value) {
    var w = waiting[key];
    if (w) {
      delete waiting[key];
      w.resolve(value);
    }
  }
  S.meta = function (m) { store.meta = m; settle('meta', m); };
  S.shard = function (i, o) { store.shards[i] = o; settle('t' + i, o); };
  S.docs = function (i, list) { store.docs[i] = list; settle('d' + i, list); };

  // Where the index lives: beside this script, in ../search/ of the site.
  S.base = S.base || (function () {
    var s = global.document && global.document.currentScript;
    return s ? s.src.replace(/static\/search\.js(\?.*)?$/, 'search/') : 'search/';
  })();

  // Loads one part; S.loader may be replaced (the Node test harness does).
  S.loader = S.loader || function (path, key) {
    return new Promise(function (resolve, reject) {
      waiting[key] = { resolve: resolve };
      var el = global.document.createElement('script');
      el.src = S.base + path;
      el.async = true;
      el.onerror = function () { delete waiting[key]; reject(new Error('cannot load ' + path)); };
      global.document.head.appendChild(el);
    });
  };

  // One load per part: queries whose terms share a shard wait on the same
  // promise; a failed load is forgotten so the next search tries again.
  var loading = {};
  function part(key, path, have) {
    if (have()) return Promise.resolve(have());
    if (!loading[key]) {
      loading[key] = S.loader(path, key).then(function () { return have(); },
        function (e) { delete loading[key]; throw e; });
    }
    return loading[key];
  }
  function meta() { return part('meta', 'meta.js', function () { return store.meta; }); }
  function shard(i) { return part('t' + i, 't/' + i + '.js', function () { return store.shards[i]; }); }
  function chunk(i) { return part('d' + i, 'd/' + i + '.js', function () { return store.docs[i]; }); }

  /* ---------- analyzer (query mode), as src/search/analyzer.rs ---------- */
  var PARTICLES = 'のにをはがでとへもや';
  var CJK = 1, WORD = 2, DASH = 3, OTHER = 4;
  function code(c) { return c.codePointAt(0); }
  function isHiragana(c) { var x = code(c); return (x >= 0x3041 && x <= 0x3096) || c === 'ゝ' || c === 'ゞ'; }
  function isKatakana(c) { var x = code(c); return (x >= 0x30a1 && x <= 0x30f6) || c === 'ヽ' || c === 'ヾ'; }
  function isKanji(c) {
    var x = code(c);
    return (x >= 0x4e00 && x <= 0x9fff) || (x >= 0x3400 && x <= 0x4dbf) || (x >= 0xf900 && x <= 0xfaff) ||
      c === '々' || c === '〆' || c === 'ヶ';
  }
  function isAsciiAlnum(c) { return /^[0-9a-z]$/i.test(c) && c.length === 1; }
  var DASHES = '-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff70';

  function normalise(text) {
    var out = [];
    for (var ch of text.normalize('NFKC')) {
      for (var c of ch.toLowerCase()) {
        var prev = out[out.length - 1];
        if (isHiragana(c)) out.push({ c: c, k: CJK, h: true });
        else if (isKatakana(c)) out.push({ c: String.fromCodePoint(code(c) - 0x60), k: CJK, h: false });
        else if (isKanji(c)) out.push({ c: c, k: CJK, h: false });
        else if (c === 'ー') out.push(prev && prev.k === CJK ? { c: c, k: CJK, h: false } : { c: '-', k: DASH, h: false });
        else if (isAsciiAlnum(c)) out.push({ c: c, k: WORD, h: false });
        else if (DASHES.indexOf(c) >= 0) out.push({ c: '-', k: DASH, h: false });
        else out.push({ c: c, k: OTHER, h: false });
      }
    }
    return out;
  }

  function analyzeQuery(text) {
    var chars = normalise(text);
    for (var i = 1; i + 1 < chars.length; i++) {
      var p = chars[i - 1], cur = chars[i], n = chars[i + 1];
      var between = function (x) { return x.k === CJK && !x.h; };
      if (cur.h && PARTICLES.indexOf(cur.c) >= 0 && between(p) && between(n)) cur.k = OTHER;
    }
    var terms = [];
    var j = 0;
    while (j < chars.length) {
      var k = chars[j].k, run = [];
      while (j < chars.length && chars[j].k === k) run.push(chars[j++].c);
      if (k === CJK) {
        if (run.length === 1) terms.push(run[0]);
        else for (var r = 0; r + 1 < run.length; r++) terms.push(run[r] + run[r + 1]);
      } else if (k === WORD) {
        terms.push(run.join(''));
      }
    }
    var seen = {}, unique = [];
    terms.forEach(function (t) { if (!seen[t]) { seen[t] = true; unique.push(t); } });
    return unique;
  }

  /* ---------- index access ---------- */
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var VALUE = {};
  for (var a = 0; a < 64; a++) VALUE[ALPHABET[a]] = a;

  function varints(s) {
    var out = [], n = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var v = VALUE[s[i]];
      n += (v & 31) * Math.pow(2, shift);
      if (v & 32) shift += 5;
      else { out.push(n); n = 0; shift = 0; }
    }
    return out;
  }

  /** Map doc → [tf, length] from a postings string. */
  function postings(s) {
    var v = varints(s), m = new Map(), doc = 0;
    for (var i = 0; i + 2 < v.length; i += 3) {
      doc += v[i];
      m.set(doc, [v[i + 1], v[i + 2]]);
    }
    return m;
  }
  function docList(s) {
    var v = varints(s), out = [], doc = 0;
    for (var i = 0; i < v.length; i++) { doc += v[i]; out.push(doc); }
    return out;
  }

  function fnv(term, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }
  function lookup(m, key) {
    var i = fnv(key, m.shards);
    return shard(i).then(function (o) { return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : null; });
  }

  /* ---------- ranking, as src/search/rank.rs ---------- */
  function bm25(m, idf, tf, len, avg) {
    if (!tf) return 0;
    return idf * (tf * (m.k1 + 1)) / (tf + m.k1 * (1 - m.b + m.b * len / avg));
  }

  /**
   * Finds records: every query term in the name or the text, any of the
   * chosen types, any of the chosen areas, every chosen capability.
   * Resolves to { terms, total, hits: [{ doc, score }] } in rank order.
   */
  function search(query, filters) {
    filters = filters || {};
    var terms = analyzeQuery(query || '');
    return meta().then(function (m) {
      var facetGroups = [];
      ['type', 'area'].forEach(function (f) {
        var vals = filters[f] || [];
        if (vals.length) facetGroups.push(vals.map(function (v) { return '\u0001' + f + '/' + v; }));
      });
      (filters.cap || []).forEach(function (c) { facetGroups.push(['\u0001cap/' + c]); });
      if (!terms.length && !facetGroups.length) return { terms: terms, total: 0, hits: [] };
      var termLookups = terms.map(function (t) { return lookup(m, t); });
      var facetLookups = facetGroups.map(function (g) { return Promise.all(g.map(function (k) { return lookup(m, k); })); });
      return Promise.all([Promise.all(termLookups), Promise.all(facetLookups)]).then(function (found) {
        var entries = found[0], groups = found[1];
        if (entries.some(function (e) { return !e; })) return { terms: terms, total: 0, hits: [] };
        var decoded = entries.map(function (e) { return { idfName: e[0], idfText: e[1], name: postings(e[2]), text: postings(e[3]) }; });
        var sets = decoded.map(function (d) {
          var s = new Set(d.name.keys());
          d.text.forEach(function (_, doc) { s.add(doc); });
          return s;
        });
        groups.forEach(function (g) {
          var s = new Set();
          g.forEach(function (e) { if (e) docList(e).forEach(function (doc) { s.add(doc); }); });
          sets.push(s);
        });
        sets.sort(function (x, y) { return x.size - y.size; });
        var candidates = [];
        sets[0].forEach(function (doc) {
          for (var i = 1; i < sets.length; i++) if (!sets[i].has(doc)) return;
          candidates.push(doc);
        });
        var hits = candidates.map(function (doc) {
          var score = 0;
          decoded.forEach(function (d) {
            var n = d.name.get(doc), t = d.text.get(doc);
            score += m.boost * bm25(m, d.idfName, n ? n[0] : 0, n ? n[1] : 0, m.avg[0]);
            score += bm25(m, d.idfText, t ? t[0] : 0, t ? t[1] : 0, m.avg[1]);
          });
          return { doc: doc, score: score };
        });
        hits.sort(function (x, y) { return y.score - x.score || x.doc - y.doc; });
        return { terms: terms, total: hits.length, hits: hits };
      });
    });
  }

  /** What results show, for the given documents. */
  function display(docs) {
    return meta().then(function (m) {
      var need = {};
      docs.forEach(function (d) { need[Math.floor(d / m.chunk)] = true; });
      return Promise.all(Object.keys(need).map(function (c) { return chunk(+c); })).then(function () {
        return docs.map(function (d) { return store.docs[Math.floor(d / m.chunk)][d % m.chunk]; });
      });
    });
  }

  S.analyzeQuery = analyzeQuery;
  S.search = search;
  S.display = display;
  S.loadMeta = meta;

  /* ---------- the search page ---------- */
  var PAGE = 20;

  function mark(parent, text, words) {
    // Highlights query words as <mark>, building text nodes only.
    var lower = text.normalize('NFKC').toLowerCase();
    var ranges = [];
    words.forEach(function (w) {
      if (!w) return;
      var i = lower.indexOf(w);
      while (i >= 0) { ranges.push([i, i + w.length]); i = lower.indexOf(w, i + w.length); }
    });
    ranges.sort(function (x, y) { return x[0] - y[0]; });
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      if (lower.length !== text.length) return; // normalisation changed lengths: no marks
      parent.appendChild(global.document.createTextNode(text.slice(at, r[0])));
      var m = global.document.createElement('mark');
      m.textContent = text.slice(r[0], r[1]);
      parent.appendChild(m);
      at = r[1];
    });
    parent.appendChild(global.document.createTextNode(text.slice(at)));
  }

  function el(tag, cls, text) {
    var e = global.document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function initPage(form) {
    var doc = global.document;
    var input = form.querySelector('input[name="q"]');
    var status = doc.getElementById('search-status');
    var list = doc.getElementById('search-results');
    var more = doc.getElementById('search-more');
    var seq = 0, shown = 0, current = null;

    function filters() {
      var f = { type: [], area: [], cap: [] };
      form.querySelectorAll('input[type="checkbox"]:checked').forEach(function (c) { f[c.name].push(c.value); });
      return f;
    }
    function writeUrl(q, f) {
      var p = new URLSearchParams();
      if (q) p.set('q', q);
      ['type', 'area', 'cap'].forEach(function (k) { f[k].forEach(function (v) { p.append(k, v); }); });
      var qs = p.toString();
      try { global.history.replaceState(null, '', (qs ? '?' + qs : global.location.pathname.split('/').pop() || '')); } catch (e) { /* file:// may refuse */ }
    }
    function readUrl() {
      var p = new URLSearchParams(global.location.search);
      input.value = p.get('q') || '';
      form.querySelectorAll('input[type="checkbox"]').forEach(function (c) {
        c.checked = p.getAll(c.name).indexOf(c.value) >= 0;
      });
    }
    function render(words, hits, from) {
      return display(hits.slice(from, from + PAGE).map(function (h) { return h.doc; })).then(function (ds) {
        ds.forEach(function (d) {
          var li = el('li', 'result');
          var h = el('h2', 'result-name');
          var a = el('a');
          a.href = d.url;
          mark(a, d.name, words);
          h.appendChild(a);
          li.appendChild(h);
          li.appendChild(el('p', 'result-meta', [d.type, d.area].filter(Boolean).join('・')));
          if (d.address) { var ad = el('p', 'result-address'); mark(ad, d.address, words); li.appendChild(ad); }
          if (d.phone) {
            var p = el('p', 'result-phone', '電話 ');
            var tel = el('a', null, d.phone);
            tel.href = 'tel:' + d.phone.replace(/[^0-9]/g, '');
            p.appendChild(tel);
            li.appendChild(p);
          }
          if (d.caps && d.caps.length) {
            var ul = el('ul', 'result-caps');
            ul.setAttribute('aria-label', '対応');
            d.caps.forEach(function (c) { var b = el('li', 'badge-cap'); mark(b, c, words); ul.appendChild(b); });
            li.appendChild(ul);
          }
          list.appendChild(li);
        });
      });
    }
    function run() {
      var q = input.value.trim(), f = filters(), mine = ++seq;
      writeUrl(q, f);
      if (!q && !f.type.length && !f.area.length && !f.cap.length) {
        list.textContent = '';
        status.textContent = '';
        more.hidden = true;
        return Promise.resolve();
      }
      return search(q, f).then(function (res) {
        if (mine !== seq) return;
        current = res;
        var words = q.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
        current.words = words;
        list.textContent = '';
        shown = 0;
        status.textContent = res.total ? res.total + '件見つかりました。' : '見つかりませんでした。ことばを減らすか、絞り込みを外してください。';
        return render(words, res.hits, 0).then(function () {
          if (mine !== seq) return;
          shown = Math.min(PAGE, res.total);
          more.hidden = shown >= res.total;
          global.document.body.setAttribute('data-search-done', String(seq));
        });
      }).catch(function (e) {
        status.textContent = '検索できませんでした（' + e.message + '）。';
      });
    }
    more.addEventListener('click', function () {
      if (!current) return;
      render(current.words, current.hits, shown).then(function () {
        shown = Math.min(shown + PAGE, current.total);
        more.hidden = shown >= current.total;
      });
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    input.addEventListener('input', run);
    form.addEventListener('change', function (e) { if (e.target.type === 'checkbox') run(); });
    readUrl();
    run();
  }

  if (global.document) {
    var start = function () {
      var form = global.document.getElementById('search-form');
      if (form) initPage(form);
    };
    if (global.document.readyState === 'loading') global.document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof window !== 'undefined' ? window : globalThis);
