//! Websites a user claims: the verification code, claiming, listing, unclaiming, and what is
//! refused. pinbox does not fetch the site (docs/compatibility.md).

use pinbox::catalog::scope::{Scope, Scopes};
use serde_json::json;

use crate::support::TestApp;

const ACCOUNT: Scopes = Scopes::of(&[Scope::UserAccountsRead, Scope::UserAccountsWrite]);

#[tokio::test]
async fn each_user_has_one_verification_code_in_pinterests_three_forms() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a = app.token(&alice, ACCOUNT).await;
    let b = app.token(&bob, ACCOUNT).await;
    let first = app
        .call("website_verification/get")
        .token(&a)
        .send()
        .await
        .expect(200);
    let code = first.json["verification_code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(code.len(), 32);
    assert!(code.bytes().all(|c| c.is_ascii_hexdigit()), "{code}");
    assert_eq!(
        first.json["dns_txt_record"],
        format!("pinterest-site-verification={code}")
    );
    assert_eq!(
        first.json["metatag"],
        format!("<meta name=\"p:domain_verify\" content=\"{code}\"/>")
    );
    assert_eq!(
        first.json["filename"],
        format!("pinterest-{}.html", &code[..5])
    );
    assert!(first.json["file_content"].as_str().unwrap().contains(&code));
    // The same code every time, and another user's is another.
    let again = app
        .call("website_verification/get")
        .token(&a)
        .send()
        .await
        .expect(200);
    assert_eq!(again.json["verification_code"], code.as_str());
    let bobs = app
        .call("website_verification/get")
        .token(&b)
        .send()
        .await
        .expect(200);
    assert_ne!(bobs.json["verification_code"], code.as_str());
}

#[tokio::test]
async fn claimed_websites_are_listed_newest_first_and_unclaimed() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a = app.token(&alice, ACCOUNT).await;
    let b = app.token(&bob, ACCOUNT).await;
    for (site, method) in [
        ("https://Shop.Example/", "METATAG"),
        ("blog.example/recipes", "FILENAME"),
        ("news.example", "DNSTXT"),
    ] {
        let r = app
            .call("verify_website/update")
            .token(&a)
            .json(json!({"website": site, "verification_method": method}))
            .send()
            .await
            .expect(200);
        assert_eq!(r.json["status"], "success");
        assert_eq!(r.json["verified_at"], "2026-11-01T00:00:00Z");
    }
    // Claiming again keeps the first claim; the method defaults to METATAG.
    app.advance(std::time::Duration::from_secs(3600));
    let again = app
        .call("verify_website/update")
        .token(&a)
        .json(json!({"website": "shop.example"}))
        .send()
        .await
        .expect(200);
    assert_eq!(again.json["website"], "shop.example");
    assert_eq!(again.json["verified_at"], "2026-11-01T00:00:00Z");

    let page = app
        .call("user_websites/get")
        .token(&a)
        .query("page_size", 2)
        .send()
        .await
        .expect(200);
    let names: Vec<&str> = page
        .items()
        .iter()
        .map(|w| w["website"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["news.example", "blog.example/recipes"]);
    let rest = app
        .call("user_websites/get")
        .token(&a)
        .query("page_size", 2)
        .query("bookmark", page.bookmark().expect("a next page"))
        .send()
        .await
        .expect(200);
    assert_eq!(rest.items().len(), 1);
    assert_eq!(rest.items()[0]["website"], "shop.example");
    assert!(rest.bookmark().is_none());
    // Another user sees none of them, and cannot use alice's bookmark.
    let bobs = app
        .call("user_websites/get")
        .token(&b)
        .send()
        .await
        .expect(200);
    assert!(bobs.items().is_empty());
    app.call("user_websites/get")
        .token(&b)
        .query("bookmark", page.bookmark().unwrap())
        .send()
        .await
        .expect(400);
    app.call("unverify_website/delete")
        .token(&b)
        .query("website", "shop.example")
        .send()
        .await
        .expect_error(404, 404, "Website not in user list.");

    app.call("unverify_website/delete")
        .token(&a)
        .query("website", "https://shop.example")
        .send()
        .await
        .expect(204);
    app.call("unverify_website/delete")
        .token(&a)
        .query("website", "shop.example")
        .send()
        .await
        .expect_error(404, 404, "Website not in user list.");
    let left = app
        .call("user_websites/get")
        .token(&a)
        .send()
        .await
        .expect(200);
    assert_eq!(left.items().len(), 2);
}

#[tokio::test]
async fn bad_websites_and_methods_are_refused_and_nothing_is_claimed() {
    let app = TestApp::start().await;
    let alice = app.user("alice").await;
    let a = app.token(&alice, ACCOUNT).await;
    for body in [
        json!({"website": "not a site"}),
        json!({"website": "mysite.test:8080"}),
        json!({"website": "a\u{0}b.test"}),
        json!({"website": ""}),
        json!({}),
        json!({"website": "mysite.test", "verification_method": "EMAIL"}),
        json!({"website": "mysite.test", "verification_method": 3}),
    ] {
        let r = app
            .call("verify_website/update")
            .token(&a)
            .json(body.clone())
            .send()
            .await
            .expect(400);
        assert_eq!(r.json["code"], 1, "{body}: {}", r.json);
    }
    app.call("unverify_website/delete")
        .token(&a)
        .send()
        .await
        .expect_error(400, 1, "'website'");
    let listed = app
        .call("user_websites/get")
        .token(&a)
        .send()
        .await
        .expect(200);
    assert!(listed.items().is_empty());
}
