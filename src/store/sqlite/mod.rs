//! The embedded SQLite store, pinbox's default: one file in the data dir, WAL, durable commits.

mod accounts;
mod ad_accounts;
mod analytics;
mod apps;
mod auth_cache;
mod boards;
mod counts;
pub mod engine;
mod follows;
mod media;
pub mod migrate;
mod oauth;
mod pins;
pub mod quotas;
mod readers;
mod search;
pub mod serve_lock;
mod shared_counter;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;

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
use crate::store::sqlite::engine::{Durability, Engine};
use crate::store::{BoardQuery, Store, StoreError, StoreResult};

pub const DB_FILE: &str = "pinbox.sqlite3";

pub struct SqliteStore {
    engine: Arc<Engine>,
    auth: auth_cache::AuthCache,
    /// Rate-limit windows: in memory, as one server process serves a data dir.
    quotas: quotas::MemoryQuotas,
    /// Keeps an ephemeral store's directory alive until the store is dropped.
    _tempdir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`, migrating it to this binary's schema.
    pub fn open(data_dir: &Path, now: Timestamp) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create the data dir {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join(DB_FILE);
        let engine = Engine::open(&path, Durability::Full, |conn| {
            migrate::migrate(conn, now.0)?;
            search::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(data_dir)?,
            quotas: quotas::MemoryQuotas::new(),
            _tempdir: None,
            path,
        })
    }

    /// A throwaway store in a temporary directory, removed when the store is dropped.
    pub fn ephemeral(now: Timestamp) -> StoreResult<SqliteStore> {
        let dir = tempfile::Builder::new()
            .prefix("pinbox-ephemeral-")
            .tempdir()
            .map_err(|e| StoreError::Unavailable(format!("cannot create a temporary dir: {e}")))?;
        let path = dir.path().join(DB_FILE);
        let engine = Engine::open(&path, Durability::None, |conn| {
            migrate::migrate(conn, now.0)?;
            search::backfill(conn)
        })?;
        Ok(SqliteStore {
            engine,
            auth: open_auth_cache(dir.path())?,
            quotas: quotas::MemoryQuotas::new(),
            _tempdir: Some(dir),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_auth_cache(dir: &Path) -> StoreResult<auth_cache::AuthCache> {
    let path = dir.join("pinbox.auth-epoch");
    auth_cache::AuthCache::open(&path)
        .map_err(|e| StoreError::Unavailable(format!("cannot map {}: {e}", path.display())))
}

/// Whether `e` is a UNIQUE violation whose message names `column` (`table.column`).
pub(crate) fn is_unique_violation(e: &rusqlite::Error, column: &str) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => {
            (err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
                && msg.contains(column)
        }
        _ => false,
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]> {
        let name = name.to_string();
        self.engine
            .write(move |c| accounts::shared_secret(c, &name))
            .await
    }

    async fn close(&self) -> StoreResult<()> {
        let engine = Arc::clone(&self.engine);
        tokio::task::spawn_blocking(move || engine.close())
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("closing the store: {e}")))?
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.engine
            .write(move |c| accounts::create_user(c, user))
            .await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.engine.read(move |c| accounts::user_by_id(c, id)).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let username = username.to_string();
        self.engine
            .read(move |c| accounts::user_by_username(c, &username))
            .await
    }

    async fn user_count(&self) -> StoreResult<i64> {
        self.engine.read(accounts::user_count).await
    }

    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts> {
        self.engine
            .read(move |c| boards::content_counts(c, user, env))
            .await
    }

    async fn create_app(&self, app: NewApp) -> StoreResult<App> {
        self.engine
            .write(move |c| accounts::create_app(c, app))
            .await
    }

    async fn app(&self, id: AppId) -> StoreResult<Option<App>> {
        self.engine.read(move |c| accounts::app_by_id(c, id)).await
    }

    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| media::grant_app_feature(c, app, &feature, at))
            .await
    }

    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .write(move |c| media::revoke_app_feature(c, app, &feature))
            .await
    }

    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool> {
        let feature = feature.to_string();
        self.engine
            .read(move |c| media::app_has_feature(c, app, &feature))
            .await
    }

    async fn create_token(&self, token: NewToken) -> StoreResult<Token> {
        self.engine
            .write(move |c| accounts::create_token(c, token))
            .await
    }

    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>> {
        if let Some(token) = self.auth.get(hash) {
            return Ok(Some(token));
        }
        let epoch = self.auth.epoch();
        let key = *hash;
        let (token, as_of) = self
            .engine
            .read_as_of(move |c| accounts::token_by_hash(c, &key))
            .await?;
        if let Some(t) = &token {
            self.auth.put(t.clone(), epoch, as_of);
        }
        Ok(token)
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        let result = self
            .engine
            .write(move |c| accounts::revoke_token(c, id, at))
            .await;
        self.auth.invalidate();
        result
    }

    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board> {
        self.engine
            .write(move |c| boards::create_board(c, board, max_boards))
            .await
    }

    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>> {
        self.engine
            .read(move |c| boards::board_by_id(c, env, id, secret_pins))
            .await
    }

    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>> {
        self.engine
            .read(move |c| boards::list_boards(c, query))
            .await
    }

    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board> {
        self.engine
            .write(move |c| boards::update_board(c, env, id, changes, secret_pins))
            .await
    }

    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()> {
        self.engine
            .write(move |c| boards::delete_board(c, env, id))
            .await
    }

    async fn create_section(&self, section: Section) -> StoreResult<Section> {
        self.engine
            .write(move |c| boards::create_section(c, section))
            .await
    }

    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>> {
        self.engine
            .read(move |c| boards::section_by_id(c, board, id))
            .await
    }

    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>> {
        self.engine
            .read(move |c| boards::list_sections(c, board, cursor))
            .await
    }

    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section> {
        self.engine
            .write(move |c| boards::rename_section(c, board, id, name))
            .await
    }

    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()> {
        self.engine
            .write(move |c| boards::delete_section(c, board, id))
            .await
    }

    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>> {
        let key = key.to_string();
        self.engine.read(move |c| pins::image(c, &key)).await
    }

    async fn put_image(&self, image: StoredImage) -> StoreResult<()> {
        self.engine.write(move |c| pins::put_image(c, &image)).await
    }

    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin> {
        self.engine
            .write(move |c| pins::create_pin(c, pin, max_pins))
            .await
    }

    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()> {
        self.engine
            .write(move |c| pins::import_pins(c, &pins))
            .await
    }

    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>> {
        self.engine
            .read_with_memo(move |c, memo| pins::pin_by_id_memo(c, memo, env, id))
            .await
    }

    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin> {
        self.engine
            .write(move |c| pins::update_pin(c, env, id, changes, at))
            .await
    }

    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()> {
        self.engine
            .write(move |c| pins::delete_pin(c, env, id, at))
            .await
    }

    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>> {
        self.engine
            .read(move |c| pins::list_pins(c, scope, &filter, cursor))
            .await
    }

    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>> {
        self.engine
            .read(move |c| match pins::ad_only_board(c, owner, env)? {
                Some(id) => boards::board_by_id(c, env, id, true),
                None => Ok(None),
            })
            .await
    }

    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()> {
        let (app_type, metric) = (app_type.to_string(), metric.to_string());
        self.engine
            .write(move |c| pins::add_engagement(c, pin, day, &app_type, &metric, count))
            .await
    }

    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64> {
        let metric = metric.to_string();
        self.engine
            .read(move |c| pins::engagement_total(c, pin, &metric))
            .await
    }
    // OAuth. Every write that can revoke a token bumps the auth epoch after it commits.

    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let result = self
            .engine
            .write(move |c| oauth::set_password(c, user, &password_hash, at))
            .await;
        self.auth.invalidate();
        result
    }

    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
        self.engine.read(move |c| apps::apps(c, owner)).await
    }

    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        self.engine
            .write(move |c| apps::add_redirect_uri(c, app, &uri))
            .await
    }

    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App> {
        self.engine
            .write(move |c| apps::remove_redirect_uri(c, app, &uri))
            .await
    }

    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App> {
        self.engine
            .write(move |c| apps::set_secret_hash(c, app, &secret_hash))
            .await
    }

    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App> {
        let result = self
            .engine
            .write(move |c| apps::set_tier(c, app, tier))
            .await;
        // Cached tokens carry their app's tier (rate limits read it on every request).
        self.auth.invalidate();
        result
    }

    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>> {
        self.engine
            .write(move |c| oauth::create_grant_tokens(c, grant, tokens))
            .await
    }

    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>> {
        self.engine.read(move |c| oauth::token_grant(c, id)).await
    }

    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64> {
        let result = self
            .engine
            .write(move |c| oauth::revoke_grant(c, grant, at))
            .await;
        self.auth.invalidate();
        result
    }

    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()> {
        self.engine
            .write(move |c| oauth::create_code(c, &code))
            .await
    }

    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>> {
        let key = *hash;
        self.engine.read(move |c| oauth::code(c, &key)).await
    }

    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption> {
        let key = *hash;
        let result = self
            .engine
            .write(move |c| oauth::redeem_code(c, &key, at, tokens))
            .await;
        // A replayed code revokes its grant's tokens; a fresh one revokes nothing.
        if matches!(result, Ok(CodeRedemption::AlreadyUsed { .. })) {
            self.auth.invalidate();
        }
        result
    }

    async fn create_session(&self, session: Session) -> StoreResult<()> {
        self.engine
            .write(move |c| oauth::create_session(c, &session))
            .await
    }

    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>> {
        let key = *hash;
        self.engine.read(move |c| oauth::session(c, &key)).await
    }

    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()> {
        let key = *hash;
        self.engine
            .write(move |c| oauth::delete_session(c, &key))
            .await
    }

    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount> {
        self.engine
            .write(move |c| ad_accounts::create(c, account))
            .await
    }

    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>> {
        self.engine
            .read(move |c| ad_accounts::by_id(c, env, id))
            .await
    }

    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>> {
        self.engine
            .read(move |c| ad_accounts::list(c, owner, env, cursor))
            .await
    }

    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()> {
        self.engine
            .write(move |c| ad_accounts::delete(c, env, id))
            .await
    }

    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload> {
        self.engine
            .write(move |c| media::create_media_upload(c, upload))
            .await
    }

    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>> {
        self.engine.read(move |c| media::media_upload(c, id)).await
    }

    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>> {
        self.engine
            .read(move |c| media::list_media_uploads(c, owner, env, cursor))
            .await
    }

    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload> {
        self.engine
            .write(move |c| media::record_media_file(c, id, &file))
            .await
    }

    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()> {
        self.engine
            .write(move |c| media::mark_media_upload_used(c, id, at))
            .await
    }

    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>> {
        self.engine
            .read(move |c| media::unused_media_uploads(c, before, limit))
            .await
    }

    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool> {
        self.engine
            .write(move |c| media::delete_unused_media_upload(c, id))
            .await
    }

    // Rate limits: counted in this process's memory, never in the database.

    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake> {
        Ok(self.quotas.take(key, quotas, now))
    }

    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64> {
        Ok(self.quotas.sweep(now))
    }

    // search and follows

    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>> {
        self.engine
            .read(move |c| search::search_pins(c, &search))
            .await
    }

    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>> {
        self.engine
            .read(move |c| search::board_search_texts(c, owner, env))
            .await
    }

    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.engine
            .write(move |c| follows::follow_user(c, env, follower, followee, at))
            .await
    }

    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.engine
            .write(move |c| follows::follow_board(c, env, follower, board, at))
            .await
    }

    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>> {
        self.engine
            .read(move |c| follows::list_followers(c, user, env, cursor))
            .await
    }

    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>> {
        self.engine
            .read(move |c| follows::list_following(c, query))
            .await
    }

    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>> {
        self.engine
            .read(move |c| follows::list_followed_boards(c, user, env, cursor))
            .await
    }

    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts> {
        self.engine
            .read(move |c| follows::follow_counts(c, user, env))
            .await
    }

    // analytics

    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()> {
        self.engine
            .write(move |c| analytics::add_engagement_rows(c, &rows))
            .await
    }

    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>> {
        self.engine
            .read(move |c| analytics::engagement_rows(c, &pins, from, to))
            .await
    }

    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>> {
        self.engine
            .read(move |c| analytics::owner_engagement_rows(c, owner, env, from, to, secret_pins))
            .await
    }
}
