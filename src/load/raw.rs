//! Records as written, before validation. Fields are optional here so that
//! a missing field is reported by the model together with every other
//! problem of the file, not as the one error serde stops at.

use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A YAML scalar kept with what YAML made of it, so that `phone: 0669751234`
/// (a number, its leading zero lost) can be told apart from a string.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub kind: ScalarKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    String,
    Number,
    Bool,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::String,
                })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v,
                    kind: ScalarKind::String,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Number,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Number,
                })
            }
            // (numbers beyond 64 bits, which YAML also reads)
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Number,
                })
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Number,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Number,
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    kind: ScalarKind::Bool,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub postal: Option<Scalar>,
    pub city: Option<String>,
    pub line: Option<String>,
    pub building: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub days: Option<Scalar>,
    pub open: Option<Scalar>,
    pub close: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liaison {
    pub contact: Option<String>,
    pub method: Option<String>,
    pub hours: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub id: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    #[serde(rename = "type")]
    pub ftype: Option<String>,
    pub area: Option<String>,
    pub address: Option<Address>,
    pub location: Option<Location>,
    pub phone: Option<Scalar>,
    pub fax: Option<Scalar>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Option<Vec<Hours>>,
    pub hours_note: Option<String>,
    pub departments: Option<Vec<String>>,
    pub capabilities: Option<Vec<String>>,
    /// Capabilities offered after consultation (要相談, printed △).
    pub consult: Option<Vec<String>>,
    pub liaison: Option<Liaison>,
    /// A schema.org type for this record instead of its facility type's.
    pub schema: Option<String>,
    pub verified: Option<Scalar>,
    /// 医療機関コード (10 digits), as in the open-data lists.
    pub medical_code: Option<Scalar>,
    /// 介護保険事業所番号 (10 digits).
    pub office_number: Option<Scalar>,
    /// 法人番号 of the operating corporation (13 digits).
    pub corporate_number: Option<Scalar>,
    /// Read and dropped: internal notes never enter the model.
    pub internal: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub id: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub participants: Option<String>,
    pub members: Option<Vec<String>>,
    pub purpose: Option<String>,
    pub frequency: Option<String>,
    pub organizer: Option<String>,
    pub window: Option<String>,
    pub order: Option<Scalar>,
    pub internal: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    pub role: Option<String>,
    pub employment: Option<String>,
    pub qualifications: Option<Vec<String>>,
    pub hours: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub id: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub organization: Option<String>,
    pub featured: Option<Scalar>,
    pub order: Option<Scalar>,
    pub eligible: Option<String>,
    pub topics: Option<Vec<String>>,
    pub address: Option<Address>,
    pub phone: Option<Scalar>,
    pub fax: Option<Scalar>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub hours: Option<Vec<Hours>>,
    pub hours_note: Option<String>,
    pub staff: Option<Vec<Staff>>,
    /// The schema.org type of the organisation behind the window
    /// (default `Organization`).
    pub schema: Option<String>,
    pub verified: Option<Scalar>,
    pub internal: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub title: Option<String>,
    pub order: Option<Scalar>,
    pub print: Option<Scalar>,
    pub internal: Option<IgnoredAny>,
}
