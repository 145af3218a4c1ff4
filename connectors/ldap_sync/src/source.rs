//! Reading the directory: the [`DirectorySource`] trait and [`Ldap3Source`], its ldap3
//! implementation.
//!
//! A pass reads everything it needs (people, groups, OU heads, references) into memory and
//! returns it only when every search succeeded. Incremental passes use `uSNChanged` on
//! Active Directory (above the `highestCommittedUSN` read before the previous pass, on the
//! same DC and database) and `modifyTimestamp` on OpenLDAP.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::{ConfigError, DepartmentSource, Flavor, LdapConfig, Settings};
use crate::cursor::{Cursor, scope_fingerprint};
use crate::dn;
use crate::entry::RawEntry;
use crate::pass::{Delta, DeltaOutcome, OrgUnit, ResyncReason, SkipReason, SkippedEntry, Snapshot};
use crate::person::{self, DepartmentPath, Group, Person, SyncedFields};
use crate::session::{DirectoryError, Session};
use crate::values;

/// References left unresolved by a delta are looked up one by one up to this many; above
/// it, one paged search lists the external ids of all people and groups instead.
const LOOKUP_LIMIT: usize = 25;

/// Something that can be read as a directory: the LDAP server, or a fake in tests.
pub trait DirectorySource {
    /// Reads every person and group.
    fn full_pass(&self) -> impl Future<Output = Result<Snapshot, DirectoryError>> + Send;
    /// Reads what changed since `cursor`, or says that a full pass is needed.
    fn delta_pass(&self, cursor: &Cursor) -> impl Future<Output = Result<DeltaOutcome, DirectoryError>> + Send;
}

/// The directory behind an [`LdapConfig`], read with ldap3. Each pass opens its own
/// connection and binds with the service account.
#[derive(Debug, Clone)]
pub struct Ldap3Source {
    settings: Settings,
}

impl Ldap3Source {
    pub fn new(config: &LdapConfig) -> Result<Self, ConfigError> {
        Ok(Ldap3Source {
            settings: config.settings()?,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

impl DirectorySource for Ldap3Source {
    async fn full_pass(&self) -> Result<Snapshot, DirectoryError> {
        let started = Instant::now();
        let mut session = Session::open(&self.settings).await?;
        let server = server_state(&mut session, &self.settings).await?;
        let read = read_entries(&mut session, &self.settings, None).await?;
        let resolved = read.resolve(&mut session, &self.settings, true).await?;
        session.close().await;
        let cursor = next_cursor(&self.settings, server, resolved.latest_change, started, None);
        Ok(Snapshot {
            people: resolved.people,
            groups: resolved.groups,
            org_units: resolved.org_units,
            skipped: resolved.skipped,
            fields: SyncedFields::of(&self.settings),
            cursor,
        })
    }

    async fn delta_pass(&self, cursor: &Cursor) -> Result<DeltaOutcome, DirectoryError> {
        let started = Instant::now();
        let settings = &self.settings;
        let flavor_matches = matches!(
            (settings.flavor, cursor),
            (Flavor::ActiveDirectory, Cursor::ActiveDirectory { .. }) | (Flavor::OpenLdap, Cursor::OpenLdap { .. })
        );
        if !flavor_matches {
            return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::FlavorChanged));
        }
        if cursor.scope() != scope_fingerprint(settings) {
            return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::ScopeChanged));
        }
        let mut session = Session::open(settings).await?;
        let server = server_state(&mut session, settings).await?;
        let (change_filter, previous_since) = match (cursor, &server) {
            (
                Cursor::ActiveDirectory {
                    server: was_server,
                    invocation_id: was_invocation,
                    highest_usn,
                    ..
                },
                ServerState::ActiveDirectory {
                    server: now_server,
                    invocation_id,
                    highest_usn: now_usn,
                },
            ) => {
                if was_server != now_server {
                    return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::ServerChanged {
                        was: was_server.clone(),
                        now: now_server.clone(),
                    }));
                }
                if was_invocation != invocation_id {
                    return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::InvocationChanged {
                        was: was_invocation.clone(),
                        now: invocation_id.clone(),
                    }));
                }
                if now_usn < highest_usn {
                    return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::UsnRolledBack {
                        was: *highest_usn,
                        now: *now_usn,
                    }));
                }
                (format!("(uSNChanged>={})", highest_usn.saturating_add(1)), None)
            }
            (
                Cursor::OpenLdap {
                    server: was_server,
                    since,
                    ..
                },
                ServerState::OpenLdap { server: now_server },
            ) => {
                if was_server != now_server {
                    return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::ServerChanged {
                        was: was_server.clone(),
                        now: now_server.clone(),
                    }));
                }
                let since_time = values::parse_generalized_time(since)
                    .map_err(|e| DirectoryError::Protocol(format!("cursor: {e}")))?;
                (format!("(modifyTimestamp>={since})"), Some(since_time))
            }
            _ => return Ok(DeltaOutcome::NeedsFullResync(ResyncReason::FlavorChanged)),
        };
        let read = read_entries(&mut session, settings, Some(&change_filter)).await?;
        let resolved = read.resolve(&mut session, settings, false).await?;
        session.close().await;
        let cursor = next_cursor(settings, server, resolved.latest_change, started, previous_since);
        Ok(DeltaOutcome::Changes(Delta {
            changed_people: resolved.people,
            changed_groups: resolved.groups,
            org_units: resolved.org_units,
            skipped: resolved.skipped,
            fields: SyncedFields::of(settings),
            cursor,
        }))
    }
}

