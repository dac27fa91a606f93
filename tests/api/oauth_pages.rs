//! The OAuth pages over HTTP, as a browser without JavaScript uses them: sign-in, consent,
//! Allow and Cancel, the error page that never redirects, CSRF and session rules, unattended
//! approval, and pinbox's own callback.

use crate::oauth_support::{
    Browser, PASSWORD, REDIRECT, account_status, authorize_query, borrowed, dev, exchange, form_of,
    param,
};
use crate::support::TestApp;

#[tokio::test]
async fn signing_in_and_allowing_sends_a_code_that_the_app_exchanges() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);

    let page = browser
        .authorize(&alice, "boards:read,user_accounts:read")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"username\""), "{}", page.html);
    let cookie = page.headers["set-cookie"].to_str().unwrap().to_string();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/oauth"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert_eq!(page.headers["x-frame-options"], "DENY");
    let anonymous = browser.cookie.clone().unwrap();

    let fields = form_of(&page, &[("username", "alice"), ("password", PASSWORD)]);
    let signed_in = browser.post("/oauth/signin", &borrowed(&fields)).await;
    assert_eq!(signed_in.status, 303);
    // A new session id after sign-in: one planted before it is worth nothing.
    assert_ne!(browser.cookie.as_deref(), Some(anonymous.as_str()));
    let back = signed_in.headers["location"].to_str().unwrap().to_string();
    assert!(back.starts_with("/oauth/?"), "{back}");

    let consent = browser.get(&back).await;
    assert_eq!(consent.status, 200);
    assert!(consent.html.contains("alice&#39;s app"), "{}", consent.html);
    // Each scope with the description the spec gives it.
    assert!(
        consent
            .html
            .contains("See your public boards, including group boards you join")
    );
    assert!(
        consent
            .html
            .contains("See your user accounts and followers")
    );
    assert!(!consent.html.contains("pins:read"));

    let fields = form_of(&consent, &[("decision", "allow")]);
    let allowed = browser.post("/oauth/consent", &borrowed(&fields)).await;
    assert_eq!(allowed.status, 303);
    let to = allowed.location().unwrap();
    assert_eq!(format!("{}", to).split('?').next().unwrap(), REDIRECT);
    assert_eq!(param(&to, "state").as_deref(), Some("st4te"));
    let code = param(&to, "code").expect("a code");

    let r = exchange(&app, &alice, &code).await.expect(200);
    assert_eq!(r.json["scope"], "boards:read,user_accounts:read");
    assert_eq!(
        account_status(&app, r.json["access_token"].as_str().unwrap()).await,
        200
    );

    // Signed in, the next request goes straight to consent.
    let again = browser.authorize(&alice, "boards:read").await;
    assert!(again.html.contains("id=\"allow\""), "{}", again.html);
}

#[tokio::test]
async fn cancel_sends_access_denied_with_the_state() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "boards:read").await;
    let fields = form_of(&page, &[("username", "alice"), ("password", PASSWORD)]);
    let back = browser.post("/oauth/signin", &borrowed(&fields)).await;
    let consent = browser
        .get(back.headers["location"].to_str().unwrap())
        .await;
    let fields = form_of(&consent, &[("decision", "cancel")]);
    let cancelled = browser.post("/oauth/consent", &borrowed(&fields)).await;
    assert_eq!(cancelled.status, 303);
    let to = cancelled.location().unwrap();
    assert_eq!(param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&to, "state").as_deref(), Some("st4te"));
    assert!(param(&to, "code").is_none());
}

#[tokio::test]
async fn an_unknown_app_or_unregistered_redirect_uri_gets_an_error_page_never_a_redirect() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let id = alice.app_id.to_string();
    for (query, says) in [
        (
            authorize_query("12345", REDIRECT, "boards:read"),
            "No app has the client_id",
        ),
        (authorize_query("x<y", REDIRECT, "boards:read"), "x&lt;y"),
        (
            authorize_query(&id, "https://evil.example/steal", "boards:read"),
            "is not registered",
        ),
        // Exact matching: no prefix, no trailing slash, no extra query.
        (
            authorize_query(&id, &format!("{REDIRECT}/x"), "boards:read"),
            "is not registered",
        ),
        (
            authorize_query(&id, &format!("{REDIRECT}?a=1"), "boards:read"),
            "is not registered",
        ),
        (
            "response_type=code&scope=boards:read".to_string(),
            "no client_id",
        ),
        (
            format!("client_id={id}&scope=boards:read"),
            "no redirect_uri",
        ),
        // Even with an unknown scope: the redirect URI is checked first.
        (
            authorize_query(&id, "https://evil.example/", "nope"),
            "is not registered",
        ),
    ] {
        let page = browser.get(&format!("/oauth/?{query}")).await;
        assert_eq!(page.status, 400, "{query}: {}", page.html);
        assert!(page.location().is_none(), "{query} redirected");
        assert!(page.html.contains(says), "{query}: {}", page.html);
        assert!(!page.html.contains("<script"), "{}", page.html);
    }
}

