//! Helpers of the OAuth tests: a developer with an app, codes issued the way the consent page
//! issues them, token-endpoint calls, and a cookie-keeping browser for the HTML pages.

use pinbox::domain::apps::Tier;
use pinbox::domain::ids::{AppId, UserId};
use pinbox::domain::oauth::AuthorizeParams;
use pinbox::domain::users::{AccountType, User};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::support::{Reply, TestApp};

pub const REDIRECT: &str = "http://127.0.0.1:9/oauth/callback";
pub const PASSWORD: &str = "correct horse battery";

/// A developer's app, with its secret in clear.
pub struct Dev {
    pub user: User,
    pub app_id: AppId,
    pub secret: String,
}

/// A user who can sign in, owning an app whose only redirect URI is [`REDIRECT`].
pub async fn dev(app: &TestApp, username: &str) -> Dev {
    let user = app
        .pinbox
        .users
        .create(username, Some(PASSWORD), AccountType::Pinner)
        .await
        .expect("create user");
    let created = app
        .pinbox
        .apps
        .create(
            &user,
            &format!("{username}'s app"),
            vec![REDIRECT.to_string()],
            Tier::Standard,
        )
        .await
        .expect("create app");
    Dev {
        user,
        app_id: created.app.id,
        secret: created.secret,
    }
}

pub fn params(dev: &Dev, scope: &str) -> AuthorizeParams {
    AuthorizeParams {
        client_id: Some(dev.app_id.to_string()),
        redirect_uri: Some(REDIRECT.to_string()),
        response_type: Some("code".into()),
        scope: Some(scope.to_string()),
        state: Some("st4te".into()),
    }
}

/// A code for `user` and `dev`'s app, issued exactly as Allow on the consent page issues it.
pub async fn code_for(app: &TestApp, dev: &Dev, user: UserId, scope: &str) -> String {
    let auth = app
        .pinbox
        .oauth
        .check_authorization(&params(dev, scope))
        .await
        .unwrap()
        .expect("a valid authorization request");
    app.pinbox.oauth.issue_code(&auth, user).await.unwrap()
}

pub async fn exchange(app: &TestApp, dev: &Dev, code: &str) -> Reply {
    app.call("oauth/token")
        .basic(dev.app_id, &dev.secret)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
}

pub async fn refresh(app: &TestApp, dev: &Dev, refresh_token: &str, scope: Option<&str>) -> Reply {
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    if let Some(s) = scope {
        fields.push(("scope", s));
    }
    app.call("oauth/token")
        .basic(dev.app_id, &dev.secret)
        .form(&fields)
        .send()
        .await
}

/// Access and refresh token for `dev`'s own user, through the code grant.
pub async fn tokens(app: &TestApp, dev: &Dev, scope: &str) -> (String, String) {
    let code = code_for(app, dev, dev.user.id, scope).await;
    let r = exchange(app, dev, &code).await.expect(200);
    (
        r.json["access_token"].as_str().unwrap().to_string(),
        r.json["refresh_token"].as_str().unwrap().to_string(),
    )
}

/// Asserts the status of `GET /v5/user_account` with a token.
pub async fn account_status(app: &TestApp, token: &str) -> u16 {
    app.call("user_account/get")
        .token(token)
        .send()
        .await
        .status
}

/// A browser without JavaScript: keeps the session cookie and never follows redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
}

/// A page or redirect as the browser got it.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> Option<url::Url> {
        self.headers
            .get(LOCATION)
            .map(|l| url::Url::parse(l.to_str().unwrap()).unwrap())
    }

    /// The value of a hidden field of the first form holding it.
    pub fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self
            .html
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.html))
            + needle.len();
        let end = self.html[start..].find('"').unwrap() + start;
        self.html[start..end].replace("&amp;", "&")
    }
}

/// A query parameter of a redirect.
pub fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookie: None,
        }
    }

    async fn read(&mut self, resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        for c in headers.get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            assert_eq!(name, "pinbox_session");
            self.cookie = (!value.is_empty()).then(|| value.to_string());
        }
        let html = resp.text().await.unwrap();
        Page {
            status,
            headers,
            html,
        }
    }

    pub async fn get(&mut self, path_and_query: &str) -> Page {
        let mut req = self.client.get(format!("{}{path_and_query}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, format!("pinbox_session={c}"));
        }
        let resp = req.send().await.unwrap();
        self.read(resp).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(s.finish());
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, format!("pinbox_session={c}"));
        }
        let resp = req.send().await.unwrap();
        self.read(resp).await
    }

    /// `GET /oauth/` for `dev`'s app with these scopes and state `st4te`.
    pub async fn authorize(&mut self, dev: &Dev, scope: &str) -> Page {
        let q = authorize_query(&dev.app_id.to_string(), REDIRECT, scope);
        self.get(&format!("/oauth/?{q}")).await
    }
}

pub fn authorize_query(client_id: &str, redirect_uri: &str, scope: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("state", "st4te");
    s.finish()
}

/// The hidden fields a page's form posts back, plus `extra`.
pub fn form_of<'a>(page: &Page, extra: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "csrf_token",
    ]
    .iter()
    .map(|k| (k.to_string(), page.field(k)))
    .collect();
    out.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    out
}

pub fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
