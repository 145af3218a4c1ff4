//! Calendars and task lists: each user's home with a default calendar and task list, the
//! calendars of teams (company, departments, workgroups) and rooms, colleagues' calendars
//! kept as favourites, and the objects in them.
//!
//! [`Calendars::calendar`] resolves a calendar as the actor addressed it — in its owner's
//! home, or bound in the actor's own home as `{owner}~{slug}` — and decides how much of it
//! the actor sees ([`CalendarView`], the one rule in `crate::core::authz`). The
//! [`CalendarRef`] it returns is the proof of that decision: only this module makes one,
//! and every later command on the calendar takes it.
//!
//! Submodules: `objects` (what is in a calendar: reading with the view's reduction, writing
//! with validation and conditions, change log), `events` (occurrences for the calendar
//! pages, events written from a form), `manage` (creating, changing and deleting
//! calendars; grants, visibility, feeds, team calendars, rooms), `scheduling` (meetings
//! delivered to attendees and rooms, and their replies: RFC 6638 implicit scheduling),
//! `reminders` (alarms mailed to those who asked), `rooms` (seats, equipment, who may book, free rooms), `availability` (the free/busy grid of a meeting's people and rooms), `guests` and
//! `answer_links` (answers of guests outside the company, by signed link or
//! mailed REPLY).

mod answer_links;
mod availability;
mod events;
mod guests;
mod imip;
mod inbox;
mod invitations;
mod manage;
mod objects;
mod outbox;
mod reminders;
mod rooms;
mod scheduling;

use crate::core::authz::{Action, CalendarFacts, Resource, calendar_view, can};
use crate::core::{Actor, Core, Error, Result};
use crate::store::{NewCollection, Storage, StoreError, Team};

pub use crate::core::authz::{CalendarOwner, CalendarView};
pub use crate::store::RoomDetails;
pub use crate::store::{
    AccessLevel, Collection, CollectionUpdate, DeadProp, Grantee, InboxItem, Item, ItemMeta, PropChange,
};
pub use answer_links::AnswerLinks;
pub use availability::{Availability, MAX_RANGE_SECONDS, next_free_slot, published_free_busy_by_token};
pub use events::AgendaEntry;
pub use guests::{GuestAnswer, LinkPage};
pub use invitations::{Invitation, Reply};
pub use manage::{AclFacts, TeamOf};
pub use objects::{Changes, LIMITS, PutObject, Transfer, Written, etag_of, feed, visible_data};
pub(crate) use objects::{delete_item, in_order_asked, read_changes};
pub use outbox::FreeBusyAnswer;
pub use reminders::MAX_PER_PASS as MAX_REMINDERS_PER_PASS;
pub use rooms::{Room, valid_room_details};

use crate::core::{Principal, PrincipalKind};

/// The default collections every user gets on first access: (slug, display name, components).
const DEFAULT_COLLECTIONS: [(&str, &str, &str); 2] = [("calendar", "Calendar", "VEVENT"), ("tasks", "Tasks", "VTODO")];

/// One stretch of time someone is out of office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceInterval {
    pub login: String,
    pub display_name: String,
    /// `[start, end)` in Unix seconds.
    pub start: i64,
    pub end: i64,
    pub all_day: bool,
}

/// How a calendar is reached through someone's home other than its owner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A colleague's calendar the home's owner keeps among their favourites.
    Favorite,
    /// A calendar of the company, the owner's department or one of their workgroups.
    Team,
}

/// A calendar as the actor addressed it: the calendar and its owner, how much of it the
/// actor sees, and the home and segment it was reached by (its own, or `{owner}~{slug}` in
/// the actor's home), so that answers stay below the URL the client used.
#[derive(Debug, Clone)]
pub struct CalendarRef {
    owner: Principal,
    owner_kind: CalendarOwner,
    coll: Collection,
    view: CalendarView,
    home_login: String,
    segment: String,
    binding: Option<Binding>,
}

impl CalendarRef {
    pub fn owner(&self) -> &Principal {
        &self.owner
    }

    pub fn owner_kind(&self) -> CalendarOwner {
        self.owner_kind
    }

    pub fn collection(&self) -> &Collection {
        &self.coll
    }

    pub fn view(&self) -> CalendarView {
        self.view
    }

    pub fn binding(&self) -> Option<Binding> {
        self.binding
    }

    /// The login of the home the calendar was addressed in.
    pub fn home_login(&self) -> &str {
        &self.home_login
    }

    /// Its name in that home: its slug, or `{owner}~{slug}` for a binding.
    pub fn segment(&self) -> &str {
        &self.segment
    }

    /// Whether `(login, segment)` names this calendar as addressed.
    pub fn is_addressed_as(&self, login: &str, segment: &str) -> bool {
        self.home_login == login && self.segment == segment
    }
}

/// The segment that names a bound calendar in a home: `{owner login}~{slug}`.
pub fn binding_segment(owner_login: &str, slug: &str) -> String {
    format!("{owner_login}~{slug}")
}

