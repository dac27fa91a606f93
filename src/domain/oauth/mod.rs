//! OAuth 2.0 as Pinterest runs it: checking an authorization request, issuing single-use codes,
//! and the token endpoint's grants (authorization code, continuous refresh, client credentials)
//! and revocation. Apps authenticate as clients with their id and secret.

mod store;
pub use store::*;

mod session;

pub use session::*;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;

use crate::catalog::scope::Scopes;
use crate::clock::{Clock, Timestamp};
use crate::domain::apps::{App, Apps};
use crate::domain::env::Env;
use crate::domain::ids::{AppId, GrantId, UserId, parse_digits};
use crate::domain::secrets::secret_matches;
use crate::domain::secrets::{MintedSecret, TokenHash, hash_secret, hashes_match};
use crate::domain::tokens::{IssuedToken, NewToken, Token, TokenKind, TokenStatus, Tokens};
use crate::domain::users::{User, Users};
use crate::error::{Error, Result};

/// Authorization codes are single-use and short-lived (RFC 6749 recommends at most 10 minutes).
pub const CODE_TTL: Duration = Duration::from_secs(10 * 60);

/// OAuth: the authorization pages' checks and sign-in sessions, codes, and the token
/// endpoint's grants and revocation.
#[derive(Clone)]
pub struct OAuth {
    store: Arc<dyn OAuthStore>,
    clock: Clock,
    users: Users,
    apps: Apps,
    tokens: Tokens,
    settings: OAuthSettings,
}

/// An authorization code as stored: by hash, bound to the app, the user, the redirect URI and
/// the scopes the user approved.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthCode {
    pub hash: TokenHash,
    pub app_id: AppId,
    pub user_id: UserId,
    pub redirect_uri: String,
    pub scopes: Scopes,
    /// The grant every token issued from this code (and refreshed from those) belongs to.
    pub grant_id: GrantId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

/// What redeeming a code did.
#[derive(Debug)]
pub enum CodeRedemption {
    /// The code was fresh: it is now used and these tokens were issued.
    Redeemed(Vec<Token>),
    /// The code had been used before: the grant's tokens (this many) are now revoked.
    AlreadyUsed { revoked: u64 },
}

/// The parameters of `GET /oauth/`, as the browser sent them.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
}

/// An authorization request whose app and redirect URI check out.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub app: App,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub state: Option<String>,
}

/// Why an authorization request cannot go on.
#[derive(Debug, Clone)]
pub enum AuthorizeError {
    /// Unknown app or a redirect URI it did not register: shown to the user, never redirected.
    Page(String),
    /// Reported to the app at its (registered) redirect URI, as RFC 6749 section 4.1.2.1 says.
    Redirect {
        redirect_uri: String,
        error: &'static str,
        description: String,
        state: Option<String>,
    },
}

/// Options of the OAuth flow set when the server starts.
#[derive(Debug, Clone, Default)]
pub struct OAuthSettings {
    /// Unattended mode for CI: consent is approved at once for this username.
    pub auto_approve: Option<String>,
}

/// An app that proved its identity with its id and secret (HTTP Basic).
#[derive(Debug, Clone)]
pub struct Client {
    pub app: App,
}

/// Which grant produced a token answer; Pinterest echoes it as `response_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
        }
    }

    pub fn parse(s: &str) -> Option<GrantType> {
        match s {
            "authorization_code" => Some(GrantType::AuthorizationCode),
            "refresh_token" => Some(GrantType::RefreshToken),
            "client_credentials" => Some(GrantType::ClientCredentials),
            _ => None,
        }
    }
}

/// What the token endpoint hands out.
pub struct TokenAnswer {
    pub grant_type: GrantType,
    pub access: IssuedToken,
    /// The scopes of the access token (narrower than the refresh token's after a narrowing refresh).
    pub scopes: Scopes,
    pub refresh: Option<IssuedToken>,
}

/// A fresh authorization code: 256 random bits as hex.
fn mint_code() -> MintedSecret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_secret(&text);
    MintedSecret { text, hash }
}

fn invalid_grant(message: impl Into<String>) -> Error {
    Error::invalid(message.into())
}

impl OAuth {
    pub fn new(
        store: Arc<dyn OAuthStore>,
        clock: Clock,
        users: Users,
        apps: Apps,
        tokens: Tokens,
        settings: OAuthSettings,
    ) -> OAuth {
        OAuth {
            store,
            clock,
            users,
            apps,
            tokens,
            settings,
        }
    }