/// Who the server is and where its change counter stands, read before the searches so that
/// changes made during the pass are picked up by the next one.
enum ServerState {
    ActiveDirectory {
        server: String,
        invocation_id: String,
        highest_usn: u64,
    },
    OpenLdap {
        server: String,
    },
}

async fn server_state(session: &mut Session<'_>, settings: &Settings) -> Result<ServerState, DirectoryError> {
    let any = "(objectClass=*)";
    match settings.flavor {
        Flavor::ActiveDirectory => {
            let attrs = ["dsServiceName".to_owned(), "highestCommittedUSN".to_owned()];
            let root = session
                .read("", any, &attrs)
                .await?
                .ok_or_else(|| DirectoryError::Protocol("no root DSE".into()))?;
            let text = |attr: &str| {
                root.first_text(attr)
                    .ok()
                    .flatten()
                    .ok_or_else(|| DirectoryError::Protocol(format!("the root DSE has no {attr}")))
            };
            let server = text("dsServiceName")?;
            let usn_text = text("highestCommittedUSN")?;
            let highest_usn = usn_text
                .parse()
                .map_err(|_| DirectoryError::Protocol(format!("highestCommittedUSN {usn_text:?}")))?;
            let ntds = session
                .read(&server, any, &["invocationId".to_owned()])
                .await?
                .ok_or_else(|| DirectoryError::Protocol(format!("cannot read {server}")))?;
            let invocation_id = ntds
                .first_bytes("invocationId")
                .ok_or_else(|| DirectoryError::Protocol("no invocationId".into()))
                .and_then(|b| values::guid_from_bytes(b).map_err(|e| DirectoryError::Protocol(e.to_string())))?;
            Ok(ServerState::ActiveDirectory {
                server,
                invocation_id,
                highest_usn,
            })
        }
        Flavor::OpenLdap => {
            let base = session.read(&settings.base_dn, any, &["entryUUID".to_owned()]).await?;
            let server = base
                .and_then(|e| e.first_text("entryUUID").ok().flatten())
                .unwrap_or_default();
            Ok(ServerState::OpenLdap { server })
        }
    }
}

