//! `carebook import` on the fixture files of each format, re-import over
//! hand-edited records, and the open-data export (CSV layouts byte for byte,
//! JSON against its schema, and import(export(guidebook)) round trip).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn import_fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

/// A fresh copy of the import fixture guidebook (one hand-written record).
fn guidebook(tmp: &TempDir) -> PathBuf {
    let root = tmp.path().join("book");
    copy_dir(&import_fixture("guidebook"), &root);
    root
}

fn import(root: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        file.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    carebook(&args)
}

/// `carebook check` on the guidebook passes without errors.
fn assert_checks(root: &Path) {
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "check failed after import:\n{}",
        output_of(&o)
    );
}

fn record(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("content/facilities").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(text: &str) -> serde_yaml::Value {
    serde_yaml::from_str(text).unwrap()
}

#[test]
fn medical_layout_imports_good_rows_and_reports_the_bad_one() {
    let tmp = TempDir::new("import-medical");
    let root = guidebook(&tmp);
    let o = import(&root, &import_fixture("medical.csv"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", output_of(&o));
    // Row 4 starts on line 6 (row 2's 備考 holds a line break); 電話番号 is
    // its 12th field, at character 84 of that line.
    assert!(
        err.contains("medical.csv:6:84: error: phone \"06-123\" is not a Japanese phone number"),
        "{err}"
    );
    let out = stdout(&o);
    assert!(out.contains("added 4"), "{out}");
    assert!(out.contains("failed rows 1"), "{out}");
    assert!(
        out.contains("columns kept as internal notes (never published): 内線番号, 法人の名称, 時間外における対応, 病床数, 備考"),
        "{out}"
    );
    assert_checks(&root);

    let h = yaml(&record(&root, "hospital/hospital-2711500011.yaml"));
    assert_eq!(h["name"], "東成みなと病院");
    assert_eq!(h["kana"], "ひがしなりみなとびょういん");
    assert_eq!(h["type"], "hospital");
    assert_eq!(h["area"], "north", "中道 is a town of the north area");
    assert_eq!(h["address"]["postal"], "537-0025");
    assert_eq!(h["address"]["city"], "大阪市東成区");
    assert_eq!(h["address"]["line"], "中道3-14-2");
    assert_eq!(h["location"]["lat"].as_f64(), Some(34.6712));
    assert_eq!(h["hours"][0]["days"], "月～金");
    assert_eq!(h["hours"][1]["days"], "土");
    assert_eq!(h["hours"][1]["close"], "12:00");
    assert_eq!(h["departments"][2], "整形外科");
    assert_eq!(h["medical_code"], "2711500011");
    assert_eq!(h["corporate_number"], "1120005000011");
    assert_eq!(h["internal"]["imported"]["法人の名称"], "医療法人みなと会");

    // Half-width katakana, a phone without hyphens, 9:00 without its zero,
    // a quoted 備考 with a line break.
    let c = yaml(&record(&root, "clinic/clinic-2711500029.yaml"));
    assert_eq!(c["kana"], "ふかえみなみこどもくりにっく");
    assert_eq!(c["phone"], "06-0000-4011");
    assert_eq!(c["hours"][0]["open"], "09:00");
    assert_eq!(c["address"]["building"], "ふかえビル2階");
    assert_eq!(c["area"], "south");
    assert_eq!(
        c["internal"]["imported"]["備考"],
        "予約制。\n発熱外来は裏口から"
    );
    // 有床診療所 and 無床診療所 are both the sample's clinic type.
    let a = yaml(&record(&root, "clinic/clinic-2711500037.yaml"));
    assert_eq!(a["type"], "clinic");
    assert_eq!(a["hours"][0]["open"], "08:30");
}

#[test]
fn cp932_care_layout_and_mhlw_layout() {
    let tmp = TempDir::new("import-care");
    let root = guidebook(&tmp);
    let o = import(&root, &import_fixture("care_cp932.csv"), &[]);
    assert!(o.status.success(), "{}", output_of(&o));
    assert!(stdout(&o).contains("(CP932), 3 rows"), "{}", stdout(&o));
    let c = yaml(&record(&root, "care/care-2771500015.yaml"));
    assert_eq!(c["name"], "ひがし今里ケアプランセンター");
    assert_eq!(c["kana"], "ひがしいまざとけあぷらんせんたー");
    assert_eq!(c["office_number"], "2771500015");
    assert_eq!(c["hours_note"], "月～金　祝日・年末年始は休み");
    let s = yaml(&record(&root, "support/support-2771500031.yaml"));
    assert_eq!(s["type"], "support");
    let n = yaml(&record(&root, "nursing/nursing-2761500023.yaml"));
    assert_eq!(n["type"], "nursing");
    assert_eq!(n["address"]["building"], "中本ハイツ1階");

    let o = import(&root, &import_fixture("jigyosho_130.csv"), &[]);
    assert!(o.status.success(), "{}", output_of(&o));
    let out = stdout(&o);
    assert!(out.contains("介護サービス情報公表システム"), "{out}");
    assert!(out.contains("added 2"), "{out}");
    // The hand-written record with the same 事業所番号 is updated, not doubled.
    assert!(out.contains("changed 1"), "{out}");
    assert!(
        out.contains("~ content/facilities/nursing/tamatsu-houkan.yaml"),
        "{out}"
    );
    // The nursing station of the CP932 file is not in the MHLW file.
    assert!(
        out.contains(
            "? content/facilities/nursing/nursing-2761500023.yaml (中本訪問看護ステーション)"
        ),
        "{out}"
    );
    let f = yaml(&record(&root, "nursing/nursing-2761500119.yaml"));
    assert_eq!(f["kana"], "ふかえみなみほうもんかんごすてーしょん");
    assert_eq!(f["corporate_number"], "2120005000110");
    assert_eq!(f["internal"]["imported"]["備考"], "緊急時は\n携帯へ転送");
    assert_checks(&root);
}

#[test]
fn spreadsheet_columns_are_matched_by_name() {
    let tmp = TempDir::new("import-xlsx");
    let root = guidebook(&tmp);
    let o = import(&root, &import_fixture("members.xlsx"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", output_of(&o));
    assert!(
        err.contains("members.xlsx:4:3: error: type \"整骨院\" is not mapped to a facility type"),
        "{err}"
    );
    assert!(
        err.contains("`import` list in carebook.toml, or pass --type"),
        "{err}"
    );
    let out = stdout(&o);
    assert!(out.contains("added 2"), "{out}");
    assert!(
        out.contains("columns kept as internal notes (never published): 担当者, メモ"),
        "{out}"
    );
    let dir = root.join("content/facilities/pharmacy");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            yaml(&fs::read_to_string(e.unwrap().path()).unwrap())["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["中道ひまわり薬局", "東中本さくら薬局"]);
    let all: String = fs::read_dir(&dir)
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(all.contains("postal: 537-0025"), "{all}");
    assert!(
        all.contains("kana: ひがしなかもとさくらやっきょく"),
        "{all}"
    );
    assert!(all.contains("担当者: 薬剤師 中道"), "{all}");
    assert_checks(&root);
}

#[test]
fn a_file_of_no_known_layout_is_refused_naming_the_formats() {
    let tmp = TempDir::new("import-unknown");
    let root = guidebook(&tmp);
    let before = tree(&root);
    let o = import(&root, &import_fixture("unknown.csv"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("unknown.csv:1:1: error: the columns (氏名, 年齢, 趣味) match no format"),
        "{err}"
    );
    for f in ["medical (", "care (", "mhlw (", "sheet ("] {
        assert!(err.contains(f), "{f} missing in {err}");
    }
    assert_eq!(before, tree(&root));
    let o = import(&root, &import_fixture("unknown.csv"), &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_of(&o));
    assert!(
        stderr(&o).contains("unknown format \"csv\""),
        "{}",
        output_of(&o)
    );
}

#[test]
fn reimport_updates_imported_fields_and_keeps_hand_edits() {
    let tmp = TempDir::new("import-again");
    let root = guidebook(&tmp);
    let original = record(&root, "nursing/tamatsu-houkan.yaml");
    assert!(import(&root, &import_fixture("jigyosho_130.csv"), &[])
        .status
        .success());
    let dry_before = tree(&root);
    let o = import(
        &root,
        &import_fixture("jigyosho_130_new.csv"),
        &["--dry-run"],
    );
    assert!(o.status.success(), "{}", output_of(&o));
    let out = stdout(&o);
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(out.contains("phone: 06-0000-3101 → 06-0000-3109"), "{out}");
    assert_eq!(dry_before, tree(&root), "--dry-run wrote something");

    let o = import(&root, &import_fixture("jigyosho_130_new.csv"), &[]);
    assert!(o.status.success(), "{}", output_of(&o));
    let out = stdout(&o);
    assert!(out.contains("added 0\nchanged 2\n"), "{out}");
    assert!(out.contains("phone: 06-0000-3101 → 06-0000-3109"), "{out}");
    assert!(
        out.contains("hours_note: 月～土　日曜・祝日は休み → 月～日　日曜・祝日は休み"),
        "{out}"
    );
    // A facility the new file lacks is listed and kept.
    assert!(
        out.contains(
            "? content/facilities/nursing/nursing-2761500127.yaml (東小橋訪問看護ステーション)"
        ),
        "{out}"
    );
    assert!(root
        .join("content/facilities/nursing/nursing-2761500127.yaml")
        .exists());

    let now = record(&root, "nursing/tamatsu-houkan.yaml");
    assert!(now.contains("phone: 06-0000-3109\n"), "{now}");
    // Every line of the hand-written record but the phone's is still there,
    // in order: comments, the address line's comment, capabilities,
    // liaison, verified and internal notes.
    let kept: Vec<&str> = original
        .lines()
        .filter(|l| !l.starts_with("phone:"))
        .collect();
    let mut rest = now.lines();
    for l in &kept {
        assert!(rest.any(|n| n == *l), "line {l:?} lost or moved:\n{now}");
    }
    let v = yaml(&now);
    assert_eq!(v["verified"], "2026-09-15");
    assert_eq!(v["capabilities"][1], "end_of_life");
    assert_eq!(v["liaison"]["contact"], "所長 玉津");
    assert_eq!(v["internal"]["memo"], "所長の携帯は名簿参照");
    assert_eq!(v["location"]["lon"].as_f64(), Some(135.5281));
    assert_checks(&root);

    // The same file again changes nothing.
    let o = import(&root, &import_fixture("jigyosho_130_new.csv"), &[]);
    let out = stdout(&o);
    assert!(out.contains("added 0\nchanged 0\nuntouched 2\n"), "{out}");
}

#[test]
fn leftovers_of_an_interrupted_import_are_ignored_and_removed() {
    let tmp = TempDir::new("import-tmp");
    let root = guidebook(&tmp);
    // What a killed import leaves: a partial temporary file beside a record.
    let leftover =
        root.join("content/facilities/nursing/.nursing-2761500119.yaml.carebook-import.tmp");
    fs::write(&leftover, "name: 深江南訪問看護ステ").unwrap();
    assert_checks(&root);
    assert!(import(&root, &import_fixture("jigyosho_130.csv"), &[])
        .status
        .success());
    assert!(!leftover.exists());
    let left: Vec<_> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_checks(&root);
}

#[test]
fn type_import_names_are_validated_in_carebook_toml() {
    let tmp = TempDir::new("import-config");
    let root = guidebook(&tmp);
    let cfg = root.join("carebook.toml");
    let text = fs::read_to_string(&cfg).unwrap().replacen(
        "key = \"care\"",
        "key = \"care\"\nservice_codes = [4300]\nimport = [\"訪問看護\"]",
        1,
    );
    fs::write(&cfg, &text).unwrap();
    let o = carebook(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(!o.status.success());
    let line = text
        .lines()
        .position(|l| l.starts_with("service_codes = [4300]"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "carebook.toml:{line}:18: error: service code 4300 is not a 3-digit MHLW service code"
        )),
        "{err}"
    );
    // 訪問看護 is nursing's by default only when nursing names none itself;
    // here care claims it and nursing keeps its defaults, so no clash.
    assert!(!err.contains("訪問看護\" is given"), "{err}");
}

// ---- export ----

fn katakana_to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap(),
            c => c,
        })
        .collect()
}

#[test]
fn export_csv_layouts_are_exact() {
    let tmp = TempDir::new("export-csv");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let dir = out.join("opendata");
    let medical = fs::read(dir.join("271152_medical_institution.csv")).unwrap();
    let care = fs::read(dir.join("271152_care_service.csv")).unwrap();
    // The column lists as the recommended data sets publish them.
    let medical_header = "\u{feff}都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,医療機関の種類,住所,方書,緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,医療機関コード,診療曜日,診療開始時間,診療終了時間,診療日時特記事項,時間外における対応,診療科目,病床数,URL,備考\r\n";
    let care_header = "\u{feff}都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,介護サービス事業所名称,介護サービス事業所名称_カナ,実施サービス,住所,方書,緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,備考\r\n";
    assert!(medical.starts_with(medical_header.as_bytes()));
    assert!(care.starts_with(care_header.as_bytes()));
    for (data, cols) in [(&medical, 26), (&care, 22)] {
        let text = std::str::from_utf8(data).unwrap();
        // Every line break outside quotes is CRLF.
        assert!(!text.replace("\r\n", "").contains('\n') || text.contains('"'));
        let mut r = csv::ReaderBuilder::new().from_reader(&data[3..]);
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), cols);
            assert_eq!(&rec[0], "271152");
            assert_eq!(&rec[2], "大阪府");
        }
    }
    let mut r = csv::ReaderBuilder::new().from_reader(&medical[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let types: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[6]).collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["歯科診療所", "無床診療所", "病院", "薬局"]
    );
    for r in &rows {
        for t in r[18]
            .split(';')
            .chain(r[19].split(';'))
            .filter(|t| !t.is_empty())
        {
            assert!(
                t.len() == 5 && t.as_bytes()[2] == b':',
                "time {t} is not hh:mm"
            );
        }
        assert!(["", "有", "無"].contains(&&r[21]), "{:?}", &r[21]);
    }
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains("CC BY 4.0"), "{page}");
    assert!(page.contains("2026-10-01"), "{page}");
    assert!(
        page.contains("href=\"271152_medical_institution.csv\""),
        "{page}"
    );
    assert!(page.contains("href=\"guidebook.schema.json\""), "{page}");
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("href=\"opendata/index.html\""),
        "footer link missing"
    );
}

