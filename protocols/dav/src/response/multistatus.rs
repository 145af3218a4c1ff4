//! `207 Multi-Status` bodies (RFC 4918 §13, §14.16): responses with
//! per-property status (PROPFIND, PROPPATCH) or per-resource status
//! (DELETE, COPY, MOVE, LOCK failures on members).

use crate::error::{Precondition, write_error};
use crate::qname::QName;
use crate::response::property::Property;
use crate::response::status::Status;
use crate::xml::writer::{Namespaces, UsesNamespaces, XmlWriter};

/// A multistatus document under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multistatus {
    responses: Vec<Response>,
    description: Option<String>,
    sync_token: Option<String>,
}

/// One `DAV:response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    href: String,
    body: ResponseBody,
    errors: Vec<Precondition>,
    description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ResponseBody {
    PropStats(Vec<PropStat>),
    Status(Status),
}

/// Properties sharing one status (`DAV:propstat`, §14.22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropStat {
    /// The properties.
    pub props: Vec<Property>,
    /// Their status.
    pub status: Status,
    /// Conditions explaining a failure (`DAV:error`).
    pub errors: Vec<Precondition>,
    /// Human-readable explanation.
    pub description: Option<String>,
}

impl PropStat {
    /// Properties with a status and nothing else.
    pub fn new(status: Status, props: Vec<Property>) -> Self {
        Self {
            props,
            status,
            errors: Vec::new(),
            description: None,
        }
    }
}

impl Response {
    /// A response reporting properties grouped by status. `href` must
    /// already be percent-encoded (see [`crate::encode_href`]).
    pub fn propstats(href: impl Into<String>, propstats: Vec<PropStat>) -> Self {
        Self::with_body(href.into(), ResponseBody::PropStats(propstats))
    }

    /// A response with the properties grouped into one propstat per status,
    /// in the order each status first appears.
    pub fn grouped(href: impl Into<String>, results: impl IntoIterator<Item = (Status, Property)>) -> Self {
        let mut propstats: Vec<PropStat> = Vec::new();
        for (status, property) in results {
            match propstats.iter_mut().find(|p| p.status == status) {
                Some(p) => p.props.push(property),
                None => propstats.push(PropStat::new(status, vec![property])),
            }
        }
        Self::propstats(href, propstats)
    }

    /// A response with one status for the whole resource.
    pub fn status(href: impl Into<String>, status: Status) -> Self {
        Self::with_body(href.into(), ResponseBody::Status(status))
    }

    /// Adds a condition to the response's `DAV:error`.
    pub fn with_error(mut self, condition: Precondition) -> Self {
        self.errors.push(condition);
        self
    }

    /// Sets `DAV:responsedescription`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn with_body(href: String, body: ResponseBody) -> Self {
        Self {
            href,
            body,
            errors: Vec::new(),
            description: None,
        }
    }
}

const MULTISTATUS: QName = QName::dav("multistatus");
const RESPONSE: QName = QName::dav("response");
const HREF: QName = QName::dav("href");
const PROPSTAT: QName = QName::dav("propstat");
const PROP: QName = QName::dav("prop");
const STATUS: QName = QName::dav("status");
const DESCRIPTION: QName = QName::dav("responsedescription");
const SYNC_TOKEN: QName = QName::dav("sync-token");

impl Multistatus {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a response.
    pub fn push(&mut self, response: Response) {
        self.responses.push(response);
    }

    /// Sets the `DAV:sync-token` of a sync-collection answer (RFC 6578 §6.2), written after
    /// the responses.
    pub fn set_sync_token(&mut self, token: impl Into<String>) {
        self.sync_token = Some(token.into());
    }

    /// Sets the top-level `DAV:responsedescription`.
    pub fn set_description(&mut self, description: impl Into<String>) {
        self.description = Some(description.into());
    }

    /// Number of responses.
    pub fn len(&self) -> usize {
        self.responses.len()
    }

    /// Whether there are no responses.
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }

    /// The complete, compact XML body. Every namespace used is declared once
    /// on the root; `DAV:` is always `D:`.
    pub fn render(&self) -> String {
        let mut ns = Namespaces::new();
        for r in &self.responses {
            r.collect_namespaces(&mut ns);
        }
        let mut w = XmlWriter::new(ns);
        w.start(&MULTISTATUS);
        for r in &self.responses {
            r.write(&mut w);
        }
        if let Some(d) = &self.description {
            w.text_element(&DESCRIPTION, d);
        }
        if let Some(t) = &self.sync_token {
            w.text_element(&SYNC_TOKEN, t);
        }
        w.end(&MULTISTATUS);
        w.finish()
    }
}

impl Response {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start(&RESPONSE);
        w.text_element(&HREF, &self.href);
        match &self.body {
            // An empty propstat list would break the §14.24 content model.
            ResponseBody::PropStats(p) if p.is_empty() => {
                PropStat::new(Status::OK, Vec::new()).write(w);
            }
            ResponseBody::PropStats(p) => p.iter().for_each(|ps| ps.write(w)),
            ResponseBody::Status(s) => w.text_element(&STATUS, &s.to_string()),
        }
        write_error(w, &self.errors);
        if let Some(d) = &self.description {
            w.text_element(&DESCRIPTION, d);
        }
        w.end(&RESPONSE);
    }
}

