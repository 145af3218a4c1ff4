//! PUT, DELETE, MKCOL, COPY, MOVE and restoring a version (RFC 4918 §9.3, §9.6–§9.9).
//!
//! PUT streams the body into the blob store (never whole in memory), then records the new
//! content and a version in one transaction that checks the entity tag and the locks again,
//! so of many concurrent writers with the same ETag exactly one wins, and a lock granted
//! while the body streamed stops the write (423). A failed, truncated, oversized,
//! over-quota or refused upload stores nothing; its blob is left to the blob cleanup.

use dav::{Evaluation, IfHeader, Preconditions};

use crate::blobs::{BlobError, BlobRef, ChunkStream};
use crate::core::authz::Action;
use crate::core::{Error, ErrorKind, Result};
use crate::store::{DocLock, MkcolOutcome, PutCondition, PutOutcome, Transfer};

use super::locks::{Scope, check_locks, lock_groups};
use super::{DocTarget, Documents};

/// A file upload.
pub struct PutFile<'a> {
    pub body: ChunkStream<'a>,
    /// As the client sent it; guessed from the name when absent.
    pub content_type: Option<String>,
    /// `Content-Length`, when the client declared one (for an early quota answer).
    pub declared_length: Option<u64>,
    pub preconditions: Preconditions,
    pub if_header: Option<IfHeader>,
}

/// What a write left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub created: bool,
    pub etag: String,
}

/// A COPY or MOVE.
pub struct CopyMove {
    pub is_move: bool,
    /// Infinity (the whole subtree, and the default) or 0 (a folder alone, COPY only).
    pub depth: Option<dav::Depth>,
    pub overwrite: bool,
    pub if_header: Option<IfHeader>,
}

fn content_type_for(given: Option<String>, name: &str) -> String {
    given.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| {
        mime_guess::from_path(name)
            .first_or_octet_stream()
            .essence_str()
            .to_owned()
    })
}

/// 403 for a new name Windows cannot hold: one ending in a dot or a space (Explorer and Office
/// cannot open, rename or delete such a file). Names that differ only in case are allowed, as
/// on Linux and in other WebDAV servers (docs/webdav.md says what that means on Windows).
fn check_new_name(target: &DocTarget) -> Result<()> {
    if target.name().ends_with(['.', ' ']) {
        return Err(Error::forbidden_because(
            "a name may not end in a dot or a space (Windows cannot open such a file)",
        ));
    }
    Ok(())
}

/// The store condition that pins the state a conditional request was evaluated on, so a
/// concurrent change between the check and the write makes the write fail (412).
fn pinned(preconditions: &Preconditions, current: Option<&str>) -> PutCondition {
    match (preconditions.is_empty(), current) {
        (true, _) => PutCondition::Any,
        (false, Some(etag)) => PutCondition::MatchEtag(etag.to_owned()),
        (false, None) => PutCondition::MustNotExist,
    }
}

/// 412 when the conditional headers fail for a write.
pub(crate) fn check_preconditions(preconditions: &Preconditions, current: Option<&str>) -> Result<()> {
    match preconditions.evaluate(current, None, false) {
        Evaluation::Proceed => Ok(()),
        Evaluation::Failed(header) => Err(Error::precondition_failed(format!(
            "the {header} condition does not hold"
        ))),
        Evaluation::NotModified => Err(Error::precondition_failed("the If-None-Match condition does not hold")),
    }
}