#[test]
fn export_json_follows_its_schema() {
    let tmp = TempDir::new("export-json");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let doc = json(&out.join("opendata/guidebook.json")).unwrap();
    let schema = json(&out.join("opendata/guidebook.schema.json")).unwrap();
    // (A small checker for what the schema uses: type, required,
    // additionalProperties false, properties, items, anyOf, pattern.)
    fn check(v: &Value, s: &Value, at: &str) {
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let mut ok = false;
            for alt in any {
                if std::panic::catch_unwind(|| check(v, alt, at)).is_ok() {
                    ok = true;
                    break;
                }
            }
            assert!(ok, "{at}: {v} matches no alternative");
            return;
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        assert!(
            types.is_empty() || types.contains(&kind),
            "{at}: {kind} is not {types:?}"
        );
        if let (Value::String(text), Some(p)) = (v, s.get("pattern").and_then(Value::as_str)) {
            // The patterns are ^[0-9]{n}$ and the phone/postal/time forms:
            // check their digit counts the simple way.
            if p == "^[0-9]{10}$" || p == "^[0-9]{13}$" || p == "^[0-9]{6}$" {
                let n: usize = p[7..p.len() - 2].parse().unwrap();
                assert!(
                    text.len() == n && text.bytes().all(|b| b.is_ascii_digit()),
                    "{at}: {text} !~ {p}"
                );
            }
        }
        if let Value::Object(o) = v {
            let props = s.get("properties").and_then(Value::as_object);
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(o.contains_key(r.as_str().unwrap()), "{at}: missing {r}");
            }
            for (k, val) in o {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => check(val, ps, &format!("{at}.{k}")),
                    None => assert!(
                        s.get("additionalProperties") != Some(&Value::Bool(false)),
                        "{at}: {k} is not in the schema"
                    ),
                }
            }
        }
        if let (Value::Array(a), Some(items)) = (v, s.get("items")) {
            for (i, x) in a.iter().enumerate() {
                check(x, items, &format!("{at}[{i}]"));
            }
        }
    }
    check(&doc, &schema, "$");
    let facilities = doc["facilities"].as_array().unwrap();
    let files = walkdir::WalkDir::new(repo().join("content/facilities"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(facilities.len(), files);
    assert_eq!(doc["licence"], "CC BY 4.0");
    assert_eq!(doc["as_of"], "2026-10-01");
    assert!(!doc["windows"].as_array().unwrap().is_empty());
    assert!(!doc["meetings"].as_array().unwrap().is_empty());
}

/// The mapped fields of a facility in the export's JSON, for comparison.
fn mapped(f: &Value, medical: bool) -> BTreeMap<&'static str, Value> {
    let mut m = BTreeMap::new();
    for k in [
        "name",
        "type",
        "area",
        "address",
        "location",
        "phone",
        "fax",
        "url",
        "corporate_number",
    ] {
        m.insert(k, f[k].clone());
    }
    m.insert(
        "kana",
        Value::from(katakana_to_hiragana(f["kana"].as_str().unwrap())),
    );
    if medical {
        for k in ["hours", "hours_note", "departments", "medical_code"] {
            m.insert(k, f[k].clone());
        }
    } else {
        m.insert("office_number", f["office_number"].clone());
    }
    m
}

