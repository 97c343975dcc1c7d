//! Reading a source file into a header and rows of text cells: CSV in
//! UTF-8 (with or without BOM) or CP932, decoded with encoding_rs and split
//! with the csv crate; spreadsheets with calamine. Each cell keeps where it
//! stands in the file, for diagnostics.

use std::path::Path;

use crate::diag::{Diagnostic, Pos};

/// A table read from a file.
pub struct Table {
    pub header: Vec<String>,
    /// The header's line (1 for files whose header is the first line).
    pub rows: Vec<Row>,
    /// `UTF-8`, `UTF-8 (BOM)`, `CP932` or `spreadsheet`.
    pub encoding: &'static str,
}

pub struct Row {
    /// The line (CSV) or row (spreadsheet) the record starts on, 1-based.
    pub line: usize,
    pub cells: Vec<String>,
    /// `(line, col)` of each cell's first character.
    pub at: Vec<(usize, usize)>,
}

impl Row {
    pub fn pos(&self, cell: Option<usize>) -> Pos {
        match cell.and_then(|i| self.at.get(i)) {
            Some(&(line, col)) => Pos::At { line, col },
            None => Pos::At {
                line: self.line,
                col: 1,
            },
        }
    }
}

pub fn is_spreadsheet(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

pub fn read(path: &Path) -> Result<Table, Diagnostic> {
    if is_spreadsheet(path) {
        return read_sheet(path);
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(path, Pos::File, format!("cannot read the file: {e}"))
            .with_hint("check the path; carebook import reads .csv, .xlsx, .xls and .ods files")
    })?;
    let (text, encoding) = decode(path, &bytes)?;
    read_csv(path, &text, encoding)
}

/// UTF-8 (a BOM is dropped) or, when the bytes are not UTF-8, CP932.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), "UTF-8 (BOM)")),
            Err(e) => Err(bad_bytes(path, rest, e.valid_up_to(), "UTF-8")),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8")),
        Err(utf8) => {
            // encoding_rs's Shift_JIS is the WHATWG one: Windows-31J (CP932).
            let (text, had_errors) = encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map_or((None, true), |t| (Some(t), false));
            match text {
                Some(t) if !had_errors => Ok((t.into_owned(), "CP932")),
                _ => Err(bad_bytes(path, bytes, utf8.valid_up_to(), "UTF-8 or CP932")),
            }
        }
    }
}

fn bad_bytes(path: &Path, bytes: &[u8], at: usize, what: &str) -> Diagnostic {
    let before = String::from_utf8_lossy(&bytes[..at]);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Diagnostic::error(
        path,
        Pos::At { line, col },
        format!("the file is neither {what} text here"),
    )
    .with_hint("save the CSV as UTF-8 (CSV UTF-8 in Excel) or Shift_JIS, and import it again")
}

/// Byte offsets of line starts, to turn offsets into lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        (line, col)
    }
}

/// Where each field of the record starting at `start` begins (the scan
/// follows the csv crate's quoting rules: `"` opens a quoted field only at
/// its start, `""` inside it is a quote).
fn field_offsets(text: &str, start: usize, n: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(n);
    let mut i = start;
    while out.len() < n && i <= b.len() {
        out.push(i);
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        if i < b.len() && b[i] == b',' {
            i += 1;
        } else {
            break;
        }
    }
    out
}

fn read_csv(path: &Path, text: &str, encoding: &'static str) -> Result<Table, Diagnostic> {
    let lines = Lines::new(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = rdr.position().byte() as usize;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let (line, col) = e
                    .position()
                    .map_or((1, 1), |p| lines.line_col(p.byte() as usize));
                return Err(Diagnostic::error(
                    path,
                    Pos::At { line, col },
                    format!("the CSV cannot be read here: {e}"),
                )
                .with_hint("check the quotes of this line: a field with a comma or line break is written in double quotes"));
            }
        }
        // (The reader stops after a CR, before its LF: skip line ends.)
        let mut begin = record.position().map_or(start, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(begin), Some(b'\r' | b'\n')) {
            begin += 1;
        }
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let offsets = field_offsets(text, begin, cells.len());
        let at = offsets.iter().map(|&o| lines.line_col(o)).collect();
        let line = lines.line_col(begin).0;
        match header {
            None => header = Some(cells),
            Some(_) => rows.push(Row { line, cells, at }),
        }
    }
    let header = header.ok_or_else(|| {
        Diagnostic::error(path, Pos::File, "the file is empty")
            .with_hint("import a CSV whose first line names the columns (名称, 住所, 電話番号, …)")
    })?;
    Ok(Table {
        header,
        rows,
        encoding,
    })
}

fn read_sheet(path: &Path) -> Result<Table, Diagnostic> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        Diagnostic::error(path, Pos::File, format!("cannot read the spreadsheet: {e}"))
            .with_hint("save it again as .xlsx or .ods, or export the sheet as CSV")
    })?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return Err(Diagnostic::error(
                path,
                Pos::File,
                format!("cannot read the first sheet: {e}"),
            ))
        }
        None => {
            return Err(
                Diagnostic::error(path, Pos::File, "the workbook has no sheet").with_hint(
                    "put the list on the first sheet, with the column names on its first row",
                ),
            )
        }
    };
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let cell_text = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => if *b { "有" } else { "無" }.to_string(),
            Data::DateTime(dt) => {
                let v = dt.as_f64();
                if (0.0..1.0).contains(&v) {
                    let minutes = (v * 24.0 * 60.0).round() as u32;
                    format!("{:02}:{:02}", minutes / 60, minutes % 60)
                } else {
                    // Excel's serial day count starts at 1899-12-30.
                    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                        .and_then(|d| d.checked_add_days(chrono::Days::new(v.max(0.0) as u64)))
                        .map_or_else(|| v.to_string(), |d| d.to_string())
                }
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let line = row0 as usize + i + 1;
        let at = (0..cells.len())
            .map(|c| (line, col0 as usize + c + 1))
            .collect();
        match header {
            None => header = Some(cells),
            Some(_) => rows.push(Row { line, cells, at }),
        }
    }
    let header = header.ok_or_else(|| {
        Diagnostic::error(path, Pos::File, "the first sheet is empty")
            .with_hint("put the list on the first sheet, with the column names on its first row")
    })?;
    Ok(Table {
        header,
        rows,
        encoding: "spreadsheet",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_quotes_and_line_breaks() {
        let text = "a,b\r\n\"x,\"\"y\"\"\nz\",w\r\n";
        let lines = Lines::new(text);
        let offs = field_offsets(text, 5, 2);
        assert_eq!(lines.line_col(offs[0]), (2, 1));
        assert_eq!(lines.line_col(offs[1]), (3, 4));
    }

    #[test]
    fn cp932_is_detected() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("名称,住所\r\n");
        let (text, enc) = decode(Path::new("x.csv"), &bytes).unwrap();
        assert_eq!(enc, "CP932");
        assert_eq!(text, "名称,住所\r\n");
    }
}
