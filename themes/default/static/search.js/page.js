/* carebook search: the search page (form, filters, results, the URL),
 * over the engine in engine.js (the same file when published: static/
 * search.js is both, joined). Results are built as text nodes, never HTML.
 */
(function (global) {
  'use strict';
  var S = global.carebookSearch;
  var search = S.search, display = S.display, meta = S.loadMeta, Stale = S.Stale, PAGE = S.PAGE;

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
    // The URL follows the query once typing pauses, not at every key:
    // replaceState costs the page and the browser several milliseconds
    // of a keypress's path to results, and browsers limit how often it may
    // be called (Safari throws past a limit). A click (a result followed, by mouse,
    // touch or keyboard), Enter and leaving the page write it at once, so
    // that Back returns to this query.
    var URL_PAUSE = 400, urlTimer = null, urlWanted = null;
    function writeUrl(q, f) {
      var p = new URLSearchParams();
      if (q) p.set('q', q);
      ['type', 'area', 'cap'].forEach(function (k) { f[k].forEach(function (v) { p.append(k, v); }); });
      var qs = p.toString();
      urlWanted = qs ? '?' + qs : global.location.pathname.split('/').pop() || '';
      clearTimeout(urlTimer);
      urlTimer = setTimeout(flushUrl, URL_PAUSE);
    }
    function flushUrl() {
      clearTimeout(urlTimer);
      if (urlWanted === null) return;
      try { global.history.replaceState(null, '', urlWanted); } catch (e) { /* file:// may refuse */ }
      urlWanted = null;
    }
    doc.addEventListener('click', flushUrl, true);
    global.addEventListener('pagehide', flushUrl);
    function readUrl() {
      var p = new URLSearchParams(global.location.search);
      input.value = p.get('q') || '';
      form.querySelectorAll('input[type="checkbox"]').forEach(function (c) {
        c.checked = p.getAll(c.name).indexOf(c.value) >= 0;
      });
    }
    function render(words, hits, from, mine) {
      return display(hits.slice(from, from + PAGE).map(function (h) { return h.doc; })).then(function (ds) {
        // A newer search may have cleared the list while these rows
        // loaded: they are not its results.
        if (mine !== seq) return;
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
      return search(q, f, PAGE).then(function (res) {
        if (mine !== seq) return;
        current = res;
        var words = q.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
        list.textContent = '';
        shown = 0;
        status.textContent = statusText(res);
        return render(words, res.hits, 0, mine).then(function () {
          if (mine !== seq) return;
          shown = Math.min(PAGE, res.hits.length);
          more.hidden = !moreLeft(res);
          global.document.body.setAttribute('data-search-done', String(seq));
          // The results first; then the exact count, if it is cheap.
          return res.total == null && res.count().then(function (full) {
            if (mine !== seq || full.total == null) return;
            current = full;
            status.textContent = statusText(full);
            more.hidden = !moreLeft(full);
          }, function () {
            // The results are shown; "N件以上" stays true without the count.
          });
        }).then(function () {
          if (mine === seq) global.document.body.setAttribute('data-search-settled', String(seq));
        });
      }).catch(function (e) {
        if (mine !== seq || e instanceof Stale) return;
        status.textContent = '検索できませんでした（' + e.message + '）。';
      });
    }
    function statusText(res) {
      if (res.total === 0) return '見つかりませんでした。ことばを減らすか、絞り込みを外してください。';
      // Only the top was read: the count so far is a lower bound.
      return res.total == null ? res.found + '件以上見つかりました。' : res.total + '件見つかりました。';
    }
    function moreLeft(res) { return shown < res.hits.length || res.total == null; }
    more.addEventListener('click', function () {
      if (!current) return;
      var mine = seq, words = input.value.trim().normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
      current.more(shown + PAGE).then(function (res) {
        if (mine !== seq) return;
        current = res;
        status.textContent = statusText(res);
        return render(words, res.hits, shown, mine).then(function () {
          if (mine !== seq) return;
          shown = Math.min(shown + PAGE, res.hits.length);
          more.hidden = !moreLeft(res);
        });
      }).catch(function (e) {
        if (mine !== seq || e instanceof Stale) return;
        status.textContent = '検索できませんでした（' + e.message + '）。';
      });
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); flushUrl(); });
    input.addEventListener('input', run);
    form.addEventListener('change', function (e) { if (e.target.type === 'checkbox') run(); });
    readUrl();
    // The first keypress should not wait for what every search needs.
    meta().catch(function () { return null; });
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
