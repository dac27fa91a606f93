//! The websites users claim, in PostgreSQL.

use tokio_postgres::Row;

use super::PgStore;
use crate::clock::Timestamp;
use crate::domain::ids::UserId;
use crate::domain::page::Cursor;
use crate::domain::storage::{StoreError, StoreResult};
use crate::domain::websites::{Website, WebsiteName, WebsiteStore};
use crate::store::postgres::errors::pg;
use async_trait::async_trait;

const SELECT: &str = "SELECT seq, user_id, website, verified_at FROM websites";

fn from_row(r: &Row) -> Website {
    Website {
        seq: r.get(0),
        user_id: UserId(r.get(1)),
        name: WebsiteName::stored(r.get(2)),
        verified_at: Timestamp(r.get(3)),
    }
}

#[async_trait]
impl WebsiteStore for PgStore {
    async fn claim_website(
        &self,
        user: UserId,
        website: WebsiteName,
        at: Timestamp,
    ) -> StoreResult<Website> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO websites (user_id, website, verified_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, website) DO NOTHING",
                &[&user.0, &website.as_str(), &at.0],
            )
            .await
            .map_err(pg)?;
        client
            .query_opt(
                &format!("{SELECT} WHERE user_id = $1 AND website = $2"),
                &[&user.0, &website.as_str()],
            )
            .await
            .map_err(pg)?
            .map(|r| from_row(&r))
            .ok_or(StoreError::NotFound("website"))
    }

    async fn list_websites(&self, user: UserId, cursor: Cursor) -> StoreResult<Vec<Website>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "{SELECT} WHERE user_id = $1 AND ($2::BIGINT IS NULL OR seq < $2)
                     ORDER BY seq DESC LIMIT $3"
                ),
                &[&user.0, &cursor.after, &(cursor.limit as i64 + 1)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(from_row).collect())
    }

    async fn unclaim_website(&self, user: UserId, website: WebsiteName) -> StoreResult<bool> {
        let client = self.client().await?;
        let n = client
            .execute(
                "DELETE FROM websites WHERE user_id = $1 AND website = $2",
                &[&user.0, &website.as_str()],
            )
            .await
            .map_err(pg)?;
        Ok(n > 0)
    }
}
