//! Address books: each user's home with a personal `contacts` book (more by extended MKCOL),
//! and in every home the read-only directory books ([`crate::core::directory`]). Only the
//! owner may use a home; the directory books inside it are the same for everyone.

use dav::Preconditions;

use crate::core::authz::{Action, Resource, can};
use crate::core::calendars::{Changes, Written, etag_of};
use crate::core::directory::{ADDRESSBOOK, is_reserved};
use crate::core::documents::check_preconditions;
use crate::core::{Actor, Core, Error, ErrorKind, Principal, Result};
use crate::store::{Collection, Item, ItemCondition, ItemPutOutcome, NewCollection, NewItem, Storage, StoreError};

/// Largest card accepted (`CARD:max-resource-size`).
pub const MAX_CARD_BYTES: u64 = 1024 * 1024;
const DEFAULT_BOOK: (&str, &str) = ("contacts", "Contacts");

/// A book as seen from a home: the owner's own (writable) or a directory book (read-only).
#[derive(Debug, Clone)]
pub struct BookRef {
    owner: Principal,
    coll: Collection,
    writable: bool,
}

impl BookRef {
    /// The home's owner (not the directory books' system owner).
    pub fn owner(&self) -> &Principal {
        &self.owner
    }

    pub fn collection(&self) -> &Collection {
        &self.coll
    }

    pub fn writable(&self) -> bool {
        self.writable
    }
}

/// A card to store.
pub struct PutCard {
    pub bytes: bytes::Bytes,
    pub preconditions: Preconditions,
}

