//! Planning: what a pass means for the people Portico already has. Pure — no I/O — so the
//! server applies a [`Plan`] in one database transaction, or not at all.
//!
//! Identity is the external id only: a renamed login, a new DN (rename or move) or a new
//! e-mail address update the same person. People missing from the directory are deactivated
//! only by a full pass; an incremental pass cannot see deletions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cursor::Cursor;
use crate::pass::{SkipReason, SkippedEntry, SyncPass};
use crate::person::{DepartmentPath, Group, Person, SyncedFields};

/// What the server knows about a person that came from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalPerson {
    pub external_id: String,
    pub dn: String,
    pub login: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub title: Option<String>,
    pub department: Option<DepartmentPath>,
    pub manager_external_id: Option<String>,
    /// [`photo_sha256`] of the stored photo.
    pub photo_sha256: Option<String>,
    pub birthday: Option<String>,
    pub hire_date: Option<String>,
    pub active: bool,
}

impl LocalPerson {
    /// The record a person becomes once stored. An unresolved manager reference is kept as
    /// `previous` had it (see [`crate::ManagerRef`]).
    pub fn from_person(person: &Person, previous: Option<&LocalPerson>) -> LocalPerson {
        LocalPerson {
            external_id: person.external_id.clone(),
            dn: person.dn.clone(),
            login: person.login.clone(),
            given_name: person.given_name.clone(),
            surname: person.surname.clone(),
            display_name: person.display_name.clone(),
            email: person.email.clone(),
            phone: person.phone.clone(),
            mobile: person.mobile.clone(),
            title: person.title.clone(),
            department: person.department.clone(),
            manager_external_id: match &person.manager {
                None => None,
                Some(m) => match &m.external_id {
                    Some(id) => Some(id.clone()),
                    None => previous.and_then(|p| p.manager_external_id.clone()),
                },
            },
            photo_sha256: person.photo.as_deref().map(photo_sha256),
            birthday: person.birthday.clone(),
            hire_date: person.hire_date.clone(),
            active: person.active,
        }
    }
}

/// Lowercase hex SHA-256 of a photo, to compare photos without storing them twice.
pub fn photo_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One entry of the staff-change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffChange {
    Hired,
    Moved {
        from: Option<DepartmentPath>,
        to: Option<DepartmentPath>,
    },
    TitleChanged {
        from: Option<String>,
        to: Option<String>,
    },
    /// External ids of the old and new manager.
    ManagerChanged {
        from: Option<String>,
        to: Option<String>,
    },
    /// The login changed (the person is the same: same external id).
    Renamed {
        from: String,
        to: String,
    },
    Deactivated,
    Reactivated,
}

impl StaffChange {
    /// `hired`, `moved`, `title_changed`, `manager_changed`, `renamed`, `deactivated`,
    /// `reactivated`.
    pub fn kind(&self) -> &'static str {
        match self {
            StaffChange::Hired => "hired",
            StaffChange::Moved { .. } => "moved",
            StaffChange::TitleChanged { .. } => "title_changed",
            StaffChange::ManagerChanged { .. } => "manager_changed",
            StaffChange::Renamed { .. } => "renamed",
            StaffChange::Deactivated => "deactivated",
            StaffChange::Reactivated => "reactivated",
        }
    }
}

/// A person whose record changes, with the staff changes to log (possibly none, e.g. for a
/// new phone number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonUpdate {
    pub person: Person,
    pub changes: Vec<StaffChange>,
}

/// A department after the plan: every department with active people, and their ancestors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentPlan {
    pub path: DepartmentPath,
    /// The OU's explicit head if the directory names one, else the one active member whose
    /// manager is outside the department (the one with most reports if several are).
    pub head_external_id: Option<String>,
}

/// Group changes: upsert these groups with exactly these members; on a full pass, groups
/// from the directory that are not listed are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPlan {
    pub upsert: Vec<Group>,
    pub remove_unlisted: bool,
}

