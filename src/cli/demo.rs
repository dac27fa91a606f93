//! The demo account `serve` makes on first start, so that a newcomer's first request works: a
//! user, a Standard app and a token with every content scope, printed once.

use crate::catalog::scope::Scopes;
use crate::domain::Pinbox;
use crate::domain::apps::Tier;
use crate::domain::env::Env;
use crate::domain::users::AccountType;
use crate::error::ErrorKind;

const USERNAME: &str = "demo";
const PASSWORD: &str = "pinbox-demo";

/// Makes the demo account when the store holds no user yet.
///
/// Replicas started together on one empty database all find it empty. Usernames are unique in
/// the store, so exactly one of them creates the user; the others are refused the username, say
/// so and serve on.
pub async fn create_if_empty(pinbox: &Pinbox, public_url: &str) -> anyhow::Result<()> {
    if pinbox.users.count().await? != 0 {
        return Ok(());
    }
    let user = match pinbox
        .users
        .create(USERNAME, Some(PASSWORD), AccountType::Pinner)
        .await
    {
        Ok(user) => user,
        Err(e) if e.kind == ErrorKind::Conflict => {
            say!(
                "pinbox: another replica started at the same time made the demo account \
                 (user {USERNAME}); it printed the token"
            );
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let app = pinbox
        .apps
        .create(
            &user,
            "pinbox demo app",
            // The second is pinbox's own callback, so `curl -L` can run the OAuth flow at once.
            vec![
                "http://localhost:8085/callback".to_string(),
                format!("{public_url}/_pinbox/oauth/callback"),
            ],
            Tier::Standard,
        )
        .await?;
    let token = pinbox
        .tokens
        .issue(Some(user.id), app.app.id, Scopes::CONTENT, Env::Production)
        .await?;
    say!(
        "pinbox: nothing stored yet, so here is a demo account (shown once; secrets are stored \
         only as hashes; --no-demo starts without it):"
    );
    say!("  user   {USERNAME} (password: {PASSWORD})");
    say!("  app    {} (secret: {})", app.app.id, app.secret);
    say!(
        "  token  {} (scopes: {}; expires {})",
        token.secret,
        token.token.scopes,
        token.token.expires_at.to_rfc3339()
    );
    say!(
        "  try    curl -H 'Authorization: Bearer {}' {public_url}/v5/user_account",
        token.secret
    );
    say!(
        "  oauth  {public_url}/oauth/?client_id={}&redirect_uri={public_url}/_pinbox/oauth/callback\
         &response_type=code&scope=boards:read,pins:read,user_accounts:read&state=demo",
        app.app.id
    );
    Ok(())
}
