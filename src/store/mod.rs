//! The storage interface every engine implements (SQLite now, PostgreSQL later). It speaks in
//! domain entities and never knows HTTP; each engine maps its own constraint violations to
//! [`StoreError`] so the domain sees the same answers whatever the engine.

pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;

use crate::clock::Timestamp;
use crate::domain::ad_accounts::{AdAccount, NewAdAccount};
use crate::domain::analytics::{Day, EngagementRow};
use crate::domain::apps::{App, NewApp, Tier};
use crate::domain::boards::{Board, BoardChanges, NewBoard, PrivacySet};
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

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Username,
    BoardName,
    SectionName,
}

/// Which volume limit a write would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Boards,
    Pins,
    /// Apps per developer (`app::MAX_APPS_PER_DEVELOPER`).
    Apps,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the {0} does not exist")]
    NotFound(&'static str),
    #[error("uniqueness conflict: {0:?}")]
    Conflict(Conflict),
    #[error("volume limit reached: {0:?}")]
    LimitReached(Limit),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Text the engine cannot keep reached it (the domain's text rules should have refused it).
    #[error("the store cannot keep this text: {0}")]
    Unstorable(String),
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Board lists: one owner's boards in one environment, newest first.
#[derive(Debug, Clone, Copy)]
pub struct BoardQuery {
    pub owner_id: UserId,
    pub env: Env,
    pub privacies: PrivacySet,
    /// Whether the reader sees the Pins on secret boards (see [`Store::board`]).
    pub secret_pins: bool,
    pub cursor: Cursor,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Short engine name for logs and errors ("sqlite", "postgres").
    fn engine(&self) -> &'static str;

    /// A named random secret shared by everything using this store, created on first use
    /// (the bookmark signing key lives here so that every replica accepts every bookmark).
    async fn shared_secret(&self, name: &str) -> StoreResult<[u8; 32]>;

    /// Flushes and closes; later calls fail with `Unavailable`.
    async fn close(&self) -> StoreResult<()>;

    // users

    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    async fn user_count(&self) -> StoreResult<i64>;
    /// Boards and Pins a user owns in one environment, by board privacy.
    async fn content_counts(&self, user: UserId, env: Env) -> StoreResult<ContentCounts>;
    // OAuth
    /// Sets a new password hash and, in the same transaction, revokes every token of the user,
    /// ends their sign-in sessions and expires their unused codes at `at` (seed 002: a changed
    /// password logs the user out). Returns how many tokens it revoked.
    async fn set_password(
        &self,
        user: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> StoreResult<u64>;

    // apps

    /// Inserts an app unless its owner already has `app::MAX_APPS_PER_DEVELOPER` apps
    /// (`LimitReached(Apps)`).
    async fn create_app(&self, app: NewApp) -> StoreResult<App>;
    async fn app(&self, id: AppId) -> StoreResult<Option<App>>;
    // OAuth: managing apps
    /// Apps of one owner (or of everyone), oldest first.
    async fn apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>>;
    /// Registers a redirect URI (kept if already there); `NotFound("app")` for an unknown app.
    async fn add_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App>;
    /// Unregisters a redirect URI; `NotFound("redirect_uri")` when it was not registered.
    async fn remove_redirect_uri(&self, app: AppId, uri: String) -> StoreResult<App>;
    async fn set_app_secret_hash(&self, app: AppId, secret_hash: [u8; 32]) -> StoreResult<App>;
    async fn set_app_tier(&self, app: AppId, tier: Tier) -> StoreResult<App>;

    // app features: restricted features granted to an app, such as `video_url`

    /// Grants `feature` to the app; granting it again changes nothing.
    async fn grant_app_feature(&self, app: AppId, feature: &str, at: Timestamp) -> StoreResult<()>;
    /// Takes `feature` back; whether the app had it.
    async fn revoke_app_feature(&self, app: AppId, feature: &str) -> StoreResult<bool>;
    async fn app_has_feature(&self, app: AppId, feature: &str) -> StoreResult<bool>;

    // tokens

    async fn create_token(&self, token: NewToken) -> StoreResult<Token>;
    /// Engines may answer this from memory, so every method that revokes a token or changes what
    /// one may do must make such answers stale at once for every process and replica using the
    /// store (SQLite: the shared auth epoch; see `sqlite::auth_cache`).
    async fn token_by_hash(&self, hash: &TokenHash) -> StoreResult<Option<Token>>;
    async fn revoke_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()>;
    // OAuth: tokens of one authorization grant
    /// Inserts tokens that belong to one grant (an access and a refresh token, from a refresh).
    async fn create_grant_tokens(
        &self,
        grant: GrantId,
        tokens: Vec<NewToken>,
    ) -> StoreResult<Vec<Token>>;
    /// The grant a token was issued under, if it came from the OAuth flow.
    async fn token_grant(&self, id: TokenId) -> StoreResult<Option<GrantId>>;
    /// Revokes every token of a grant that is not revoked yet; returns how many.
    async fn revoke_grant(&self, grant: GrantId, at: Timestamp) -> StoreResult<u64>;

    // OAuth: authorization codes

    /// Stores a new code (by hash); expired codes are swept in the same write.
    async fn create_oauth_code(&self, code: OAuthCode) -> StoreResult<()>;
    async fn oauth_code(&self, hash: &TokenHash) -> StoreResult<Option<OAuthCode>>;
    /// In one transaction: a code not used yet is marked used at `at` and `tokens` are inserted
    /// under its grant (`Redeemed`); a code used before gets every token of its grant revoked
    /// instead (`AlreadyUsed`), so that a replayed code ends what it had granted.
    /// `NotFound("code")` for an unknown code.
    async fn redeem_oauth_code(
        &self,
        hash: &TokenHash,
        at: Timestamp,
        tokens: Vec<NewToken>,
    ) -> StoreResult<CodeRedemption>;

    // OAuth: sign-in sessions of the consent pages

    /// Stores a new session (by hash); expired sessions are swept in the same write.
    async fn create_session(&self, session: Session) -> StoreResult<()>;
    async fn session(&self, hash: &TokenHash) -> StoreResult<Option<Session>>;
    async fn delete_session(&self, hash: &TokenHash) -> StoreResult<()>;

    // boards

    /// Inserts a board unless its owner already has `max_boards` boards in that environment
    /// (`LimitReached(Boards)`) or one with the same name (`Conflict(BoardName)`).
    async fn create_board(&self, board: NewBoard, max_boards: u32) -> StoreResult<Board>;
    /// A board with what its Pins make of it (count, cover, thumbnails, `pins_modified_at`). A
    /// reader who does not see the Pins on secret boards (`secret_pins` false: no
    /// `pins:read_secret`, `pin::owner_sees_pins_on`) gets a secret board as
    /// `Board::without_pins` shows it, and its Pins are not read.
    async fn board(&self, env: Env, id: BoardId, secret_pins: bool) -> StoreResult<Option<Board>>;
    /// Up to `cursor.limit + 1` boards after the cursor, newest first, shown as
    /// [`Store::board`] shows them.
    async fn list_boards(&self, query: BoardQuery) -> StoreResult<Vec<Board>>;
    /// Changes a board and answers it as [`Store::board`] shows it.
    async fn update_board(
        &self,
        env: Env,
        id: BoardId,
        changes: BoardChanges,
        secret_pins: bool,
    ) -> StoreResult<Board>;
    /// Deletes the board with its sections and Pins.
    async fn delete_board(&self, env: Env, id: BoardId) -> StoreResult<()>;

    // board sections

    /// Inserts a section (its `seq` is assigned here) unless the board has one of that name.
    async fn create_section(&self, section: Section) -> StoreResult<Section>;
    async fn section(&self, board: BoardId, id: SectionId) -> StoreResult<Option<Section>>;
    /// Up to `cursor.limit + 1` sections after the cursor, oldest first (the order a board shows them).
    async fn list_sections(&self, board: BoardId, cursor: Cursor) -> StoreResult<Vec<Section>>;
    async fn rename_section(
        &self,
        board: BoardId,
        id: SectionId,
        name: String,
    ) -> StoreResult<Section>;
    /// Deletes the section and the Pins in it.
    async fn delete_section(&self, board: BoardId, id: SectionId) -> StoreResult<()>;

    // images

    async fn image(&self, key: &str) -> StoreResult<Option<StoredImage>>;
    /// Records an image whose files are already written; a second record of one key is ignored.
    async fn put_image(&self, image: StoredImage) -> StoreResult<()>;

    // Pins

    /// Inserts a Pin on a board of its owner (and a section of that board), unless the owner
    /// already has `max_pins` Pins in that environment (`LimitReached(Pins)`). The board's
    /// `pin_count` and `pins_modified_at` change in the same transaction.
    async fn create_pin(&self, pin: NewPin, max_pins: u32) -> StoreResult<Pin>;
    /// Bulk-loads Pins (seeding and benchmarks): no volume limit is checked, and the boards'
    /// counters are brought up to date at the end. All Pins must be on existing boards.
    async fn import_pins(&self, pins: Vec<NewPin>) -> StoreResult<()>;
    async fn pin(&self, env: Env, id: PinId) -> StoreResult<Option<Pin>>;
    /// Changes a Pin; moving it between boards moves one count from one board to the other.
    async fn update_pin(
        &self,
        env: Env,
        id: PinId,
        changes: PinChanges,
        at: Timestamp,
    ) -> StoreResult<Pin>;
    async fn delete_pin(&self, env: Env, id: PinId, at: Timestamp) -> StoreResult<()>;
    /// Up to `cursor.limit + 1` Pins after the cursor, newest first.
    async fn list_pins(
        &self,
        scope: PinScope,
        filter: PinFilter,
        cursor: Cursor,
    ) -> StoreResult<Vec<Pin>>;
    /// The owner's ad-only board in that environment, if it exists.
    async fn ad_only_board(&self, owner: UserId, env: Env) -> StoreResult<Option<Board>>;

    // engagement

    /// Adds `count` to a Pin's `metric` on `day` (days since the epoch) for `app_type`.
    async fn add_engagement(
        &self,
        pin: PinId,
        day: i64,
        app_type: &str,
        metric: &str,
        count: i64,
    ) -> StoreResult<()>;
    /// A Pin's all-time total of one metric.
    async fn engagement_total(&self, pin: PinId, metric: &str) -> StoreResult<i64>;

    // ad accounts

    /// Inserts an ad account (a clashing random id is replaced by another).
    async fn create_ad_account(&self, account: NewAdAccount) -> StoreResult<AdAccount>;
    async fn ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<Option<AdAccount>>;
    /// Up to `cursor.limit + 1` of an owner's ad accounts in one environment, newest first.
    async fn list_ad_accounts(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<AdAccount>>;
    /// Deletes an ad account and everything under it (`NotFound` if there is none).
    async fn delete_ad_account(&self, env: Env, id: AdAccountId) -> StoreResult<()>;

    // media uploads (video Pins)

    async fn create_media_upload(&self, upload: NewMediaUpload) -> StoreResult<MediaUpload>;
    /// An upload by id in any environment (the upload endpoint knows only the object key).
    async fn media_upload(&self, id: MediaId) -> StoreResult<Option<MediaUpload>>;
    /// Up to `cursor.limit + 1` of one owner's uploads in one environment after the cursor,
    /// newest first.
    async fn list_media_uploads(
        &self,
        owner: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<MediaUpload>>;
    /// Records the file an upload received, replacing an earlier one; `NotFound` once the upload
    /// is gone.
    async fn record_media_file(&self, id: MediaId, file: UploadedFile) -> StoreResult<MediaUpload>;
    /// Marks an upload used by a Pin (the first use is kept), which keeps it from cleanup;
    /// `NotFound` once the upload is gone.
    async fn mark_media_upload_used(&self, id: MediaId, at: Timestamp) -> StoreResult<()>;
    /// Up to `limit` uploads no Pin has used that were registered before `before`, oldest first.
    async fn unused_media_uploads(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<MediaUpload>>;
    /// Deletes an upload unless a Pin has used it meanwhile; whether it was deleted.
    async fn delete_unused_media_upload(&self, id: MediaId) -> StoreResult<bool>;
    // rate limits

    /// Counts one request against each of `key`'s `quotas` (at most `rate_limit::MAX_QUOTAS`),
    /// in the windows holding `now`, if and only if every one is under its limit: all or nothing,
    /// never more than a limit admitted per window, whatever the concurrency or the number of
    /// replicas. A refused request leaves every count as it was.
    async fn take_quota(
        &self,
        key: QuotaKey,
        quotas: &[Quota],
        now: Timestamp,
    ) -> StoreResult<QuotaTake>;
    /// Forgets the windows that ended at or before `now` (idle apps and users); returns how
    /// many records went.
    async fn sweep_quotas(&self, now: Timestamp) -> StoreResult<u64>;

    // search and follows

    /// One page of a Pin search: up to `cursor.limit + 1` of the owner's Pins in one environment
    /// that match (`PinMatch`), on boards of the allowed privacies, newest first after the cursor.
    /// The term index it reads is written in the same transaction as every Pin write.
    async fn search_pins(&self, search: PinSearch) -> StoreResult<Vec<Pin>>;
    /// The searchable text of every board an owner has in one environment.
    async fn board_search_texts(&self, owner: UserId, env: Env) -> StoreResult<Vec<BoardText>>;
    /// `follower` follows `followee` in `env`; whether the follow is new (following again changes
    /// nothing). `NotFound("user")` if either user does not exist.
    async fn follow_user(
        &self,
        env: Env,
        follower: UserId,
        followee: UserId,
        at: Timestamp,
    ) -> StoreResult<bool>;
    /// `follower` follows a board in `env`, which makes its owner an implicit followee; whether
    /// the follow is new. `NotFound("board")` if the board is not in `env`.
    async fn follow_board(
        &self,
        env: Env,
        follower: UserId,
        board: BoardId,
        at: Timestamp,
    ) -> StoreResult<bool>;
    /// Up to `cursor.limit + 1` users who follow `user` in `env`, newest follow first.
    async fn list_followers(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedUser>>;
    /// Up to `cursor.limit + 1` users `query.user` follows, explicitly or through a public board
    /// of theirs, each once at the position of their first follow, newest first.
    async fn list_following(&self, query: FollowingQuery) -> StoreResult<Vec<FollowedUser>>;
    /// Up to `cursor.limit + 1` public boards `user` follows in `env`, newest follow first.
    async fn list_followed_boards(
        &self,
        user: UserId,
        env: Env,
        cursor: Cursor,
    ) -> StoreResult<Vec<FollowedBoard>>;
    /// Exact follower and following counts (following: what `list_following` lists unfiltered).
    async fn follow_counts(&self, user: UserId, env: Env) -> StoreResult<FollowCounts>;
    // analytics

    /// Adds every row's count to the engagement log, all in one transaction.
    async fn add_engagement_rows(&self, rows: Vec<EngagementRow>) -> StoreResult<()>;
    /// The log's rows for these Pins on days `from..=to`, by Pin, day, app type and metric.
    async fn engagement_rows(
        &self,
        pins: Vec<PinId>,
        from: Day,
        to: Day,
    ) -> StoreResult<Vec<EngagementRow>>;
    /// The log's rows for every Pin `owner` has in `env` (deleted Pins are gone) on days
    /// `from..=to`, by Pin, day, app type and metric; the rows of Pins on secret boards only with
    /// `secret_pins` (a reader with `pins:read_secret`, `pin::owner_sees_pins_on`).
    async fn owner_engagement_rows(
        &self,
        owner: UserId,
        env: Env,
        from: Day,
        to: Day,
        secret_pins: bool,
    ) -> StoreResult<Vec<EngagementRow>>;
}
