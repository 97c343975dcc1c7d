//! Records of one kind, keyed by id and kept in display order, so that one
//! record can be replaced, added or removed without rebuilding the rest.

use std::collections::HashMap;
use std::sync::Arc;

/// What a table needs of a record.
pub trait Keyed {
    /// Its id, unique within its kind.
    fn id(&self) -> &str;
    /// Display order: records compare by this, then by id.
    fn order_key(&self) -> impl Ord + '_;
}

/// Records in display order, found by id.
#[derive(Debug, Clone)]
pub struct Table<T> {
    /// Records where they were put; a removed one leaves `None`, reused by
    /// the next insert. (Shared: a copy of the guidebook, which the live
    /// preview hands to its background work at every edit, copies no
    /// record.)
    slots: Vec<Option<Arc<T>>>,
    free: Vec<usize>,
    by_id: HashMap<String, usize>,
    /// Slots in display order.
    order: Vec<usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T: Keyed> Table<T> {
    /// A table of `records`, which must have distinct ids.
    pub fn from_records(records: Vec<T>) -> Table<T> {
        let mut t = Table {
            by_id: records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id().to_string(), i))
                .collect(),
            order: (0..records.len()).collect(),
            slots: records.into_iter().map(|r| Some(Arc::new(r))).collect(),
            free: Vec::new(),
        };
        let slots = &t.slots;
        t.order.sort_by(|&a, &b| Self::cmp(slots, a, b));
        t
    }

    fn cmp(slots: &[Option<Arc<T>>], a: usize, b: usize) -> std::cmp::Ordering {
        let (a, b) = (slots[a].as_deref(), slots[b].as_deref());
        match (a, b) {
            (Some(a), Some(b)) => a
                .order_key()
                .cmp(&b.order_key())
                .then_with(|| a.id().cmp(b.id())),
            _ => std::cmp::Ordering::Equal,
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// In display order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.order.iter().map(|&s| {
            self.slots[s]
                .as_deref()
                .expect("ordered slots hold records")
        })
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).and_then(|&s| self.slots[s].as_deref())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Where the record with `id` stands in display order.
    pub fn position(&self, id: &str) -> Option<usize> {
        let slot = *self.by_id.get(id)?;
        let slots = &self.slots;
        self.order
            .binary_search_by(|&s| Self::cmp(slots, s, slot))
            .ok()
    }

    /// Puts `record` in its place, replacing the record of the same id.
    /// Returns the one replaced.
    pub fn insert(&mut self, record: T) -> Option<Arc<T>> {
        let old = self.remove(record.id());
        let id = record.id().to_string();
        let record = Arc::new(record);
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s] = Some(record);
                s
            }
            None => {
                self.slots.push(Some(record));
                self.slots.len() - 1
            }
        };
        let slots = &self.slots;
        let at = self
            .order
            .binary_search_by(|&s| Self::cmp(slots, s, slot))
            .unwrap_or_else(|i| i);
        self.order.insert(at, slot);
        self.by_id.insert(id, slot);
        old
    }

    /// Takes out the record with `id`.
    pub fn remove(&mut self, id: &str) -> Option<Arc<T>> {
        let at = self.position(id)?;
        let slot = self.order.remove(at);
        self.by_id.remove(id);
        self.free.push(slot);
        self.slots[slot].take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct R(String, u32);
    impl Keyed for R {
        fn id(&self) -> &str {
            &self.0
        }
        fn order_key(&self) -> impl Ord + '_ {
            self.1
        }
    }

    fn ids(t: &Table<R>) -> Vec<&str> {
        t.iter().map(|r| r.0.as_str()).collect()
    }

    #[test]
    fn keeps_display_order_through_changes() {
        let mut t = Table::from_records(vec![R("c".into(), 3), R("a".into(), 1), R("b".into(), 1)]);
        assert_eq!(ids(&t), ["a", "b", "c"]);
        assert_eq!(t.insert(R("d".into(), 2)), None);
        assert_eq!(ids(&t), ["a", "b", "d", "c"]);
        // Moving a record: replaced in its new place.
        assert_eq!(
            t.insert(R("a".into(), 9)).as_deref(),
            Some(&R("a".into(), 1))
        );
        assert_eq!(ids(&t), ["b", "d", "c", "a"]);
        assert_eq!(t.position("c"), Some(2));
        assert_eq!(t.remove("d").as_deref(), Some(&R("d".into(), 2)));
        assert_eq!(ids(&t), ["b", "c", "a"]);
        assert_eq!(t.get("d"), None);
        t.insert(R("e".into(), 0));
        assert_eq!(ids(&t), ["e", "b", "c", "a"]);
        assert_eq!(t.len(), 4);
        assert_eq!(t.get("c").map(|r| r.1), Some(3));
    }
}
