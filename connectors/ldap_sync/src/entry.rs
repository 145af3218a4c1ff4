//! A search result entry as this crate reads it: the DN and every attribute's raw values,
//! keyed by the lowercased attribute description, whether ldap3 decoded them as text or not.

use std::collections::BTreeMap;

use crate::person::MapError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawEntry {
    pub dn: String,
    attrs: BTreeMap<String, Vec<Vec<u8>>>,
}

impl RawEntry {
    /// An entry without attributes (tests add them with [`RawEntry::with`]).
    #[cfg(test)]
    pub fn new(dn: &str) -> Self {
        RawEntry {
            dn: dn.to_owned(),
            attrs: BTreeMap::new(),
        }
    }

    /// Adds values to an attribute (test fixtures).
    #[cfg(test)]
    pub fn with<V: AsRef<[u8]>>(mut self, attr: &str, values: &[V]) -> Self {
        self.attrs
            .entry(attr.to_ascii_lowercase())
            .or_default()
            .extend(values.iter().map(|v| v.as_ref().to_vec()));
        self
    }

    /// Replaces an attribute's values (test fixtures).
    #[cfg(test)]
    pub fn set<V: AsRef<[u8]>>(self, attr: &str, values: &[V]) -> Self {
        self.without(attr).with(attr, values)
    }

    /// Removes an attribute (test fixtures).
    #[cfg(test)]
    pub fn without(mut self, attr: &str) -> Self {
        self.attrs.remove(&attr.to_ascii_lowercase());
        self
    }

    /// ldap3 puts each attribute in `attrs` when all its values are UTF-8 and in `bin_attrs`
    /// otherwise; a binary attribute such as `objectGUID` can land in either.
    pub fn from_search_entry(entry: ldap3::SearchEntry) -> Self {
        let mut attrs: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
        for (name, values) in entry.attrs {
            attrs
                .entry(name.to_ascii_lowercase())
                .or_default()
                .extend(values.into_iter().map(String::into_bytes));
        }
        for (name, values) in entry.bin_attrs {
            attrs.entry(name.to_ascii_lowercase()).or_default().extend(values);
        }
        RawEntry { dn: entry.dn, attrs }
    }

    pub fn values(&self, attr: &str) -> &[Vec<u8>] {
        self.attrs
            .get(&attr.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn has(&self, attr: &str) -> bool {
        !self.values(attr).is_empty()
    }

    pub fn first_bytes(&self, attr: &str) -> Option<&[u8]> {
        self.values(attr).first().map(Vec::as_slice).filter(|v| !v.is_empty())
    }

    /// The first value as trimmed text; `None` when absent or blank.
    pub fn first_text(&self, attr: &str) -> Result<Option<String>, MapError> {
        match self.values(attr).first() {
            None => Ok(None),
            Some(bytes) => {
                let text = std::str::from_utf8(bytes).map_err(|_| MapError::NotText {
                    attribute: attr.to_owned(),
                })?;
                let text = text.trim();
                Ok((!text.is_empty()).then(|| text.to_owned()))
            }
        }
    }

    /// Every value as text (trimmed, blanks dropped).
    pub fn texts(&self, attr: &str) -> Result<Vec<String>, MapError> {
        self.values(attr)
            .iter()
            .filter_map(|bytes| match std::str::from_utf8(bytes) {
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => Some(Ok(text.trim().to_owned())),
                Err(_) => Some(Err(MapError::NotText {
                    attribute: attr.to_owned(),
                })),
            })
            .collect()
    }

    /// Attribute descriptions present, lowercased (to find AD's `member;range=0-1499`).
    pub fn attribute_names(&self) -> impl Iterator<Item = &str> {
        self.attrs.keys().map(String::as_str)
    }

    pub fn take(&mut self, attr: &str) -> Vec<Vec<u8>> {
        self.attrs.remove(&attr.to_ascii_lowercase()).unwrap_or_default()
    }

    pub fn extend(&mut self, attr: &str, values: Vec<Vec<u8>>) {
        self.attrs.entry(attr.to_ascii_lowercase()).or_default().extend(values);
    }
}