/// Address books as one actor sees them.
pub struct AddressBooks<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> AddressBooks<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        AddressBooks { core, actor }
    }

    fn store(&self) -> &dyn Storage {
        &*self.core.store
    }

    /// The home's owner; only the owner may use a home. A home gets its default book here.
    pub async fn home(&self, login: &str) -> Result<Principal> {
        let owner = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.active)
            .ok_or_else(Error::not_found)?;
        if !self.actor.is_system()
            && !can(
                self.actor.principal(),
                Action::Write,
                Resource::AddressBookHome { owner: &owner },
            )
        {
            return Err(Error::forbidden());
        }
        let store = self.store();
        self.core
            .provision(&format!("addressbooks/{}", owner.id), async {
                if !store.collections_of(owner.id, ADDRESSBOOK).await?.is_empty() {
                    return Ok(());
                }
                let new = NewCollection {
                    owner_id: owner.id,
                    kind: ADDRESSBOOK,
                    slug: DEFAULT_BOOK.0,
                    displayname: Some(DEFAULT_BOOK.1),
                    description: None,
                    color: None,
                    timezone: None,
                    components: "",
                };
                match store.create_collection(&new).await {
                    Ok(_) | Err(StoreError::Conflict(_)) => Ok(()),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
        Ok(owner)
    }

    /// Every book shown in a home: the owner's, then the directory books.
    pub async fn books(&self, owner: &Principal) -> Result<Vec<BookRef>> {
        let mut out: Vec<BookRef> = self
            .store()
            .collections_of(owner.id, ADDRESSBOOK)
            .await?
            .into_iter()
            .map(|coll| BookRef {
                owner: owner.clone(),
                coll,
                writable: true,
            })
            .collect();
        for coll in crate::core::directory::books(self.store()).await? {
            out.push(BookRef {
                owner: owner.clone(),
                coll,
                writable: false,
            });
        }
        Ok(out)
    }

    /// A book of `login`'s home by slug.
    pub async fn book(&self, login: &str, slug: &str) -> Result<BookRef> {
        let owner = self.home(login).await?;
        self.books(&owner)
            .await?
            .into_iter()
            .find(|b| b.coll.slug == slug)
            .ok_or_else(Error::not_found)
    }

    /// A new personal book (extended MKCOL).
    pub async fn make_book(
        &self,
        login: &str,
        slug: &str,
        displayname: Option<&str>,
        description: Option<&str>,
    ) -> Result<()> {
        let owner = self.home(login).await?;
        if self.books(&owner).await?.iter().any(|b| b.coll.slug == slug) || is_reserved(slug) {
            return Err(Error::not_allowed("an address book of this name exists"));
        }
        let new = NewCollection {
            owner_id: owner.id,
            kind: ADDRESSBOOK,
            slug,
            displayname,
            description,
            color: None,
            timezone: None,
            components: "",
        };
        self.store().create_collection(&new).await?;
        Ok(())
    }

    pub async fn delete_book(&self, book: &BookRef) -> Result<()> {
        if !book.writable {
            return Err(Error::forbidden());
        }
        Ok(self.store().delete_collection(book.coll.id).await?)
    }

    pub async fn card(&self, book: &BookRef, name: &str) -> Result<Option<Item>> {
        Ok(self.store().item(book.coll.id, name).await?)
    }

    /// The cards of `names`, each name with its card if there is one, in the order asked (a
    /// multiget's hrefs), read at once.
    pub async fn cards_named(&self, book: &BookRef, names: &[&str]) -> Result<Vec<Option<Item>>> {
        let found = self.store().items_named(book.coll.id, names).await?;
        Ok(crate::core::calendars::in_order_asked(names, found))
    }

    pub async fn cards(&self, book: &BookRef) -> Result<Vec<Item>> {
        Ok(self.store().items_all(book.coll.id).await?)
    }

    /// The cards an addressbook-query must decide: those the search index selects when the
    /// filter can be narrowed safely (`carddav::index_query`), else every card of the book.
    pub async fn query_candidates(&self, book: &BookRef, filter: &carddav::Filter) -> Result<Vec<Item>> {
        let store = self.store();
        Ok(match carddav::index_query(filter) {
            Some(query) => {
                store.index_missing_cards(book.coll.id, carddav::index_values).await?;
                store.cards_by_index(book.coll.id, &query).await?
            }
            None => store.items_all(book.coll.id).await?,
        })
    }

    /// The changes after `since` (RFC 6578).
    pub async fn changes(&self, book: &BookRef, since: i64, limit: Option<u32>) -> Result<Changes> {
        if since > book.coll.sync_seq {
            return Err(Error::invalid("the sync token is from the future"));
        }
        crate::core::calendars::read_changes(self.store(), &book.coll, since, limit).await
    }

    /// PUT of a card: size, vCard rules (with the RFC 6352 precondition of each refusal),
    /// entity-tag conditions and a unique UID.
    pub async fn put_card(&self, book: &BookRef, name: &str, put: PutCard) -> Result<Written> {
        if !book.writable {
            return Err(Error::forbidden());
        }
        if put.bytes.len() as u64 > MAX_CARD_BYTES {
            return Err(Error::with_condition(
                ErrorKind::Forbidden,
                carddav::conditions::max_resource_size(),
                format!("a vCard may have at most {MAX_CARD_BYTES} bytes"),
            ));
        }
        let bytes = put.bytes;
        let (card, index, bytes) = crate::core::cpu_work(bytes.len(), move || {
            let card = carddav::validate_card(&bytes);
            let index = if card.is_ok() {
                carddav::index_values(&bytes)
            } else {
                Vec::new()
            };
            (card, index, bytes)
        })
        .await?;
        let card = card.map_err(|e| Error::with_condition(ErrorKind::Forbidden, e.precondition(), e.to_string()))?;
        let data = String::from_utf8(bytes.to_vec()).map_err(|_| {
            Error::with_condition(
                ErrorKind::Forbidden,
                carddav::conditions::valid_address_data(),
                "vCards must be UTF-8",
            )
        })?;
        let condition = if put.preconditions.is_empty() {
            ItemCondition::Any
        } else {
            let current = self.store().item_meta(book.coll.id, name).await?.map(|m| m.etag);
            check_preconditions(&put.preconditions, current.as_deref())?;
            match current {
                Some(etag) => ItemCondition::MatchEtag(etag),
                None => ItemCondition::MustNotExist,
            }
        };
        let etag = etag_of(data.as_bytes());
        let new = NewItem {
            schedule_tag: None,
            name,
            uid: &card.uid,
            etag: &etag,
            component: "VCARD",
            data: &data,
            time_start: 0,
            time_end: 0,
            is_oof: false,
        };
        match self.store().put_card(book.coll.id, &new, &condition, &index).await? {
            ItemPutOutcome::Created => Ok(Written {
                created: true,
                etag,
                altered: false,
                schedule_tag: None,
            }),
            ItemPutOutcome::Replaced => Ok(Written {
                created: false,
                etag,
                altered: false,
                schedule_tag: None,
            }),
            ItemPutOutcome::PreconditionFailed => Err(Error::precondition_failed(
                "the card changed meanwhile (If-Match / If-None-Match)",
            )),
            ItemPutOutcome::UidConflict { name: other } => Err(Error::with_condition(
                ErrorKind::Conflict,
                carddav::conditions::no_uid_conflict(&crate::core::urls::card_href(
                    &book.owner.login,
                    &book.coll.slug,
                    &other,
                )),
                format!("another card of this book has UID {}", card.uid),
            )),
        }
    }

    pub async fn delete_card(&self, book: &BookRef, name: &str, pre: &Preconditions) -> Result<()> {
        if !book.writable {
            return Err(Error::forbidden());
        }
        crate::core::calendars::delete_item(self.store(), &book.coll, name, pre).await
    }
}
