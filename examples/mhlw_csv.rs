//! A synthetic MHLW 介護サービス情報公表システム open-data file
//! (`jigyosho_130.csv` layout: UTF-8 with BOM, CRLF, 24 columns) of N
//! fictional 訪問看護 offices in 大阪市東成区, for bench/opendata.sh.
//!
//! ```sh
//! cargo run --release --example mhlw_csv -- N FILE
//! ```
//!
//! Deterministic (row i depends only on i), standard library only. Every
//! row is valid for the sample guidebook's carebook.toml: its town is one of
//! the areas' `towns`, its phone a 06-0000-xxxx-style number, its 事業所番号
//! unique. One row in ten has a 備考 with a line break, quoted.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::{env, process};

const HEADER: &str = "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,サービスの種類,住所,方書（ビル名等）,緯度,経度,電話番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,高齢者の方と障害者の方が同時一体的に利用できるサービス,介護保険の通常の指定基準を満たしている,障害福祉の通常の指定基準を満たしている,備考";

/// (town, its kana, postal code)
const TOWNS: [(&str, &str, &str); 12] = [
    ("東小橋", "ﾋｶﾞｼｵﾊﾞｾ", "537-0024"),
    ("玉津", "ﾀﾏﾂ", "537-0023"),
    ("中道", "ﾅｶﾐﾁ", "537-0025"),
    ("中本", "ﾅｶﾓﾄ", "537-0021"),
    ("東中本", "ﾋｶﾞｼﾅｶﾓﾄ", "537-0022"),
    ("深江北", "ﾌｶｴｷﾀ", "537-0001"),
    ("大今里", "ｵｵｲﾏｻﾞﾄ", "537-0012"),
    ("大今里西", "ｵｵｲﾏｻﾞﾄﾆｼ", "537-0014"),
    ("大今里南", "ｵｵｲﾏｻﾞﾄﾐﾅﾐ", "537-0013"),
    ("東今里", "ﾋｶﾞｼｲﾏｻﾞﾄ", "537-0011"),
    ("神路", "ｶﾐｼﾞ", "537-0003"),
    ("深江南", "ﾌｶｴﾐﾅﾐ", "537-0002"),
];

const WORDS: [(&str, &str); 8] = [
    ("さくら", "ｻｸﾗ"),
    ("ひまわり", "ﾋﾏﾜﾘ"),
    ("あおば", "ｱｵﾊﾞ"),
    ("みどり", "ﾐﾄﾞﾘ"),
    ("すみれ", "ｽﾐﾚ"),
    ("つばさ", "ﾂﾊﾞｻ"),
    ("やまびこ", "ﾔﾏﾋﾞｺ"),
    ("こもれび", "ｺﾓﾚﾋﾞ"),
];

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let (Some(n), Some(file)) = (
        args.first().and_then(|n| n.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: mhlw_csv N FILE");
        process::exit(2);
    };
    let mut w = BufWriter::new(File::create(file).unwrap_or_else(|e| {
        eprintln!("cannot write {file}: {e}");
        process::exit(1);
    }));
    let mut out = String::with_capacity(1 << 16);
    out.push('\u{feff}');
    out.push_str(HEADER);
    out.push_str("\r\n");
    for i in 1..=n {
        let (town, town_kana, postal) = TOWNS[(i % 12) as usize];
        let (word, word_kana) = WORDS[((i / 12) % 8) as usize];
        // Phone numbers 06-xxxx-xxxx, unique per row (fictional).
        let phone = format!("06-{:04}-{:04}", 1000 + (i / 10_000) % 9000, i % 10_000);
        let note = if i % 10 == 0 {
            "\"緊急時は\n携帯へ転送\""
        } else {
            ""
        };
        let lat = 34.66 + (i % 97) as f64 * 0.0001;
        let lon = 135.53 + (i % 89) as f64 * 0.0001;
        out.push_str(&format!(
            "271152,{i},大阪府,大阪市東成区,{town}{word}訪問看護ステーション{i},{town_kana}{word_kana}ﾎｳﾓﾝｶﾝｺﾞｽﾃｰｼｮﾝ,訪問看護,〒{postal} 大阪府大阪市東成区{town}{}-{}-{},,{lat:.4},{lon:.4},{phone},,,合同会社{word},27{:08},月～金,土日祝は休み,,https://example.jp/{i}/,,,,{note}\r\n",
            1 + i % 5,
            1 + i % 20,
            1 + i % 30,
            i
        ));
        if out.len() > 1 << 16 {
            w.write_all(out.as_bytes()).unwrap();
            out.clear();
        }
    }
    w.write_all(out.as_bytes()).unwrap();
    w.flush().unwrap();
}
