//! Creating, changing and deleting calendars; their properties, access control list,
//! visibility, grants and feeds; team calendars and meeting rooms.

use crate::core::authz::Action;
use crate::core::documents::{ListedGrant, listed_grants};
use crate::core::{Error, ErrorKind, Result};
use crate::store::{
    AccessLevel, Collection, CollectionUpdate, DeadProp, Grantee, NewCollection, NewPrincipal, PropChange, Team,
};

use super::{Binding, CalendarRef, CalendarView, Calendars};
use crate::core::{Principal, PrincipalKind};

/// Who may do what with a calendar beyond its owner, for its RFC 3744 `acl`.
pub struct AclFacts {
    /// A department calendar's head (who manages it).
    pub head: Option<Principal>,
    /// Each grant: the grantee's principal login (a department's team principal for a
    /// department grant) and whether it writes.
    pub grants: Vec<(String, bool)>,
}

/// Which team a new team calendar belongs to.
pub enum TeamOf<'a> {
    Company,
    /// By slug.
    Department(&'a str),
    /// By the group's login.
    Group(&'a str),
}

const VISIBILITY_MODES: [&str; 4] = ["private", "busy", "titles", "all"];

impl Calendars<'_> {
    /// The calendar's own dead properties.
    pub async fn properties(&self, c: &CalendarRef) -> Result<Vec<DeadProp>> {
        Ok(self.store().collection_props(c.coll.id).await?)
    }

    /// The actor's own properties of a calendar bound in their home (colour, order, name).
    pub async fn binding_properties(&self, c: &CalendarRef) -> Result<Vec<DeadProp>> {
        match c.binding {
            Some(_) => Ok(self.store().binding_props(self.me().id, c.coll.id).await?),
            None => Ok(Vec::new()),
        }
    }

    /// What the calendar's `acl` shows; only those who manage it may read it (`read-acl`).
    pub async fn acl(&self, c: &CalendarRef) -> Result<AclFacts> {
        if c.view != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        let store = self.store();
        let head = match c.owner_kind {
            super::CalendarOwner::Department { head_id: Some(id), .. } => store.principal_by_id(id).await?,
            _ => None,
        };
        let mut grants = Vec::new();
        for grant in store.collection_grants(c.coll.id).await? {
            let login = match (grant.principal_id, grant.department_id) {
                (Some(id), _) => store.principal_by_id(id).await?.map(|p| p.login),
                (None, Some(id)) => store
                    .department_slug(id)
                    .await?
                    .map(|slug| Team::Department(id).login(&slug)),
                (None, None) => None,
            };
            if let Some(login) = login {
                grants.push((login, grant.level >= AccessLevel::Write as i64));
            }
        }
        Ok(AclFacts { head, grants })
    }

    /// Whether the actor may create a calendar named `slug` in `login`'s home; its owner.
    pub async fn may_create(&self, login: &str, slug: &str) -> Result<Principal> {
        if slug.contains('~') {
            // `{owner}~{slug}` names favourites and team calendars bound in a home.
            return Err(Error::forbidden_because("a calendar's name may not contain '~'"));
        }
        self.home(login, Action::Write).await
    }

    /// MKCALENDAR or extended MKCOL in `login`'s home: a new calendar with these fields and
    /// dead properties; `components` empty means every kind (RFC 4791 §5.2.3).
    pub async fn make_calendar(
        &self,
        login: &str,
        slug: &str,
        fields: &CollectionUpdate,
        components: Option<&str>,
        dead: &[PropChange<'_>],
    ) -> Result<()> {
        let owner = self.may_create(login, slug).await?;
        if self.store().collection(owner.id, "calendar", slug).await?.is_some() {
            return Err(Error::not_allowed("a calendar of this name exists"));
        }
        let text = |v: &Option<Option<String>>| v.as_ref().and_then(|v| v.as_deref()).map(str::to_owned);
        let (displayname, description, color, timezone) = (
            text(&fields.displayname),
            text(&fields.description),
            text(&fields.color),
            text(&fields.timezone),
        );
        let new = NewCollection {
            owner_id: owner.id,
            kind: "calendar",
            slug,
            displayname: displayname.as_deref(),
            description: description.as_deref(),
            color: color.as_deref(),
            timezone: timezone.as_deref(),
            // Without a component set, a calendar takes every kind, as Radicale and Xandikos do.
            components: components.unwrap_or("VEVENT,VTODO,VJOURNAL"),
        };
        let coll = self.store().create_collection(&new).await?;
        if !dead.is_empty() {
            self.store()
                .update_collection(coll.id, &CollectionUpdate::default(), dead)
                .await?;
        }
        Ok(())
    }

    /// PROPPATCH of a calendar (all or nothing). Through a favourite or team binding, the
    /// properties are the actor's own (Apple's colour and order, a name of their own), so
    /// sharees never change the owner's calendar; otherwise only its managers change it.
    pub async fn update_calendar(
        &self,
        c: &CalendarRef,
        fields: &CollectionUpdate,
        dead: &[PropChange<'_>],
    ) -> Result<()> {
        match c.binding {
            Some(_) => {
                if fields.displayname.is_some()
                    || fields.description.is_some()
                    || fields.color.is_some()
                    || fields.timezone.is_some()
                {
                    return Err(Error::invalid("a bound calendar keeps only dead properties"));
                }
                Ok(self.store().update_binding_props(self.me().id, c.coll.id, dead).await?)
            }
            None if c.view == CalendarView::Owner => {
                Ok(self.store().update_collection(c.coll.id, fields, dead).await?)
            }
            None => Err(Error::forbidden()),
        }
    }

    /// DELETE of a calendar: its owner deletes it; through a favourite binding it leaves the
    /// actor's favourites (Apple's "unsubscribe"); team calendars follow membership.
    pub async fn delete_calendar(&self, c: &CalendarRef) -> Result<()> {
        match c.binding {
            Some(Binding::Favorite) => {
                self.store().remove_favorite(self.me().id, c.coll.id).await?;
                Ok(())
            }
            Some(Binding::Team) => Err(Error::forbidden_because(
                "a team calendar shows in the home of every member; it cannot be removed from it",
            )),
            None if c.view == CalendarView::Owner => Ok(self.store().delete_collection(c.coll.id).await?),
            None => Err(Error::forbidden()),
        }
    }

    /// A calendar by `login/slug` that the actor manages.
    pub async fn managed(&self, login: &str, slug: &str) -> Result<CalendarRef> {
        self.calendar(login, slug, Action::Manage).await
    }

    /// Sets what colleagues see: `private`, `busy`, `titles` or `all`.
    pub async fn set_visibility(&self, c: &CalendarRef, mode: &str) -> Result<()> {
        if c.view != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        if !VISIBILITY_MODES.contains(&mode) {
            return Err(Error::invalid(format!(
                "visibility {mode:?} must be private, busy, titles or all"
            )));
        }
        Ok(self.store().set_collection_visibility(c.coll.id, mode).await?)
    }

    /// Grants read or write (or with `None` removes the grant) to a user, group or
    /// department. A department grant names the department's team principal in the ACL.
    pub async fn set_grant(&self, c: &CalendarRef, grantee: Grantee, level: Option<AccessLevel>) -> Result<()> {
        if c.view != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        if let Grantee::Department(id) = grantee {
            let slug = self.store().department_slug(id).await?.ok_or_else(Error::not_found)?;
            self.department_team(id, &slug).await?;
        }
        Ok(self.store().set_collection_grant(c.coll.id, grantee, level).await?)
    }

    /// The grants set on a calendar, each with whom it names; those who manage it may see
    /// them (as they may set them).
    pub async fn grants(&self, c: &CalendarRef) -> Result<Vec<ListedGrant>> {
        if c.view != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        let grants = self.store().collection_grants(c.coll.id).await?;
        listed_grants(
            self.store(),
            grants
                .iter()
                .map(|g| (g.principal_id, g.department_id, g.level))
                .collect(),
        )
        .await
    }

    /// Creates (with `true`) or revokes the calendar's secret feed; answers the new token.
    pub async fn set_feed(&self, c: &CalendarRef, on: bool) -> Result<Option<String>> {
        if c.view != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        let token = on.then(crate::core::auth::random_token);
        self.store().set_feed_token(c.coll.id, token.as_deref()).await?;
        Ok(token)
    }

    /// A department's team principal, named after the department.
    async fn department_team(&self, id: i64, slug: &str) -> Result<Principal> {
        let name = self
            .store()
            .department_name(id)
            .await?
            .unwrap_or_else(|| slug.to_owned());
        Ok(self
            .store()
            .ensure_team_principal(Team::Department(id), slug, &name)
            .await?)
    }

    /// A shared calendar of the company, a department or a workgroup; it shows in the home
    /// of every member. Administrators only.
    pub async fn create_team_calendar(
        &self,
        team: TeamOf<'_>,
        slug: &str,
        name: Option<&str>,
        visibility: &str,
        tasks: bool,
    ) -> Result<(Principal, Collection)> {
        if !self.me().is_admin {
            return Err(Error::forbidden());
        }
        if !VISIBILITY_MODES.contains(&visibility) {
            return Err(Error::invalid(format!(
                "visibility {visibility:?} must be private, busy, titles or all"
            )));
        }
        let store = self.store();
        let owner = match team {
            TeamOf::Company => store.ensure_team_principal(Team::Company, "", "Company").await?,
            TeamOf::Department(slug) => {
                let (id, _) = store
                    .department_by_slug(slug)
                    .await?
                    .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no department {slug:?}")))?;
                self.department_team(id, slug).await?
            }
            TeamOf::Group(login) => store
                .principal_by_login(login)
                .await?
                .filter(|p| p.kind == PrincipalKind::Group && p.team.is_none())
                .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no group {login:?}")))?,
        };
        let display = name.map_or_else(|| owner.display_name.clone(), str::to_owned);
        let coll = store
            .create_collection(&NewCollection {
                owner_id: owner.id,
                kind: "calendar",
                slug,
                displayname: Some(&display),
                description: None,
                color: None,
                timezone: None,
                components: if tasks { "VTODO" } else { "VEVENT" },
            })
            .await?;
        store.set_collection_visibility(coll.id, visibility).await?;
        Ok((owner, coll))
    }

    /// A meeting room: a resource principal with a calendar everyone sees as free/busy, and
    /// the e-mail address meetings invite it by (`mailto:`; without one, by its principal
    /// URL). Administrators only.
    pub async fn create_room(&self, login: &str, name: &str, email: Option<&str>) -> Result<Principal> {
        if !self.me().is_admin {
            return Err(Error::forbidden());
        }
        if let Some(e) = email
            && (!e.contains('@') || e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::invalid(format!("{e:?} is not an e-mail address")));
        }
        let store = self.store();
        let room = store
            .create_principal(NewPrincipal {
                kind: PrincipalKind::Resource,
                login,
                display_name: name,
                email,
                password_hash: None,
                is_admin: false,
            })
            .await?;
        let calendar = store
            .create_collection(&NewCollection {
                owner_id: room.id,
                kind: "calendar",
                slug: "calendar",
                displayname: Some(name),
                description: None,
                color: None,
                timezone: None,
                components: "VEVENT",
            })
            .await?;
        store.set_collection_visibility(calendar.id, "busy").await?;
        Ok(room)
    }
}
