//! The PostgreSQL store, for several pinbox replicas sharing one database. Uniqueness, volume
//! limits and counters are enforced inside the database's transactions, so replicas agree without
//! sharing any memory.

mod accounts;
mod ad_accounts;
mod analytics;
mod apps;
mod boards;
mod follows;
mod media;
pub mod migrate;
mod oauth;
mod pins;
mod quotas;
mod search;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use crate::clock::Timestamp;
use crate::domain::ad_accounts::{AdAccount, NewAdAccount};
use crate::domain::analytics::{Day, EngagementRow};
use crate::domain::apps::{App, NewApp, Tier};
use crate::domain::boards::{Board, BoardChanges, NewBoard};
use crate::domain::env::Env;
use crate::domain::follows::{FollowCounts, FollowedBoard, FollowedUser, FollowingQuery};
use crate::domain::ids::{
    AdAccountId, AppId, BoardId, GrantId, MediaId, PinId, SectionId, TokenId, UserId,
};
use crate::domain::media_uploads::{MediaUpload, NewMediaUpload, UploadedFile};
use crate::domain::oauth::{CodeRedemption, OAuthCode};
use crate::domain::page::Cursor;
use crate::domain::pins::{NewPin, Pin, PinChanges, PinFilter, PinScope, StoredImage};
use crate::domain::rate_limits::{Quota, QuotaKey, QuotaTake};
use crate::domain::search::{BoardText, PinSearch};
use crate::domain::sections::Section;
use crate::domain::tokens::{NewToken, Token, TokenHash};
use crate::domain::users::Session;
use crate::domain::users::{ContentCounts, NewUser, User};
use crate::store::{BoardQuery, Conflict, Store, StoreError, StoreResult};

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct PgOptions {
    pub url: String,
    /// Connections this process keeps open at most.
    pub pool_size: usize,
    /// Use (and create) this schema instead of the default; tests isolate themselves with it.
    pub schema: Option<String>,
}

impl PgOptions {
    pub fn new(url: &str) -> PgOptions {
        PgOptions {
            url: url.to_string(),
            pool_size: 16,
            schema: None,
        }
    }
}

pub struct PgStore {
    pool: Pool,
}

/// The URL with its password replaced, safe to print.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(a connection string without a scheme)".to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl PgStore {
    /// Connects, checks the database answers, and brings its schema up to date (one replica at a
    /// time: migrations run under an advisory lock).
    pub async fn connect(options: PgOptions, now: Timestamp) -> StoreResult<PgStore> {
        let shown = redact(&options.url);
        let mut config = tokio_postgres::Config::from_str(&options.url).map_err(|e| {
            StoreError::Unavailable(format!(
                "the database URL {shown} is not a valid PostgreSQL connection string ({e}); \
                 use postgres://user:password@host:port/database"
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if let Some(schema) = &options.schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(StoreError::Unavailable(format!(
                    "bad schema name {schema:?}"
                )));
            }
            config.options(format!("-c search_path={schema}"));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(Duration::from_secs(30)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Unavailable(format!("building the connection pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {shown}: {}; check that the server runs and the \
                 URL's host, port, user, password and database are right",
                error_chain(&e)
            ))
        })?;
        if let Some(schema) = &options.schema {
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await
                .map_err(pg)?;
        }
        migrate::migrate(&mut client, now.0).await?;
        search::backfill(&mut client).await?;
        drop(client);
        Ok(PgStore { pool })
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Client> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(format!("no database connection: {e}")))
    }
}