impl Documents<'_> {
    /// PUT of a file.
    pub async fn put(&self, target: &DocTarget, file: PutFile<'_>) -> Result<Written> {
        if target.is_root() {
            return Err(Error::not_allowed("a library root is a folder"));
        }
        self.require(target, Action::Write).await?;
        let existing = self.store().doc_node(&target.path).await?;
        if existing.as_ref().is_some_and(|n| n.is_collection()) {
            return Err(Error::not_allowed("a folder cannot be written as a file"));
        }
        let scope = if existing.is_some() {
            Scope::Resource
        } else {
            Scope::Membership
        };
        let if_header = file.if_header.as_ref();
        self.check_write(if_header, target, scope).await?;
        if existing.is_none() {
            check_new_name(target)?;
        }
        let current = existing.as_ref().map(|n| n.etag.as_str());
        check_preconditions(&file.preconditions, current)?;
        let condition = pinned(&file.preconditions, current);
        if existing.is_none() {
            let parent = self.store().doc_node(target.parent_path()).await?;
            if !parent.is_some_and(|p| p.is_collection()) {
                return Err(Error::conflict("the parent folder does not exist"));
            }
        }
        let limit = self.core.settings.max_upload_bytes;
        if file.declared_length.is_some_and(|n| n > limit) {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("request body exceeds the limit of {limit} bytes"),
            ));
        }
        // Every version counts: replacing a file adds its new size (the oldest version is
        // dropped only once the file keeps `max_versions`, so it is not counted on).
        if let Some(declared) = file.declared_length
            && i64::try_from(declared).unwrap_or(i64::MAX) > self.quota_left(target).await?
        {
            return Err(Error::insufficient_storage());
        }
        let blob = self.core.blobs.put(file.body, limit).await.map_err(|e| match e {
            BlobError::TooLarge { limit } => Error::new(
                ErrorKind::TooLarge,
                format!("request body exceeds the limit of {limit} bytes"),
            ),
            BlobError::Body(reason) => Error::invalid(format!("the request body was not received whole: {reason}")),
            other => Error::internal(other),
        })?;
        if i64::try_from(blob.size).unwrap_or(i64::MAX) > self.quota_left(target).await? {
            return Err(Error::insufficient_storage());
        }
        let ctype = content_type_for(file.content_type, target.name());
        self.store_content(target, &blob, &ctype, &condition, if_header).await
    }

    /// Records `blob` as the file's content, checking the locks again inside the transaction.
    async fn store_content(
        &self,
        target: &DocTarget,
        blob: &BlobRef,
        content_type: &str,
        condition: &PutCondition,
        if_header: Option<&IfHeader>,
    ) -> Result<Written> {
        let me = self.actor.principal().id;
        let content = self.content(blob, content_type);
        let locks_allow = |own: &[DocLock], parent: Option<&[DocLock]>| {
            let scope = if parent.is_some() {
                Scope::Membership
            } else {
                Scope::Resource
            };
            let groups = lock_groups(own.to_vec(), parent.map(<[DocLock]>::to_vec), Vec::new(), scope);
            check_locks(me, if_header, &groups).is_ok()
        };
        let outcome = self
            .store()
            .doc_put(&target.path, &content, condition, &locks_allow)
            .await?;
        match outcome {
            PutOutcome::Created { etag } => Ok(Written { created: true, etag }),
            PutOutcome::Replaced { etag, .. } => Ok(Written { created: false, etag }),
            PutOutcome::PreconditionFailed => Err(Error::precondition_failed("the resource changed meanwhile")),
            PutOutcome::ParentMissing => Err(Error::conflict("the parent folder does not exist")),
            PutOutcome::IsCollection => Err(Error::not_allowed("a folder cannot be written as a file")),
            PutOutcome::Locked => {
                // A lock was granted while the body streamed: name it in the answer.
                let scope = if condition == &PutCondition::MustNotExist {
                    Scope::Membership
                } else {
                    Scope::Resource
                };
                let groups = self.locks_for(target, scope).await?;
                Err(check_locks(me, if_header, &groups).err().unwrap_or_else(|| {
                    Error::new(ErrorKind::Locked, "the resource was locked while it was being written")
                }))
            }
        }
    }

    /// DELETE of a file or a folder with everything below it.
    pub async fn delete(
        &self,
        target: &DocTarget,
        preconditions: &Preconditions,
        if_header: Option<&IfHeader>,
    ) -> Result<()> {
        if target.is_root() {
            return Err(Error::forbidden_because("a library root cannot be deleted"));
        }
        self.require(target, Action::Write).await?;
        let node = self
            .store()
            .doc_node(&target.path)
            .await?
            .ok_or_else(Error::not_found)?;
        check_preconditions(preconditions, Some(&node.etag))?;
        self.check_write(if_header, target, Scope::Membership).await?;
        self.store().doc_delete_tree(&target.path).await?;
        Ok(())
    }

    /// MKCOL: a new folder in an existing one.
    pub async fn mkcol(&self, target: &DocTarget, if_header: Option<&IfHeader>) -> Result<()> {
        self.require(target, Action::Write).await?;
        if self.store().doc_node(&target.path).await?.is_some() {
            return Err(Error::not_allowed("something exists at this URL already"));
        }
        check_new_name(target)?;
        self.check_write(if_header, target, Scope::Membership).await?;
        match self.store().doc_mkcol(&target.path).await? {
            MkcolOutcome::Created => Ok(()),
            MkcolOutcome::Exists => Err(Error::not_allowed("something exists at this URL already")),
            MkcolOutcome::ParentMissing => Err(Error::conflict("the parent folder does not exist")),
        }
    }

    /// COPY or MOVE `source` to `dest` (resolved by the adapter from `Destination`); answers
    /// whether the destination was created (rather than overwritten).
    pub async fn copy_or_move(&self, source: &DocTarget, dest: &DocTarget, op: CopyMove) -> Result<bool> {
        self.require(source, if op.is_move { Action::Write } else { Action::Read })
            .await?;
        let node = self
            .store()
            .doc_node(&source.path)
            .await?
            .ok_or_else(Error::not_found)?;
        if op.is_move && source.is_root() {
            return Err(Error::forbidden_because("a library root cannot be moved"));
        }
        // §9.9.3: MOVE of a collection acts as Depth infinity; §9.8.3: COPY takes 0 or infinity.
        let deep = match (op.is_move, op.depth.unwrap_or(dav::Depth::Infinity)) {
            (_, dav::Depth::Infinity) => true,
            (false, dav::Depth::Zero) => false,
            (true, _) if !node.is_collection() => true,
            _ => {
                return Err(Error::invalid(
                    "Depth must be 0 or infinity for COPY, infinity for MOVE",
                ));
            }
        };
        if dest.path == source.path {
            return Err(Error::forbidden_because("the source and the destination are the same"));
        }
        if dest.path.starts_with(&format!("{}/", source.path)) {
            return Err(Error::conflict("cannot copy or move a folder into itself"));
        }
        if dest.is_root() {
            return Err(Error::forbidden_because("a library root cannot be replaced"));
        }
        self.require(dest, Action::Write).await?;
        let parent = self.store().doc_node(dest.parent_path()).await?;
        if !parent.is_some_and(|p| p.is_collection()) {
            return Err(Error::conflict("the Destination's parent folder does not exist"));
        }
        let existing = self.store().doc_node(&dest.path).await?;
        if existing.is_none() {
            check_new_name(dest)?;
        }
        if existing.is_some() && !op.overwrite {
            return Err(Error::precondition_failed("the Destination exists and Overwrite is F"));
        }
        let if_header = op.if_header.as_ref();
        if op.is_move {
            self.check_write(if_header, source, Scope::Membership).await?;
        }
        self.check_write(if_header, dest, Scope::Membership).await?;
        if !op.is_move || dest.root != source.root {
            // A copy starts with one version of each file; a move takes every version along.
            let weight = |n: &crate::store::DocNode| if op.is_move { n.stored_bytes } else { n.size };
            let adding: i64 = if deep {
                self.store().doc_subtree(&source.path).await?.iter().map(weight).sum()
            } else {
                weight(&node)
            };
            let freed: i64 = match &existing {
                Some(_) => self
                    .store()
                    .doc_subtree(&dest.path)
                    .await?
                    .iter()
                    .map(|n| n.stored_bytes)
                    .sum(),
                None => 0,
            };
            if adding - freed > self.quota_left(dest).await? {
                return Err(Error::insufficient_storage());
            }
        }
        // The destination replaced and the tree moved or copied in one transaction: a crash
        // leaves the one state or the other, never the destination gone and nothing new.
        let how = if op.is_move {
            Transfer::Move
        } else {
            Transfer::Copy {
                deep,
                author_id: self.actor.principal().id,
            }
        };
        self.store()
            .doc_transfer_tree(&source.path, &dest.path, how, existing.is_some())
            .await?;
        Ok(existing.is_none())
    }

    /// Makes version `n`'s content the current one, as a new version; answers its number.
    pub async fn restore(&self, target: &DocTarget, n: i64, if_header: Option<&IfHeader>) -> Result<i64> {
        self.require(target, Action::Write).await?;
        let (node, versions) = self.file_versions(target).await?;
        let v = versions
            .into_iter()
            .find(|v| v.version == n)
            .ok_or_else(Error::not_found)?;
        self.check_write(if_header, target, Scope::Resource).await?;
        let blob = BlobRef {
            sha256: v.blob_sha256,
            size: u64::try_from(v.size).unwrap_or(0),
        };
        let ctype = v.content_type.unwrap_or_else(|| "application/octet-stream".into());
        if blob.size > u64::try_from(self.quota_left(target).await?).unwrap_or(0) {
            return Err(Error::insufficient_storage());
        }
        let me = self.actor.principal().id;
        let content = self.content(&blob, &ctype);
        let locks_allow = |own: &[DocLock], _: Option<&[DocLock]>| {
            check_locks(
                me,
                if_header,
                &lock_groups(own.to_vec(), None, Vec::new(), Scope::Resource),
            )
            .is_ok()
        };
        match self
            .store()
            .doc_put(
                &target.path,
                &content,
                &PutCondition::MatchEtag(node.etag),
                &locks_allow,
            )
            .await?
        {
            PutOutcome::Replaced { version, .. } => Ok(version),
            PutOutcome::Locked => Err(Error::new(ErrorKind::Locked, "the file was locked meanwhile")),
            _ => Err(Error::precondition_failed("the file changed meanwhile; try again")),
        }
    }
}