fn next_cursor(
    settings: &Settings,
    server: ServerState,
    latest_change: Option<DateTime<Utc>>,
    started: Instant,
    previous_since: Option<DateTime<Utc>>,
) -> Cursor {
    let scope = scope_fingerprint(settings);
    match server {
        ServerState::ActiveDirectory {
            server,
            invocation_id,
            highest_usn,
        } => Cursor::ActiveDirectory {
            scope,
            server,
            invocation_id,
            highest_usn,
        },
        ServerState::OpenLdap { server } => {
            // An entry changed during the pass after we read it has a modifyTimestamp after
            // the pass started; the latest timestamp we saw is at most the server's time at
            // the end of the pass. Going back by the pass's duration (plus slack for the
            // one-second resolution) covers it; re-reading a few unchanged entries is harmless.
            let slack = i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX / 2) + 2;
            let since = match (latest_change, previous_since) {
                (Some(latest), previous) => {
                    let back = latest.checked_sub_signed(TimeDelta::seconds(slack)).unwrap_or(latest);
                    previous.map_or(back, |p| back.max(p))
                }
                (None, Some(previous)) => previous,
                (None, None) => DateTime::<Utc>::UNIX_EPOCH,
            };
            Cursor::OpenLdap {
                scope,
                server,
                since: values::format_generalized_time(since),
            }
        }
    }
}

/// What a pass read, before references between entries are resolved.
struct Read {
    people: Vec<Person>,
    groups: Vec<(Group, Vec<String>)>,
    ou_heads: Vec<(DepartmentPath, String)>,
    skipped: Vec<SkippedEntry>,
    latest_change: Option<DateTime<Utc>>,
}

/// A pass after resolving references.
struct Resolved {
    people: Vec<Person>,
    groups: Vec<Group>,
    org_units: Vec<OrgUnit>,
    skipped: Vec<SkippedEntry>,
    latest_change: Option<DateTime<Utc>>,
}

/// What a DN names, as far as this sync is concerned.
#[derive(Clone)]
enum Target {
    Person(String),
    Group(String),
}

const MODIFY_TIMESTAMP: &str = "modifyTimestamp";

/// Reads people, groups and OU heads; `change_filter` restricts people and groups to those
/// changed since the cursor (delta).
async fn read_entries(
    session: &mut Session<'_>,
    settings: &Settings,
    change_filter: Option<&str>,
) -> Result<Read, DirectoryError> {
    let restrict = |filter: &str| match change_filter {
        Some(change) => format!("(&{filter}{change})"),
        None => filter.to_owned(),
    };
    let track_time = settings.flavor == Flavor::OpenLdap;
    let mut latest_change: Option<DateTime<Utc>> = None;
    let mut note_time = |entry: &RawEntry| {
        if let Some(time) = entry
            .first_text(MODIFY_TIMESTAMP)
            .ok()
            .flatten()
            .and_then(|t| values::parse_generalized_time(&t).ok())
        {
            latest_change = Some(latest_change.map_or(time, |l| l.max(time)));
        }
    };

    let mut person_attrs = person::person_attributes(settings);
    if track_time {
        person_attrs.push(MODIFY_TIMESTAMP.to_owned());
    }
    let mut people = Vec::new();
    let mut skipped = Vec::new();
    for entry in session
        .search_paged(&settings.base_dn, &restrict(&settings.user_filter), &person_attrs)
        .await?
    {
        if track_time {
            note_time(&entry);
        }
        match person::map_person(&entry, settings) {
            Ok(p) => people.push(p),
            Err(error) => skipped.push(SkippedEntry {
                dn: entry.dn.clone(),
                external_id: person::external_id(&entry, settings).ok(),
                reason: SkipReason::Unmappable { error },
            }),
        }
    }

    let mut groups = Vec::new();
    if let Some(group_filter) = &settings.group_filter {
        let mut group_attrs = person::dedup_ci(vec![
            settings.attrs.external_id.clone(),
            settings.attrs.group_name.clone(),
            settings.attrs.group_member.clone(),
        ]);
        if track_time {
            group_attrs.push(MODIFY_TIMESTAMP.to_owned());
        }
        for mut entry in session
            .search_paged(&settings.base_dn, &restrict(group_filter), &group_attrs)
            .await?
        {
            if track_time {
                note_time(&entry);
            }
            complete_ranged_values(session, &mut entry, &settings.attrs.group_member).await?;
            match person::map_group(&entry, settings) {
                Ok(group) => groups.push(group),
                Err(error) => skipped.push(SkippedEntry {
                    dn: entry.dn.clone(),
                    external_id: person::external_id(&entry, settings).ok(),
                    reason: SkipReason::Unmappable { error },
                }),
            }
        }
    }

    let mut ou_heads = Vec::new();
    if settings.department_source == DepartmentSource::Ou
        && let Some(head_attr) = &settings.attrs.ou_head
    {
        for entry in session
            .search_paged(
                &settings.ou_base_dn,
                "(objectClass=organizationalUnit)",
                std::slice::from_ref(head_attr),
            )
            .await?
        {
            let Ok(Some(head_dn)) = entry.first_text(head_attr) else {
                continue;
            };
            if let Some(path) = ou_entry_path(&entry.dn, settings) {
                ou_heads.push((path, head_dn));
            }
        }
    }

    Ok(Read {
        people,
        groups,
        ou_heads,
        skipped,
        latest_change,
    })
}