    /// Checks `GET /oauth/`'s parameters in the order that keeps redirects safe: the app and its
    /// redirect URI first (failures are shown, never redirected), then the rest (reported to the app).
    pub async fn check_authorization(
        &self,
        p: &AuthorizeParams,
    ) -> Result<std::result::Result<Authorization, AuthorizeError>> {
        let page = |m: String| Ok(Err(AuthorizeError::Page(m)));
        let Some(client_id) = p.client_id.as_deref().filter(|s| !s.is_empty()) else {
            return page(
                "The link that brought you here has no client_id: the app must name itself \
                 with its app id."
                    .into(),
            );
        };
        let app = match parse_digits(client_id) {
            Some(id) => self.apps.find(AppId(id)).await?,
            None => None,
        };
        let Some(app) = app else {
            return page(format!(
                "No app has the client_id '{}'. The app that sent you here is misconfigured.",
                clip(client_id, 40)
            ));
        };
        let Some(redirect_uri) = p.redirect_uri.as_deref().filter(|s| !s.is_empty()) else {
            return page(format!(
                "The link that brought you here has no redirect_uri. {} must say where to send \
                 you back, using one of the redirect URIs it registered.",
                app.name
            ));
        };
        // Exact match only: no prefix, wildcard or normalised matching.
        if !app.redirect_uris.iter().any(|u| u == redirect_uri) {
            return page(format!(
                "The redirect_uri '{}' is not registered for the app {} ({}). Register it with \
                 `pinbox app add-redirect-uri {} <uri>`; redirect URIs must match exactly.",
                clip(redirect_uri, 200),
                app.name,
                app.id,
                app.id
            ));
        }
        let redirect = |error: &'static str, description: String| {
            Ok(Err(AuthorizeError::Redirect {
                redirect_uri: redirect_uri.to_string(),
                error,
                description,
                state: p.state.clone(),
            }))
        };
        match p.response_type.as_deref() {
            Some("code") => {}
            Some(other) => {
                return redirect(
                    "unsupported_response_type",
                    format!(
                        "response_type '{}' is not supported; use response_type=code",
                        clip(other, 40)
                    ),
                );
            }
            None => {
                return redirect(
                    "invalid_request",
                    "response_type is missing; use response_type=code".into(),
                );
            }
        }
        let scopes = match Scopes::parse_list(p.scope.as_deref().unwrap_or("")) {
            Ok(s) if s.is_empty() => {
                return redirect(
                    "invalid_scope",
                    "no scope was requested; ask for a comma-separated list such as \
                     boards:read,pins:read"
                        .into(),
                );
            }
            Ok(s) => s,
            Err(bad) => {
                return redirect(
                    "invalid_scope",
                    format!("unknown scope '{}'", clip(&bad, 40)),
                );
            }
        };
        Ok(Ok(Authorization {
            app,
            redirect_uri: redirect_uri.to_string(),
            scopes,
            state: p.state.clone(),
        }))
    }

    /// The user consent is approved for at once (`--oauth-auto-approve`), if that mode is on.
    pub async fn auto_approver(&self) -> Result<Option<User>> {
        match &self.settings.auto_approve {
            None => Ok(None),
            Some(name) => self.users.named(name).await.map(Some),
        }
    }

    /// Issues a single-use code for an approved authorization.
    pub async fn issue_code(&self, auth: &Authorization, user: UserId) -> Result<String> {
        let code = mint_code();
        let now = self.clock.now();
        self.store
            .create_oauth_code(OAuthCode {
                hash: code.hash,
                app_id: auth.app.id,
                user_id: user,
                redirect_uri: auth.redirect_uri.clone(),
                scopes: auth.scopes,
                grant_id: GrantId::random(),
                created_at: now,
                expires_at: now.plus(CODE_TTL),
                used_at: None,
            })
            .await?;
        Ok(code.text)
    }

    /// HTTP Basic client authentication: the app id and its secret.
    pub async fn authenticate_client(&self, client_id: &str, secret: &str) -> Result<Client> {
        let app = match parse_digits(client_id) {
            Some(id) => self.apps.find(AppId(id)).await?,
            None => None,
        };
        // Compare against something either way, so the time taken says nothing about the app.
        let stored = app.as_ref().map(|a| a.secret_hash).unwrap_or([0; 32]);
        let matches = secret_matches(secret, &stored);
        match app {
            Some(app) if matches => Ok(Client { app }),
            _ => Err(Error::unauthenticated()),
        }
    }

    /// An access and a refresh token for a user, ready to insert.
    fn token_pair(
        &self,
        user: Option<UserId>,
        app: AppId,
        access_scopes: Scopes,
        refresh_scopes: Scopes,
        env: Env,
    ) -> (Vec<NewToken>, [String; 2]) {
        let (access, access_text) =
            self.tokens
                .new_token(TokenKind::Access, user, app, access_scopes, env);
        let (refresh, refresh_text) =
            self.tokens
                .new_token(TokenKind::Refresh, user, app, refresh_scopes, env);
        (vec![access, refresh], [access_text, refresh_text])
    }

    /// The `authorization_code` grant. Tokens belong to the environment of the token endpoint
    /// the app called (`/v5` or `/sandbox/v5`).
    pub async fn exchange_code(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        env: Env,
    ) -> Result<TokenAnswer> {
        let hash = hash_secret(code);
        let found = self
            .store
            .oauth_code(&hash)
            .await?
            .filter(|c| hashes_match(&hash, &c.hash));
        let Some(found) = found else {
            return Err(invalid_grant(
                "Invalid authorization code: pinbox did not issue this code. Send the code \
                 that came back to your redirect URI, unchanged.",
            ));
        };
        if found.app_id != client.app.id {
            return Err(invalid_grant(
                "Invalid authorization code: it was issued to another app. Exchange it with \
                 the app id and secret of the app that asked for it.",
            ));
        }
        if found.used_at.is_some() {
            self.tokens
                .revoke_grant(found.grant_id, self.clock.now())
                .await?;
            return Err(code_reused());
        }
        if found.redirect_uri != redirect_uri {
            return Err(invalid_grant(format!(
                "Invalid redirect_uri: it must be exactly the redirect_uri the code was issued \
                 for ('{}').",
                found.redirect_uri
            )));
        }
        if self.clock.now() >= found.expires_at {
            return Err(invalid_grant(format!(
                "Invalid authorization code: it has expired (codes last {} minutes). Start the \
                 authorization flow again.",
                CODE_TTL.as_secs() / 60
            )));
        }
        let (tokens, [access_text, refresh_text]) = self.token_pair(
            Some(found.user_id),
            found.app_id,
            found.scopes,
            found.scopes,
            env,
        );
        match self
            .store
            .redeem_oauth_code(&hash, self.clock.now(), tokens)
            .await?
        {
            CodeRedemption::Redeemed(tokens) => answer(
                GrantType::AuthorizationCode,
                tokens,
                access_text,
                refresh_text,
            ),
            CodeRedemption::AlreadyUsed { .. } => Err(code_reused()),
        }
    }

    /// The `refresh_token` grant, Pinterest's continuous refresh: a new access token and a new
    /// refresh token that lasts 60 days from now, indefinitely. `scope` may narrow the access
    /// token's scopes, never widen them; the new refresh token keeps the original grant's scopes.
    pub async fn refresh(
        &self,
        client: &Client,
        refresh_token: &str,
        scope: Option<&str>,
        env: Env,
    ) -> Result<TokenAnswer> {
        let found = self
            .tokens
            .lookup(refresh_token)
            .await?
            .filter(|t| t.kind == TokenKind::Refresh);
        let Some(found) = found else {
            return Err(invalid_grant(
                "Invalid refresh token: pinbox did not issue it. Send the refresh_token (pinr_...) \
                 from an earlier token answer.",
            ));
        };
        if found.app_id != client.app.id {
            return Err(invalid_grant(
                "Invalid refresh token: it was issued to another app.",
            ));
        }
        match found.status(self.clock.now()) {
            TokenStatus::Valid => {}
            TokenStatus::Expired => {
                return Err(invalid_grant(
                    "Invalid refresh token: it has expired (refresh tokens last 60 days from \
                     their last use). Start the authorization flow again.",
                ));
            }
            TokenStatus::Revoked => {
                return Err(invalid_grant(
                    "Invalid refresh token: it has been revoked. Start the authorization flow again.",
                ));
            }
        }
        if found.env != env {
            return Err(invalid_grant(format!(
                "Invalid refresh token: it is a {} token; refresh it at the {} token endpoint \
                 ({}).",
                found.env,
                found.env,
                match found.env {
                    Env::Production => "/v5/oauth/token",
                    Env::Sandbox => "/sandbox/v5/oauth/token",
                }
            )));
        }
        let access_scopes = match scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => found.scopes,
            Some(list) => {
                let asked = Scopes::parse_list(list).map_err(|bad| {
                    Error::invalid(format!(
                        "Invalid scope: '{}' is not one of Pinterest's scopes.",
                        clip(&bad, 40)
                    ))
                })?;
                let wider = asked.missing_from(found.scopes);
                if !wider.is_empty() {
                    return Err(Error::invalid(format!(
                        "Invalid scope: a refresh may narrow the scopes, never widen them. This \
                         refresh token was granted {}; {} would be new. Run the authorization \
                         flow to ask the user for more.",
                        found.scopes, wider
                    )));
                }
                asked
            }
        };
        let grant = match self.tokens.grant_of(found.id).await? {
            Some(g) => g,
            None => GrantId::random(),
        };
        let (tokens, [access_text, refresh_text]) = self.token_pair(
            found.user_id,
            found.app_id,
            access_scopes,
            found.scopes,
            env,
        );
        let tokens = self.tokens.issue_in_grant(grant, tokens).await?;
        answer(GrantType::RefreshToken, tokens, access_text, refresh_text)
    }

    /// The `client_credentials` grant: an app-context access token with no user.
    pub async fn client_credentials(
        &self,
        client: &Client,
        scope: &str,
        env: Env,
    ) -> Result<TokenAnswer> {
        let scopes = Scopes::parse_list(scope).map_err(|bad| {
            Error::invalid(format!(
                "Invalid scope: '{}' is not one of Pinterest's scopes.",
                clip(&bad, 40)
            ))
        })?;
        if scopes.is_empty() {
            return Err(Error::invalid(
                "Invalid scope: ask for at least one scope, e.g. scope=boards:read,pins:read.",
            ));
        }
        let issued = self.tokens.issue(None, client.app.id, scopes, env).await?;
        Ok(TokenAnswer {
            grant_type: GrantType::ClientCredentials,
            scopes,
            access: issued,
            refresh: None,
        })
    }

    /// Revokes an access or refresh token of the calling app. A refresh token ends its whole
    /// grant (the access tokens refreshed from it too); an access token ends alone. Unknown
    /// tokens are not an error (RFC 7009: the client's goal, a dead token, is met).
    pub async fn revoke(&self, client: &Client, secret: &str) -> Result<()> {
        if secret.is_empty() {
            return Ok(());
        }
        let Some(found) = self.tokens.lookup(secret).await? else {
            return Ok(());
        };
        if found.app_id != client.app.id {
            return Err(Error::forbidden(
                29,
                "You are not permitted to access that resource.",
            ));
        }
        let now = self.clock.now();
        if found.kind == TokenKind::Refresh
            && let Some(grant) = self.tokens.grant_of(found.id).await?
        {
            self.tokens.revoke_grant(grant, now).await?;
        }
        self.tokens.revoke(found.id, now).await?;
        Ok(())
    }
}

/// Shortens what a client sent before quoting it back.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

fn code_reused() -> Error {
    invalid_grant(
        "Invalid authorization code: it has already been used. Codes are single-use; the tokens \
         issued from it are now revoked. Start the authorization flow again.",
    )
}

/// Pairs the inserted tokens with their secrets (access first, then refresh).
fn answer(
    grant_type: GrantType,
    tokens: Vec<Token>,
    access_text: String,
    refresh_text: String,
) -> Result<TokenAnswer> {
    let mut access = None;
    let mut refresh = None;
    for t in tokens {
        match t.kind {
            TokenKind::Access => access = Some(t),
            TokenKind::Refresh => refresh = Some(t),
        }
    }
    let (Some(access), Some(refresh)) = (access, refresh) else {
        return Err(Error::internal(anyhow::anyhow!(
            "the store did not return both tokens of a grant"
        )));
    };
    Ok(TokenAnswer {
        grant_type,
        scopes: access.scopes,
        access: IssuedToken {
            token: access,
            secret: access_text,
        },
        refresh: Some(IssuedToken {
            token: refresh,
            secret: refresh_text,
        }),
    })
}