#[tokio::test]
async fn bad_scopes_and_response_types_go_back_to_the_app_as_errors() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "boards:read,boards:fly").await;
    assert_eq!(page.status, 302);
    let to = page.location().unwrap();
    assert!(to.as_str().starts_with(REDIRECT), "{to}");
    assert_eq!(param(&to, "error").as_deref(), Some("invalid_scope"));
    assert!(
        param(&to, "error_description")
            .unwrap()
            .contains("boards:fly")
    );
    assert_eq!(param(&to, "state").as_deref(), Some("st4te"));

    let page = browser.authorize(&alice, "").await;
    assert_eq!(
        param(&page.location().unwrap(), "error").as_deref(),
        Some("invalid_scope")
    );

    let q = authorize_query(&alice.app_id.to_string(), REDIRECT, "boards:read")
        .replace("response_type=code", "response_type=token");
    let page = browser.get(&format!("/oauth?{q}")).await;
    assert_eq!(
        param(&page.location().unwrap(), "error").as_deref(),
        Some("unsupported_response_type")
    );
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "boards:read").await;
    // A username no one can have (PostgreSQL cannot even look up a NUL) is just a wrong one.
    for (user, password) in [
        ("alice", "not the password"),
        ("nobody", PASSWORD),
        ("ali\u{0}ce", PASSWORD),
    ] {
        let fields = form_of(&page, &[("username", user), ("password", password)]);
        let again = browser.post("/oauth/signin", &borrowed(&fields)).await;
        assert_eq!(again.status, 401);
        assert!(again.html.contains("Wrong username or password."));
        assert!(again.location().is_none());
    }
    // Still not signed in.
    let page = browser.authorize(&alice, "boards:read").await;
    assert!(page.html.contains("id=\"password\""));
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_are_refused() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut victim = Browser::new(&app);
    let page = victim.authorize(&alice, "boards:read").await;
    let fields = form_of(&page, &[("username", "alice"), ("password", PASSWORD)]);
    let back = victim.post("/oauth/signin", &borrowed(&fields)).await;
    let consent = victim.get(back.headers["location"].to_str().unwrap()).await;

    // Another browser's (the attacker's) own valid token does not fit the victim's session.
    let mut attacker = Browser::new(&app);
    let theirs = attacker.authorize(&alice, "boards:read").await;
    let mut forged = form_of(&consent, &[("decision", "allow")]);
    for (k, v) in forged.iter_mut() {
        if k == "csrf_token" {
            *v = theirs.field("csrf_token");
        }
    }
    let r = victim.post("/oauth/consent", &borrowed(&forged)).await;
    assert_eq!(r.status, 403);
    assert!(r.location().is_none());
    assert!(r.html.contains("CSRF"));
    // Missing token.
    let without: Vec<(String, String)> = form_of(&consent, &[("decision", "allow")])
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    let r = victim.post("/oauth/consent", &borrowed(&without)).await;
    assert_eq!(r.status, 403);
    // No session cookie at all (a cross-site post under SameSite=Lax).
    let mut stranger = Browser::new(&app);
    let r = stranger
        .post(
            "/oauth/consent",
            &borrowed(&form_of(&consent, &[("decision", "allow")])),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.location().is_none());
    // The genuine form still works.
    let ok = victim
        .post(
            "/oauth/consent",
            &borrowed(&form_of(&consent, &[("decision", "allow")])),
        )
        .await;
    assert_eq!(ok.status, 303);
    assert!(param(&ok.location().unwrap(), "code").is_some());
}