/// The department path an OU entry stands for: the OUs above it and its own name.
fn ou_entry_path(ou_dn: &str, settings: &Settings) -> Option<DepartmentPath> {
    let rdns = dn::parse(ou_dn).ok()?;
    if rdns.len() <= settings.ou_base.len() {
        return None; // the OU base itself (a subtree search returns it) is not a department
    }
    let own = match rdns.first()?.as_slice() {
        [ava] if ava.attr.eq_ignore_ascii_case("ou") => ava.value.clone(),
        _ => return None,
    };
    let mut path = dn::ou_path(&rdns, &settings.ou_base)?;
    path.push(own);
    DepartmentPath::new(path)
}

/// AD returns at most 1500 values of a multi-valued attribute per read (`member;range=0-1499`);
/// fetch the remaining ranges so that large groups are complete.
async fn complete_ranged_values(
    session: &mut Session<'_>,
    entry: &mut RawEntry,
    attr: &str,
) -> Result<(), DirectoryError> {
    let prefix = format!("{};range=", attr.to_ascii_lowercase());
    let mut rounds = 0;
    loop {
        let Some(key) = entry
            .attribute_names()
            .find(|n| n.starts_with(&prefix))
            .map(str::to_owned)
        else {
            return Ok(());
        };
        let values = entry.take(&key);
        entry.extend(attr, values);
        let Some((_, high)) = key[prefix.len()..].split_once('-') else {
            return Err(DirectoryError::Protocol(format!("bad range attribute {key}")));
        };
        if high == "*" {
            return Ok(());
        }
        let next: u64 = high
            .parse::<u64>()
            .ok()
            .and_then(|h| h.checked_add(1))
            .ok_or_else(|| DirectoryError::Protocol(format!("bad range attribute {key}")))?;
        rounds += 1;
        if rounds > 10_000 {
            return Err(DirectoryError::Protocol(format!(
                "too many value ranges for {}",
                entry.dn
            )));
        }
        let range_attr = format!("{attr};range={next}-*");
        let more = session
            .read(&entry.dn, "(objectClass=*)", &[range_attr])
            .await?
            .ok_or_else(|| DirectoryError::Protocol(format!("{} vanished while reading its members", entry.dn)))?;
        let mut more = more;
        let Some(next_key) = more
            .attribute_names()
            .find(|n| n.starts_with(&prefix))
            .map(str::to_owned)
        else {
            return Ok(());
        };
        let values = more.take(&next_key);
        entry.extend(&next_key, values);
    }
}