#[test]
fn import_of_the_export_gives_back_every_mapped_field() {
    let tmp = TempDir::new("roundtrip");
    let out = tmp.path().join("site");
    build(&repo(), &out);
    let original = json(&out.join("opendata/guidebook.json")).unwrap();

    // A new guidebook with the sample's settings and no records.
    let root = tmp.path().join("again");
    fs::create_dir_all(root.join("content")).unwrap();
    fs::copy(repo().join("carebook.toml"), root.join("carebook.toml")).unwrap();
    for f in ["271152_medical_institution.csv", "271152_care_service.csv"] {
        let o = import(&root, &out.join("opendata").join(f), &[]);
        assert!(o.status.success(), "{f}:\n{}", output_of(&o));
    }
    assert_checks(&root);
    let out2 = tmp.path().join("site2");
    build(&root, &out2);
    let again = json(&out2.join("opendata/guidebook.json")).unwrap();

    let medical_types = ["hospital", "clinic", "dental", "pharmacy"];
    let by_name = |doc: &Value| -> BTreeMap<String, Value> {
        doc["facilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap().to_string(), f.clone()))
            .collect()
    };
    let (a, b) = (by_name(&original), by_name(&again));
    assert_eq!(
        a.len(),
        original["facilities"].as_array().unwrap().len(),
        "names are unique"
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, f) in &a {
        let medical = medical_types.contains(&f["type"].as_str().unwrap());
        assert_eq!(mapped(f, medical), mapped(&b[name], medical), "{name}");
    }
    // The comparison covers filled fields, not only empty ones.
    let filled = |k: &str| a.values().filter(|f| !f[k].is_null()).count();
    for k in [
        "location",
        "fax",
        "url",
        "hours_note",
        "medical_code",
        "office_number",
        "corporate_number",
    ] {
        assert!(filled(k) > 0, "no facility of the sample has {k}");
    }
    assert!(a.values().any(|f| !f["address"]["building"].is_null()));
    assert!(a.values().any(|f| f["hours"].as_array().unwrap().len() > 1));
    // Hand-kept fields are not in the layouts: they come back empty.
    assert!(b
        .values()
        .all(|f| f["capabilities"].as_array().unwrap().is_empty()));
}

/// The MHLW files give no postal code: a row takes its town's from the
/// settings' [postal_codes] (the longest town the address starts with), and
/// a town without one is reported.
#[test]
fn addresses_without_postal_codes_take_their_towns() {
    let tmp = TempDir::new("import-no-postal");
    let root = guidebook(&tmp);
    let file = import_fixture("jigyosho_430_no_postal.csv");
    let o = import(&root, &file, &[]);
    let out = output_of(&o);
    assert_eq!(out.matches("has no postal code").count(), 4, "{out}");
    assert!(out.contains("[postal_codes]"), "{out}");

    let config = root.join("carebook.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    let at = toml.find("[[areas]]").unwrap();
    toml.insert_str(
        at,
        "[postal_codes]\n\"中道\" = \"537-0025\"\n\"東中本\" = \"537-0021\"\n\"大今里\" = \"537-0012\"\n\"大今里西\" = \"537-0013\"\n\n",
    );
    std::fs::write(&config, toml).unwrap();
    let o = import(&root, &file, &[]);
    let out = output_of(&o);
    assert!(out.contains("added 3"), "{out}");
    // 神路 has no code in the settings: that row alone is reported, at its line.
    assert_eq!(out.matches("has no postal code").count(), 1, "{out}");
    assert!(out.contains("jigyosho_430_no_postal.csv:5:"), "{out}");
    let postal = |id: &str| {
        yaml(&record(&root, &format!("care/care-{id}.yaml")))["address"]["postal"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(postal("2771500111"), "537-0025");
    assert_eq!(postal("2771500129"), "537-0021");
    // 大今里西, not 大今里: the longest town wins
    assert_eq!(postal("2771500145"), "537-0013");
    assert_checks(&root);
}
