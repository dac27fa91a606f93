//! The token debugger over HTTP (`POST /_pinbox/tokens/inspect`): what a token is and whether
//! it still works, for whoever holds it, without a stored hash or secret in the answer.

use std::time::Duration;

use serde_json::{Value, json};

use crate::oauth_support::{dev, tokens};
use crate::support::TestApp;

async fn inspect(app: &TestApp, body: Value) -> (u16, Value, String) {
    let r = app
        .client
        .post(format!("{}/_pinbox/tokens/inspect", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap(), text)
}

#[tokio::test]
async fn the_debugger_reports_app_user_scopes_environment_times_and_status() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let (access, refresh) = tokens(&app, &alice, "boards:read,pins:read").await;
    let (status, report, text) = inspect(&app, json!({"token": access})).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(report["status"], "valid");
    assert_eq!(report["kind"], "access");
    assert_eq!(report["environment"], "production");
    assert_eq!(report["app"]["id"], alice.app_id.to_string());
    assert_eq!(report["app"]["name"], "alice's app");
    assert_eq!(report["user"]["username"], "alice");
    assert_eq!(report["scopes"], json!(["boards:read", "pins:read"]));
    assert_eq!(report["issued_at"], "2026-11-01T00:00:00Z");
    assert_eq!(report["expires_at"], "2026-12-01T00:00:00Z");
    assert_eq!(report["revoked_at"], Value::Null);
    // Neither the token, its hash nor the app secret is ever echoed.
    let hash: String = pinbox::domain::secrets::hash_secret(&access)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for secret in [&access, &hash, &alice.secret] {
        assert!(!text.contains(secret.as_str()), "{text}");
    }

    let (_, report, _) = inspect(&app, json!({"token": refresh})).await;
    assert_eq!(report["kind"], "refresh");
    assert_eq!(report["expires_at"], "2026-12-31T00:00:00Z");

    app.advance(Duration::from_secs(30 * 24 * 3600));
    let (_, report, _) = inspect(&app, json!({"token": access})).await;
    assert_eq!(report["status"], "expired");
    app.call("token/revoke")
        .basic(alice.app_id, &alice.secret)
        .form(&[("token", &refresh)])
        .send()
        .await
        .expect(200);
    let (_, report, _) = inspect(&app, json!({"token": refresh})).await;
    assert_eq!(report["status"], "revoked");
    assert_eq!(report["revoked_at"], "2026-12-01T00:00:00Z");
}

#[tokio::test]
async fn the_debugger_takes_a_form_or_the_bearer_header_and_names_app_tokens() {
    let app = TestApp::start().await;
    let alice = dev(&app, "alice").await;
    let r = app
        .call_sandbox("oauth/token")
        .basic(alice.app_id, &alice.secret)
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "boards:read"),
        ])
        .send()
        .await
        .expect(200);
    let token = r.json["access_token"].as_str().unwrap().to_string();
    let by_form: Value = app
        .client
        .post(format!("{}/_pinbox/tokens/inspect", app.base))
        .form(&[("token", &token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_form["user"], Value::Null);
    assert_eq!(by_form["environment"], "sandbox");
    let by_header: Value = app
        .client
        .post(format!("{}/_pinbox/tokens/inspect", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_header, by_form);
}

#[tokio::test]
async fn the_debugger_refuses_unknown_and_missing_tokens() {
    let app = TestApp::start().await;
    let (status, body, _) = inspect(&app, json!({"token": "pina_UNKNOWN"})).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 2);
    assert!(body["message"].as_str().unwrap().contains("never issued"));
    let (status, body, _) = inspect(&app, json!({"nothing": 1})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("token"));
}