impl Read {
    /// Resolves manager, member and OU head DNs to external ids: first against the entries
    /// of this pass; in a delta, the rest by reading them (only DNs under the base, only
    /// entries matching the user or group filter).
    async fn resolve(
        self,
        session: &mut Session<'_>,
        settings: &Settings,
        full: bool,
    ) -> Result<Resolved, DirectoryError> {
        let Read {
            mut people,
            groups,
            ou_heads,
            skipped,
            latest_change,
        } = self;
        let mut known: HashMap<String, Option<Target>> = HashMap::new();
        for p in &people {
            if let Ok(key) = dn::normalize(&p.dn) {
                known.insert(key, Some(Target::Person(p.external_id.clone())));
            }
        }
        for (g, _) in &groups {
            if let Ok(key) = dn::normalize(&g.dn) {
                known.insert(key, Some(Target::Group(g.external_id.clone())));
            }
        }

        if !full {
            let wanted: HashSet<String> = people
                .iter()
                .filter_map(|p| p.manager.as_ref().map(|m| m.dn.as_str()))
                .chain(
                    groups
                        .iter()
                        .flat_map(|(_, members)| members.iter().map(String::as_str)),
                )
                .chain(ou_heads.iter().map(|(_, head)| head.as_str()))
                .filter_map(|d| dn::normalize(d).ok().map(|key| (d, key)))
                .filter(|(_, key)| !known.contains_key(key))
                .filter(|(d, _)| under_base(d, settings))
                .map(|(d, _)| d.to_owned())
                .collect();
            if wanted.len() > LOOKUP_LIMIT {
                index_all(session, settings, &mut known).await?;
            } else {
                for d in wanted {
                    let target = look_up(session, settings, &d).await?;
                    if let Ok(key) = dn::normalize(&d) {
                        known.insert(key, target);
                    }
                }
            }
        }

        let target_of = |d: &str| dn::normalize(d).ok().and_then(|key| known.get(&key).cloned().flatten());
        for p in &mut people {
            if let Some(m) = &mut p.manager
                && let Some(Target::Person(id)) = target_of(&m.dn)
            {
                m.external_id = Some(id);
            }
        }
        let groups = groups
            .into_iter()
            .map(|(mut group, member_dns)| {
                for member in &member_dns {
                    match target_of(member) {
                        Some(Target::Person(id)) => group.members.push(id),
                        Some(Target::Group(id)) => group.subgroups.push(id),
                        None => {}
                    }
                }
                group
            })
            .collect();
        let org_units = ou_heads
            .into_iter()
            .map(|(path, head)| OrgUnit {
                path,
                head_external_id: match target_of(&head) {
                    Some(Target::Person(id)) => Some(id),
                    _ => None,
                },
            })
            .collect();
        Ok(Resolved {
            people,
            groups,
            org_units,
            skipped,
            latest_change,
        })
    }
}

fn under_base(entry_dn: &str, settings: &Settings) -> bool {
    match (dn::parse(entry_dn), dn::parse(&settings.base_dn)) {
        (Ok(entry), Ok(base)) => dn::ou_path(&entry, &base).is_some(),
        _ => false,
    }
}

/// Reads one referenced entry: a person if it matches the user filter, else a group if it
/// matches the group filter.
async fn look_up(
    session: &mut Session<'_>,
    settings: &Settings,
    entry_dn: &str,
) -> Result<Option<Target>, DirectoryError> {
    let attrs = [settings.attrs.external_id.clone()];
    if let Some(entry) = session.read(entry_dn, &settings.user_filter, &attrs).await? {
        return Ok(person::external_id(&entry, settings).ok().map(Target::Person));
    }
    if let Some(group_filter) = &settings.group_filter
        && let Some(entry) = session.read(entry_dn, group_filter, &attrs).await?
    {
        return Ok(person::external_id(&entry, settings).ok().map(Target::Group));
    }
    Ok(None)
}

