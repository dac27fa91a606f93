//! The rules for boards: ownership, secret visibility by scope, unique names, the volume limit.

mod store;
pub use store::*;

mod board;

pub use board::*;

use crate::catalog::scope::{Scope, Scopes};
use crate::domain::caller::Caller;
use crate::domain::ids::BoardId;
use crate::domain::page::{Cursor, ListKind, Page};
use crate::domain::storage::{Conflict, StoreError, VolumeLimit};
use crate::domain::{Listing, PageRequest, Pinbox};
use crate::error::{Error, Result};

/// A board as a client asked to create it, before validation.
#[derive(Debug, Clone, Default)]
pub struct BoardInput {
    pub name: String,
    pub description: Option<String>,
    pub privacy: Option<Privacy>,
    pub is_ads_only: bool,
}

/// The name Pinterest gives every ad-only board.
pub const AD_ONLY_BOARD_NAME: &str = "Ad-only Pins";

/// Which write a store refusal answers: an edit's refusal says it could not edit the board.
#[derive(Clone, Copy)]
enum BoardWrite {
    Create,
    Edit,
}

fn board_write_error(e: StoreError, write: BoardWrite, limit: u32) -> Error {
    match e {
        StoreError::Conflict(Conflict::BoardName) => Error::conflict(
            58,
            match write {
                BoardWrite::Create => {
                    "You already have a board with this name. Choose a different name."
                }
                BoardWrite::Edit => {
                    "Could not edit board: you already have a board with this name. Choose a \
                     different name."
                }
            },
        ),
        StoreError::LimitReached(VolumeLimit::Boards) => Error::forbidden(
            2014,
            format!(
                "You have reached the limit of {limit} boards for this account. \
                 Delete a board before creating another."
            ),
        ),
        StoreError::NotFound(_) => Error::board_not_found(),
        other => other.into(),
    }
}

impl Pinbox {
    pub async fn create_board(&self, caller: &Caller, input: BoardInput) -> Result<Board> {
        let owner = caller.user_id;
        let requested_name = parse_board_name(&input.name)?;
        let (name, privacy) = if input.is_ads_only {
            // As the spec notes: an ad-only board is always so named and always PROTECTED.
            (AD_ONLY_BOARD_NAME.to_string(), Privacy::Protected)
        } else {
            (requested_name, input.privacy.unwrap_or(Privacy::Public))
        };
        let description = parse_board_description(input.description.as_deref())?;
        if privacy == Privacy::Secret && !caller.writes_secret_boards() {
            return Err(Error::insufficient_scope(Scopes::of(&[
                Scope::BoardsWriteSecret,
            ])));
        }
        let now = self.clock.now();
        let board = NewBoard {
            id: BoardId::random(),
            owner_id: owner,
            env: caller.env,
            name,
            description,
            privacy,
            is_ads_only: input.is_ads_only,
            created_at: now,
        };
        let limit = self.limits.max_boards_per_user;
        self.store
            .create_board(board, limit)
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Create, limit))
    }

    pub async fn get_board(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        self.readable_board(caller, id).await
    }

    pub async fn list_boards(
        &self,
        caller: &Caller,
        requested: PrivacySet,
        page: PageRequest,
    ) -> Result<Listing<Board>> {
        let owner = caller.user_id;
        let privacies = requested.intersect(self.visible_privacies(caller));
        let after = self.resume_after(&page, ListKind::Boards, owner.0)?;
        let rows = if privacies.is_empty() {
            Vec::new()
        } else {
            self.store
                .list_boards(BoardQuery {
                    owner_id: owner,
                    env: caller.env,
                    privacies,
                    secret_pins: caller.reads_secret_pins(),
                    cursor: Cursor {
                        after,
                        limit: page.page_size,
                    },
                })
                .await?
        };
        let page_of = Page::from_rows(rows, page.page_size, |b| b.seq);
        Ok(self.listing(page_of, ListKind::Boards, owner.0))
    }

    pub async fn update_board(
        &self,
        caller: &Caller,
        id: BoardId,
        mut changes: BoardChanges,
    ) -> Result<Board> {
        let board = self.writable_board(caller, id).await?;
        if let Some(name) = &changes.name {
            changes.name = Some(parse_board_name(name)?);
        }
        if let Some(Some(d)) = &changes.description {
            changes.description = Some(parse_board_description(Some(d))?);
        }
        if changes.privacy.is_some() && board.is_ads_only {
            return Err(Error::invalid(
                "Invalid request: 'privacy' cannot change on an ad-only board: an ad-only board is \
                 always PROTECTED, which keeps its Pins off the profile. Leave 'privacy' out.",
            ));
        }
        if changes.privacy == Some(Privacy::Secret)
            && board.privacy != Privacy::Secret
            && !caller.writes_secret_boards()
        {
            return Err(Error::insufficient_scope(Scopes::of(&[
                Scope::BoardsWriteSecret,
            ])));
        }
        if changes.is_empty() {
            return Ok(board);
        }
        let limit = self.limits.max_boards_per_user;
        self.store
            .update_board(caller.env, board.id, changes, caller.reads_secret_pins())
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Edit, limit))
    }

    pub async fn delete_board(&self, caller: &Caller, id: BoardId) -> Result<()> {
        let board = self.writable_board(caller, id).await?;
        self.store
            .delete_board(caller.env, board.id)
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Edit, 0))
    }

    /// Privacies the caller's scopes let it see.
    pub fn visible_privacies(&self, caller: &Caller) -> PrivacySet {
        PrivacySet {
            secret: caller.reads_secret_boards(),
            ..PrivacySet::ALL
        }
    }

    /// A board the caller owns and may see; anything else is "not found", as if it did not exist.
    /// What the board shows of its Pins follows the caller's sight of them (`pins:read_secret`).
    pub async fn readable_board(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        let owner = caller.user_id;
        let board = self
            .store
            .board(caller.env, id, caller.reads_secret_pins())
            .await?
            .filter(|b| b.owner_id == owner)
            .ok_or_else(Error::board_not_found)?;
        if board.privacy == Privacy::Secret && !caller.reads_secret_boards() {
            return Err(Error::board_not_found());
        }
        Ok(board)
    }

    /// A board the caller owns and may change: secret boards need `boards:write_secret`.
    pub async fn writable_board(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        let owner = caller.user_id;
        let board = self
            .store
            .board(caller.env, id, caller.reads_secret_pins())
            .await?
            .filter(|b| b.owner_id == owner)
            .ok_or_else(Error::board_not_found)?;
        if board.privacy == Privacy::Secret && !caller.writes_secret_boards() {
            return Err(Error::board_not_found());
        }
        Ok(board)
    }
}
