//! The store contract (`pinbox_testkit::contract`, in testkit/src/contract/) run against every
//! engine: SQLite always, and PostgreSQL when `PINBOX_TEST_DATABASE_URL` is set (scripts/test runs
//! those, which are otherwise reported as ignored).

use pinbox_testkit::pg;

mod sqlite {
    use std::sync::Arc;

    use pinbox::clock::Timestamp;
    use pinbox::domain::storage::*;
    use pinbox::store::sqlite::SqliteStore;

    async fn fresh() -> (Arc<dyn Store>, ()) {
        let store = SqliteStore::ephemeral(Timestamp(0)).expect("ephemeral SQLite store");
        (Arc::new(store), ())
    }

    pinbox_testkit::store_contract_suite!(fresh);

    /// Token lookups are cached in memory; a revocation by another process on the same data dir
    /// (here: a second store on the same files, as the CLI would be) must still count at once.
    #[tokio::test]
    async fn a_revocation_by_another_process_is_seen_on_the_next_lookup() {
        use pinbox::catalog::scope::Scopes;
        use pinbox::domain::apps::{NewApp, Tier};
        use pinbox::domain::env::Env;
        use pinbox::domain::ids::{AppId, TokenId, UserId};
        use pinbox::domain::tokens::{self, NewToken, TokenKind};
        use pinbox::domain::users::{AccountType, NewUser};

        let dir = tempfile::tempdir().unwrap();
        let server = SqliteStore::open(dir.path(), Timestamp(0)).unwrap();
        let cli = SqliteStore::open(dir.path(), Timestamp(0)).unwrap();
        let user = server
            .create_user(NewUser {
                id: UserId::random(),
                username: "u_1".into(),
                account_type: AccountType::Pinner,
                business_name: None,
                password_hash: None,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let app = server
            .create_app(NewApp {
                id: AppId::random(),
                owner_id: user.id,
                name: "a".into(),
                secret_hash: [0; 32],
                redirect_uris: vec![],
                tier: Tier::Standard,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let minted = tokens::mint(TokenKind::Access);
        let t = server
            .create_token(NewToken {
                id: TokenId::random(),
                hash: minted.hash,
                kind: TokenKind::Access,
                user_id: Some(user.id),
                app_id: app.id,
                scopes: Scopes::CONTENT,
                env: Env::Production,
                created_at: Timestamp(0),
                expires_at: Timestamp(i64::MAX),
            })
            .await
            .unwrap();
        // Twice, so the second answer comes from the cache.
        for _ in 0..2 {
            let seen = server.token_by_hash(&minted.hash).await.unwrap().unwrap();
            assert!(seen.revoked_at.is_none());
        }
        cli.revoke_token(t.id, Timestamp(5)).await.unwrap();
        let seen = server.token_by_hash(&minted.hash).await.unwrap().unwrap();
        assert_eq!(
            seen.revoked_at,
            Some(Timestamp(5)),
            "the cached token was used after revocation"
        );
    }

    /// A program that knows nothing of pinbox's epochs (the `sqlite3` shell, a script) revokes a
    /// token or moves its expiry with a plain UPDATE: the server honours it within half a second
    /// (docs/architecture.md), with no other write to wake it.
    #[tokio::test]
    async fn a_token_changed_by_another_program_counts_within_half_a_second() {
        use std::time::Duration;

        use pinbox::catalog::scope::Scopes;
        use pinbox::domain::apps::{NewApp, Tier};
        use pinbox::domain::env::Env;
        use pinbox::domain::ids::{AppId, TokenId, UserId};
        use pinbox::domain::tokens::{self, NewToken, TokenKind};
        use pinbox::domain::users::{AccountType, NewUser};

        let dir = tempfile::tempdir().unwrap();
        let server = SqliteStore::open(dir.path(), Timestamp(0)).unwrap();
        let user = server
            .create_user(NewUser {
                id: UserId::random(),
                username: "u_3".into(),
                account_type: AccountType::Pinner,
                business_name: None,
                password_hash: None,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let app = server
            .create_app(NewApp {
                id: AppId::random(),
                owner_id: user.id,
                name: "a".into(),
                secret_hash: [0; 32],
                redirect_uris: vec![],
                tier: Tier::Standard,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let mut minted = Vec::new();
        for _ in 0..2 {
            let m = tokens::mint(TokenKind::Access);
            server
                .create_token(NewToken {
                    id: TokenId::random(),
                    hash: m.hash,
                    kind: TokenKind::Access,
                    user_id: Some(user.id),
                    app_id: app.id,
                    scopes: Scopes::CONTENT,
                    env: Env::Production,
                    created_at: Timestamp(0),
                    expires_at: Timestamp(i64::MAX),
                })
                .await
                .unwrap();
            minted.push(m.hash);
        }
        // Both are read, so both are cached.
        for hash in &minted {
            let seen = server.token_by_hash(hash).await.unwrap().unwrap();
            assert!(seen.revoked_at.is_none());
        }
        let shell = rusqlite::Connection::open(dir.path().join("pinbox.sqlite3")).unwrap();
        shell
            .execute(
                "UPDATE tokens SET revoked_at = 7 WHERE hash = ?1",
                [minted[0].as_slice()],
            )
            .unwrap();
        shell
            .execute(
                "UPDATE tokens SET expires_at = 9 WHERE hash = ?1",
                [minted[1].as_slice()],
            )
            .unwrap();
        tokio::time::sleep(Duration::from_millis(510)).await;
        let revoked = server.token_by_hash(&minted[0]).await.unwrap().unwrap();
        assert_eq!(
            revoked.revoked_at,
            Some(Timestamp(7)),
            "revocation not seen"
        );
        let expired = server.token_by_hash(&minted[1]).await.unwrap().unwrap();
        assert_eq!(expired.expires_at, Timestamp(9), "new expiry not seen");
    }

    /// The OAuth writes that revoke tokens (a password change, a grant, a replayed code) must
    /// reach a token another process has cached, like `revoke_token` does.
    #[tokio::test]
    async fn oauth_revocations_by_another_process_are_seen_on_the_next_lookup() {
        use pinbox::catalog::scope::Scopes;
        use pinbox::domain::apps::{NewApp, Tier};
        use pinbox::domain::env::Env;
        use pinbox::domain::ids::{AppId, GrantId, TokenId, UserId};
        use pinbox::domain::oauth::OAuthCode;
        use pinbox::domain::tokens::{self, NewToken, TokenKind};
        use pinbox::domain::users::{AccountType, NewUser};

        let dir = tempfile::tempdir().unwrap();
        let server = SqliteStore::open(dir.path(), Timestamp(0)).unwrap();
        let cli = SqliteStore::open(dir.path(), Timestamp(0)).unwrap();
        let user = server
            .create_user(NewUser {
                id: UserId::random(),
                username: "u_2".into(),
                account_type: AccountType::Pinner,
                business_name: None,
                password_hash: None,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let app = server
            .create_app(NewApp {
                id: AppId::random(),
                owner_id: user.id,
                name: "a".into(),
                secret_hash: [0; 32],
                redirect_uris: vec![],
                tier: Tier::Standard,
                created_at: Timestamp(0),
            })
            .await
            .unwrap();
        let new_token = || {
            let minted = tokens::mint(TokenKind::Access);
            (
                NewToken {
                    id: TokenId::random(),
                    hash: minted.hash,
                    kind: TokenKind::Access,
                    user_id: Some(user.id),
                    app_id: app.id,
                    scopes: Scopes::CONTENT,
                    env: Env::Production,
                    created_at: Timestamp(0),
                    expires_at: Timestamp(i64::MAX),
                },
                minted.hash,
            )
        };
        let cached = async |hash| {
            for _ in 0..2 {
                let seen = server.token_by_hash(&hash).await.unwrap().unwrap();
                assert!(seen.revoked_at.is_none());
            }
        };
        let revoked = async |hash| {
            let seen = server.token_by_hash(&hash).await.unwrap().unwrap();
            assert!(
                seen.revoked_at.is_some(),
                "a cached token outlived its revocation"
            );
        };

        // A grant revoked by the other process.
        let (t, granted) = new_token();
        let grant = GrantId::random();
        server.create_grant_tokens(grant, vec![t]).await.unwrap();
        cached(granted).await;
        cli.revoke_grant(grant, Timestamp(5)).await.unwrap();
        revoked(granted).await;

        // A replayed code revokes what the first redemption issued.
        let code = OAuthCode {
            hash: [4; 32],
            app_id: app.id,
            user_id: user.id,
            redirect_uri: "https://a.example/".into(),
            scopes: Scopes::CONTENT,
            grant_id: GrantId::random(),
            created_at: Timestamp(0),
            expires_at: Timestamp(600_000),
            used_at: None,
        };
        server.create_oauth_code(code).await.unwrap();
        let (t, redeemed) = new_token();
        server
            .redeem_oauth_code(&[4; 32], Timestamp(1), vec![t])
            .await
            .unwrap();
        cached(redeemed).await;
        cli.redeem_oauth_code(&[4; 32], Timestamp(2), vec![])
            .await
            .unwrap();
        revoked(redeemed).await;

        // A password change.
        let (t, plain) = new_token();
        server.create_token(t).await.unwrap();
        cached(plain).await;
        cli.set_password(user.id, "new".into(), Timestamp(7))
            .await
            .unwrap();
        revoked(plain).await;
    }
}

mod postgres {
    use std::sync::Arc;

    use pinbox::clock::Timestamp;
    use pinbox::domain::storage::*;
    use pinbox::store::postgres::{PgOptions, PgStore};

    use crate::pg::Schema;

    async fn fresh() -> (Arc<dyn Store>, Schema) {
        let schema = Schema::new();
        let options = PgOptions {
            pool_size: 4,
            schema: Some(schema.name.clone()),
            ..PgOptions::new(&schema.url)
        };
        let store = PgStore::connect(options, Timestamp(0))
            .await
            .expect("connect to the PostgreSQL test database");
        (Arc::new(store), schema)
    }

    pinbox_testkit::store_contract_suite!(
        fresh,
        ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"
    );

    /// Text PostgreSQL cannot keep (NUL) that got past the domain's rules is refused as such,
    /// which the API answers with a 400, not as a failure of the database.
    #[tokio::test]
    #[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
    async fn text_with_nul_is_unstorable_not_a_failure() {
        use pinbox::domain::ids::UserId;
        use pinbox::domain::storage::*;
        use pinbox::domain::users::{AccountType, NewUser};

        let (store, _schema) = fresh().await;
        let refused = store
            .create_user(NewUser {
                id: UserId::random(),
                username: "a\u{0}b".into(),
                account_type: AccountType::Pinner,
                business_name: None,
                password_hash: None,
                created_at: Timestamp(0),
            })
            .await;
        assert!(
            matches!(refused, Err(StoreError::Unstorable(_))),
            "{refused:?}"
        );
        let lookup = store.user_by_username("a\u{0}b").await;
        assert!(
            matches!(lookup, Err(StoreError::Unstorable(_))),
            "{lookup:?}"
        );
    }

    /// Rate-limit counts live in an unlogged table (migration 13), so counting a request never
    /// waits for a WAL flush. They are lost with a crash of PostgreSQL, as SQLite's are with a
    /// restart of the server.
    #[tokio::test]
    #[ignore = "needs PINBOX_TEST_DATABASE_URL (scripts/test runs it)"]
    async fn rate_windows_are_unlogged() {
        let (_store, schema) = fresh().await;
        let (client, connection) = tokio_postgres::connect(&schema.url, tokio_postgres::NoTls)
            .await
            .expect("connect to the PostgreSQL test database");
        tokio::spawn(connection);
        let row = client
            .query_one(
                "SELECT c.relpersistence FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = $1 AND c.relname = 'rate_windows'",
                &[&schema.name],
            )
            .await
            .expect("the rate_windows table exists");
        let persistence: i8 = row.get(0);
        assert_eq!(persistence as u8, b'u', "rate_windows is not unlogged");
    }
}
