//! The rules for boards: ownership, secret visibility by scope, unique names, the volume limit.

mod store;
pub use store::*;

mod board;

pub use board::*;

use std::sync::Arc;

use crate::catalog::scope::{Scope, Scopes};
use crate::clock::Clock;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::BoardId;
use crate::domain::page::{ListKind, Pages};
use crate::domain::storage::{Conflict, StoreError, VolumeLimit};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, ErrorKind, Result};

/// Boards: creating, reading, listing, changing and deleting them, and who may do which.
#[derive(Clone)]
pub struct Boards {
    store: Arc<dyn BoardStore>,
    clock: Clock,
    pages: Pages,
    /// Boards a user may have in one environment.
    max_boards: u32,
}

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

impl Boards {
    pub fn new(store: Arc<dyn BoardStore>, clock: Clock, pages: Pages, max_boards: u32) -> Boards {
        Boards {
            store,
            clock,
            pages,
            max_boards,
        }
    }

    pub async fn create(&self, caller: &Caller, input: BoardInput) -> Result<Board> {
        let owner = caller.user_id;
        let requested_name = BoardName::parse(&input.name)?.into_string();
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
        let limit = self.max_boards;
        self.store
            .create_board(board, limit)
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Create, limit))
    }

    /// Inserts a board as given, past the volume limit and the name rules (seeding, benchmarks).
    pub async fn import(&self, board: NewBoard) -> Result<Board> {
        self.store
            .create_board(board, u32::MAX)
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Create, u32::MAX))
    }

    pub async fn get(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        self.readable(caller, id).await
    }

    pub async fn list(
        &self,
        caller: &Caller,
        requested: PrivacySet,
        page: PageRequest,
    ) -> Result<Listing<Board>> {
        let owner = caller.user_id;
        let privacies = requested.intersect(self.visible_privacies(caller));
        self.pages
            .list(
                &page,
                ListKind::Boards,
                owner.0,
                |cursor| async move {
                    if privacies.is_empty() {
                        return Ok(Vec::new());
                    }
                    let query = BoardQuery {
                        owner_id: owner,
                        env: caller.env,
                        privacies,
                        secret_pins: caller.reads_secret_pins(),
                        cursor,
                    };
                    Ok(self.store.list_boards(query).await?)
                },
                |b| b.seq,
            )
            .await
    }

    pub async fn update(
        &self,
        caller: &Caller,
        id: BoardId,
        mut changes: BoardChanges,
    ) -> Result<Board> {
        let board = self.writable(caller, id).await?;
        if let Some(name) = &changes.name {
            changes.name = Some(BoardName::parse(name)?.into_string());
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
        let limit = self.max_boards;
        self.store
            .update_board(caller.env, board.id, changes, caller.reads_secret_pins())
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Edit, limit))
    }

    pub async fn delete(&self, caller: &Caller, id: BoardId) -> Result<()> {
        let board = self.writable(caller, id).await?;
        self.store
            .delete_board(caller.env, board.id)
            .await
            .map_err(|e| board_write_error(e, BoardWrite::Edit, 0))
    }

    /// A board of the caller's that Pins may be put on: secret boards need both secret scopes.
    pub async fn for_pins(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        let board = self.readable(caller, id).await?;
        if board.privacy == Privacy::Secret && !caller.writes_secret_pins() {
            return Err(Error::board_not_found());
        }
        Ok(board)
    }

    /// The caller's ad-only board, created on first use (seed 004).
    pub async fn ad_only(&self, caller: &Caller) -> Result<Board> {
        let owner = caller.user_id;
        if let Some(b) = self.store.ad_only_board(owner, caller.env).await? {
            return Ok(b);
        }
        let created = self
            .create(
                caller,
                BoardInput {
                    name: AD_ONLY_BOARD_NAME.to_string(),
                    is_ads_only: true,
                    ..BoardInput::default()
                },
            )
            .await;
        match created {
            Ok(b) => Ok(b),
            // Another request made it first.
            Err(e) if e.kind == ErrorKind::Conflict => {
                self.store.ad_only_board(owner, caller.env).await?.ok_or(e)
            }
            Err(e) => Err(e),
        }
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
    pub async fn readable(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        self.own(caller, id, caller.reads_secret_boards()).await
    }

    /// A board of a list the caller was already allowed to read (its own, of privacies it sees),
    /// shown as the caller sees it; `None` once the board is gone.
    pub async fn listed(&self, caller: &Caller, id: BoardId) -> Result<Option<Board>> {
        Ok(self
            .store
            .board(caller.env, id, caller.reads_secret_pins())
            .await?)
    }

    /// A public board in `env`, whoever owns it (one a user may follow); `None` for any other.
    pub async fn public(&self, env: Env, id: BoardId) -> Result<Option<Board>> {
        Ok(self
            .store
            .board(env, id, false)
            .await?
            .filter(|b| b.privacy == Privacy::Public))
    }

    /// A board the caller owns and may change: secret boards need `boards:write_secret`.
    pub async fn writable(&self, caller: &Caller, id: BoardId) -> Result<Board> {
        self.own(caller, id, caller.writes_secret_boards()).await
    }

    /// The caller's own board, "not found" if it is secret and `secret_ok` is false.
    async fn own(&self, caller: &Caller, id: BoardId, secret_ok: bool) -> Result<Board> {
        let board = self
            .store
            .board(caller.env, id, caller.reads_secret_pins())
            .await?
            .filter(|b| b.owner_id == caller.user_id)
            .ok_or_else(Error::board_not_found)?;
        if board.privacy == Privacy::Secret && !secret_ok {
            return Err(Error::board_not_found());
        }
        Ok(board)
    }
}