/// Calendars as one actor sees them.
pub struct Calendars<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> Calendars<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Calendars { core, actor }
    }

    fn store(&self) -> &dyn Storage {
        &*self.core.store
    }

    fn me(&self) -> &Principal {
        self.actor.principal()
    }

    /// An active principal by login (404 otherwise), for principal resources.
    pub async fn principal(&self, login: &str) -> Result<Principal> {
        self.store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.active)
            .ok_or_else(Error::not_found)
    }

    /// The owner of a calendar home, with the actor's access checked: 404 for unknown
    /// owners, 403 without the right. A user's own home gets its default calendars here.
    pub async fn home(&self, login: &str, action: Action) -> Result<Principal> {
        let owner = self.principal(login).await?;
        if !self.actor.is_system() && !can(self.me(), action, Resource::CalendarHome { owner: &owner }) {
            return Err(Error::forbidden());
        }
        if owner.id == self.me().id {
            self.ensure_defaults(&owner).await?;
        }
        Ok(owner)
    }

    /// Creates the default calendar and task list the first time a user's home is used.
    async fn ensure_defaults(&self, owner: &Principal) -> Result<()> {
        let store = self.store();
        self.core
            .provision(&format!("calendars/{}", owner.id), async {
                if !store.collections_of(owner.id, "calendar").await?.is_empty() {
                    return Ok(());
                }
                for (slug, name, components) in DEFAULT_COLLECTIONS {
                    let new = NewCollection {
                        owner_id: owner.id,
                        kind: "calendar",
                        slug,
                        displayname: Some(name),
                        description: None,
                        color: None,
                        timezone: None,
                        components,
                    };
                    match store.create_collection(&new).await {
                        Ok(_) | Err(StoreError::Conflict(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok(())
            })
            .await
    }

    /// What kind of owner a calendar has, for the calendar rule.
    async fn owner_kind(&self, owner: &Principal) -> Result<CalendarOwner> {
        Ok(match (owner.kind, owner.team) {
            (_, Some(Team::Company)) => CalendarOwner::Company,
            (_, Some(Team::Department(id))) => CalendarOwner::Department {
                id,
                head_id: self.store().department_head(id).await?,
            },
            (PrincipalKind::Group, None) => CalendarOwner::Workgroup,
            _ => CalendarOwner::Person,
        })
    }

    /// How much of a calendar the actor sees (ownership, team, grants, mode).
    async fn view_of(&self, owner_kind: CalendarOwner, coll: &Collection) -> Result<CalendarView> {
        if self.actor.is_system() || coll.owner_id == self.me().id {
            return Ok(CalendarView::Owner);
        }
        let grants = self.store().collection_grants(coll.id).await?;
        let facts = CalendarFacts {
            owner_id: coll.owner_id,
            owner: owner_kind,
            visibility: &coll.visibility,
            grants: &grants,
            memberships: self.actor.memberships(self.store()).await?,
        };
        Ok(calendar_view(self.me(), &facts))
    }

    /// A calendar addressed as `{login}/{segment}`, with the actor's access checked (403
    /// without it) and how much of it they see. A segment `{owner}~{slug}` in the actor's
    /// own home is a favourite or team calendar bound there.
    pub async fn calendar(&self, login: &str, segment: &str, action: Action) -> Result<CalendarRef> {
        let (owner, owner_kind, coll, binding) = match segment.split_once('~') {
            Some((owner_login, slug)) => {
                if login != self.me().login {
                    return Err(Error::not_found());
                }
                let owner = self
                    .store()
                    .principal_by_login(owner_login)
                    .await?
                    .filter(|p| p.active && p.id != self.me().id)
                    .ok_or_else(Error::not_found)?;
                let coll = self
                    .store()
                    .collection(owner.id, "calendar", slug)
                    .await?
                    .ok_or_else(Error::not_found)?;
                let kind = self.owner_kind(&owner).await?;
                let binding = if kind.has_member(owner.id, self.actor.memberships(self.store()).await?) {
                    Binding::Team
                } else if self.store().is_favorite(self.me().id, coll.id).await? {
                    Binding::Favorite
                } else {
                    return Err(Error::not_found());
                };
                (owner, kind, coll, Some(binding))
            }
            None => {
                let owner = self.home(login, Action::Read).await?;
                let coll = self
                    .store()
                    .collection(owner.id, "calendar", segment)
                    .await?
                    .ok_or_else(Error::not_found)?;
                let kind = self.owner_kind(&owner).await?;
                (owner, kind, coll, None)
            }
        };
        let view = self.view_of(owner_kind, &coll).await?;
        if !view.allows(action) {
            return Err(Error::forbidden());
        }
        Ok(CalendarRef {
            owner,
            owner_kind,
            coll,
            view,
            home_login: login.to_owned(),
            segment: segment.to_owned(),
            binding,
        })
    }

    /// A calendar by its owner's login and slug (never a binding), seen at least as
    /// free/busy: for APIs outside `/dav/`.
    pub async fn calendar_of(&self, login: &str, slug: &str) -> Result<CalendarRef> {
        if slug.contains('~') {
            return Err(Error::not_found());
        }
        self.calendar(login, slug, Action::Read).await
    }

    /// The calendars a home lists for the actor: the owner's that the actor may see, and in
    /// the actor's own home also the bound team calendars and favourites.
    pub async fn listed(&self, owner: &Principal) -> Result<Vec<CalendarRef>> {
        let mut listed = Vec::new();
        let owner_kind = self.owner_kind(owner).await?;
        for coll in self.store().collections_of(owner.id, "calendar").await? {
            let view = self.view_of(owner_kind, &coll).await?;
            if view == CalendarView::None {
                continue;
            }
            listed.push(CalendarRef {
                home_login: owner.login.clone(),
                segment: coll.slug.clone(),
                owner: owner.clone(),
                owner_kind,
                coll,
                view,
                binding: None,
            });
        }
        if owner.id == self.me().id {
            listed.extend(self.bound_calendars().await?);
        }
        Ok(listed)
    }

    /// The calendars bound in the actor's home (team calendars first, then favourites),
    /// each once, leaving out those the actor may no longer see.
    pub async fn bound_calendars(&self) -> Result<Vec<CalendarRef>> {
        let me = self.me();
        let teams = self.store().team_calendars(me.id).await?;
        let favorites = self.store().favorites(me.id).await?;
        let mut out: Vec<CalendarRef> = Vec::new();
        let tagged = teams
            .into_iter()
            .map(|t| (t, Binding::Team))
            .chain(favorites.into_iter().map(|f| (f, Binding::Favorite)));
        for ((owner, coll), binding) in tagged {
            if owner.id == me.id || out.iter().any(|c| c.coll.id == coll.id) {
                continue;
            }
            let owner_kind = self.owner_kind(&owner).await?;
            let view = self.view_of(owner_kind, &coll).await?;
            if view == CalendarView::None {
                continue;
            }
            out.push(CalendarRef {
                segment: binding_segment(&owner.login, &coll.slug),
                home_login: me.login.clone(),
                owner,
                owner_kind,
                coll,
                view,
                binding: Some(binding),
            });
        }
        Ok(out)
    }

    /// Adds a colleague's calendar the actor may see to their favourites.
    pub async fn add_favorite(&self, login: &str, slug: &str) -> Result<()> {
        if login == self.me().login {
            return Err(Error::invalid("your own calendars are in your home already"));
        }
        let c = self.calendar_of(login, slug).await?;
        self.store().add_favorite(self.me().id, c.coll.id).await?;
        Ok(())
    }

    /// Removes a favourite (404 when it is not one).
    pub async fn remove_favorite(&self, login: &str, slug: &str) -> Result<()> {
        let owner = self
            .store()
            .principal_by_login(login)
            .await?
            .ok_or_else(Error::not_found)?;
        let coll = self
            .store()
            .collection(owner.id, "calendar", slug)
            .await?
            .ok_or_else(Error::not_found)?;
        if !self.store().remove_favorite(self.me().id, coll.id).await? {
            return Err(Error::not_found());
        }
        Ok(())
    }

    /// The actor's favourites that they may still see, as `(owner, calendar)`.
    pub async fn favorites(&self) -> Result<Vec<CalendarRef>> {
        Ok(self
            .bound_calendars()
            .await?
            .into_iter()
            .filter(|c| c.binding == Some(Binding::Favorite))
            .collect())
    }

    /// Out-of-office time of a department's members (or everyone's) between two instants:
    /// who and when only, never what, so every signed-in user may ask.
    /// Who is out of office when in `[from, to)`: every occurrence of an out-of-office event
    /// (recurrences expanded, each with its own times; all-day ones as days in `zone`) of a
    /// department's members, sub-departments included, or of everyone. Only who and when:
    /// never the event's details, so every signed-in user may ask.
    pub async fn absences(
        &self,
        department: Option<&str>,
        from: i64,
        to: i64,
        zone: &caldav::FloatingZone,
    ) -> Result<Vec<AbsenceInterval>> {
        if !self.me().active {
            return Err(Error::forbidden());
        }
        let rows = self.store().absences(department, from, to).await?;
        let range =
            caldav::TimeRange::new(Some(from), Some(to)).ok_or_else(|| Error::invalid("from must be before to"))?;
        let zone = *zone;
        crate::core::cpu_work(usize::MAX, move || {
            let mut out: Vec<AbsenceInterval> = rows
                .iter()
                .flat_map(|row| {
                    caldav::occurrences([row.data.as_bytes()], &range, &zone)
                        .into_iter()
                        .filter(|o| o.out_of_office)
                        .map(|o| AbsenceInterval {
                            login: row.login.clone(),
                            display_name: row.display_name.clone(),
                            start: o.start,
                            end: o.end,
                            all_day: o.all_day,
                        })
                })
                .collect();
            out.sort_by(|a, b| (&a.login, a.start, a.end).cmp(&(&b.login, b.start, b.end)));
            out.dedup();
            out
        })
        .await
    }
}
