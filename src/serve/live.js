/* carebook serve: reloads the page after a rebuild and shows the
 * guidebook's problems over it. Injected by `carebook serve` only, never
 * part of a built site. */
(function () {
  'use strict';
  var box = null, badge = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function showProblems(list) {
    if (box) { box.remove(); box = null; }
    var errors = list.filter(function (d) { return d.severity === 'error'; });
    if (!errors.length) return;
    box = el('section', 'carebook-overlay');
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-label', 'ガイドブックの問題');
    box.appendChild(el('h2', null, '直すところがあります（' + errors.length + '件）'));
    box.appendChild(el('p', null, '直して保存すると、この表示は消えてページが更新されます。それまでは前の正しい内容を表示しています。'));
    var ol = el('ol');
    errors.forEach(function (d) {
      var li = el('li');
      var where = d.file + (d.line ? ':' + d.line + ':' + d.col : '');
      li.appendChild(el('code', 'carebook-where', where));
      li.appendChild(el('p', 'carebook-message', d.message));
      if (d.hint) li.appendChild(el('p', 'carebook-hint', 'ヒント：' + d.hint));
      ol.appendChild(li);
    });
    box.appendChild(ol);
    var close = el('button', null, '閉じる');
    close.type = 'button';
    close.addEventListener('click', function () { box.remove(); box = null; });
    box.appendChild(close);
    document.body.appendChild(box);
  }

  function showStatus(s) {
    var behind = [];
    if (s.search === 'behind') behind.push('検索');
    if (s.pamphlet === 'behind') behind.push('印刷用PDF');
    if (!behind.length) { if (badge) { badge.remove(); badge = null; } return; }
    if (!badge) { badge = el('p', 'carebook-badge'); badge.setAttribute('role', 'status'); document.body.appendChild(badge); }
    badge.textContent = behind.join('・') + 'を更新中…';
  }

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/__carebook/live.css';
  document.head.appendChild(css);

  var es = new EventSource('/__carebook/events');
  // This page's path as the server names changed pages.
  function here() {
    var p = decodeURIComponent(location.pathname).replace(/^\//, '');
    return p === '' || /\/$/.test(p) ? p + 'index.html' : p;
  }
  // Only pages that changed reload (an edit leaves other open pages, and
  // where they were scrolled to, alone); any page when the event does not
  // say which.
  es.addEventListener('reload', function (e) {
    var r = null;
    try { r = JSON.parse(e.data); } catch (x) { /* "lagged": events were missed */ }
    if (!r || !r.paths || r.paths.indexOf(here()) >= 0) location.reload();
  });
  es.addEventListener('state', function (e) {
    var s = JSON.parse(e.data);
    showProblems(s.problems);
    showStatus(s);
  });
})();