/// What to change locally. Apply in this order, in one transaction: free the logins in
/// `release_logins`, deactivate, create, update (logins may swap within one plan: give renamed
/// people a temporary login first), then departments, groups and the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub full: bool,
    /// New people (also disabled ones, created inactive).
    pub create: Vec<Person>,
    pub update: Vec<PersonUpdate>,
    /// External ids of active people to deactivate: missing from a full pass, or whose login
    /// the directory now gives to someone else.
    pub deactivate: Vec<String>,
    /// External ids of local people whose login now belongs to another directory entry (the
    /// account was deleted and the login reused): they must give it up.
    pub release_logins: Vec<String>,
    pub unchanged: usize,
    pub departments: Vec<DepartmentPlan>,
    pub groups: GroupPlan,
    pub skipped: Vec<SkippedEntry>,
    /// Fields the directory owns; leave the others as they are.
    pub fields: SyncedFields,
    /// Store it with the plan's changes.
    pub cursor: Cursor,
}

/// A full pass that would deactivate a suspicious share of the people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to deactivate {count} of {active} active directory people (limit {limit_percent}%); \
     check base_dn, user_filter and the service account's permissions"
)]
pub struct DeactivationLimitExceeded {
    pub count: usize,
    pub active: usize,
    pub limit_percent: u8,
}

/// Deactivations up to this many are never considered suspicious.
const DEACTIVATION_FLOOR: usize = 10;

impl Plan {
    /// Every staff change of the plan: `Hired` for active new people, the changes of each
    /// update, `Deactivated` for each deactivation.
    pub fn staff_changes(&self) -> Vec<(&str, StaffChange)> {
        let hired = self
            .create
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.external_id.as_str(), StaffChange::Hired));
        let updated = self
            .update
            .iter()
            .flat_map(|u| u.changes.iter().map(|c| (u.person.external_id.as_str(), c.clone())));
        let gone = self.deactivate.iter().map(|id| (id.as_str(), StaffChange::Deactivated));
        hired.chain(updated).chain(gone).collect()
    }

    /// True when applying the plan changes no person (departments, groups and the cursor
    /// may still need writing).
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.deactivate.is_empty() && self.release_logins.is_empty()
    }

    /// Refuses a plan that deactivates more than `limit_percent` of the active `local`
    /// people (and more than ten): an empty search result is more likely a wrong filter or
    /// missing read permission than a company that lost its staff.
    pub fn check_deactivation_limit(
        &self,
        local: &[LocalPerson],
        limit_percent: u8,
    ) -> Result<(), DeactivationLimitExceeded> {
        let active = local.iter().filter(|p| p.active).count();
        let count = self.deactivate.len();
        if count > DEACTIVATION_FLOOR && count * 100 > usize::from(limit_percent) * active {
            return Err(DeactivationLimitExceeded {
                count,
                active,
                limit_percent,
            });
        }
        Ok(())
    }
}

/// Compares a pass with the local people (only those that came from this directory) and
/// says what to change.
pub fn plan(local: &[LocalPerson], pass: &SyncPass) -> Plan {
    let full = pass.is_full();
    let fields = pass.fields();
    let local_by_id: HashMap<&str, &LocalPerson> = local.iter().map(|p| (p.external_id.as_str(), p)).collect();

    let mut skipped: Vec<SkippedEntry> = pass.skipped().to_vec();
    let incoming = usable_people(pass.people(), &mut skipped);

    let mut create = Vec::new();
    let mut update = Vec::new();
    let mut unchanged = 0;
    for person in &incoming {
        match local_by_id.get(person.external_id.as_str()) {
            None => create.push((*person).clone()),
            Some(existing) => {
                let (changes, other) = diff(existing, person, fields);
                if changes.is_empty() && !other {
                    unchanged += 1;
                } else {
                    update.push(PersonUpdate {
                        person: (*person).clone(),
                        changes,
                    });
                }
            }
        }
    }

    let seen: HashSet<&str> = incoming
        .iter()
        .map(|p| p.external_id.as_str())
        .chain(skipped.iter().filter_map(|s| s.external_id.as_deref()))
        .collect();
    let mut deactivate: Vec<String> = if full {
        local
            .iter()
            .filter(|p| p.active && !seen.contains(p.external_id.as_str()))
            .map(|p| p.external_id.clone())
            .collect()
    } else {
        Vec::new()
    };

    let login_owner: HashMap<&str, &str> = incoming
        .iter()
        .map(|p| (p.login.as_str(), p.external_id.as_str()))
        .collect();
    let mut release_logins = Vec::new();
    for holder in local {
        if seen.contains(holder.external_id.as_str()) {
            continue;
        }
        if let Some(owner) = login_owner.get(holder.login.as_str())
            && *owner != holder.external_id
        {
            release_logins.push(holder.external_id.clone());
            if holder.active && !deactivate.contains(&holder.external_id) {
                deactivate.push(holder.external_id.clone());
            }
        }
    }

    let departments = if fields.department {
        departments_after(local, &incoming, &deactivate, pass)
    } else {
        Vec::new()
    };

    Plan {
        full,
        create,
        update,
        deactivate,
        release_logins,
        unchanged,
        departments,
        groups: GroupPlan {
            upsert: pass.groups().to_vec(),
            remove_unlisted: full,
        },
        skipped,
        fields,
        cursor: pass.cursor().clone(),
    }
}

