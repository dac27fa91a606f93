//! How PostgreSQL's errors reach the domain: as `StoreError`, with unique violations mapped to
//! the conflict their constraint stands for.

use tokio_postgres::error::SqlState;

use crate::domain::storage::{Conflict, StoreError};

/// Maps a database error: unique violations become the conflict they stand for.
pub fn pg(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error()
        && *db.code() == SqlState::UNIQUE_VIOLATION
    {
        let conflict = match db.constraint() {
            Some("users_username_unique") => Some(Conflict::Username),
            Some("boards_name_unique") => Some(Conflict::BoardName),
            Some("board_sections_name_unique") => Some(Conflict::SectionName),
            _ => None,
        };
        if let Some(c) = conflict {
            return StoreError::Conflict(c);
        }
    }
    // A NUL character: PostgreSQL's text cannot hold one. The domain refuses such text before
    // any write; this keeps a path it missed a 400, not a 500.
    if let Some(db) = e.as_db_error()
        && *db.code() == SqlState::CHARACTER_NOT_IN_REPERTOIRE
    {
        return StoreError::Unstorable(db.message().to_string());
    }
    if e.is_closed() {
        return StoreError::Unavailable(format!("the database connection closed: {e}"));
    }
    StoreError::Backend(anyhow::Error::new(e))
}
