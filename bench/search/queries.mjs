// Queries for the synthetic guidebooks (examples/synth.rs): words that occur
// there (capability labels, types, name parts, areas, stations, readings,
// phone numbers), as a professional would type them. Filters use synth's keys.

/** Filters as { type?: [..], area?: [..], cap?: [..] }. */
const q = (text, filters = {}) => ({ q: text, filters });

// Facility f007777 exists at every size from 10,000 up; synth gives facility
// i the phone number phone_of(2 i) = 06-0001-5554.
export const PHONE = '06-0001-5554';

/** The three headline queries of issue 3, plus the word alone for the filter delta. */
export const HEADLINE = {
  oneWord: q('訪問看護'),
  twoWords: q('訪問看護 看取り'),
  filterBase: q('看取り'),
  wordTypeArea: q('看取り', { type: ['clinic'], area: ['nakamichi'] }),
};

export const PLAIN = [
  q('訪問看護'),
  q('看取り'),
  q('訪問診療'),
  q('無菌調剤'),
  q('往診'),
  q('緩和ケア'),
  q('認知症'),
  q('口腔ケア'),
  q('在宅酸素'),
  q('24時間対応'),
  q('クリニック'),
  q('薬局'),
  q('居宅介護支援'),
  q('地域包括支援センター'),
  q('整形外科'),
  q('山田'),
  q('さくら'),
  q('ひまわり'),
  q('中道'),
  q('鶴橋'),
  q('ほうもんかんご'),
  q(PHONE),
  q(PHONE.replace(/-/g, '')),
  q('訪問看護 看取り'),
  q('看取り 中道'),
  q('薬局 無菌調剤'),
  q('クリニック 往診'),
  q('山田 内科'),
  q('歯科 口腔ケア'),
  q('ひまわり 薬局'),
];

export const FILTERED = [
  q('看取り', { type: ['clinic'], area: ['nakamichi'] }),
  q('訪問看護', { area: ['kamiji'] }),
  q('無菌調剤', { type: ['pharmacy'], area: ['tamatsu'] }),
  q('往診', { type: ['clinic'] }),
  q('訪問診療', { type: ['clinic'], area: ['oimazato'] }),
  q('緩和ケア', { type: ['hospital'] }),
  q('24時間対応', { type: ['nursing'], area: ['fukaekita'] }),
  q('口腔ケア', { type: ['dental'], area: ['nakamoto'] }),
  q('認知症', { type: ['care'], area: ['higashiobase'] }),
  q('山田', { type: ['clinic'], area: ['nakamichi'] }),
  q('さくら', { type: ['pharmacy'] }),
  q('クリニック', { area: ['higashinakamoto'] }),
  q('薬局', { area: ['kamiji'] }),
  q('看取り', { type: ['nursing'] }),
  q('ケアプラン', { area: ['nakamichi'] }),
  q('内科', { type: ['clinic'], area: ['tamatsu'] }),
  q('訪問看護 看取り', { area: ['nakamoto'] }),
  q('薬局 無菌調剤', { area: ['oimazato'] }),
  q('地域包括支援センター', { area: ['tamatsu'] }),
  q('整形外科', { type: ['hospital'], area: ['kamiji'] }),
  q('ひまわり', { type: ['nursing'] }),
  q('在宅酸素', { type: ['clinic'], area: ['fukaekita'] }),
  q('歯科', { type: ['dental'], area: ['nakamichi'] }),
  q('鶴橋', { type: ['clinic'] }),
  q('中道', { type: ['pharmacy'] }),
  q('精神科', { type: ['nursing'], area: ['higashinakamoto'] }),
  q('経管栄養', { type: ['nursing'] }),
  q('一包化', { type: ['pharmacy'], area: ['tamatsu'] }),
  q('看取り', { type: ['nursing'], cap: ['on_call'] }),
  q('薬局', { cap: ['sterile'] }),
];

/** A label for tables: the words, then the filters. */
export function label(x) {
  const f = ['type', 'area', 'cap']
    .flatMap((k) => (x.filters[k] || []).map((v) => `${k}=${v}`))
    .join(' ');
  return f ? `${x.q} [${f}]` : x.q;
}

/** carebook's search page URL parameters (search.js: q, type, area, cap). */
export function params(x) {
  const p = new URLSearchParams();
  if (x.q) p.set('q', x.q);
  for (const k of ['type', 'area', 'cap']) for (const v of x.filters[k] || []) p.append(k, v);
  return p.toString();
}

// ------------------------------------------------------------ command line mix

const WORDS = [
  '訪問看護', '看取り', '訪問診療', '無菌調剤', '往診', '緩和ケア', '認知症', '口腔ケア',
  '在宅酸素', '24時間対応', '経管栄養', '一包化', '医療用麻薬', '人工呼吸器', 'リハビリ',
  'クリニック', '薬局', '歯科', '病院', '内科', '整形外科', '小児科', '居宅介護支援',
  '地域包括支援センター', 'ケアプラン', '山田', '田中', '中村', 'さくら', 'ひまわり',
  'あおば', 'すみれ', '中道', '玉津', '神路', '深江橋', '鶴橋', '今里', '緑橋',
  'ほうもんかんご', 'やっきょく', 'サクラ', 'ｸﾘﾆｯｸ', '東成区の訪問看護', '06-0001-5554', '0600015554',
];
const TYPES = ['hospital', 'clinic', 'dental', 'pharmacy', 'nursing', 'care', 'support'];
const AREAS = ['nakamichi', 'higashinakamoto', 'nakamoto', 'tamatsu', 'higashiobase', 'oimazato', 'fukaekita', 'kamiji'];
const CAPS = ['on_call', 'end_of_life', 'home_visit', 'dementia', 'sterile', 'tube_feeding'];

/** `count` command-line queries, deterministic: 1 or 2 words, half of them filtered. */
export function cliMix(count) {
  let s = 0x2610;
  const rnd = (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const pick = (a) => a[rnd(a.length)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const words = [pick(WORDS)];
    if (rnd(2)) {
      let w = pick(WORDS);
      while (w === words[0]) w = pick(WORDS);
      words.push(w);
    }
    const filters = {};
    const r = rnd(100);
    if (r >= 50 && r < 70) filters.type = [pick(TYPES)];
    else if (r >= 70 && r < 85) filters.area = [pick(AREAS)];
    else if (r >= 85 && r < 95) { filters.type = [pick(TYPES)]; filters.area = [pick(AREAS)]; }
    else if (r >= 95) filters.cap = [pick(CAPS)];
    out.push({ words, filters });
  }
  return out;
}