/// An error and its causes on one line: pool errors hide the cause that says what went wrong.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Maps a database error: unique violations become the conflict they stand for.
pub(crate) fn pg(e: tokio_postgres::Error) -> StoreError {
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

#[async_trait]
impl Store for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        accounts::shared_secret(&self.client().await?, name).await
    }

    async fn close(&self) -> StoreResult<()> {
        self.pool.close();
        Ok(())
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        accounts::create_user(&self.client().await?, user).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        accounts::user_by_id(&self.client().await?, id).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        accounts::user_by_username(&self.client().await?, username).await
    }

    async fn user_count(&self) -> StoreResult<i64> {
        accounts::user_count(&self.client().await?).await
    }

    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts> {
        boards::content_counts(&self.client().await?, user, env).await
    }

    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        accounts::create_app(&mut self.client().await?, app).await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        accounts::app_by_id(&self.client().await?, id).await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        media::grant_app_feature(&self.client().await?, app, feature, at).await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        media::revoke_app_feature(&self.client().await?, app, feature).await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        media::app_has_feature(&self.client().await?, app, feature).await
    }

    async fn create_token(&self, token: NewToken) -> StoreResult<Token> {
        accounts::create_token(&self.client().await?, token).await
    }

    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>> {
        accounts::token_by_hash(&self.client().await?, hash).await
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        accounts::revoke_token(&self.client().await?, id, at).await
    }

    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board> {
        boards::create_board(&mut self.client().await?, board, max_boards).await
    }

    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>> {
        boards::board_by_id(&self.client().await?, env, id, secret_pins).await
    }

    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>> {
        boards::list_boards(&self.client().await?, query).await
    }

    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board> {
        boards::update_board(&mut self.client().await?, env, id, changes, secret_pins).await
    }

    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()> {
        boards::delete_board(&mut self.client().await?, env, id).await
    }

    async fn create_section(&self, section: Section) -> StoreResult<Section> {
        boards::create_section(&self.client().await?, section).await
    }

    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>> {
        boards::section_by_id(&self.client().await?, board, id).await
    }

    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>> {
        boards::list_sections(&self.client().await?, board, cursor).await
    }

    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section> {
        boards::rename_section(&self.client().await?, board, id, name).await
    }

    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()> {
        boards::delete_section(&mut self.client().await?, board, id).await
    }

    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>> {
        pins::image(&self.client().await?, key).await
    }

    async fn put_image(&self, image: StoredImage) -> StoreResult<()> {
        pins::put_image(&self.client().await?, &image).await
    }

    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
        pins::create_pin(&mut self.client().await?, pin, max_pins).await
    }

    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()> {
        pins::import_pins(&mut self.client().await?, pins).await
    }

    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
        pins::pin_by_id(&self.client().await?, env, id).await
    }

    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin> {
        pins::update_pin(&mut self.client().await?, env, id, changes, at).await
    }

    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()> {
        pins::delete_pin(&mut self.client().await?, env, id, at).await
    }

    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>> {
        pins::list_pins(&self.client().await?, scope, &filter, cursor).await
    }

    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>> {
        let client = self.client().await?;
        match pins::ad_only_board(&client, owner, env).await? {
            Some(id) => boards::board_by_id(&client, env, id, true).await,
            None => Ok(None),
        }
    }

    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()> {
        pins::add_engagement(&self.client().await?, pin, day, app_type, metric, count).await
    }

    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64> {
        pins::engagement_total(&self.client().await?, pin, metric).await
    }

    // OAuth

    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64> {
        oauth::set_password(&mut self.client().await?, user, &password_hash, at).await
    }

    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
        apps::apps(&self.client().await?, owner).await
    }

    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        apps::add_redirect_uri(&self.client().await?, app, &uri).await
    }

    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        apps::remove_redirect_uri(&self.client().await?, app, &uri).await
    }

    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App> {
        apps::set_secret_hash(&self.client().await?, app, &secret_hash).await
    }

    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App> {
        apps::set_tier(&self.client().await?, app, tier).await
    }

    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>> {
        oauth::create_grant_tokens(&mut self.client().await?, grant, tokens).await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        oauth::token_grant(&self.client().await?, id).await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        oauth::revoke_grant(&self.client().await?, grant, at).await
    }

    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()> {
        oauth::create_code(&self.client().await?, &code).await
    }

    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
        oauth::code(&self.client().await?, hash).await
    }

    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption> {
        oauth::redeem_code(&mut self.client().await?, hash, at, tokens).await
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        oauth::create_session(&self.client().await?, &session).await
    }

    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>> {
        oauth::session(&self.client().await?, hash).await
    }

    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()> {
        oauth::delete_session(&self.client().await?, hash).await
    }

    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount> {
        ad_accounts::create(&self.client().await?, account).await
    }

    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
        ad_accounts::by_id(&self.client().await?, env, id).await
    }

    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>> {
        ad_accounts::list(&self.client().await?, owner, env, cursor).await
    }

    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()> {
        ad_accounts::delete(&self.client().await?, env, id).await
    }

    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload> {
        media::create_media_upload(&self.client().await?, upload).await
    }

    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>> {
        media::media_upload(&self.client().await?, id).await
    }

    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>> {
        media::list_media_uploads(&self.client().await?, owner, env, cursor).await
    }

    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload> {
        media::record_media_file(&self.client().await?, id, &file).await
    }

    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()> {
        media::mark_media_upload_used(&self.client().await?, id, at).await
    }

    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>> {
        media::unused_media_uploads(&self.client().await?, before, limit).await
    }

    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool> {
        media::delete_unused_media_upload(&self.client().await?, id).await
    }

    // Rate limits: windows in a table every replica updates atomically.

    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake> {
        quotas::take_quota(&self.client().await?, key, quotas, now).await
    }

    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64> {
        quotas::sweep_quotas(&self.client().await?, now).await
    }

    // search and follows

    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>> {
        search::search_pins(&self.client().await?, &search).await
    }

    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>> {
        search::board_search_texts(&self.client().await?, owner, env).await
    }

    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        follows::follow_user(&self.client().await?, env, follower, followee, at).await
    }

    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        follows::follow_board(&self.client().await?, env, follower, board, at).await
    }

    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>> {
        follows::list_followers(&self.client().await?, user, env, cursor).await
    }

    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
        follows::list_following(&self.client().await?, query).await
    }

    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>> {
        follows::list_followed_boards(&self.client().await?, user, env, cursor).await
    }

    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts> {
        follows::follow_counts(&self.client().await?, user, env).await
    }

    // analytics

    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()> {
        analytics::add_engagement_rows(&mut self.client().await?, &rows).await
    }

    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>> {
        analytics::engagement_rows(&self.client().await?, &pins, from, to).await
    }

    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>> {
        analytics::owner_engagement_rows(&self.client().await?, owner, env, from, to, secret_pins)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/pinbox"),
            "postgres://app:***@db:5432/pinbox"
        );
        assert_eq!(
            redact("postgres://app@db/pinbox"),
            "postgres://app@db/pinbox"
        );
        assert!(!redact("host=db password=x").contains("x"));
    }
}