impl PropStat {
    fn write(&self, w: &mut XmlWriter) {
        w.start(&PROPSTAT);
        if self.props.is_empty() {
            w.empty(&PROP);
        } else {
            w.start(&PROP);
            self.props.iter().for_each(|p| p.write(w));
            w.end(&PROP);
        }
        w.text_element(&STATUS, &self.status.to_string());
        write_error(w, &self.errors);
        if let Some(d) = &self.description {
            w.text_element(&DESCRIPTION, d);
        }
        w.end(&PROPSTAT);
    }
}

impl UsesNamespaces for Response {
    fn collect_namespaces(&self, ns: &mut Namespaces) {
        if let ResponseBody::PropStats(propstats) = &self.body {
            for ps in propstats {
                ps.props.iter().for_each(|p| p.collect_namespaces(ns));
                ps.errors.collect_namespaces(ns);
            }
        }
        self.errors.collect_namespaces(ns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names;
    use crate::path::encode_href;
    use crate::prop_value::PropValue;
    use crate::qname::{NS_CALDAV, NS_MS};
    use crate::response::property::PropertyValue;
    use crate::xml::tree::parse_document;
    use std::time::{Duration, UNIX_EPOCH};

    const DECL: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

    #[test]
    fn propfind_response_with_found_and_missing() {
        let mut ms = Multistatus::new();
        ms.push(Response::grouped(
            "/docs/a%20b.txt",
            [
                (Status::OK, Property::text(names::GETETAG, "\"1\"")),
                (
                    Status::NOT_FOUND,
                    Property::empty(QName::new(NS_MS, "Win32FileAttributes")),
                ),
                (
                    Status::OK,
                    Property::new(names::RESOURCETYPE, PropertyValue::ResourceType(vec![])),
                ),
            ],
        ));
        assert_eq!(
            ms.render(),
            format!(
                "{DECL}<D:multistatus xmlns:D=\"DAV:\" xmlns:Z=\"urn:schemas-microsoft-com:\">\
                 <D:response><D:href>/docs/a%20b.txt</D:href>\
                 <D:propstat><D:prop><D:getetag>\"1\"</D:getetag><D:resourcetype/></D:prop>\
                 <D:status>HTTP/1.1 200 OK</D:status></D:propstat>\
                 <D:propstat><D:prop><Z:Win32FileAttributes/></D:prop>\
                 <D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>\
                 </D:response></D:multistatus>"
            )
        );
    }

    #[test]
    fn sync_token_follows_the_responses() {
        let mut ms = Multistatus::new();
        ms.push(Response::status("/c/gone.ics", Status::NOT_FOUND));
        ms.set_sync_token("urn:x:1:2");
        let xml = ms.render();
        assert!(
            xml.ends_with("</D:response><D:sync-token>urn:x:1:2</D:sync-token></D:multistatus>"),
            "{xml}"
        );
    }

    #[test]
    fn proppatch_failure_with_error_and_description() {
        let mut ms = Multistatus::new();
        let mut forbidden = PropStat::new(Status::FORBIDDEN, vec![Property::empty(names::GETETAG)]);
        forbidden.errors.push(Precondition::cannot_modify_protected_property());
        forbidden.description = Some("getetag is protected".into());
        let dependency = PropStat::new(
            Status::FAILED_DEPENDENCY,
            vec![Property::empty(QName::new("urn:x", "p"))],
        );
        ms.push(Response::propstats("/f", vec![forbidden, dependency]));
        ms.set_description("nothing was changed");
        let body = ms.render();
        assert!(body.contains(
            "<D:propstat><D:prop><D:getetag/></D:prop><D:status>HTTP/1.1 403 Forbidden</D:status>\
             <D:error><D:cannot-modify-protected-property/></D:error>\
             <D:responsedescription>getetag is protected</D:responsedescription></D:propstat>"
        ));
        assert!(body.contains("<ns1:p/></D:prop><D:status>HTTP/1.1 424 Failed Dependency</D:status>"));
        assert!(body.ends_with(
            "</D:response><D:responsedescription>nothing was changed</D:responsedescription></D:multistatus>"
        ));
    }

    #[test]
    fn whole_resource_status_with_error() {
        let mut ms = Multistatus::new();
        ms.push(
            Response::status("/locked/member", Status::LOCKED)
                .with_error(Precondition::lock_token_submitted(&["/locked/"]))
                .with_description("locked by someone else"),
        );
        assert_eq!(
            ms.render(),
            format!(
                "{DECL}<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/locked/member</D:href>\
                 <D:status>HTTP/1.1 423 Locked</D:status>\
                 <D:error><D:lock-token-submitted><D:href>/locked/</D:href></D:lock-token-submitted></D:error>\
                 <D:responsedescription>locked by someone else</D:responsedescription>\
                 </D:response></D:multistatus>"
            )
        );
    }

    #[test]
    fn empty_cases_stay_valid() {
        let ms = Multistatus::new();
        assert!(ms.is_empty());
        assert_eq!(
            ms.render(),
            format!(r#"{DECL}<D:multistatus xmlns:D="DAV:"></D:multistatus>"#)
        );
        let mut ms = Multistatus::new();
        ms.push(Response::propstats("/", vec![]));
        assert_eq!(ms.len(), 1);
        assert!(
            ms.render()
                .contains("<D:propstat><D:prop/><D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
        );
    }

    #[test]
    fn namespaces_from_all_parts_are_declared_at_root() {
        let mut ms = Multistatus::new();
        ms.push(Response::grouped(
            "/cal/",
            [(
                Status::OK,
                Property::new(
                    names::RESOURCETYPE,
                    PropertyValue::ResourceType(vec![names::COLLECTION, QName::new(NS_CALDAV, "calendar")]),
                ),
            )],
        ));
        ms.push(Response::status("/x", Status::FORBIDDEN).with_error(Precondition::new(QName::new("urn:e", "why"))));
        let body = ms.render();
        assert!(body.starts_with(&format!(
            r#"{DECL}<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:ns1="urn:e">"#
        )));
        assert!(!body.contains("xmlns:x="));
    }

    #[test]
    fn output_reparses_with_the_same_names_and_values() {
        let mut ms = Multistatus::new();
        ms.push(Response::grouped(
            "/a",
            [
                (Status::OK, Property::text(names::DISPLAYNAME, "x < y & \"z\"\r\n")),
                (
                    Status::OK,
                    Property::new(
                        QName::new("urn:dead", "v"),
                        PropertyValue::Dead(PropValue::from_stored(
                            r#"<D:href xmlns:D="urn:not-dav">shadowed</D:href>"#.into(),
                            None,
                        )),
                    ),
                ),
            ],
        ));
        let doc = parse_document(ms.render().as_bytes()).unwrap();
        let prop = doc
            .elements()
            .next()
            .and_then(|r| r.elements().nth(1))
            .and_then(|ps| ps.elements().next())
            .unwrap();
        let mut props = prop.elements();
        let display = props.next().unwrap();
        assert_eq!(display.name, names::DISPLAYNAME);
        let dead = props.next().unwrap();
        assert_eq!(dead.name, QName::new("urn:dead", "v"));
        // the fragment's own D prefix wins inside the value
        assert_eq!(dead.elements().next().unwrap().name, QName::new("urn:not-dav", "href"));
        let text: String = display
            .children
            .iter()
            .filter_map(|n| match n {
                crate::xml::tree::Node::Text(t) => Some(t.as_str()),
                crate::xml::tree::Node::Element(_) => None,
            })
            .collect();
        assert_eq!(text, "x < y & \"z\"\r\n");
    }

    /// A Depth: 1 listing of a folder as Windows Explorer sees it.
    fn listing(entries: usize) -> String {
        let modified = UNIX_EPOCH + Duration::from_secs(1_768_209_302);
        let created = UNIX_EPOCH + Duration::from_secs(1_760_000_000);
        let mut ms = Multistatus::new();
        for i in 0..entries {
            let name = format!("Document {i:04}.pdf");
            ms.push(Response::grouped(
                encode_href(&["docs", "Projects", &name], false),
                [
                    (Status::OK, Property::text(names::GETCONTENTLENGTH, "1843221")),
                    (
                        Status::OK,
                        Property::new(names::GETLASTMODIFIED, PropertyValue::HttpDate(modified)),
                    ),
                    (Status::OK, Property::text(names::GETETAG, "\"9f86d081884c7d65\"")),
                    (
                        Status::OK,
                        Property::new(names::RESOURCETYPE, PropertyValue::ResourceType(vec![])),
                    ),
                    (
                        Status::OK,
                        Property::new(names::CREATIONDATE, PropertyValue::CreationDate(created)),
                    ),
                    (Status::OK, Property::text(names::DISPLAYNAME, name.clone())),
                    (Status::OK, Property::text(names::GETCONTENTTYPE, "application/pdf")),
                ],
            ));
        }
        ms.render()
    }

    #[test]
    fn folder_listing_has_no_wasted_bytes() {
        let one = listing(1);
        assert!(!one.contains('\n') && !one.contains("  "));
        assert_eq!(one.matches("xmlns").count(), 1);
        let per_entry = (listing(101).len() - one.len()) / 100;
        // 481 bytes: 341 of markup mandated by RFC 4918 for the response,
        // propstat, status line and the 7 properties with the D: prefix,
        // plus 140 of values (href, size, two dates, etag, name, type).
        assert!(per_entry <= 481, "{per_entry} bytes per entry");
    }

    #[test]
    fn folder_listing_of_2000_entries_fits_windows_limit() {
        // Windows' WebClient refuses PROPFIND responses larger than
        // FileAttributesLimitInBytes (default 1,000,000 bytes).
        let body = listing(2000);
        assert!(body.len() < 1_000_000, "{} bytes", body.len());
    }
}
