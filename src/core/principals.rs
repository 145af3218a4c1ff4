//! Users, groups and memberships, and who is granted what on the document library: the
//! administration of the CLI and the web UI's admin pages. Administrators (and the system
//! actor) only, except [`Principals::grantee`], which resolves the names of a grant. Users the directory sync manages keep what the directory owns (password,
//! active state) read-only here.

use crate::core::auth::password;
use crate::core::{Actor, Core, Error, ErrorKind, Principal, PrincipalKind, Result};
use crate::store::{AccessLevel, DocGrant, Grantee, NewPrincipal, Storage};

/// A new user or group.
pub struct NewAccount<'a> {
    pub kind: PrincipalKind,
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    /// Users only: the password to hash and store.
    pub password: Option<&'a str>,
    pub is_admin: bool,
}

/// Who a grant names, by login or slug.
pub enum GranteeName<'a> {
    User(&'a str),
    Group(&'a str),
    /// A department by slug.
    Department(&'a str),
}

/// Logins (and room names): letters, digits, '.', '_', '-'; at most 64; not a name that
/// stands for a shared URL (`/dav/addressbooks/directory/`, `/dav/calendars/rooms/`, …).
pub fn valid_login(login: &str) -> bool {
    const RESERVED: [&str; 4] = ["directory", "departments", "rooms", "principals"];
    !RESERVED.contains(&login)
        && !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Accounts and grants as one actor may manage them.
pub struct Principals<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> Principals<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Principals { core, actor }
    }

    fn store(&self) -> &dyn Storage {
        &*self.core.store
    }

    /// An active or inactive principal by login, for administrators.
    pub async fn by_login(&self, login: &str) -> Result<Option<Principal>> {
        self.actor.require_admin()?;
        Ok(self.store().principal_by_login(login).await?)
    }

    /// Creates a user or a group.
    pub async fn create(&self, new: NewAccount<'_>) -> Result<Principal> {
        self.actor.require_admin()?;
        if !valid_login(new.login) {
            return Err(Error::invalid(format!(
                "login {:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'",
                new.login
            )));
        }
        let hash = match new.password {
            Some(p) => Some(password::hash(p).map_err(Error::internal)?),
            None => None,
        };
        Ok(self
            .store()
            .create_principal(NewPrincipal {
                kind: new.kind,
                login: new.login,
                display_name: new.display_name,
                email: new.email,
                password_hash: hash.as_deref(),
                is_admin: new.is_admin,
            })
            .await?)
    }

    /// Sets a user's password (404 when there is no such user).
    pub async fn set_password(&self, login: &str, new_password: &str) -> Result<()> {
        self.actor.require_admin()?;
        let hash = password::hash(new_password).map_err(Error::internal)?;
        if self.store().set_password_hash(login, &hash).await? {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::NotFound, format!("no user {login:?}")))
        }
    }

    /// An account this actor may change from the administration: an existing user, not one
    /// the directory sync manages (its password and state belong to the directory).
    async fn local_user(&self, login: &str) -> Result<Principal> {
        self.actor.require_admin()?;
        let p = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.kind == PrincipalKind::User)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {login:?}")))?;
        if p.source != "local" {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!("{login} is managed by the directory (LDAP): change them there"),
            ));
        }
        Ok(p)
    }

    /// Resets a local user's password (administrators; directory users keep the domain's).
    pub async fn reset_password(&self, login: &str, new_password: &str) -> Result<()> {
        self.local_user(login).await?;
        if new_password.chars().count() < 8 {
            return Err(Error::invalid("a password needs at least 8 characters"));
        }
        self.set_password(login, new_password).await
    }

    /// Deactivates (or activates again) a local user: they can no longer sign in, their data
    /// stays. Administrators cannot deactivate themselves.
    pub async fn set_active(&self, login: &str, active: bool) -> Result<()> {
        let p = self.local_user(login).await?;
        if !active && p.id == self.actor.principal().id {
            return Err(Error::invalid("you cannot deactivate your own account"));
        }
        self.store().set_active(login, active).await?;
        Ok(())
    }

    /// Makes a user an administrator, or not. Administrators cannot demote themselves (so
    /// that some administrator remains).
    pub async fn set_admin(&self, login: &str, admin: bool) -> Result<()> {
        self.actor.require_admin()?;
        let p = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.kind == PrincipalKind::User)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {login:?}")))?;
        if !admin && p.id == self.actor.principal().id {
            return Err(Error::invalid("you cannot remove your own administrator rights"));
        }
        self.store().set_admin(login, admin).await?;
        Ok(())
    }

    /// The members of a group: (login, name), by login.
    pub async fn members(&self, group: &str) -> Result<Vec<(String, String)>> {
        let g = self.group(group).await?;
        Ok(self.store().group_members(g.id).await?)
    }

    /// Removes a user from a group (404 when they were not in it).
    pub async fn remove_member(&self, group: &str, login: &str) -> Result<()> {
        let g = self.group(group).await?;
        let member = self
            .store()
            .principal_by_login(login)
            .await?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {login:?}")))?;
        if self.store().remove_membership(g.id, member.id).await? {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::NotFound, format!("{login} is not in {group}")))
        }
    }

    async fn group(&self, group: &str) -> Result<Principal> {
        self.actor.require_admin()?;
        self.store()
            .principal_by_login(group)
            .await?
            .filter(|p| p.kind == PrincipalKind::Group)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no group {group:?}")))
    }

    /// Whether the actor may look people and rooms up: the system, and whoever may read the
    /// DAV root (every signed-in user).
    fn may_find_people(&self) -> Result<()> {
        let me = self.actor.principal();
        if self.actor.is_system()
            || crate::core::authz::can(
                me,
                crate::core::authz::Action::Read,
                crate::core::authz::Resource::DavRoot,
            )
        {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// The active people and rooms, for finding attendees (CalDAV principal-property-search):
    /// the company directory every signed-in user may read.
    pub async fn calendar_users(&self) -> Result<Vec<Principal>> {
        self.may_find_people()?;
        let mut out = self.store().list_principals(PrincipalKind::User).await?;
        out.extend(self.store().list_principals(PrincipalKind::Resource).await?);
        out.retain(|p| p.active);
        Ok(out)
    }

    /// One active person or room by login, as [`Principals::calendar_users`] lists them.
    pub async fn calendar_user(&self, login: &str) -> Result<Option<Principal>> {
        self.may_find_people()?;
        Ok(self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.active && matches!(p.kind, PrincipalKind::User | PrincipalKind::Resource)))
    }

    /// Every principal of a kind.
    pub async fn list(&self, kind: PrincipalKind) -> Result<Vec<Principal>> {
        self.actor.require_admin()?;
        Ok(self.store().list_principals(kind).await?)
    }

    /// Adds users to a group.
    pub async fn add_members(&self, group: &str, logins: &[String]) -> Result<()> {
        let g = self.group(group).await?;
        for login in logins {
            let member = self
                .store()
                .principal_by_login(login)
                .await?
                .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {login:?}")))?;
            self.store().add_membership(g.id, member.id).await?;
        }
        Ok(())
    }

    /// The grantee a name stands for. Anyone who may find people may ask (unlike the rest of this
    /// service): whoever manages a calendar or a folder names the people they share it with;
    /// the grant itself is then decided by the calendars or documents service.
    pub async fn grantee(&self, name: GranteeName<'_>) -> Result<Grantee> {
        self.may_find_people()?;
        let (login, kind, what) = match name {
            GranteeName::User(l) => (l, PrincipalKind::User, "user"),
            GranteeName::Group(l) => (l, PrincipalKind::Group, "group"),
            GranteeName::Department(slug) => {
                let (id, _) = self
                    .store()
                    .department_by_slug(slug)
                    .await?
                    .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no department {slug:?}")))?;
                return Ok(Grantee::Department(id));
            }
        };
        let p = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.kind == kind)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no {what} {login:?}")))?;
        Ok(Grantee::Principal(p.id))
    }

    /// Grants a level on a library folder (inherited by everything below it).
    pub async fn grant_folder(&self, path: &str, grantee: Grantee, level: AccessLevel) -> Result<()> {
        self.actor.require_admin()?;
        Ok(self.store().doc_grant(path, grantee, level).await?)
    }

    /// Removes a folder grant (404 when there is none).
    pub async fn revoke_folder(&self, path: &str, grantee: Grantee) -> Result<()> {
        self.actor.require_admin()?;
        if self.store().doc_revoke(path, grantee).await? {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::NotFound,
                format!("no such grant on /docs/{path}/"),
            ))
        }
    }

    /// The grants set on a folder, each with who it names (`user x`, `group y`, …).
    pub async fn folder_grants(&self, path: &str) -> Result<Vec<(String, DocGrant)>> {
        self.actor.require_admin()?;
        let mut out = Vec::new();
        for g in self.store().doc_grants_on(path).await? {
            let who = match (g.principal_id, g.department_id) {
                (Some(id), _) => match self.store().principal_by_id(id).await? {
                    Some(p) if p.kind == PrincipalKind::Group => format!("group {}", p.login),
                    Some(p) => format!("user {}", p.login),
                    None => format!("principal #{id}"),
                },
                (None, Some(id)) => format!("department #{id}"),
                (None, None) => continue,
            };
            out.push((who, g));
        }
        Ok(out)
    }
}