/// The people of the pass minus duplicates (of external id, or of login), which are moved to
/// `skipped`: which of two entries claiming the same login is right is for a human to decide.
fn usable_people<'a>(people: &'a [Person], skipped: &mut Vec<SkippedEntry>) -> Vec<&'a Person> {
    let mut ids = HashSet::new();
    let mut unique: Vec<&Person> = Vec::with_capacity(people.len());
    for person in people {
        if ids.insert(person.external_id.as_str()) {
            unique.push(person);
        } else {
            skipped.push(SkippedEntry {
                dn: person.dn.clone(),
                external_id: Some(person.external_id.clone()),
                reason: SkipReason::DuplicateExternalId,
            });
        }
    }
    let mut logins: HashMap<&str, usize> = HashMap::new();
    for person in &unique {
        *logins.entry(person.login.as_str()).or_default() += 1;
    }
    let (usable, clashing): (Vec<&Person>, Vec<&Person>) = unique
        .into_iter()
        .partition(|p| logins.get(p.login.as_str()) == Some(&1));
    skipped.extend(clashing.into_iter().map(|p| SkippedEntry {
        dn: p.dn.clone(),
        external_id: Some(p.external_id.clone()),
        reason: SkipReason::DuplicateLogin { login: p.login.clone() },
    }));
    usable
}

/// The staff changes between the stored and the directory's version of a person, and whether
/// any other synced field differs.
fn diff(local: &LocalPerson, person: &Person, fields: SyncedFields) -> (Vec<StaffChange>, bool) {
    let mut changes = Vec::new();
    if local.login != person.login {
        changes.push(StaffChange::Renamed {
            from: local.login.clone(),
            to: person.login.clone(),
        });
    }
    if fields.department && local.department != person.department {
        changes.push(StaffChange::Moved {
            from: local.department.clone(),
            to: person.department.clone(),
        });
    }
    if fields.title && local.title != person.title {
        changes.push(StaffChange::TitleChanged {
            from: local.title.clone(),
            to: person.title.clone(),
        });
    }
    if fields.manager {
        // An unresolvable manager DN says nothing about the manager: keep what we have.
        let known = match &person.manager {
            None => Some(None),
            Some(m) => m.external_id.as_ref().map(|id| Some(id.clone())),
        };
        if let Some(to) = known
            && local.manager_external_id != to
        {
            changes.push(StaffChange::ManagerChanged {
                from: local.manager_external_id.clone(),
                to,
            });
        }
    }
    match (local.active, person.active) {
        (true, false) => changes.push(StaffChange::Deactivated),
        (false, true) => changes.push(StaffChange::Reactivated),
        _ => {}
    }
    let photo = person.photo.as_deref().map(photo_sha256);
    let other = local.dn != person.dn
        || local.display_name != person.display_name
        || (fields.given_name && local.given_name != person.given_name)
        || (fields.surname && local.surname != person.surname)
        || (fields.email && local.email != person.email)
        || (fields.phone && local.phone != person.phone)
        || (fields.mobile && local.mobile != person.mobile)
        || (fields.photo && local.photo_sha256 != photo)
        || (fields.birthday && local.birthday != person.birthday)
        || (fields.hire_date && local.hire_date != person.hire_date);
    (changes, other)
}

/// Department, manager and activity of one person after the plan.
struct After {
    department: Option<DepartmentPath>,
    manager: Option<String>,
    active: bool,
}

