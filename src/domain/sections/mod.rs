//! Board sections: the rules for creating, renaming, listing and deleting them.

mod store;
pub use store::*;

use std::sync::Arc;

use crate::clock::{Clock, Timestamp};
use crate::domain::boards::Boards;
use crate::domain::caller::Caller;
use crate::domain::ids::{BoardId, SectionId};
use crate::domain::page::{ListKind, Pages};
use crate::domain::storage::{Conflict, StoreError};
use crate::domain::text::{TextKind, check_characters};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, ErrorKind, Result};

/// Board sections: listing, creating, renaming and deleting them on boards the caller may reach.
#[derive(Clone)]
pub struct Sections {
    store: Arc<dyn SectionStore>,
    clock: Clock,
    pages: Pages,
    boards: Boards,
}

/// The spec's `BoardSection.name` bounds.
pub const SECTION_NAME_MAX: usize = 180;

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: SectionId,
    /// Position within its board; bookmarks carry it. Ignored on insert.
    pub seq: i64,
    pub board_id: BoardId,
    pub name: String,
    pub created_at: Timestamp,
}

/// A board section's name as pinbox keeps it: trimmed, no control character, within the spec's
/// bounds. Made only by [`SectionName::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionName(String);

impl SectionName {
    /// Reads a name as a client sent it; refusals are the spec's "Invalid board section
    /// parameters." with the reason.
    pub fn parse(raw: &str) -> Result<SectionName> {
        parse_section_name(raw).map(SectionName)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn parse_section_name(raw: &str) -> Result<String> {
    check_characters("name", raw, TextKind::Name)?;
    let name = raw.trim();
    // The spec's maxLength holds for the name as sent, spaces included; trimming comes after.
    if name.is_empty() || raw.chars().count() > SECTION_NAME_MAX {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            400,
            format!(
                "Invalid board section parameters: 'name' must be 1 to {SECTION_NAME_MAX} \
                 characters, not only spaces."
            ),
        ));
    }
    Ok(name.to_string())
}

fn section_conflict(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(Conflict::SectionName) => {
            Error::conflict(409, "Board section conflict.")
        }
        StoreError::NotFound("board") => Error::board_not_found(),
        StoreError::NotFound(_) => Error::not_found(404, "Board section not found."),
        other => other.into(),
    }
}

impl Sections {
    pub fn new(
        store: Arc<dyn SectionStore>,
        clock: Clock,
        pages: Pages,
        boards: Boards,
    ) -> Sections {
        Sections {
            store,
            clock,
            pages,
            boards,
        }
    }

    pub async fn list(
        &self,
        caller: &Caller,
        board_id: BoardId,
        page: PageRequest,
    ) -> Result<Listing<Section>> {
        let board = self.boards.readable(caller, board_id).await?;
        self.pages
            .list(
                &page,
                ListKind::Sections,
                board.id.0,
                |cursor| async move { Ok(self.store.list_sections(board.id, cursor).await?) },
                |s| s.seq,
            )
            .await
    }

    pub async fn create(&self, caller: &Caller, board_id: BoardId, name: &str) -> Result<Section> {
        let board = self.boards.writable(caller, board_id).await?;
        let name = SectionName::parse(name)?.into_string();
        let section = Section {
            id: SectionId::random(),
            seq: 0,
            board_id: board.id,
            name,
            created_at: self.clock.now(),
        };
        self.store
            .create_section(section)
            .await
            .map_err(section_conflict)
    }

    pub async fn rename(
        &self,
        caller: &Caller,
        board_id: BoardId,
        section_id: SectionId,
        name: &str,
    ) -> Result<Section> {
        let board = self.boards.writable(caller, board_id).await?;
        let name = SectionName::parse(name)?.into_string();
        self.existing(board.id, section_id).await?;
        self.store
            .rename_section(board.id, section_id, name)
            .await
            .map_err(section_conflict)
    }

    pub async fn delete(
        &self,
        caller: &Caller,
        board_id: BoardId,
        section_id: SectionId,
    ) -> Result<()> {
        let board = self.boards.writable(caller, board_id).await?;
        self.existing(board.id, section_id)
            .await
            .map_err(|_| Error::not_found(404, "Board section not found."))?;
        self.store
            .delete_section(board.id, section_id)
            .await
            .map_err(section_conflict)
    }

    /// A section of a board the caller already proved it may reach.
    pub async fn existing(&self, board_id: BoardId, id: SectionId) -> Result<Section> {
        self.store
            .section(board_id, id)
            .await?
            .ok_or_else(Error::section_not_found)
    }
}
