//! Meeting rooms as things to book: their seats, equipment and who may book them (stated by
//! an administrator), whether an organizer may book one (scheduling declines for a room they
//! may not), and the "free rooms for N people between T1 and T2" query, from the rooms'
//! free/busy (every room's calendar shows everyone busy/free).

use crate::core::{Error, Result};
use crate::store::RoomDetails;

use super::{Calendars, Principal, PrincipalKind};

/// Most seats and equipment words stated for a room.
const MAX_SEATS: i64 = 100_000;
const MAX_EQUIPMENT: usize = 32;

/// Refuses details no room has (for forms to check before they create the room).
pub fn valid_room_details(details: &RoomDetails) -> Result<()> {
    if !(0..=MAX_SEATS).contains(&details.capacity) {
        return Err(Error::invalid(format!("a room has 0 to {MAX_SEATS} seats")));
    }
    if details.equipment.len() > MAX_EQUIPMENT || details.bookers.len() > MAX_EQUIPMENT {
        return Err(Error::invalid(format!(
            "at most {MAX_EQUIPMENT} equipment words and bookers"
        )));
    }
    let odd = |w: &String| w.chars().count() > 100 || w.chars().any(char::is_control);
    if details.equipment.iter().chain(&details.bookers).any(odd) {
        return Err(Error::invalid("an equipment word or booker is too long"));
    }
    Ok(())
}

/// A meeting room and what it offers.
#[derive(Debug, Clone)]
pub struct Room {
    pub principal: Principal,
    pub details: RoomDetails,
}

impl Calendars<'_> {
    /// States a room's seats, equipment and bookers. Administrators only.
    pub async fn set_room_details(&self, login: &str, details: &RoomDetails) -> Result<()> {
        if !self.me().is_admin {
            return Err(Error::forbidden());
        }
        if !(0..=MAX_SEATS).contains(&details.capacity) {
            return Err(Error::invalid(format!("a room has 0 to {MAX_SEATS} seats")));
        }
        if details.equipment.len() > MAX_EQUIPMENT || details.bookers.len() > MAX_EQUIPMENT {
            return Err(Error::invalid(format!(
                "at most {MAX_EQUIPMENT} equipment words and bookers"
            )));
        }
        let room = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.kind == PrincipalKind::Resource)
            .ok_or_else(|| Error::invalid(format!("there is no room {login}")))?;
        Ok(self.store().set_room_details(room.id, details).await?)
    }

    /// A room's details.
    pub async fn room_details(&self, room: &Principal) -> Result<RoomDetails> {
        Ok(self.store().room_details(room.id).await?)
    }

    /// Whether `organizer` may book `room`: everyone may when the room names no bookers,
    /// else members of a department (by slug) or group (by login) it names.
    pub(super) async fn may_book(&self, organizer: &Principal, room: &Principal) -> Result<bool> {
        let details = self.store().room_details(room.id).await?;
        if details.bookers.is_empty() {
            return Ok(true);
        }
        let memberships = self.store().memberships(organizer.id).await?;
        if memberships
            .department_slug
            .as_ref()
            .is_some_and(|slug| details.bookers.iter().any(|b| b.eq_ignore_ascii_case(slug)))
        {
            return Ok(true);
        }
        for name in &details.bookers {
            if let Some(group) = self.store().principal_by_login(name).await?
                && group.kind == PrincipalKind::Group
                && memberships.group_ids.contains(&group.id)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The rooms free in `[start, end)` with at least `people` seats (rooms whose seats are
    /// not stated count only when no number is asked) and all of `equipment`, that the actor
    /// may book, by name.
    pub async fn free_rooms(&self, start: i64, end: i64, people: i64, equipment: &[String]) -> Result<Vec<Room>> {
        if end <= start || end - start > super::MAX_RANGE_SECONDS {
            return Err(Error::invalid("the range must end after it starts, within 31 days"));
        }
        let me = self.me().clone();
        let mut out = Vec::new();
        for room in self.rooms().await? {
            let details = &room.details;
            let seats_ok = people <= 0 || details.capacity >= people;
            let has_all = equipment
                .iter()
                .all(|w| details.equipment.iter().any(|e| e.eq_ignore_ascii_case(w.trim())));
            if !seats_ok || !has_all || !self.may_book(&me, &room.principal).await? {
                continue;
            }
            if self
                .busy_of(&room.principal, start, end, None)
                .await?
                .is_some_and(|busy| busy.is_empty())
            {
                out.push(room);
            }
        }
        Ok(out)
    }

    /// The active rooms with their details, by name.
    pub async fn rooms(&self) -> Result<Vec<Room>> {
        let mut out = Vec::new();
        for principal in self.store().list_principals(PrincipalKind::Resource).await? {
            if principal.active {
                out.push(Room {
                    details: self.store().room_details(principal.id).await?,
                    principal,
                });
            }
        }
        out.sort_by(|a, b| a.principal.display_name.cmp(&b.principal.display_name));
        Ok(out)
    }
}
