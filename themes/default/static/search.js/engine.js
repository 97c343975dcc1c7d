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
  // Results per page, and the top that a search settles first: ten fill
  // three phone screens, and settle with far less reading than twenty.
  var PAGE = 10;
  var store = { meta: null, shards: {}, docs: {}, texts: {}, blocks: {}, positions: {}, pages: {}, pagePositions: {}, tops: {}, shown: {} };
  var waiting = {};

  function settle(key, value) {
    var w = waiting[key];
    if (w) {
      delete waiting[key];
      w.resolve(value);
    }
  }
  // Where each field of a shard entry (E) and of a display row (R) is:
  // meta.js names them, in the order search_static.rs writes them.
  var E = {}, R = {};
  function positions(names) { var o = {}; names.forEach(function (n, i) { o[n] = i; }); return o; }
  S.meta = function (m) {
    E = positions(m.fields.entry);
    R = positions(m.fields.row);
    store.meta = m;
    settle('meta', m);
  };
  S.shard = function (i, o) { store.shards[i] = o; settle('t' + i, o); };
  S.docs = function (i, list) { store.docs[i] = list; settle('d' + i, list); };
  S.texts = function (i, list) { store.texts[i] = list; settle('x' + i, list); };
  // (a trigram's block carries its positions too; a page's are apart)
  S.block = function (key, s, pos) { store.blocks[key] = s; store.positions[key] = pos; settle('b' + key, s); };
  S.page = function (key, s) { store.pages[key] = s; settle('r' + key, s); };
  S.pagePositions = function (key, s) { store.pagePositions[key] = s; settle('q' + key, s); };
  S.top = function (id, docs, rows) {
    docList(docs).forEach(function (d, i) { store.shown[d] = rows[i]; });
    store.tops[id] = true;
    settle('h' + id, true);
  };

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
  //
  // Loads wait in a queue, a few at a time (as many as a browser opens
  // connections to one HTTP/1.1 host): while a word is typed, each key
  // starts a search, and the parts that a search overtaken by the next key
  // still queues are dropped instead of holding up the newest one.
  var MAX_LOADS = 6;
  var loading = {}, queue = [], active = 0;
  var generation = 0;
  function Stale() { this.message = 'a newer search started'; }
  function pump() {
    while (active < MAX_LOADS && queue.length) {
      var t = queue.shift();
      if (t.gen < generation) {
        if (loading[t.key] === t) delete loading[t.key];
        t.reject(new Stale());
        continue;
      }
      active++;
      load(t);
    }
  }
  function load(t) {
    S.loader(t.path, t.key).then(function () { active--; t.resolve(); pump(); },
      function (e) { active--; t.reject(e); pump(); });
  }
  function part(key, path, have) {
    // (an empty page is '')
    if (have() != null) return Promise.resolve(have());
    var t = loading[key];
    if (t) {
      // Wanted by the newest search too: not to be dropped.
      t.gen = Math.max(t.gen, generation);
      return t.promise;
    }
    t = loading[key] = { key: key, path: path, gen: generation };
    t.promise = new Promise(function (resolve, reject) { t.resolve = resolve; t.reject = reject; })
      .then(function () { return have(); }, function (e) { if (loading[key] === t) delete loading[key]; throw e; });
    queue.push(t);
    pump();
    return t.promise;
  }
  function meta() { return part('meta', 'meta.js', function () { return store.meta; }); }
  function shard(i) { return part('t' + i, 't/' + i + '.js', function () { return store.shards[i]; }); }
  function chunk(i) { return part('d' + i, 'd/' + i + '.js', function () { return store.docs[i]; }); }
  function topFile(id) { return part('h' + id, 'h/' + id + '.js', function () { return store.tops[id]; }); }
  // The terms whose top files the latest search asked for, which display()
  // waits for before it loads display chunks for what they do not hold.
  var topIds = [];
  function topsLoaded() {
    return Promise.all(topIds.map(function (id) { return topFile(id).catch(function () { return null; }); }));
  }

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
    foldPlaceKe(out);
    return out;
  }
  // ケ, ヶ, ヵ and カ between kanji are one character (霞ケ丘 = 霞ヶ丘), as
  // fold_place_ke in analyzer.rs.
  function foldPlaceKe(out) {
    for (var i = 1; i + 1 < out.length; i++) {
      var x = out[i];
      if (!x.h && 'けかゖゕ'.indexOf(x.c) >= 0 && isKanji(out[i - 1].c) && isKanji(out[i + 1].c)) x.c = 'ヶ';
    }
  }
  /** The text as the analyzer sees it before cutting it into terms (analyzer.rs: fold). */
  function fold(text) { return normalise(text).map(function (x) { return x.c; }).join(''); }

  function isDigits(run) { return run.k === WORD && /^[0-9]+$/.test(run.s); }

  /**
   * The query's distinct terms in order, and its phrases: the trigrams
   * ([offset, term]) that cover a word of four or more CJK characters,
   * which must stand at those offsets. A number in dashed groups is one
   * term of its digits. As parse_query in src/search/analyzer.rs.
   */
  function parseQuery(text) {
    var chars = normalise(text);
    for (var i = 1; i + 1 < chars.length; i++) {
      var p = chars[i - 1], cur = chars[i], n = chars[i + 1];
      var between = function (x) { return x.k === CJK && !x.h; };
      if (cur.h && PARTICLES.indexOf(cur.c) >= 0 && between(p) && between(n)) cur.k = OTHER;
    }
    var runs = [];
    chars.forEach(function (ch) {
      var last = runs[runs.length - 1];
      if (last && last.k === ch.k) last.s += ch.c;
      else runs.push({ k: ch.k, s: ch.c });
    });
    var terms = [], phrases = [];
    for (var r = 0; r < runs.length; r++) {
      var run = runs[r], tokens = [];
      if (run.k === CJK) {
        // A character, a bigram, a trigram, or the trigrams that cover a
        // longer word: every third and the last, at their offsets.
        var cs = Array.from(run.s), n = cs.length;
        if (n <= 3) tokens.push([0, run.s]);
        else {
          for (var j = 0; j <= n - 3; j += 3) tokens.push([j, cs.slice(j, j + 3).join('')]);
          if (tokens[tokens.length - 1][0] !== n - 3) tokens.push([n - 3, cs.slice(n - 3).join('')]);
        }
      } else if (run.k === WORD) {
        var digits = run.s;
        while (isDigits(runs[r]) && r + 2 < runs.length && runs[r + 1].k === DASH &&
          runs[r + 1].s.length === 1 && isDigits(runs[r + 2])) {
          r += 2;
          digits += runs[r].s;
        }
        tokens.push([0, digits]);
      }
      tokens.forEach(function (t) { if (terms.indexOf(t[1]) < 0) terms.push(t[1]); });
      if (tokens.length > 1) phrases.push(tokens);
    }
    return { terms: terms, phrases: phrases };
  }
  function analyzeQuery(text) { return parseQuery(text).terms; }

  /* ---------- index access ---------- */
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // Character code -> value; a table, since blocks hold thousands of them.
  var VALUE = new Int8Array(128);
  for (var a = 0; a < 64; a++) VALUE[ALPHABET.charCodeAt(a)] = a;

  function varints(s) {
    var out = [], n = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var v = VALUE[s.charCodeAt(i)];
      n += (v & 31) * Math.pow(2, shift);
      if (v & 32) shift += 5;
      else { out.push(n); n = 0; shift = 0; }
    }
    return out;
  }

  /** Postings of one part, best first, as parallel arrays: { docs, impacts, pos }. */
  function postings(s) {
    var v = varints(s), docs = [], impacts = [], i = 0, impact = 0, first = true;
    while (i < v.length) {
      impact = first ? v[i++] : impact - v[i++];
      first = false;
      var count = v[i++], doc = 0;
      for (var c = 0; c < count; c++) {
        doc = c === 0 ? v[i++] : doc + v[i++];
        docs.push(doc);
        impacts.push(impact);
      }
    }
    return { docs: docs, impacts: impacts, pos: null };
  }
  /** Postings of a document-ordered page whose documents start at `first`. */
  function pagePostings(s, first) {
    var v = varints(s), docs = [], impacts = [], doc = first;
    for (var i = 1; i < v.length; i += 2) {
      doc += v[i];
      docs.push(doc);
      impacts.push(v[0] + v[i + 1]);
    }
    return { docs: docs, impacts: impacts, pos: null };
  }
  /** Sets the positions of a part's postings, given in their order. */
  function withPositions(part, s) {
    var v = varints(s), i = 0;
    part.pos = part.docs.map(function () {
      var np = v[i++], at = 0, mine = [];
      for (var q = 0; q < np; q++) { at = q === 0 ? v[i++] : at + v[i++]; mine.push(at); }
      return mine;
    });
    return part;
  }
  /** Calls fn for each document of a facet: gaps, or after '~' runs (gap from the last run's end, length). */
  function eachDoc(s, fn) {
    var doc = 0, i;
    if (s.charAt(0) === '~') {
      var r = varints(s.slice(1));
      for (i = 0; i < r.length; i += 2) {
        doc += r[i];
        for (var end = doc + r[i + 1]; doc < end; doc++) fn(doc);
      }
      return;
    }
    var v = varints(s);
    for (i = 0; i < v.length; i++) { doc += v[i]; fn(doc); }
  }
  function docList(s) {
    var out = [];
    eachDoc(s, function (doc) { out.push(doc); });
    return out;
  }

  /**
   * The documents that the filters allow, as { allowed, runs }: allowed
   * is 1 where every group (the chosen types; the areas; each capability)
   * has a value the document has; runs are those documents as ranges
   * [from, to). The last is kept: every key typed has the same filters.
   */
  var lastFilter = { key: null };
  function allowedBy(m, keys, groups) {
    var key = JSON.stringify(keys);
    if (lastFilter.key === key) return lastFilter;
    // passed[doc]: how many groups the document has passed, in order
    var passed = new Uint8Array(m.docs);
    groups.forEach(function (g, gi) {
      g.forEach(function (e) {
        if (e) eachDoc(e, function (doc) { if (passed[doc] === gi) passed[doc] = gi + 1; });
      });
    });
    var n = groups.length;
    var runs = [];
    for (var d = 0; d < passed.length; d++) {
      passed[d] = passed[d] === n ? 1 : 0;
      if (!passed[d]) continue;
      var last = runs[runs.length - 1];
      if (last && last[1] === d) last[1] = d + 1;
      else runs.push([d, d + 1]);
    }
    lastFilter = { key: key, allowed: passed, runs: runs };
    return lastFilter;
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

  /* ---------- top results, as src/search/rank.rs ranks them ---------- */
  // Reading stops once the top results are settled; when what is left
  // unread is this small, it is read after them, for an exact count.
  var CHEAP_REST = 1000;
  // Blocks of one list asked for at once, at most: one wave of requests.
  var MAX_AHEAD = 8;
  var AHEAD_FACTOR = 4;
  // Pages of one list asked for at once: each is small, and a round trip
  // costs more than a second wave of them.
  var MAX_PAGES = 12;
  // A filtered search reads the pages of one list that cover the filter
  // (then it knows every match) once they cost no more bytes than this, or
  // than it has read so far: so never much more than the cheaper way.
  var COVER_FREE = 4096;

  function byRank(x, y) { return y.score - x.score || x.doc - y.doc; }

  /** Do a document's phrase trigrams stand at their offsets? */
  function phrasesHold(doc, phrases, termIndex, pos) {
    return phrases.every(function (ph) {
      return pos[termIndex[ph[0][1]]].get(doc).some(function (p0) {
        for (var i = 1; i < ph.length; i++) {
          if (pos[termIndex[ph[i][1]]].get(doc).indexOf(p0 + ph[i][0]) < 0) return false;
        }
        return true;
      });
    });
  }

  /** The page of list L whose range holds doc. */
  function pageOf(L, doc) {
    var lo = 0, hi = L.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (L.starts[mid] <= doc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  // Bytes per posting, roughly, in blocks (best first, so that one impact
  // serves many) and in pages (an impact each), and of positions (which a
  // trigram's blocks always carry, its pages' files only for a phrase).
  var BLOCK_BYTES = 1.3, PAGE_BYTES = 2.1, POSITION_BYTES = 3.2;
  function cost(L, postings, paged) {
    return postings * ((paged ? PAGE_BYTES : BLOCK_BYTES) + ((paged ? L.pos : L.tri) ? POSITION_BYTES : 0));
  }

  /** Postings of list L to read before its frontier is at most lv. */
  function toLevel(L, lv) {
    var n = 0;
    for (var b = L.parts; (b - 1) * 3 < L.rest.length && L.rest[(b - 1) * 3] > lv; b++) n += L.rest[(b - 1) * 3 + 2];
    return n;
  }

  /** The terms of phrases, as a set. */
  function phraseTerms(phrases) {
    var set = {};
    phrases.forEach(function (ph) { ph.forEach(function (t) { set[t[1]] = true; }); });
    return set;
  }

  /**
   * A trigram that only ever stands a fixed number of places after another
   * (its entry's eighth field: [root id, places]; see search_static.rs)
   * has the same documents and impacts. In a phrase, trigrams that put the
   * same root at the same place ask the same: only the first is checked,
   * and a term left in no phrase follows an earlier term's reading instead
   * of loading its own list. Returns the phrases to check and, per term,
   * the term it follows or -1.
   */
  function collapse(q, entries) {
    var follows = q.terms.map(function () { return -1; }), kept = {};
    var phrases = q.phrases.map(function (ph) {
      var first = {};
      return ph.filter(function (t) {
        var i = q.terms.indexOf(t[1]), e = entries[i], a = e[E.alias];
        var key = (a ? a[0] : e[E.id]) + '@' + (t[0] - (a ? a[1] : 0));
        if (!(key in first)) { first[key] = i; kept[i] = true; return true; }
        // (an earlier term only, so that no two follow each other)
        if (first[key] < i) follows[i] = first[key];
        return false;
      });
    }).filter(function (ph) { return ph.length > 1; });
    follows = follows.map(function (j, i) {
      // a term checked in a phrase needs its own positions
      if (kept[i]) return -1;
      while (j >= 0 && follows[j] >= 0) j = follows[j];
      return j;
    });
    return { phrases: phrases, follows: follows };
  }

  /**
   * One query's reading state. Each term's postings come best first, so
   * what is unread bounds every document not yet seen complete; reading
   * goes on only while such a document could still enter the top k. A long
   * list also has pages in document order: one tells, for every document
   * of its range, whether it is in the list and with what impact.
   */
  function Reader(q, entries, filter, docs) {
    var self = this;
    var c = collapse(q, entries), wasPhrase = phraseTerms(q.phrases);
    q = { terms: q.terms, phrases: c.phrases };
    this.q = q;
    this.termIndex = {};
    q.terms.forEach(function (t, i) { self.termIndex[t] = i; });
    // Positions are loaded only for the terms of a phrase.
    var inPhrase = phraseTerms(q.phrases);
    this.lists = entries.map(function (e, i) {
      // where each page starts, and which pages are read
      var starts = e[E.pageStarts] ? [0].concat(docList(e[E.pageStarts])) : null;
      var tri = !!e[E.trigram];
      return {
        id: e[E.id], tri: tri, pos: tri && !!inPhrase[q.terms[i]], df: e[E.count], head: e[E.head], rest: e[E.blocks],
        headPos: e[E.headPositions],
        parts: 0, read: 0, frontier: Infinity, next: 0,
        starts: starts, got: starts ? new Uint8Array(starts.length) : null,
        // 1 for the documents of the pages read; with a filter, the pages
        // over it, and whether they are being read
        inPages: starts ? new Uint8Array(docs) : null, paged: 0, cover: null, covering: false,
        // the list whose reading this one repeats (-1: none), and those
        // that repeat this one's; w: how many times its impacts count
        follows: c.follows[i], followers: [], w: 1, phrased: tri && !!wasPhrase[q.terms[i]],
      };
    });
    this.lists.forEach(function (L, i) {
      if (L.follows < 0) return;
      self.lists[L.follows].followers.push(i);
      self.lists[L.follows].w++;
    });
    // Per document, in flat arrays (a deep read sees tens of thousands):
    // its impact in each list (-1 unseen; an impact is at most a few
    // thousand, see rank.rs), the lists it was seen in, and the sum of its
    // impacts so far; positions per phrase list.
    this.imp = this.lists.map(function () { return new Int16Array(docs).fill(-1); });
    this.pos = this.lists.map(function (L) { return L.pos ? new Map() : null; });
    this.known = new Uint16Array(docs);
    this.sum = new Int32Array(docs);
    // null: every document; else 1 where the filters allow, and as runs.
    this.allowed = filter && filter.allowed;
    this.runs = filter && filter.runs;
    // Documents seen in some lists but not all (and, until the next
    // compact(), some that became complete or cannot match).
    this.cands = [];
    this.matches = [];
    this.sorted = true;
    // Every match is among the documents seen: a list was read to its end,
    // or over the whole filter.
    this.exhausted = false;
    // Bytes read so far, roughly.
    this.spent = 0;
  }
  /** Records the postings of a part of list li, but for documents known in it. */
  Reader.prototype.register = function (li, part, paged) {
    var n = this.lists.length;
    var docs = part.docs, impacts = part.impacts, allowed = this.allowed;
    var imp = this.imp[li], pos = this.pos[li], known = this.known, sum = this.sum, cands = this.cands;
    if (this.lists[li].follows < 0) this.spent += cost(this.lists[li], docs.length, paged);
    for (var j = 0; j < docs.length; j++) {
      var doc = docs[j];
      if ((allowed && !allowed[doc]) || imp[doc] >= 0) continue;
      if (known[doc] === 0) {
        // Once a list is exhausted, a document it lacks cannot match.
        if (this.exhausted) continue;
        cands.push(doc);
      }
      imp[doc] = impacts[j];
      sum[doc] += impacts[j];
      if (pos) pos.set(doc, part.pos[j]);
      if (++known[doc] === n) {
        if (phrasesHold(doc, this.q.phrases, this.termIndex, this.pos)) {
          this.matches.push({ doc: doc, score: sum[doc] });
          this.sorted = false;
        }
      }
    }
  };
  /** The next part of list li, best first, read. */
  Reader.prototype.take = function (li, part) {
    var L = this.lists[li];
    this.register(li, part, false);
    L.read += part.docs.length;
    L.parts++;
    var r = (L.parts - 1) * 3;
    if (r < L.rest.length) {
      L.frontier = L.rest[r];
      L.next = L.rest[r + 1];
    } else {
      L.frontier = -1;
      this.exhausted = true;
    }
  };
  /** Page J of list li read: its range of documents is known in the list. */
  Reader.prototype.takePage = function (li, J, part) {
    var L = this.lists[li];
    this.register(li, part, true);
    L.got[J] = 1;
    L.paged++;
    L.inPages.fill(1, L.starts[J], J + 1 < L.starts.length ? L.starts[J + 1] : L.inPages.length);
    if (L.covering && L.cover.every(function (p) { return L.got[p]; })) {
      // Known over the whole filter: as if read to its end.
      L.frontier = -1;
      this.exhausted = true;
    }
  };
  /** Read r ([li, ahead] or [li, -1, page]) done: for list li and those that follow it. */
  Reader.prototype.took = function (r, got) {
    var self = this, L = this.lists[r[0]];
    [r[0]].concat(L.followers).forEach(function (i) {
      if (r[1] < 0) self.takePage(i, r[2], got);
      else self.take(i, got);
      // (a follower is never the list chosen to cover the filter)
      self.lists[i].frontier = L.frontier;
    });
  };
  /**
   * Drops the candidates that are complete or that a list lacks (read to
   * its end, or the page of their range read), and calls visit(doc, ub)
   * for the rest with their upper bound.
   */
  Reader.prototype.compact = function (visit) {
    var lists = this.lists, imp = this.imp, sum = this.sum, known = this.known, n = lists.length;
    var cands = this.cands, live = 0;
    next: for (var x = 0; x < cands.length; x++) {
      var doc = cands[x];
      if (known[doc] === n) continue;
      var ub = sum[doc];
      for (var i = 0; i < n; i++) {
        if (imp[i][doc] >= 0) continue;
        var L = lists[i];
        if (L.frontier < 0 || (L.inPages && L.inPages[doc])) continue next;
        ub += doc >= L.next ? L.frontier : L.frontier - 1;
      }
      cands[live++] = doc;
      if (visit) visit(doc, ub);
    }
    cands.length = live;
    return live;
  };
  /**
   * With a filter, the lists to cover: whose pages over the filter (or
   * rest, if it has no pages) are read, as { li, pages } or { li, ahead }.
   * First the cheapest list, once it costs no more than COVER_FREE or what
   * was read so far; then every match is known, and each list that the
   * candidates lack is covered where that costs less than reading its rest.
   */
  Reader.prototype.covering = function (eligible) {
    if (!this.runs) return [];
    var self = this, options = [];
    this.lists.forEach(function (L, i) {
      if (L.frontier < 0 || L.follows >= 0 || !eligible(i)) return;
      if (!L.starts) {
        options.push({ li: i, bytes: cost(L, L.df - L.read, false), rest: 0, ahead: 1 + L.rest.length / 3 - L.parts });
        return;
      }
      if (!L.cover) {
        var pages = [];
        self.runs.forEach(function (r) {
          for (var p = pageOf(L, r[0]), to = pageOf(L, r[1] - 1); p <= to; p++) {
            if (pages[pages.length - 1] !== p) pages.push(p);
          }
        });
        L.cover = pages;
      }
      var left = L.cover.filter(function (p) { return !L.got[p]; });
      options.push({ li: i, bytes: cost(L, left.length * L.df / L.starts.length, true), rest: cost(L, L.df - L.read, false), pages: left });
    });
    var budget = Math.max(COVER_FREE, this.spent), chosen;
    if (this.exhausted) chosen = options.filter(function (o) { return o.bytes <= Math.max(budget, o.rest); });
    else {
      options.sort(function (x, y) { return x.bytes - y.bytes; });
      chosen = options.length && options[0].bytes <= budget ? [options[0]] : [];
    }
    return chosen.map(function (o) {
      if (!o.pages) return { li: o.li, ahead: o.ahead };
      self.lists[o.li].covering = true;
      return { li: o.li, pages: o.pages.slice(0, MAX_PAGES) };
    });
  };
  /**
   * What to read further for the top k, as { li, ahead } (the next parts
   * of list li, in one round) or { li, pages }; none when they are settled
   * (or, when counting, once every match is known or too much is left).
   */
  Reader.prototype.needed = function (k, counting) {
    if (!this.sorted) { this.matches.sort(byRank); this.sorted = true; }
    var lists = this.lists, need = {}, all = false, unseen = -1;
    var kth = this.matches.length >= k ? this.matches[k - 1] : null;
    function contends(score, doc) {
      return !kth || score > kth.score || (score === kth.score && doc < kth.doc);
    }
    if (!this.exhausted) {
      var ub = 0, next = 0;
      lists.forEach(function (L) { ub += L.frontier; next = Math.max(next, L.next); });
      if (contends(ub, next)) {
        if (lists.some(function (L) { return L.parts === 0; })) all = true;
        else {
          // Unseen documents could still enter: read on where the bound
          // drops most per posting read.
          var gain = -1;
          lists.forEach(function (L, i) {
            if (L.frontier < 0 || L.follows >= 0) return;
            var r = L.parts * 3, after = r < L.rest.length ? L.rest[r] : 0;
            var g = L.w * (L.frontier - after) / L.rest[r - 1];
            if (g > gain) { gain = g; unseen = i; }
          });
        }
      }
    }
    // For each list, the impact its frontier must fall to before every
    // candidate that lacks it is settled (how far to read ahead), and the
    // pages that hold those candidates.
    var level = lists.map(function () { return Infinity; });
    var wanted = lists.map(function () { return null; });
    // (and for the list read for unseen documents, where their bound
    // stops contending)
    // (A list's followers' frontiers fall with its own.)
    if (unseen >= 0 && kth) {
      var U = lists[unseen];
      level[unseen] = Math.floor((kth.score - (ub - U.w * U.frontier) - 1) / U.w);
    }
    if (!all) {
      var imp = this.imp, n = lists.length, best = [];
      this.compact(function (doc, ub) {
        if (!contends(ub, doc)) return;
        for (var j = 0; j < n; j++) {
          if (imp[j][doc] >= 0) continue;
          var L = lists[j];
          if (L.follows >= 0) continue;
          need[j] = true;
          if (kth) {
            var rest = ub - L.w * (doc >= L.next ? L.frontier : L.frontier - 1);
            level[j] = Math.min(level[j], Math.floor((kth.score - rest - 1) / L.w));
          }
        }
        if (kth) want(doc);
        else best.push([ub, doc]);
      });
      // Without a k-th result yet, every candidate contends: the pages of
      // those with the best bounds come first, as they may settle the rest.
      if (!kth) {
        best.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1]; });
        best.slice(0, 2 * k).forEach(function (b) { want(b[1]); });
      }
    }
    if (!all) {
      // Unseen documents could match: any list; else those that
      // candidates lack.
      var cover = this.covering(function (i) { return unseen >= 0 || need[i]; });
      if (cover.length) return cover;
    }
    function want(doc) {
      for (var j = 0; j < lists.length; j++) {
        var L = lists[j];
        // (A phrase's terms read on instead: their pages carry positions;
        // and where the phrase collapsed, reading on took fewer rounds
        // over the benchmark's queries than pages did.)
        if (imp[j][doc] >= 0 || !L.starts || L.phrased || L.follows >= 0) continue;
        var w = wanted[j] || (wanted[j] = {}), p = pageOf(L, doc);
        w[p] = (w[p] || 0) + 1;
      }
    }
    // How many parts of a list to read in one round: several where the
    // level foresees them, two once the list is being read deep, else one.
    function ahead(L, i) {
      var left = 1 + L.rest.length / 3 - L.parts;
      if (level[i] === Infinity) return Math.min(L.parts >= 2 ? 2 : 1, left);
      // Blocks until the frontier (the next block's first impact) is low
      // enough; but candidates found on the way settle sooner, so no more
      // than a few times what was read of the list so far.
      var a = 1, more = L.rest[(L.parts - 1) * 3 + 2], seen = L.read + (L.starts ? L.paged * L.df / L.starts.length : 0);
      while (a < Math.min(MAX_AHEAD, left) && L.rest[(L.parts + a - 1) * 3] > level[i]) {
        more += L.rest[(L.parts + a - 1) * 3 + 2];
        if (more > AHEAD_FACTOR * seen) break;
        a++;
      }
      return a;
    }
    var out = [];
    lists.forEach(function (L, i) {
      if (L.frontier < 0 || L.follows >= 0) return;
      var w = wanted[i];
      if (w) {
        // Candidates settle by their pages when these cost less than
        // reading the list down to where they would settle.
        // (Counting the pages already read, lest many rounds of pages,
        // each cheaper than the rest of the list, cost more than all of it.)
        var pages = Object.keys(w).map(Number);
        if (cost(L, (pages.length + L.paged) * L.df / L.starts.length, true) < cost(L, toLevel(L, kth ? level[i] : -1), false)) {
          pages.sort(function (x, y) { return w[y] - w[x] || x - y; });
          out.push({ li: i, pages: pages.slice(0, MAX_PAGES) });
          if (i === unseen) out.push({ li: i, ahead: 1 });
          return;
        }
      }
      if (all || need[i] || i === unseen) out.push({ li: i, ahead: ahead(L, i) });
    });
    if (!out.length && counting && !this.final()) {
      // Settled; finish when little is left, in one round, for an exact count.
      var left = 0;
      lists.forEach(function (L) { if (L.frontier >= 0 && L.follows < 0) left += L.df - L.read; });
      if (left <= CHEAP_REST) {
        lists.forEach(function (L, i) {
          if (L.frontier >= 0 && L.follows < 0) out.push({ li: i, ahead: 1 + L.rest.length / 3 - L.parts });
        });
      }
    }
    return out;
  };
  /** Every match is known (and so their number). */
  Reader.prototype.final = function () { return this.exhausted && this.compact(null) === 0; };
  /** Part `L.parts + ahead` of list li, decoded. */
  Reader.prototype.part = function (li, ahead) {
    var L = this.lists[li], n = L.parts + ahead;
    if (n === 0) return Promise.resolve(L.pos ? withPositions(postings(L.head), L.headPos) : postings(L.head));
    var key = L.id + '-' + n;
    return part('b' + key, 'b/' + key + '.js', function () { return store.blocks[key]; }).then(function (s) {
      return L.pos ? withPositions(postings(s), store.positions[key]) : postings(s);
    });
  };
  /** Page J of list li, decoded. */
  Reader.prototype.page = function (li, J) {
    var L = this.lists[li], key = L.id + '-' + J;
    var got = [part('r' + key, 'r/' + key + '.js', function () { return store.pages[key]; })];
    if (L.pos) got.push(part('q' + key, 'q/' + key + '.js', function () { return store.pagePositions[key]; }));
    return Promise.all(got).then(function (s) {
      var p = pagePostings(s[0], L.starts[J]);
      return L.pos ? withPositions(p, s[1]) : p;
    });
  };
  /**
   * While reading goes on, the display rows of the best matches so far
   * are loaded too (once the top file is in, those it does not hold):
   * most stay in the top, and their rows are then there when the reading
   * settles.
   */
  function prefetch(hits) {
    var m = store.meta;
    if (!topIds.every(function (id) { return store.tops[id]; })) return;
    hits.forEach(function (h) {
      var c = Math.floor(h.doc / m.chunk);
      if (!store.shown[h.doc] && !store.docs[c]) chunk(c).catch(function () { return null; });
    });
  }
  /** Reads until the top k are settled (and counted, if counting and cheap); resolves to this reader. */
  Reader.prototype.top = function (k, counting) {
    var self = this;
    function step() {
      // A newer search started (the next key was typed): stop loading for
      // this one, whose results nobody will show.
      if (self.generation !== generation) return self;
      // [list, part ahead] or [list, -1, page]
      var reads = [];
      self.needed(k, counting).forEach(function (want) {
        if (want.pages) want.pages.forEach(function (p) { reads.push([want.li, -1, p]); });
        else for (var a = 0; a < want.ahead; a++) reads.push([want.li, a]);
      });
      if (!reads.length) return self;
      prefetch(self.matches.slice(0, k));
      return Promise.all(reads.map(function (r) {
        return r[1] < 0 ? self.page(r[0], r[2]) : self.part(r[0], r[1]);
      })).then(function (parts) {
        parts.forEach(function (got, j) { self.took(reads[j], got); });
        return step();
      });
    }
    return Promise.resolve().then(step);
  };

  /**
   * Finds records: every query term in the name or the text (a phrase's
   * trigrams at their offsets), any of the chosen types, any of the chosen
   * areas, every chosen capability. Resolves to { terms, hits, total,
   * found, more }: at least the top `k` hits ({ doc, score }) in rank
   * order, `total` the number of matches or null when only the top was
   * read (then `found` is a lower bound), more(k2) to read on for the top
   * k2, and count() to read on for the number of matches when little is
   * left (resolves to the same, with total known if it was cheap).
   * Starting a search stops the reading of earlier ones.
   */
  function search(query, filters, k) {
    topIds = [];
    return searchAt(query, filters, k, ++generation);
  }
  function searchAt(query, filters, k, mine) {
    filters = filters || {};
    k = k || PAGE;
    var q = parseQuery(query || '');
    var terms = q.terms;
    function none() { return { terms: terms, total: 0, hits: [], more: function () { return Promise.resolve(none()); } }; }
    return meta().then(function (m) {
      var facetGroups = [];
      ['type', 'area'].forEach(function (f) {
        var vals = filters[f] || [];
        if (vals.length) facetGroups.push(vals.map(function (v) { return '\u0001' + f + '/' + v; }));
      });
      (filters.cap || []).forEach(function (c) { facetGroups.push(['\u0001cap/' + c]); });
      if (!terms.length && !facetGroups.length) return none();
      var termLookups = terms.map(function (t) { return lookup(m, t); });
      var facetLookups = facetGroups.map(function (g) { return Promise.all(g.map(function (key) { return lookup(m, key); })); });
      return Promise.all([Promise.all(termLookups), Promise.all(facetLookups)]).then(function (found) {
        var entries = found[0];
        if (entries.some(function (e) { return !e; })) return none();
        var filter = facetGroups.length ? allowedBy(m, facetGroups, found[1]) : null;
        // The page shown is mostly among the first results of the rarest
        // term's list (every result is in it), with filters too: its top
        // file holds their rows, one request instead of one per result,
        // loaded while the lists are read.
        var rarest = entries.reduce(function (a, e) { return !a || e[E.count] < a[E.count] ? e : a; }, null);
        if (rarest && rarest[E.count] > m.head) {
          if (topIds.indexOf(rarest[E.id]) < 0) topIds.push(rarest[E.id]);
          topsLoaded();
        }
        if (!terms.length) {
          // Filters only: every record in them, in guidebook order.
          var hits = [];
          filter.runs.forEach(function (r) { for (var d = r[0]; d < r[1]; d++) hits.push({ doc: d, score: 0 }); });
          var all = { terms: terms, total: hits.length, hits: hits, more: function () { return Promise.resolve(all); } };
          return all;
        }
        var reader = new Reader(q, entries, filter, m.docs);
        reader.generation = mine;
        function result(kk, counting) {
          return reader.top(kk, counting).then(function (r) {
            var fin = r.final();
            return {
              terms: terms,
              total: fin ? r.matches.length : null,
              found: r.matches.length,
              hits: fin ? r.matches : r.matches.slice(0, kk),
              more: result,
              count: function () { return result(kk, true); },
            };
          });
        }
        return result(k);
      });
    });
  }

  /* ---------- the query's plan, as src/search/expand.rs ---------- */
  var MAX_ALTERNATIVES = 8;
  function chars(s) { return Array.from(s).length; }
  /** The ways one word may be meant: itself, then with each everyday word replaced. */
  function options(x, word) {
    var folded = fold(word), out = [word];
    x.synonyms.forEach(function (syn) {
      var key = syn[0], words = syn[1];
      if (folded.indexOf(key) < 0) return;
      if (words.some(function (w) { w = fold(w); return w.indexOf(key) >= 0 && folded.indexOf(w) >= 0; })) return;
      words.forEach(function (w) {
        var replaced = folded.split(key).join(w);
        if (out.indexOf(replaced) < 0) out.push(replaced);
      });
    });
    return out;
  }
  function alternatives(x, words) {
    var alts = [[]];
    words.forEach(function (w) {
      var opts = options(x, w), next = [];
      for (var a = 0; a < alts.length && next.length < MAX_ALTERNATIVES; a++) {
        for (var o = 0; o < opts.length && next.length < MAX_ALTERNATIVES; o++) next.push(alts[a].concat([opts[o]]));
      }
      alts = next;
    });
    return alts;
  }
  function intended(x, alts) {
    var words = [];
    alts.forEach(function (a) { a.forEach(function (w) { words.push(fold(w)); }); });
    return x.types.filter(function (t) {
      return words.some(function (w) {
        return t[1].some(function (n) { return n === w || (chars(w) >= 4 && n.indexOf(w) >= 0); });
      });
    }).map(function (t) { return t[0]; });
  }
  /** The searches that answer a query: [{ tier, words, types }]. */
  function plan(x, words, types) {
    var alts = alternatives(x, words), want = intended(x, alts), subs = [];
    var first = types.length ? types.filter(function (t) { return want.indexOf(t) >= 0; }) : want;
    if (first.length && first.length !== types.length) {
      alts.forEach(function (a) { subs.push({ tier: 0, words: a, types: first }); });
    }
    alts.forEach(function (a) { subs.push({ tier: 1, words: a, types: types }); });
    return subs;
  }
  /**
   * A record once, at its best tier and score; by tier, score, then
   * guidebook order. With `firstDocs` (1 for the records of the types the
   * query names), a record's tier is whether it is one of them.
   */
  function merge(subs, results, firstDocs) {
    var best = new Map();
    subs.forEach(function (sub, i) {
      results[i].hits.forEach(function (h) {
        var tier = firstDocs ? (firstDocs[h.doc] ? 0 : 1) : sub.tier;
        var b = best.get(h.doc);
        if (!b || tier < b.tier || (tier === b.tier && h.score > b.score)) best.set(h.doc, { doc: h.doc, score: h.score, tier: tier });
      });
    });
    return Array.from(best.values()).sort(function (a, b) { return a.tier - b.tier || b.score - a.score || a.doc - b.doc; });
  }
  /** 1 for the documents of the given types. */
  function docsOfTypes(m, types) {
    return Promise.all(types.map(function (t) { return lookup(m, '\u0001type/' + t); })).then(function (entries) {
      var mark = new Uint8Array(m.docs);
      entries.forEach(function (e) { if (e) eachDoc(e, function (d) { mark[d] = 1; }); });
      return mark;
    });
  }

  /**
   * Finds records as `carebook search` does: the query's plan (synonyms,
   * readings, a named type first), each search run as search() runs one,
   * merged. Resolves like search(), with `words`: every word the plan
   * searched for (to highlight), and `alternatives`. With `beside`, it
   * runs beside the latest search instead of stopping it.
   *
   * The searches that put a named type first (tier 0) are the others with
   * a type filter; they are run only when the others' results cannot
   * settle the order by themselves: when every match is known, or the
   * top results are all of the named type, a record's tier is its type.
   */
  function find(query, filters, k, beside) {
    // beside: a search made for the same screen as the latest (a count
    // without filters), which must not stop it
    var mine = beside ? generation : ++generation;
    if (!beside) topIds = [];
    filters = filters || {};
    k = k || PAGE;
    var words = (query || '').split(/\s+/).filter(Boolean);
    return meta().then(function (m) {
      var subs = plan(m.expand, words, filters.type || []);
      var first = subs.filter(function (s) { return s.tier === 0; });
      var rest = subs.filter(function (s) { return s.tier === 1; });
      // (loaded only when the top rows cannot tell: see settle)
      var firstDocs = null;
      function byType() { return firstDocs || (firstDocs = docsOfTypes(m, first[0].types)); }
      var alts = [], marks = [];
      subs.forEach(function (s) {
        var a = s.words.join(' ');
        if (alts.indexOf(a) < 0) alts.push(a);
        s.words.forEach(function (w) { if (marks.indexOf(w) < 0) marks.push(w); });
      });
      function run(list, kk) {
        return Promise.all(list.map(function (s) {
          var f = { type: s.types, area: filters.area || [], cap: filters.cap || [] };
          return searchAt(s.words.join(' '), f, kk, mine);
        }));
      }
      // r1: results of the tier-1 searches; r0: of tier 0, if run.
      function combine(r1, r0, kk, byType) {
        var list = r0 ? first.concat(rest) : rest, results = r0 ? r0.concat(r1) : r1;
        var all = merge(list, results, byType);
        var fin = results.every(function (r) { return r.total != null; });
        var matched = new Set();
        r1.forEach(function (r) { r.hits.forEach(function (h) { matched.add(h.doc); }); });
        function next(how) {
          return Promise.all([Promise.all(r1.map(how)), r0 ? Promise.all(r0.map(how)) : null]);
        }
        return {
          terms: marks, words: marks, alternatives: alts,
          total: fin ? matched.size : null,
          found: Math.max(all.length, Math.max.apply(null, results.map(function (r) { return r.found || r.hits.length; }))),
          hits: fin ? all : all.slice(0, kk),
          more: function (k2) {
            return next(function (r) { return r.more(k2); }).then(function (got) { return settle(got[0], got[1], k2); });
          },
          count: function () {
            return next(function (r) { return r.count ? r.count() : r; }).then(function (got) { return settle(got[0], got[1], kk); });
          },
        };
      }
      function settle(r1, r0, kk) {
        if (r0 || !first.length) return Promise.resolve(combine(r1, r0, kk, null));
        var plain = combine(r1, null, kk, null), top = plain.hits.slice(0, kk);
        // The best are all of the named type: they are the first anyway
        // (their rows, shown next, tell their types).
        var allOfType = plain.total == null && top.length === kk
          ? display(top.map(function (h) { return h.doc; })).then(function (rows) {
            return rows.every(function (r) { return first[0].types.indexOf(r.typeKey) >= 0; });
          })
          : Promise.resolve(false);
        return allOfType.then(function (yes) {
          if (yes) return plain;
          return byType().then(function (of) {
            var c = combine(r1, null, kk, of);
            top = c.hits.slice(0, kk);
            if (c.total != null || (top.length === kk && top.every(function (h) { return of[h.doc]; }))) return c;
            return run(first, kk).then(function (got) { return combine(r1, got, kk, null); });
          });
        });
      }
      return run(rest, k).then(function (r1) { return settle(r1, null, k); });
    });
  }

  /** The searchable text of documents (what snippets are cut from). */
  function texts(docs) {
    return meta().then(function (m) {
      return Promise.all(docs.map(function (d) {
        var c = Math.floor(d / m.chunk);
        return part('x' + c, 'x/' + c + '.js', function () { return store.texts[c]; }).then(function (list) { return list[d % m.chunk]; });
      }));
    });
  }

  /** What results show, for the given documents. */
  function display(docs) {
    return Promise.all([meta(), topsLoaded()]).then(function (got) {
      var m = got[0];
      function row(d) {
        var c = store.docs[Math.floor(d / m.chunk)];
        return c ? c[d % m.chunk] : store.shown[d];
      }
      var need = {};
      docs.forEach(function (d) { if (!row(d)) need[Math.floor(d / m.chunk)] = true; });
      return Promise.all(Object.keys(need).map(function (c) { return chunk(+c); })).then(function () {
        return docs.map(function (d) {
          var r = row(d);
          var kind = m.kinds[r[R.kind] || 0], type = r[R.type], area = r[R.area];
          return {
            doc: d, kind: kind[0], id: r[R.id], name: r[R.name],
            type: type == null ? '' : m.types[type].name,
            typeKey: type == null ? '' : m.types[type].key,
            area: area == null ? '' : m.areas[area].name,
            phone: r[R.phone], address: r[R.address], url: kind[1] + r[R.id] + kind[2],
            caps: r[R.caps].map(function (c) { return m.capLabels[c]; }),
          };
        });
      });
    });
  }

  S.parseQuery = parseQuery;
  S.analyzeQuery = analyzeQuery;
  S.search = search;
  S.find = find;
  S.loadTexts = texts;
  S.fold = fold;
  S.display = display;
  S.loadMeta = meta;
  S.Stale = Stale;
  S.PAGE = PAGE;
})(typeof window !== 'undefined' ? window : globalThis);
