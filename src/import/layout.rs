//! The source layouts: the recommended data sets' 医療機関一覧 and
//! 介護サービス事業所一覧, the MHLW 介護サービス情報公表システム
//! `jigyosho_*.csv`, and a spreadsheet of the office's own. Each column name
//! is matched to a record field; the export writes the same column lists.

use std::fmt;
use std::str::FromStr;

/// 推奨データセット 医療機関一覧, in the published order.
pub const MEDICAL_COLUMNS: [&str; 26] = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "医療機関の種類",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "医療機関コード",
    "診療曜日",
    "診療開始時間",
    "診療終了時間",
    "診療日時特記事項",
    "時間外における対応",
    "診療科目",
    "病床数",
    "URL",
    "備考",
];

/// 推奨データセット 介護サービス事業所一覧, in the published order.
pub const CARE_COLUMNS: [&str; 22] = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "実施サービス",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "備考",
];

/// MHLW 介護サービス情報公表システム オープンデータ (jigyosho_NNN.csv).
pub const MHLW_COLUMNS: [&str; 24] = [
    "都道府県コード又は市町村コード",
    "No",
    "都道府県名",
    "市区町村名",
    "事業所名",
    "事業所名カナ",
    "サービスの種類",
    "住所",
    "方書（ビル名等）",
    "緯度",
    "経度",
    "電話番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "高齢者の方と障害者の方が同時一体的に利用できるサービス",
    "介護保険の通常の指定基準を満たしている",
    "障害福祉の通常の指定基準を満たしている",
    "備考",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 推奨データセット 医療機関一覧.
    Medical,
    /// 推奨データセット 介護サービス事業所一覧.
    Care,
    /// MHLW jigyosho_*.csv.
    Mhlw,
    /// The office's own sheet: Japanese column names matched one by one.
    Sheet,
}

pub const FORMAT_NAMES: &str = "medical (推奨データセット 医療機関一覧), care (推奨データセット 介護サービス事業所一覧), mhlw (介護サービス情報公表システム jigyosho_*.csv), sheet (a list of your own with 名称, 住所, 電話番号, … columns)";

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "medical" => Ok(Format::Medical),
            "care" => Ok(Format::Care),
            "mhlw" => Ok(Format::Mhlw),
            "sheet" => Ok(Format::Sheet),
            _ => Err(format!(
                "unknown format \"{s}\"; the formats are {FORMAT_NAMES}"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Medical => "推奨データセット 医療機関一覧",
            Format::Care => "推奨データセット 介護サービス事業所一覧",
            Format::Mhlw => "介護サービス情報公表システム (jigyosho)",
            Format::Sheet => "own list (column names)",
        })
    }
}

/// The format a header names: the layout whose distinctive columns it
/// holds; a spreadsheet, or a CSV naming at least 名称 and 住所, is read by
/// its column names.
pub fn detect(header: &[String], spreadsheet: bool) -> Option<Format> {
    let has = |c: &str| header.iter().any(|h| h == c);
    if has("医療機関の種類") || has("医療機関コード") {
        Some(Format::Medical)
    } else if has("介護サービス事業所名称") {
        Some(Format::Care)
    } else if has("事業所名") && has("サービスの種類") {
        Some(Format::Mhlw)
    } else if spreadsheet
        || header
            .iter()
            .filter_map(|h| field(h))
            .any(|f| f == Field::Name)
            && header
                .iter()
                .filter_map(|h| field(h))
                .any(|f| f == Field::Address)
    {
        Some(Format::Sheet)
    } else {
        None
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Kana,
    Kind,
    Address,
    Building,
    Postal,
    City,
    Lat,
    Lon,
    Phone,
    Fax,
    Email,
    Url,
    Days,
    Open,
    Close,
    DaysNote,
    Departments,
    MedicalCode,
    OfficeNumber,
    CorporateNumber,
    Area,
    /// Read for nothing: codes and names of the publishing municipality.
    Skip,
}

/// The field a column name means; `None` for columns kept as internal notes.
pub fn field(column: &str) -> Option<Field> {
    let c: String = column
        .trim()
        .chars()
        .map(|c| match c {
            'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'A' as u32).unwrap_or(c),
            'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'A' as u32).unwrap_or(c),
            c => c.to_ascii_uppercase(),
        })
        .collect();
    Some(match c.as_str() {
        "名称" | "介護サービス事業所名称" | "事業所名" | "施設名" | "医療機関名" | "事業所名称" => {
            Field::Name
        }
        "名称_カナ"
        | "介護サービス事業所名称_カナ"
        | "事業所名カナ"
        | "フリガナ"
        | "ふりがな"
        | "カナ"
        | "よみがな"
        | "読み"
        | "名称カナ" => Field::Kana,
        "医療機関の種類" | "実施サービス" | "サービスの種類" | "種類" | "種別" => {
            Field::Kind
        }
        "住所" | "所在地" | "所在地_連結表記" => Field::Address,
        "方書" | "方書（ビル名等）" | "方書(ビル名等)" | "所在地_方書" | "建物名" => {
            Field::Building
        }
        "郵便番号" => Field::Postal,
        "市区町村名" => Field::City,
        "緯度" => Field::Lat,
        "経度" => Field::Lon,
        "電話番号" | "電話" | "TEL" => Field::Phone,
        "FAX番号" | "FAX" => Field::Fax,
        "メールアドレス" | "EMAIL" | "E-MAIL" => Field::Email,
        "URL" | "ホームページ" => Field::Url,
        "診療曜日" | "利用可能曜日" | "曜日" => Field::Days,
        "診療開始時間" | "開始時間" | "開始時刻" => Field::Open,
        "診療終了時間" | "終了時間" | "終了時刻" => Field::Close,
        "診療日時特記事項" | "利用可能曜日特記事項" | "特記事項" => {
            Field::DaysNote
        }
        "診療科目" => Field::Departments,
        "医療機関コード" => Field::MedicalCode,
        "事業所番号" | "介護保険事業所番号" => Field::OfficeNumber,
        "法人番号" => Field::CorporateNumber,
        "地域" | "圏域" => Field::Area,
        "都道府県コード又は市区町村コード"
        | "都道府県コード又は市町村コード"
        | "全国地方公共団体コード"
        | "NO"
        | "ID"
        | "都道府県名"
        | "地方公共団体名" => Field::Skip,
        _ => return None,
    })
}
