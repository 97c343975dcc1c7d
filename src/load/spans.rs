//! Positions of values inside a YAML document, by path (`address.postal`,
//! `hours[1].close`). serde_yaml gives positions only for errors it raises
//! itself; problems found later (an unknown area, a duplicate id) are
//! located here. Built only for files that have such a problem.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

#[derive(Debug, Default)]
pub struct SpanIndex {
    // path -> (line, col), both 1-based
    values: HashMap<String, (usize, usize)>,
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, next: usize },
}

fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl SpanIndex {
    pub fn build(yaml: &str) -> SpanIndex {
        let mut ix = SpanIndex::default();
        let mut parser = Parser::new_from_str(yaml);
        let mut stack: Vec<Frame> = Vec::new();
        while let Ok((event, mark)) = parser.next_token() {
            // yaml-rust2 reports 0-based columns; diagnostics use 1-based.
            let at = (mark.line(), mark.col() + 1);
            // The path of the node this event starts, if it is a value.
            let value_path = |stack: &mut Vec<Frame>| -> Option<String> {
                match stack.last_mut() {
                    None => Some(String::new()),
                    Some(Frame::Seq { path, next }) => {
                        let p = format!("{path}[{next}]");
                        *next += 1;
                        Some(p)
                    }
                    Some(Frame::Map { path, key }) => key.take().map(|k| child(path, &k)),
                }
            };
            match event {
                Event::StreamEnd => break,
                Event::Scalar(text, ..) => {
                    let is_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                    if is_key {
                        if let Some(Frame::Map { path, key }) = stack.last_mut() {
                            ix.values.insert(format!("{}#key", child(path, &text)), at);
                            *key = Some(text);
                        }
                    } else if let Some(p) = value_path(&mut stack) {
                        // A key with no value: the parser places the empty
                        // value at the next token; point at the key instead.
                        let at = if text.is_empty() {
                            ix.values.get(&format!("{p}#key")).copied().unwrap_or(at)
                        } else {
                            at
                        };
                        ix.values.insert(p, at);
                    }
                }
                Event::MappingStart(..) => {
                    let p = value_path(&mut stack).unwrap_or_default();
                    ix.values.entry(p.clone()).or_insert(at);
                    stack.push(Frame::Map { path: p, key: None });
                }
                Event::SequenceStart(..) => {
                    let p = value_path(&mut stack).unwrap_or_default();
                    ix.values.entry(p.clone()).or_insert(at);
                    stack.push(Frame::Seq { path: p, next: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Alias(_) => {
                    value_path(&mut stack);
                }
                _ => {}
            }
        }
        ix
    }

    /// Position of the value at `path`; for a path that is absent, the key
    /// of the closest present ancestor (a missing field is reported where
    /// its parent is written).
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        if let Some(&at) = self.values.get(path) {
            return Some(at);
        }
        let mut p = path;
        while let Some(cut) = p.rfind(['.', '[']) {
            p = &p[..cut];
            let key = format!("{p}#key");
            if let Some(&at) = self.values.get(&key).or_else(|| self.values.get(p)) {
                return Some(at);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values_and_keys() {
        let y = "name: A\naddress:\n  postal: 537-0025\nhours:\n  - {days: 月, open: \"09:00\"}\n  - days: 火\n    close: '12:00'\ncaps: [a, b]\n";
        let ix = SpanIndex::build(y);
        assert_eq!(ix.find("name"), Some((1, 7)));
        assert_eq!(ix.find("address.postal"), Some((3, 11)));
        assert_eq!(ix.find("hours[0].open"), Some((5, 21)));
        assert_eq!(ix.find("hours[1].close"), Some((7, 12)));
        assert_eq!(ix.find("caps[1]"), Some((8, 11)));
        assert_eq!(ix.find("address#key"), Some((2, 1)));
        assert_eq!(ix.find("address.postal#key"), Some((3, 3)));
        // absent leaf: falls back to its parent mapping
        assert_eq!(ix.find("address.city"), Some((2, 1)));
        // empty values are found at their key
        let ix = SpanIndex::build("name:\nkana:\n");
        assert_eq!(ix.find("name"), Some((1, 1)));
    }
}