fn departments_after(
    local: &[LocalPerson],
    incoming: &[&Person],
    deactivate: &[String],
    pass: &SyncPass,
) -> Vec<DepartmentPlan> {
    let mut state: HashMap<&str, After> = local
        .iter()
        .map(|p| {
            (
                p.external_id.as_str(),
                After {
                    department: p.department.clone(),
                    manager: p.manager_external_id.clone(),
                    active: p.active,
                },
            )
        })
        .collect();
    for person in incoming {
        let previous = state.get(person.external_id.as_str()).and_then(|a| a.manager.clone());
        let manager = match &person.manager {
            None => None,
            Some(m) => m.external_id.clone().or(previous),
        };
        state.insert(
            person.external_id.as_str(),
            After {
                department: person.department.clone(),
                manager,
                active: person.active,
            },
        );
    }
    for id in deactivate {
        if let Some(after) = state.get_mut(id.as_str()) {
            after.active = false;
        }
    }

    let mut members: BTreeMap<&DepartmentPath, Vec<&str>> = BTreeMap::new();
    for (id, after) in &state {
        if after.active
            && let Some(dept) = &after.department
        {
            members.entry(dept).or_default().push(id);
        }
    }
    let mut paths: BTreeSet<DepartmentPath> = BTreeSet::new();
    for dept in members.keys() {
        let mut next = Some((*dept).clone());
        while let Some(path) = next {
            next = path.parent();
            paths.insert(path);
        }
    }
    let explicit: HashMap<&DepartmentPath, &str> = pass
        .org_units()
        .iter()
        .filter_map(|ou| {
            let head = ou.head_external_id.as_deref()?;
            state.get(head).is_some_and(|a| a.active).then_some((&ou.path, head))
        })
        .collect();
    let mut reports: HashMap<&str, usize> = HashMap::new();
    for after in state.values().filter(|a| a.active) {
        if let Some(manager) = &after.manager {
            *reports.entry(manager.as_str()).or_default() += 1;
        }
    }

    paths
        .into_iter()
        .map(|path| {
            let head = match explicit.get(&path) {
                Some(head) => Some((*head).to_owned()),
                None => members
                    .get(&path)
                    .and_then(|ids| inferred_head(ids, &path, &state, &reports)),
            };
            DepartmentPlan {
                path,
                head_external_id: head,
            }
        })
        .collect()
}

