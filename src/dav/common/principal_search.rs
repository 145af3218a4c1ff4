//! The principal REPORTs of RFC 3744 (§9.4 `principal-property-search`, §9.5
//! `principal-search-property-set`) on the server root, `/dav/`, the principal collection and
//! principals: how Apple Calendar, eM Client and python `caldav` find attendees and rooms by
//! name, address or type. Who may be found is `crate::core::principals`' (the active people
//! and rooms, for every signed-in user); this module matches the searched properties with the
//! values principals answer in PROPFIND (`discovery`), caselessly. RFC 3253 §3.8
//! `expand-property` answers a principal's properties with each principal an href-valued one
//! names expanded in place into a `DAV:response` of the nested properties (other resources,
//! and hrefs to no principal, get 404 for them).

use std::future::Future;
use std::pin::Pin;

use dav::{
    ExpandProp, Multistatus, NS_CALDAV, PrincipalReport, PrincipalSearch, Property, PropertyValue, QName,
    Response as DavResponse, Status, XmlElement,
};
use http::{HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::{Actor, Principal, PrincipalKind};
use crate::dav::common::discovery;
use crate::dav::common::util::{answer_propfind, multistatus_response, truncated};
use crate::edge::Ctx;
use crate::edge::body::{Body, full, read_limited};
use crate::edge::error::AppError;

/// Most principals one search answers; more end with a 507 `number-of-matches-within-limits`.
const MAX_RESULTS: usize = 500;

/// The calendarserver.org namespace of `email-address-set`, which Apple clients search.
const NS_CALSERVER: &str = "http://calendarserver.org/ns/";

/// The properties a search may name, with what they hold for a principal.
fn searchable(p: &Principal, name: &QName) -> Vec<String> {
    match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "displayname") => vec![p.display_name.clone()],
        (NS_CALDAV, "calendar-user-address-set") => {
            let mut v: Vec<String> = p.email.iter().map(|e| format!("mailto:{e}")).collect();
            v.push(crate::core::urls::principal_href(&p.login));
            v
        }
        (NS_CALSERVER, "email-address-set") => p.email.iter().cloned().collect(),
        (NS_CALDAV, "calendar-user-type") => vec![
            match p.kind {
                PrincipalKind::Resource => "ROOM",
                _ => "INDIVIDUAL",
            }
            .to_owned(),
        ],
        _ => Vec::new(),
    }
}

fn found(p: &Principal, search: &PrincipalSearch) -> bool {
    let hit = |t: &dav::SearchTerm| t.props.iter().any(|n| searchable(p, n).iter().any(|v| t.matches(v)));
    match (search.terms.is_empty(), search.any_of) {
        (true, _) => true,
        (false, true) => search.terms.iter().any(hit),
        (false, false) => search.terms.iter().all(hit),
    }
}

/// The `principal-search-property-set` answer: what [`searchable`] knows.
fn property_set() -> String {
    let entry = |ns: &'static str, local: &'static str, what: &str| {
        XmlElement::new(QName::dav("principal-search-property"))
            .with_child(XmlElement::new(QName::dav("prop")).with_child(XmlElement::new(QName::new_static(ns, local))))
            .with_child(
                XmlElement::new(QName::dav("description"))
                    .with_attr("xml:lang", "en")
                    .with_text(what),
            )
    };
    XmlElement::new(QName::dav("principal-search-property-set"))
        .with_child(entry(dav::NS_DAV, "displayname", "Name"))
        .with_child(entry(NS_CALDAV, "calendar-user-address-set", "Calendar address"))
        .with_child(entry(NS_CALSERVER, "email-address-set", "E-mail"))
        .with_child(entry(NS_CALDAV, "calendar-user-type", "Kind (INDIVIDUAL or ROOM)"))
        .to_document()
}

/// A REPORT on a principal-search resource (`request_href`): the principal reports, or 403
/// `supported-report` for any other (RFC 3253 §3.6).
pub async fn report(
    ctx: &Ctx,
    actor: &Actor,
    request_href: String,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let bytes = read_limited(body, ctx.app.config.server.max_request_bytes).await?;
    let report = crate::edge::cpu_work(bytes.len(), move || dav::parse_principal_report(&bytes))
        .await?
        .map_err(|e| AppError::BadRequest(format!("REPORT body: {e}")))?;
    let search = match report {
        None => {
            return Err(AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason:
                    "only principal-property-search, principal-search-property-set and expand-property are reported \
                         here"
                        .into(),
                condition: Some(dav::Precondition::new(QName::dav("supported-report"))),
            });
        }
        Some(PrincipalReport::SearchPropertySet) => {
            let mut resp = Response::new(full(property_set()));
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            );
            return Ok(resp);
        }
        Some(PrincipalReport::ExpandProperty(props)) => {
            let mut ms = Multistatus::new();
            ms.push(expand_href(ctx, actor, request_href, &props).await?);
            return Ok(multistatus_response(&ms));
        }
        Some(PrincipalReport::Search(s)) => s,
    };
    let me = actor.principal();
    let mut ms = Multistatus::new();
    let mut n = 0;
    for p in ctx.app.core.principals(actor).calendar_users().await? {
        if !found(&p, &search) {
            continue;
        }
        if n == MAX_RESULTS {
            ms.push(truncated(request_href));
            break;
        }
        n += 1;
        ms.push(answer_propfind(
            crate::core::urls::principal_href(&p.login),
            &search.prop,
            discovery::PRINCIPAL_ALLPROP,
            |name| discovery::principal_value(me, &p, name),
        ));
    }
    Ok(multistatus_response(&ms))
}

/// The login of a principal href (absolute or not), if it is one.
fn principal_login(href: &str) -> Option<String> {
    let path = match href.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => href,
    };
    let segments = dav::decode_path(path).ok()?;
    match segments.as_slice() {
        [dav, principals, users, login] if dav == "dav" && principals == "principals" && users == "users" => {
            Some(login.clone())
        }
        _ => None,
    }
}

/// The `DAV:response` for `href` with `props`, expanded: a principal's values, a 404 for each
/// property of anything else.
fn expand_href<'a>(
    ctx: &'a Ctx,
    actor: &'a Actor,
    href: String,
    props: &'a [ExpandProp],
) -> Pin<Box<dyn Future<Output = Result<DavResponse, AppError>> + Send + 'a>> {
    Box::pin(async move {
        let who = match principal_login(&href) {
            Some(login) => ctx.app.core.principals(actor).calendar_user(&login).await?,
            None => None,
        };
        let Some(p) = who else {
            return Ok(DavResponse::grouped(
                href,
                props
                    .iter()
                    .map(|x| (Status::NOT_FOUND, Property::empty(x.name.clone()))),
            ));
        };
        let me = actor.principal();
        let mut results = Vec::with_capacity(props.len());
        for x in props {
            let value = match (discovery::principal_value(me, &p, &x.name), x.expand.is_empty()) {
                (Some(PropertyValue::Href(h)), false) => Some(vec![h]),
                (Some(PropertyValue::Hrefs(hs)), false) => Some(hs),
                (v, _) => {
                    results.push(match v {
                        Some(v) => (Status::OK, Property::new(x.name.clone(), v)),
                        None => (Status::NOT_FOUND, Property::empty(x.name.clone())),
                    });
                    continue;
                }
            };
            let mut responses = Vec::new();
            for h in value.unwrap_or_default() {
                responses.push(expand_href(ctx, actor, h, &x.expand).await?);
            }
            results.push((
                Status::OK,
                Property::new(x.name.clone(), PropertyValue::Responses(responses)),
            ));
        }
        Ok(DavResponse::grouped(href, results))
    })
}
