/* carebook search: the search page (form, filters, results, the URL),
 * over the engine in engine.js (the same file when published: static/
 * search.js is both, joined). Results are built as text nodes, never HTML.
 */
(function (global) {
  'use strict';
  var S = global.carebookSearch;
  var find = S.find, display = S.display, meta = S.loadMeta, Stale = S.Stale, PAGE = S.PAGE, fold = S.fold;
  var doc = global.document;

  /* ---------- marks: the query's words in what a result shows ---------- */

  // A character of the text, with a half-width voiced mark kept with its
  // kana (ﾊﾟ is one character once normalised).
  function units(text) {
    var out = [], cps = Array.from(text), at = 0;
    for (var i = 0; i < cps.length; i++) {
      var u = cps[i];
      while (i + 1 < cps.length && /[\uff9e\uff9f\u3099\u309a]/.test(cps[i + 1])) u += cps[++i];
      out.push({ s: u, from: at, to: at + u.length });
      at += u.length;
    }
    return out;
  }
  // How one character folds where it stands: ー and a place name's ケ
  // depend on their neighbours (analyzer.rs).
  function foldAt(us, i) {
    var u = us[i].s;
    if ('ケカヶヵー'.indexOf(u.normalize('NFKC')) < 0) return fold(u);
    var prev = i > 0 ? us[i - 1].s : '', next = i + 1 < us.length ? us[i + 1].s : '';
    var all = fold(prev + u + next), before = fold(prev).length, after = fold(next).length;
    return all.slice(before, all.length - after);
  }
  /** The text folded as search folds it, and per folded code unit the character it came from. */
  function foldedText(text) {
    var us = units(text), s = '', owner = [];
    us.forEach(function (u, i) {
      var f = foldAt(us, i);
      s += f;
      for (var k = 0; k < f.length; k++) owner.push(i);
    });
    return { us: us, s: s, owner: owner };
  }
  /** Where the words stand in the text, as merged [from, to) ranges of the text. */
  function ranges(text, words) {
    var f = foldedText(text), found = [];
    words.forEach(function (w) {
      if (!w) return;
      for (var i = f.s.indexOf(w); i >= 0; i = f.s.indexOf(w, i + w.length)) {
        found.push([f.us[f.owner[i]].from, f.us[f.owner[i + w.length - 1]].to]);
      }
    });
    found.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var merged = [];
    found.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }
  /** Appends text with the words as <mark>; returns how many were marked. */
  function mark(parent, text, words) {
    var rs = ranges(text, words), at = 0;
    rs.forEach(function (r) {
      parent.appendChild(doc.createTextNode(text.slice(at, r[0])));
      parent.appendChild(el('mark', null, text.slice(r[0], r[1])));
      at = r[1];
    });
    parent.appendChild(doc.createTextNode(text.slice(at)));
    return rs.length;
  }
  /** The line of a record's text where a word stands, cut to a snippet around it. */
  var SNIPPET = 60;
  function snippet(text, words) {
    var lines = text.split('\n');
    for (var i = 0; i < lines.length; i++) {
      var rs = ranges(lines[i], words);
      if (!rs.length) continue;
      var line = lines[i], from = Math.max(0, rs[0][0] - 20), to = Math.min(line.length, from + SNIPPET);
      return (from > 0 ? '…' : '') + line.slice(from, to) + (to < line.length ? '…' : '');
    }
    return null;
  }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  var KIND_LABEL = { facility: '施設', window: '相談窓口', meeting: '会議体', page: '案内ページ' };

  /* ---------- suggestions when nothing is found ---------- */
  function bigrams(s) {
    var cs = Array.from(s), out = {};
    if (cs.length === 1) out[s] = 1;
    for (var i = 0; i + 1 < cs.length; i++) out[cs[i] + cs[i + 1]] = 1;
    return out;
  }
  function likeness(a, b) {
    var x = bigrams(a), y = bigrams(b), common = 0, nx = 0, ny = 0, k;
    for (k in x) { nx++; if (y[k]) common++; }
    for (k in y) ny++;
    return nx + ny ? 2 * common / (nx + ny) : 0;
  }
  /** The type, capability and area names nearest the query (by their name or reading). */
  function nearest(m, q) {
    var fq = fold(q.replace(/\s+/g, '')), best = {};
    function consider(name, as) {
      var score = likeness(fq, fold(as));
      if (score > (best[name] || 0)) best[name] = score;
    }
    m.types.forEach(function (t) { consider(t.name, t.name); });
    m.caps.forEach(function (c) { consider(c.name, c.name); });
    m.areas.forEach(function (a) { consider(a.name, a.name); });
    m.expand.synonyms.forEach(function (s) { s[1].forEach(function (w) { consider(w, s[0]); }); });
    return Object.keys(best).filter(function (n) { return best[n] >= 0.3 && fold(n) !== fq; })
      .sort(function (a, b) { return best[b] - best[a] || a.length - b.length; }).slice(0, 3);
  }

  function initPage(form) {
    var input = form.querySelector('input[name="q"]');
    var status = doc.getElementById('search-status');
    var list = doc.getElementById('search-results');
    var more = doc.getElementById('search-more');
    var active = doc.getElementById('search-active');
    var chips = doc.getElementById('search-chips');
    var suggest = doc.getElementById('search-suggest');
    var seq = 0, shown = 0, current = null, words = [], lastRun = null;

    function filters() {
      var f = { type: [], area: [], cap: [] };
      form.querySelectorAll('input[type="checkbox"]:checked').forEach(function (c) { f[c.name].push(c.value); });
      return f;
    }
    function labelOf(box) { return box.parentNode.textContent.trim(); }
    function checkedBoxes() { return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"]:checked')); }

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

    /* Active filters as chips: a filtered search says so, also when the panel is closed. */
    function showChips() {
      var boxes = checkedBoxes();
      chips.textContent = '';
      active.hidden = !boxes.length;
      boxes.forEach(function (box) {
        var li = el('li');
        var b = el('button', 'chip', labelOf(box));
        b.type = 'button';
        b.setAttribute('aria-label', '「' + labelOf(box) + '」の絞り込みを外す');
        b.appendChild(el('span', 'chip-x', '×')).setAttribute('aria-hidden', 'true');
        b.addEventListener('click', function () {
          box.checked = false;
          run();
          var next = chips.querySelector('button') || input;
          next.focus();
        });
        li.appendChild(b);
        chips.appendChild(li);
      });
    }

    function render(hits, from, mine) {
      return display(hits.slice(from, from + PAGE).map(function (h) { return h.doc; })).then(function (ds) {
        // A newer search may have cleared the list while these rows
        // loaded: they are not its results.
        if (mine !== seq) return [];
        var added = [], needText = [];
        ds.forEach(function (d) {
          var li = el('li', 'result');
          li.setAttribute('data-kind', d.kind);
          var h = el('h2', 'result-name');
          var a = el('a');
          a.href = d.url;
          var marked = mark(a, d.name, words);
          h.appendChild(a);
          li.appendChild(h);
          li.appendChild(el('p', 'result-meta', [d.type, d.area].filter(Boolean).join('・')));
          if (d.address) { var ad = el('p', 'result-address'); marked += mark(ad, d.address, words); li.appendChild(ad); }
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
            d.caps.forEach(function (c) { var b = el('li', 'badge-cap'); marked += mark(b, c, words); ul.appendChild(b); });
            li.appendChild(ul);
          }
          // Why it matched, when nothing shown says so: a snippet of the
          // record's text (a description, a department, the hours).
          if (!marked && words.length) needText.push({ li: li, doc: d.doc });
          list.appendChild(li);
          added.push({ li: li, d: d });
        });
        labelTwins();
        if (needText.length) {
          S.loadTexts(needText.map(function (n) { return n.doc; })).then(function (texts) {
            if (mine !== seq) return;
            needText.forEach(function (n, i) {
              var cut = texts[i] && snippet(texts[i], words);
              if (!cut) return;
              var p = el('p', 'result-snippet');
              mark(p, cut, words);
              n.li.insertBefore(p, n.li.querySelector('.result-meta').nextSibling);
            });
          }, function () { /* the results stand without snippets */ });
        }
        return added;
      });
    }
    // A record shown twice under one name and phone (a 地域包括支援センター
    // as a facility and as a contact window) says which is which.
    function labelTwins() {
      var lis = list.querySelectorAll('li.result'), seen = {};
      lis.forEach(function (li) {
        var key = li.querySelector('.result-name').textContent + '|' + ((li.querySelector('.result-phone a') || {}).textContent || '');
        (seen[key] = seen[key] || []).push(li);
      });
      Object.keys(seen).forEach(function (k) {
        var group = seen[k];
        if (group.length < 2) return;
        group.forEach(function (li) {
          if (li.querySelector('.result-note')) return;
          var kind = KIND_LABEL[li.getAttribute('data-kind')] || '';
          li.insertBefore(el('p', 'result-note', kind + 'としての掲載です'), li.querySelector('.result-meta'));
        });
      });
    }

    function countText(res) { return res.total == null ? res.found + '件以上' : res.total + '件'; }
    // 「訪問看護：11件中、病院・看取りで絞り込み 1件」
    function statusText(q, res, unfiltered) {
      var names = checkedBoxes().map(labelOf);
      if (res.total === 0 && !res.hits.length) {
        return '見つかりませんでした。ことばを減らすか、絞り込みを外してください。';
      }
      if (!names.length) return res.total == null ? res.found + '件以上見つかりました。' : res.total + '件見つかりました。';
      var filtered = names.join('・') + 'で絞り込み ' + countText(res);
      return q && unfiltered ? q + '：' + countText(unfiltered) + '中、' + filtered : filtered;
    }
    // Nothing found: the nearest names, and the filters to clear.
    function suggestFor(q, f, mine) {
      suggest.textContent = '';
      suggest.hidden = true;
      var filtered = f.type.length || f.area.length || f.cap.length;
      return meta().then(function (m) {
        var near = q ? nearest(m, q) : [];
        var wider = filtered && q ? find(q, { type: [], area: [], cap: [] }, PAGE, true) : Promise.resolve(null);
        return wider.then(function (w) {
          if (mine !== seq) return;
          if (near.length) {
            var p = el('p', 'suggest-near', 'もしかして：');
            near.forEach(function (n, i) {
              if (i) p.appendChild(doc.createTextNode('、'));
              var a = el('a', null, n);
              a.href = '?q=' + encodeURIComponent(n);
              p.appendChild(a);
            });
            suggest.appendChild(p);
          }
          if (w && w.hits.length) {
            var b = el('button', 'suggest-clear', '絞り込みを外して探す（' + countText(w) + '）');
            b.type = 'button';
            b.addEventListener('click', clearFilters);
            suggest.appendChild(el('p')).appendChild(b);
          }
          suggest.hidden = !suggest.firstChild;
        });
      }).catch(function () { /* suggestions are a help, not the answer */ });
    }
    function clearFilters() {
      checkedBoxes().forEach(function (c) { c.checked = false; });
      run();
      input.focus();
    }

    function run() {
      var q = input.value.trim(), f = filters();
      lastRun = JSON.stringify([q, f]);
      var mine = ++seq;
      writeUrl(q, f);
      showChips();
      suggest.hidden = true;
      if (!q && !f.type.length && !f.area.length && !f.cap.length) {
        list.textContent = '';
        status.textContent = '';
        more.hidden = true;
        return Promise.resolve();
      }
      var filtered = f.type.length || f.area.length || f.cap.length;
      return find(q, f, PAGE).then(function (res) {
        if (mine !== seq) return;
        current = res;
        words = res.words.map(fold);
        list.textContent = '';
        shown = 0;
        return render(res.hits, 0, mine).then(function () {
          if (mine !== seq) return;
          // The results are shown as soon as they are in...
          shown = Math.min(PAGE, res.hits.length);
          more.hidden = !moreLeft(res);
          doc.body.setAttribute('data-search-done', String(seq));
          // The count without filters, for 「…11件中、…で絞り込み 1件」:
          // once the results are shown (beside the search, it slows it).
          var unfiltered = filtered && q && res.hits.length
            ? find(q, { type: [], area: [], cap: [] }, PAGE, true).then(function (u) { return u.total == null ? u.count() : u; })
              // (a failure of the count alone leaves the status without it;
              // a newer search, which makes it stale, is seen by `mine !== seq`)
              .catch(function () { return null; })
            : Promise.resolve(null);
          return unfiltered.then(function (u) {
            if (mine !== seq) return;
            // ...and the status once its parts are: a screen reader hears
            // the result, not the steps.
            status.textContent = statusText(q, res, u);
            if (!res.hits.length) suggestFor(q, f, mine);
            // Then the exact count, if it is cheap.
            return res.total == null && res.count().then(function (full) {
              if (mine !== seq || full.total == null) return;
              current = full;
              status.textContent = statusText(q, full, u);
              more.hidden = !moreLeft(full);
            }, function () {
              // The results are shown; "N件以上" stays true without the count.
            });
          });
        }).then(function () {
          if (mine === seq) doc.body.setAttribute('data-search-settled', String(seq));
        });
      }).catch(function (e) {
        if (mine !== seq || e instanceof Stale) return;
        status.textContent = '検索できませんでした（' + e.message + '）。';
      });
    }
    function moreLeft(res) { return shown < res.hits.length || res.total == null; }
    function showMore() {
      if (!current) return Promise.resolve();
      var mine = seq, from = shown;
      return current.more(shown + PAGE).then(function (res) {
        if (mine !== seq) return;
        current = res;
        return render(res.hits, from, mine).then(function (added) {
          if (mine !== seq) return;
          shown = Math.min(from + PAGE, res.hits.length);
          more.hidden = !moreLeft(res);
          // Focus goes on to the first new result, not back to the top.
          if (added.length) added[0].li.querySelector('.result-name a').focus();
        });
      }).catch(function (e) {
        if (mine !== seq || e instanceof Stale) return;
        status.textContent = '検索できませんでした（' + e.message + '）。';
      });
    }
    more.addEventListener('click', showMore);

    // Back from a result returns to it: the search remembers which was
    // followed and how many were shown.
    var RETURN = 'carebook-search-return';
    list.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('.result-name a');
      if (!a) return;
      flushUrl();
      try {
        global.sessionStorage.setItem(RETURN, JSON.stringify({ at: global.location.search, href: a.getAttribute('href'), shown: shown }));
      } catch (err) { /* storage refused: Back shows the first results */ }
    });
    function returnToFollowed() {
      var back = null;
      try {
        back = JSON.parse(global.sessionStorage.getItem(RETURN) || 'null');
        global.sessionStorage.removeItem(RETURN);
      } catch (err) { return; }
      if (!back || back.at !== global.location.search) return;
      function focusIt() {
        var links = list.querySelectorAll('.result-name a');
        for (var i = 0; i < links.length; i++) {
          if (links[i].getAttribute('href') === back.href) { links[i].focus(); return; }
        }
        if (shown < back.shown && !more.hidden) showMore().then(focusIt);
      }
      focusIt();
    }

    form.addEventListener('submit', function (e) { e.preventDefault(); run(); flushUrl(); });
    // No search while an IME composes (each romaji key would search):
    // on compositionend, and on input outside a composition. (Some
    // browsers send one more input after compositionend: it searches only
    // if it changed something.)
    var composing = false, composed = false;
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; composed = true; run(); });
    input.addEventListener('input', function (e) {
      if (composing || e.isComposing) return;
      var again = composed && JSON.stringify([input.value.trim(), filters()]) === lastRun;
      composed = false;
      if (!again) run();
    });
    form.addEventListener('change', function (e) { if (e.target.type === 'checkbox') run(); });
    doc.getElementById('search-clear').addEventListener('click', clearFilters);
    readUrl();
    // The first keypress should not wait for what every search needs.
    meta().catch(function () { return null; });
    run().then(returnToFollowed);
  }

  if (doc) {
    var start = function () {
      var form = doc.getElementById('search-form');
      if (form) initPage(form);
    };
    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof window !== 'undefined' ? window : globalThis);