/// The member whose manager is not a member of the same department; among several, the one
/// with the most direct reports, if that is unambiguous.
fn inferred_head(
    ids: &[&str],
    path: &DepartmentPath,
    state: &HashMap<&str, After>,
    reports: &HashMap<&str, usize>,
) -> Option<String> {
    let in_dept = |id: &str| {
        state
            .get(id)
            .is_some_and(|a| a.active && a.department.as_ref() == Some(path))
    };
    let mut candidates: Vec<(&str, usize)> = ids
        .iter()
        .filter(|id| {
            let manager = state.get(**id).and_then(|a| a.manager.as_deref());
            manager.is_none_or(|m| !in_dept(m))
        })
        .map(|id| (*id, reports.get(*id).copied().unwrap_or(0)))
        .collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    match candidates.as_slice() {
        [(only, _)] => Some((*only).to_owned()),
        [(first, n1), (_, n2), ..] if n1 > n2 => Some((*first).to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pass::{Delta, OrgUnit, Snapshot};
    use crate::person::ManagerRef;

    fn dept(path: &str) -> Option<DepartmentPath> {
        DepartmentPath::new(path.split('/').map(str::to_owned).collect())
    }

    fn person(id: &str, login: &str, department: &str, manager: Option<&str>) -> Person {
        Person {
            external_id: id.into(),
            dn: format!("uid={login},ou=People,dc=corp,dc=test"),
            login: login.into(),
            given_name: Some(login.to_uppercase()),
            surname: Some("Test".into()),
            display_name: format!("{} Test", login.to_uppercase()),
            email: Some(format!("{login}@corp.test")),
            phone: None,
            mobile: None,
            title: Some("Engineer".into()),
            department: dept(department),
            manager: manager.map(|m| ManagerRef {
                dn: format!("uid={m},ou=People,dc=corp,dc=test"),
                external_id: Some(format!("id-{m}")),
            }),
            photo: None,
            birthday: None,
            hire_date: Some("2020-01-02".into()),
            active: true,
            groups: Vec::new(),
        }
    }

    fn cursor() -> Cursor {
        Cursor::OpenLdap {
            scope: "s".into(),
            server: "x".into(),
            since: "20240101000000Z".into(),
        }
    }

    fn full(people: Vec<Person>) -> SyncPass {
        SyncPass::Full(Snapshot {
            people,
            groups: Vec::new(),
            org_units: Vec::new(),
            skipped: Vec::new(),
            fields: SyncedFields::all(),
            cursor: cursor(),
        })
    }

    fn delta(people: Vec<Person>) -> SyncPass {
        SyncPass::Delta(Delta {
            changed_people: people,
            changed_groups: Vec::new(),
            org_units: Vec::new(),
            skipped: Vec::new(),
            fields: SyncedFields::all(),
            cursor: cursor(),
        })
    }

    /// A small company: ceo (Board), two in Engineering under eng-head, one in Sales.
    fn company() -> Vec<Person> {
        vec![
            person("id-ceo", "ceo", "Board", None),
            person("id-eng", "eng", "Engineering", Some("ceo")),
            person("id-dev", "dev", "Engineering/Backend", Some("eng")),
            person("id-ops", "ops", "Engineering/Backend", Some("eng")),
            person("id-sal", "sal", "Sales", Some("ceo")),
        ]
    }

    fn stored(people: &[Person]) -> Vec<LocalPerson> {
        people.iter().map(|p| LocalPerson::from_person(p, None)).collect()
    }

    fn changes_of(plan: &Plan, id: &str) -> Vec<StaffChange> {
        plan.update
            .iter()
            .find(|u| u.person.external_id == id)
            .map(|u| u.changes.clone())
            .unwrap_or_default()
    }

    #[test]
    fn first_sync_creates_everyone() {
        let plan = plan(&[], &full(company()));
        assert_eq!(plan.create.len(), 5);
        assert!(plan.update.is_empty() && plan.deactivate.is_empty());
        assert_eq!(plan.staff_changes().len(), 5);
        assert!(plan.staff_changes().iter().all(|(_, c)| *c == StaffChange::Hired));
        let heads: Vec<(String, Option<String>)> = plan
            .departments
            .iter()
            .map(|d| (d.path.to_string(), d.head_external_id.clone()))
            .collect();
        assert_eq!(
            heads,
            vec![
                ("Board".into(), Some("id-ceo".into())),
                ("Engineering".into(), Some("id-eng".into())),
                ("Engineering / Backend".into(), None),
                ("Sales".into(), Some("id-sal".into())),
            ],
            "Backend: two members report to someone outside, with no reports of their own"
        );
    }

    #[test]
    fn nothing_changed() {
        let people = company();
        let plan = plan(&stored(&people), &full(people));
        assert!(plan.is_empty());
        assert_eq!(plan.unchanged, 5);
        assert!(plan.staff_changes().is_empty());
    }

    #[test]
    fn each_staff_change_kind() {
        let before = company();
        let local = stored(&before);
        let mut after = before.clone();
        after[1].title = Some("VP Engineering".into());
        after[2].department = dept("Sales");
        after[3].manager = Some(ManagerRef {
            dn: "uid=ceo,ou=People,dc=corp,dc=test".into(),
            external_id: Some("id-ceo".into()),
        });
        after[4].login = "sales.rep".into();
        after[0].active = false;
        let plan = plan(&local, &delta(after));
        assert_eq!(plan.update.len(), 5);
        assert_eq!(plan.unchanged, 0);
        assert_eq!(changes_of(&plan, "id-ceo"), vec![StaffChange::Deactivated]);
        assert_eq!(
            changes_of(&plan, "id-eng"),
            vec![StaffChange::TitleChanged {
                from: Some("Engineer".into()),
                to: Some("VP Engineering".into())
            }]
        );
        assert_eq!(
            changes_of(&plan, "id-dev"),
            vec![StaffChange::Moved {
                from: dept("Engineering/Backend"),
                to: dept("Sales")
            }]
        );
        assert_eq!(
            changes_of(&plan, "id-ops"),
            vec![StaffChange::ManagerChanged {
                from: Some("id-eng".into()),
                to: Some("id-ceo".into())
            }]
        );
        assert_eq!(
            changes_of(&plan, "id-sal"),
            vec![StaffChange::Renamed {
                from: "sal".into(),
                to: "sales.rep".into()
            }]
        );
        assert!(plan.create.is_empty(), "a rename keeps the identity");
        assert!(plan.deactivate.is_empty());
    }

    #[test]
    fn reactivation_and_non_staff_updates() {
        let people = company();
        let mut local = stored(&people);
        local[2].active = false;
        local[3].phone = Some("old".into());
        let mut after = people.clone();
        after[4].photo = Some(vec![1, 2, 3]);
        let plan = plan(&local, &full(after));
        assert_eq!(changes_of(&plan, "id-dev"), vec![StaffChange::Reactivated]);
        assert_eq!(plan.update.len(), 3, "reactivated, phone cleared, new photo");
        assert_eq!(plan.unchanged, 2);
        assert_eq!(plan.staff_changes().len(), 1);
    }

    #[test]
    fn missing_people_are_deactivated_only_by_a_full_pass() {
        let people = company();
        let mut local = stored(&people);
        local[4].active = true;
        let fewer: Vec<Person> = people[..4].to_vec();
        let from_delta = plan(&local, &delta(fewer.clone()));
        assert!(from_delta.deactivate.is_empty());
        let from_full = plan(&local, &full(fewer));
        assert_eq!(from_full.deactivate, vec!["id-sal".to_owned()]);
        assert_eq!(from_full.staff_changes(), vec![("id-sal", StaffChange::Deactivated)]);
        let mut already_inactive = local.clone();
        already_inactive[4].active = false;
        assert!(
            plan(&already_inactive, &full(people[..4].to_vec()))
                .deactivate
                .is_empty()
        );
    }

    #[test]
    fn skipped_entries_are_not_deactivated() {
        let people = company();
        let local = stored(&people);
        let SyncPass::Full(mut snapshot) = full(people[..4].to_vec()) else {
            return;
        };
        snapshot.skipped.push(SkippedEntry {
            dn: "uid=sal,ou=People,dc=corp,dc=test".into(),
            external_id: Some("id-sal".into()),
            reason: SkipReason::DuplicateExternalId,
        });
        assert!(plan(&local, &SyncPass::Full(snapshot)).deactivate.is_empty());
    }

    #[test]
    fn rename_and_move_keep_identity() {
        let people = company();
        let local = stored(&people);
        let mut moved = people[2].clone();
        moved.dn = "uid=developer,ou=Sales,ou=People,dc=corp,dc=test".into();
        moved.login = "developer".into();
        moved.department = dept("Sales");
        let plan = plan(&local, &delta(vec![moved]));
        assert!(plan.create.is_empty());
        assert_eq!(plan.update.len(), 1);
        let kinds: Vec<&str> = changes_of(&plan, "id-dev").iter().map(StaffChange::kind).collect();
        assert_eq!(kinds, ["renamed", "moved"]);
    }

    #[test]
    fn dn_only_change_is_an_update_without_staff_change() {
        let people = company();
        let local = stored(&people);
        let mut renamed_cn = people[1].clone();
        renamed_cn.dn = "cn=Eng Head,ou=People,dc=corp,dc=test".into();
        let plan = plan(&local, &delta(vec![renamed_cn]));
        assert_eq!(plan.update.len(), 1);
        assert!(plan.update[0].changes.is_empty());
    }

    #[test]
    fn unresolved_manager_keeps_the_local_one() {
        let people = company();
        let local = stored(&people);
        let mut dangling = people[2].clone();
        dangling.manager = Some(ManagerRef {
            dn: "uid=gone,ou=People,dc=corp,dc=test".into(),
            external_id: None,
        });
        let plan = plan(&local, &delta(vec![dangling.clone()]));
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            LocalPerson::from_person(&dangling, Some(&local[2]))
                .manager_external_id
                .as_deref(),
            Some("id-eng")
        );
        let mut none = people[2].clone();
        none.manager = None;
        let plan = crate::plan(&local, &delta(vec![none]));
        assert_eq!(
            changes_of(&plan, "id-dev"),
            vec![StaffChange::ManagerChanged {
                from: Some("id-eng".into()),
                to: None
            }]
        );
    }

    #[test]
    fn unsynced_fields_are_left_alone() {
        let people = company();
        let mut local = stored(&people);
        local[0].title = Some("Founder".into());
        local[0].birthday = Some("1970-01-01".into());
        let SyncPass::Full(mut snapshot) = full(people) else {
            return;
        };
        snapshot.fields.title = false;
        snapshot.fields.birthday = false;
        let plan = plan(&local, &SyncPass::Full(snapshot));
        assert!(plan.update.is_empty());
        assert_eq!(plan.unchanged, 5);
    }

    #[test]
    fn duplicate_logins_and_ids_are_skipped() {
        let mut people = company();
        people.push(person("id-ceo", "ceo2", "Board", None));
        people.push(person("id-new", "dev", "Sales", None));
        let local = stored(&company());
        let plan = plan(&local, &full(people));
        let reasons: Vec<(&str, &SkipReason)> = plan
            .skipped
            .iter()
            .map(|s| (s.external_id.as_deref().unwrap_or_default(), &s.reason))
            .collect();
        assert_eq!(reasons.len(), 3);
        assert!(reasons.contains(&("id-ceo", &SkipReason::DuplicateExternalId)));
        assert!(reasons.contains(&("id-dev", &SkipReason::DuplicateLogin { login: "dev".into() })));
        assert!(reasons.contains(&("id-new", &SkipReason::DuplicateLogin { login: "dev".into() })));
        assert!(plan.deactivate.is_empty(), "skipped people are still in the directory");
        assert!(plan.create.is_empty());
    }

    #[test]
    fn reused_login_is_released() {
        let people = company();
        let local = stored(&people);
        // sal's account was deleted and a new hire got the login "sal".
        let newcomer = person("id-new-sal", "sal", "Sales", Some("ceo"));
        let plan = plan(&local, &delta(vec![newcomer]));
        assert_eq!(plan.create.len(), 1);
        assert_eq!(plan.release_logins, vec!["id-sal".to_owned()]);
        assert_eq!(plan.deactivate, vec!["id-sal".to_owned()]);
    }

    #[test]
    fn explicit_ou_heads_win() {
        let people = company();
        let SyncPass::Full(mut snapshot) = full(people) else {
            return;
        };
        snapshot.org_units.push(OrgUnit {
            path: dept("Engineering/Backend").expect("path"),
            head_external_id: Some("id-ops".into()),
        });
        let plan = plan(&[], &SyncPass::Full(snapshot));
        let backend = plan
            .departments
            .iter()
            .find(|d| d.path.to_string() == "Engineering / Backend");
        assert_eq!(backend.and_then(|d| d.head_external_id.as_deref()), Some("id-ops"));
    }

    #[test]
    fn deactivation_limit() {
        let people: Vec<Person> = (0..100)
            .map(|n| person(&format!("id-{n}"), &format!("u{n}"), "D", None))
            .collect();
        let local = stored(&people);
        let plan_few = plan(&local, &full(people[..90].to_vec()));
        assert_eq!(plan_few.deactivate.len(), 10);
        assert!(
            plan_few.check_deactivation_limit(&local, 5).is_ok(),
            "ten or fewer always pass"
        );
        let plan_many = plan(&local, &full(people[..70].to_vec()));
        assert!(plan_many.check_deactivation_limit(&local, 30).is_ok());
        assert_eq!(
            plan_many.check_deactivation_limit(&local, 20),
            Err(DeactivationLimitExceeded {
                count: 30,
                active: 100,
                limit_percent: 20
            })
        );
        let wiped = plan(&local, &full(Vec::new()));
        assert!(wiped.check_deactivation_limit(&local, 20).is_err());
    }

    #[test]
    fn group_plan_follows_pass_kind() {
        let people = company();
        assert!(plan(&[], &full(people.clone())).groups.remove_unlisted);
        assert!(!plan(&[], &delta(people)).groups.remove_unlisted);
    }

    #[test]
    fn staff_change_serialisation() {
        let change = StaffChange::Moved {
            from: dept("Engineering/Backend"),
            to: None,
        };
        assert_eq!(
            serde_json::to_string(&change).ok().as_deref(),
            Some(r#"{"kind":"moved","from":["Engineering","Backend"],"to":null}"#)
        );
    }
}