/// Lists the DN and external id of every person and group (cheap: one attribute each).
async fn index_all(
    session: &mut Session<'_>,
    settings: &Settings,
    known: &mut HashMap<String, Option<Target>>,
) -> Result<(), DirectoryError> {
    let attrs = [settings.attrs.external_id.clone()];
    for entry in session
        .search_paged(&settings.base_dn, &settings.user_filter, &attrs)
        .await?
    {
        if let (Ok(key), Ok(id)) = (dn::normalize(&entry.dn), person::external_id(&entry, settings)) {
            known.entry(key).or_insert(Some(Target::Person(id)));
        }
    }
    if let Some(group_filter) = &settings.group_filter {
        for entry in session.search_paged(&settings.base_dn, group_filter, &attrs).await? {
            if let (Ok(key), Ok(id)) = (dn::normalize(&entry.dn), person::external_id(&entry, settings)) {
                known.entry(key).or_insert(Some(Target::Group(id)));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(extra: &str) -> Settings {
        let cfg: LdapConfig = toml::from_str(&format!(
            "url = \"ldap://127.0.0.1\"\nbase_dn = \"dc=corp,dc=test\"\nflavor = \"openldap\"\n{extra}"
        ))
        .expect("parses");
        cfg.settings().expect("valid")
    }

    fn time(text: &str) -> DateTime<Utc> {
        values::parse_generalized_time(text).expect("time")
    }

    fn since(cursor: &Cursor) -> &str {
        match cursor {
            Cursor::OpenLdap { since, .. } => since,
            Cursor::ActiveDirectory { .. } => "",
        }
    }

    #[test]
    fn openldap_cursor_goes_back_by_the_pass_duration() {
        let s = settings("");
        let server = || ServerState::OpenLdap { server: "id".into() };
        let now = Instant::now();
        let latest = Some(time("20240301120000Z"));
        let first = next_cursor(&s, server(), latest, now, None);
        assert_eq!(
            since(&first),
            "20240301115958Z",
            "two seconds of slack for a pass of under one"
        );
        let kept = next_cursor(&s, server(), None, now, Some(time("20240301115958Z")));
        assert_eq!(since(&kept), "20240301115958Z", "nothing changed: the cursor stays");
        let never_back = next_cursor(
            &s,
            server(),
            Some(time("20240301115959Z")),
            now,
            Some(time("20240301115958Z")),
        );
        assert_eq!(
            since(&never_back),
            "20240301115958Z",
            "never before the previous cursor… "
        );
        let empty = next_cursor(&s, server(), None, now, None);
        assert_eq!(
            since(&empty),
            "19700101000000Z",
            "an empty directory: everything is new next time"
        );
    }

    #[test]
    fn active_directory_cursor_keeps_the_server_state() {
        let s = settings("");
        let cursor = next_cursor(
            &s,
            ServerState::ActiveDirectory {
                server: "CN=NTDS Settings,CN=DC1".into(),
                invocation_id: "guid".into(),
                highest_usn: 4711,
            },
            None,
            Instant::now(),
            None,
        );
        assert!(matches!(cursor, Cursor::ActiveDirectory { highest_usn: 4711, .. }));
        assert_eq!(cursor.scope(), scope_fingerprint(&s));
        assert_ne!(
            cursor.scope(),
            scope_fingerprint(&settings("user_filter = \"(objectClass=person)\""))
        );
    }

    #[test]
    fn ou_entries_name_their_department() {
        let s = settings("department_source = \"ou\"\ndepartment_ou_base = \"ou=People,dc=corp,dc=test\"");
        let path = ou_entry_path("ou=Backend,ou=Engineering,ou=People,dc=corp,dc=test", &s);
        assert_eq!(path.map(|p| p.to_string()).as_deref(), Some("Engineering / Backend"));
        assert_eq!(
            ou_entry_path("ou=People,dc=corp,dc=test", &s),
            None,
            "the base is no department"
        );
        assert_eq!(ou_entry_path("cn=x,ou=People,dc=corp,dc=test", &s), None, "not an OU");
        assert_eq!(ou_entry_path("ou=Sales,dc=other", &s), None);
        assert!(under_base("uid=a,ou=People,dc=corp,dc=test", &s));
        assert!(!under_base("uid=a,dc=other", &s));
    }
}
