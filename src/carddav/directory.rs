//! The company directory as address books: `directory` (every active employee) and one
//! `dept-{slug}` book per department, shown in every user's address-book home and read-only
//! there. They are ordinary collections owned by a system principal and refreshed from the
//! employee records after each directory sync (and at start-up), so sync-collection reports
//! exactly the cards that changed or went away.

use std::collections::{BTreeMap, HashMap};

use carddav::{DirectoryPerson, VcardVersion, directory_card};

use crate::app::App;
use crate::store::{
    Collection, DirectoryEntry, ItemCondition, NewCollection, NewItem, NewPrincipal, PrincipalKind, Store, StoreError,
};

/// The login of the system principal that owns the directory books.
const OWNER: &str = "_directory";
const DIRECTORY: &str = "directory";
const DEPT_PREFIX: &str = "dept-";

/// Slugs a personal book may not take.
pub fn is_reserved(slug: &str) -> bool {
    slug == DIRECTORY || slug.starts_with(DEPT_PREFIX)
}

/// The directory books, the company book first.
pub async fn books(store: &Store) -> Result<Vec<Collection>, StoreError> {
    let Some(owner) = store.principal_by_login(OWNER).await? else {
        return Ok(Vec::new());
    };
    let mut books = store.collections_of(owner.id, super::KIND).await?;
    books.sort_by_key(|b| (b.slug != DIRECTORY, b.slug.clone()));
    Ok(books)
}

/// The cards a book should hold: resource name → (UID, vCard text).
type Cards = BTreeMap<String, (String, String)>;

/// What one refresh changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    pub written: usize,
    pub removed: usize,
}

fn person(e: &DirectoryEntry, company: &str, photo: Option<(String, Vec<u8>)>) -> DirectoryPerson {
    DirectoryPerson {
        uid: e.external_id.clone().unwrap_or_else(|| format!("portico-{}", e.login)),
        login: e.login.clone(),
        given_name: e.given_name.clone(),
        surname: e.surname.clone(),
        display_name: Some(e.display_name.clone()),
        email: e.email.clone(),
        phone: e.phone.clone(),
        mobile: e.mobile.clone(),
        title: e.title.clone(),
        company: Some(company.to_owned()),
        department: e.department_name.clone(),
        birthday: e.birthday.clone(),
        photo,
        manager: e.manager_login.as_ref().map(|login| {
            let uid = e
                .manager_external_id
                .clone()
                .unwrap_or_else(|| format!("portico-{login}"));
            (uid, e.manager_name.clone().unwrap_or_else(|| login.clone()))
        }),
    }
}

async fn ensure_book(store: &Store, owner_id: i64, slug: &str, name: &str) -> Result<Collection, StoreError> {
    if let Some(c) = store.collection(owner_id, super::KIND, slug).await? {
        return Ok(c);
    }
    let new = NewCollection {
        owner_id,
        kind: super::KIND,
        slug,
        displayname: Some(name),
        description: None,
        color: None,
        timezone: None,
        components: "",
    };
    match store.create_collection(&new).await {
        Ok(c) => Ok(c),
        Err(StoreError::Conflict(_)) => store
            .collection(owner_id, super::KIND, slug)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("address book {slug} vanished"))),
        Err(e) => Err(e),
    }
}

/// Makes one book hold exactly `cards` (name → vCard): writes what differs, removes the rest.
async fn sync_book(store: &Store, book: &Collection, cards: &Cards) -> Result<Refresh, StoreError> {
    let existing: HashMap<String, String> = store
        .item_metas(book.id)
        .await?
        .into_iter()
        .map(|m| (m.name, m.etag))
        .collect();
    let mut refresh = Refresh::default();
    for (name, (uid, text)) in cards {
        let etag = super::etag_of(text.as_bytes());
        if existing.get(name) == Some(&etag) {
            continue;
        }
        let item = NewItem {
            name,
            uid,
            etag: &etag,
            component: "VCARD",
            data: text,
            time_start: 0,
            time_end: 0,
            is_oof: false,
        };
        let index = carddav::index_values(text.as_bytes());
        store.put_card(book.id, &item, &ItemCondition::Any, &index).await?;
        refresh.written += 1;
    }
    for name in existing.keys().filter(|n| !cards.contains_key(*n)) {
        store.delete_item(book.id, name, None).await?;
        refresh.removed += 1;
    }
    Ok(refresh)
}

/// Regenerates the directory books from the employee records (vCard 3.0, the version most
/// clients expect; clients may ask for 4.0 in a REPORT).
pub async fn refresh(app: &App) -> Result<Refresh, StoreError> {
    let store = &app.store;
    let owner = match store.principal_by_login(OWNER).await? {
        Some(p) => p,
        None => match store
            .create_principal(NewPrincipal {
                kind: PrincipalKind::Group,
                login: OWNER,
                display_name: "Company directory",
                email: None,
                password_hash: None,
                is_admin: false,
            })
            .await
        {
            Ok(p) => p,
            Err(StoreError::Conflict(_)) => store
                .principal_by_login(OWNER)
                .await?
                .ok_or_else(|| StoreError::Conflict("the directory owner vanished".into()))?,
            Err(e) => return Err(e),
        },
    };
    let company = app.config.directory.company_name.clone();
    let entries = store.directory_entries().await?;
    let mut everyone: Cards = BTreeMap::new();
    let mut departments: BTreeMap<String, (String, Cards)> = BTreeMap::new();
    for e in &entries {
        let photo = match &e.photo_sha256 {
            Some(sha) => read_photo(app, sha).await,
            None => None,
        };
        let p = person(e, &company, photo);
        let card = directory_card(&p, VcardVersion::V3);
        // Named by the stable uid, so a renamed person keeps their card.
        let name = format!("{}.vcf", p.uid);
        if let (Some(slug), Some(dept)) = (&e.department_slug, &e.department_name) {
            let book = departments
                .entry(slug.clone())
                .or_insert_with(|| (dept.clone(), BTreeMap::new()));
            book.1.insert(name.clone(), (p.uid.clone(), card.clone()));
        }
        everyone.insert(name, (p.uid, card));
    }
    let mut total = Refresh::default();
    let book = ensure_book(store, owner.id, DIRECTORY, &format!("{company} directory")).await?;
    let r = sync_book(store, &book, &everyone).await?;
    total.written += r.written;
    total.removed += r.removed;
    let mut live: Vec<String> = vec![DIRECTORY.into()];
    for (slug, (name, cards)) in &departments {
        let book = ensure_book(store, owner.id, &format!("{DEPT_PREFIX}{slug}"), name).await?;
        let r = sync_book(store, &book, cards).await?;
        total.written += r.written;
        total.removed += r.removed;
        live.push(book.slug);
    }
    for stale in store
        .collections_of(owner.id, super::KIND)
        .await?
        .into_iter()
        .filter(|b| !live.contains(&b.slug))
    {
        store.delete_collection(stale.id).await?;
    }
    Ok(total)
}

async fn read_photo(app: &App, sha256: &str) -> Option<(String, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut file = app.blobs.open(sha256).await.ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).await.ok()?;
    let mime = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        "image/png"
    } else {
        "image/jpeg"
    };
    Some((mime.to_owned(), bytes))
}