#[tokio::test]
async fn a_password_change_signs_the_user_out() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "boards:read").await;
    let fields = form_of(&page, &[("username", "alice"), ("password", PASSWORD)]);
    browser.post("/oauth/signin", &borrowed(&fields)).await;
    let consent = browser.authorize(&alice, "boards:read").await;
    assert!(consent.html.contains("id=\"allow\""));
    app.pinbox
        .users
        .set_password("alice", "another long password")
        .await
        .unwrap();
    let r = browser
        .post(
            "/oauth/consent",
            &borrowed(&form_of(&consent, &[("decision", "allow")])),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.html);
    assert!(r.html.contains("session has expired"));
    let page = browser.authorize(&alice, "boards:read").await;
    assert!(page.html.contains("id=\"password\""));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "boards:read").await;
    let fields = form_of(&page, &[("username", "alice"), ("password", PASSWORD)]);
    browser.post("/oauth/signin", &borrowed(&fields)).await;
    let consent = browser.authorize(&alice, "boards:read").await;
    let signed_in = browser.cookie.clone().unwrap();
    let out = browser
        .post("/oauth/signout", &borrowed(&form_of(&consent, &[])))
        .await;
    assert_eq!(out.status, 303);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old cookie, replayed, no longer signs anyone in.
    browser.cookie = Some(signed_in);
    let page = browser.authorize(&alice, "boards:read").await;
    assert!(page.html.contains("id=\"password\""));
}

#[tokio::test]
async fn auto_approve_redirects_at_once_with_a_code() {
    let app = TestApp::start_auto_approving("alice").await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&alice, "user_accounts:read").await;
    assert_eq!(page.status, 302);
    let to = page.location().unwrap();
    assert_eq!(param(&to, "state").as_deref(), Some("st4te"));
    let code = param(&to, "code").unwrap();
    let r = exchange(&app, &alice, &code).await.expect(200);
    let me = app
        .call("user_account/get")
        .token(r.json["access_token"].as_str().unwrap())
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["username"], "alice");
    // The app and redirect URI are still checked.
    let bad = browser
        .get(&format!(
            "/oauth/?{}",
            authorize_query(
                &alice.app_id.to_string(),
                "https://evil.example/",
                "boards:read"
            )
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.location().is_none());
}

#[tokio::test]
async fn auto_approve_for_a_missing_user_says_so() {
    let app = TestApp::start_auto_approving("ghost").await;
    let alice = dev(&app, "alice").await;
    let page = Browser::new(&app).authorize(&alice, "boards:read").await;
    assert_eq!(page.status, 500);
    assert!(page.html.contains("ghost"), "{}", page.html);
    assert!(page.location().is_none());
}

#[tokio::test]
async fn pinboxs_own_callback_answers_the_code_as_json() {
    let app = TestApp::start().await;
    let r = app
        .client
        .get(format!(
            "{}/_pinbox/oauth/callback?code=abc&state=s",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json, serde_json::json!({"code": "abc", "state": "s"}));
    let r = app
        .client
        .get(format!(
            "{}/_pinbox/oauth/callback?error=access_denied&error_description=no&state=s",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json["code"], 1);
    assert!(json["message"].as_str().unwrap().contains("access_denied"));
}

/// Pinterest's own quickstart clients open `/oauth/?consumer_id=APP&...&refreshable=true`; the app
/// id may come as `consumer_id`, and the code it yields exchanges as usual.
#[tokio::test]
async fn the_quickstarts_consumer_id_link_names_the_app() {
    let app = TestApp::start_auto_approving("alice").await;
    let alice = dev(&app, "alice").await;
    let mut browser = Browser::new(&app);
    let id = alice.app_id.to_string();
    let link = |pairs: &[(&str, &str)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        format!("/oauth/?{}", s.finish())
    };
    let quickstart = [
        ("consumer_id", id.as_str()),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("refreshable", "true"),
        ("scope", "user_accounts:read"),
        ("state", "st4te"),
    ];
    let page = browser.get(&link(&quickstart)).await;
    assert_eq!(page.status, 302, "{}", page.html);
    let code = param(&page.location().unwrap(), "code").expect("a code");
    let r = exchange(&app, &alice, &code).await.expect(200);
    assert!(r.json["refresh_token"].is_string(), "{}", r.json);

    // Naming two different apps is refused on a page, never redirected.
    let mut both = quickstart.to_vec();
    both.push(("client_id", "1234567890123456789"));
    let page = browser.get(&link(&both)).await;
    assert_eq!(page.status, 400);
    assert!(page.location().is_none());
    assert!(page.html.contains("consumer_id"), "{}", page.html);
}
