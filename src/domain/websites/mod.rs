//! Websites a user claims (`/v5/user_account/websites`): the verification code Pinterest asks a
//! site to show, claiming a site, listing and unclaiming them. pinbox does not fetch the site to
//! look for the code (it works offline and must be deterministic); a claim of a well-formed site
//! by its user succeeds (docs/compatibility.md).

mod store;
pub use store::*;

use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::clock::{Clock, Timestamp};
use crate::domain::caller::Caller;
use crate::domain::ids::UserId;
use crate::domain::page::{ListKind, Pages};
use crate::domain::text::{TextKind, check_characters};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};

/// Longest website pinbox keeps (a domain with a path).
const WEBSITE_MAX: usize = 2048;

/// A website as Pinterest names it: a domain, or a domain with a path, without the scheme
/// (`mysite.test`, `pintest-website-12345678.test/test_1`). Made only by [`WebsiteName::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebsiteName(String);

impl WebsiteName {
    /// Reads a website as a client sent it: a leading `http://` or `https://` and a trailing `/`
    /// are dropped and the domain is lower-cased; anything that is not a domain with an optional
    /// path is refused, naming the field.
    pub fn parse(raw: &str) -> Result<WebsiteName> {
        let bad = |why: &str| {
            Error::invalid(format!(
                "Invalid request: 'website' {why}. Give a domain, or a domain with a path, such \
                 as mysite.test or mysite.test/shop."
            ))
        };
        check_characters("website", raw, TextKind::Name)?;
        let trimmed = raw.trim();
        let bare = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed)
            .trim_end_matches('/');
        if bare.is_empty() {
            return Err(bad("is empty"));
        }
        if bare.chars().count() > WEBSITE_MAX {
            return Err(bad(&format!("is longer than {WEBSITE_MAX} characters")));
        }
        let (domain, path) = match bare.split_once('/') {
            Some((d, p)) => (d, Some(p)),
            None => (bare, None),
        };
        let parsed =
            url::Url::parse(&format!("https://{bare}")).map_err(|_| bad("is not a website"))?;
        let host_ok = parsed.host_str().is_some_and(|h| h.contains('.'))
            && parsed.port().is_none()
            && parsed.query().is_none()
            && parsed.fragment().is_none()
            && parsed.username().is_empty();
        if !host_ok || domain.contains(char::is_whitespace) {
            return Err(bad("is not a domain with an optional path"));
        }
        let domain = domain.to_ascii_lowercase();
        Ok(WebsiteName(match path {
            Some(p) => format!("{domain}/{p}"),
            None => domain,
        }))
    }

    /// A name read back from storage, where only parsed names are written.
    pub fn stored(name: String) -> WebsiteName {
        WebsiteName(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A website a user claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website {
    /// Position in its user's list; bookmarks carry it.
    pub seq: i64,
    pub user_id: UserId,
    pub name: WebsiteName,
    pub verified_at: Timestamp,
}

/// How a client says it proved the site is theirs; pinbox records it and looks at none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationMethod {
    Filename,
    Metatag,
    DnsTxt,
}

/// What a site shows to prove a user holds it, in each of Pinterest's three forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCode {
    pub code: String,
    pub dns_txt_record: String,
    pub metatag: String,
    pub filename: String,
    pub file_content: String,
}

/// Websites: each user's verification code, and the sites they claim.
#[derive(Clone)]
pub struct Websites {
    store: Arc<dyn WebsiteStore>,
    clock: Clock,
    pages: Pages,
    /// Derives each user's verification code, the same on every replica.
    code_key: [u8; 32],
}

impl Websites {
    pub fn new(
        store: Arc<dyn WebsiteStore>,
        clock: Clock,
        pages: Pages,
        code_key: [u8; 32],
    ) -> Websites {
        Websites {
            store,
            clock,
            pages,
            code_key,
        }
    }

    /// `website_verification/get`: the caller's code, stable for the user (a hash of their id
    /// under a key every replica shares), in the forms Pinterest gives it.
    pub fn verification_code(&self, caller: &Caller) -> VerificationCode {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.code_key).expect("HMAC takes keys of any length");
        mac.update(&caller.user_id.0.to_be_bytes());
        let code: String = mac.finalize().into_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        VerificationCode {
            dns_txt_record: format!("pinterest-site-verification={code}"),
            metatag: format!("<meta name=\"p:domain_verify\" content=\"{code}\"/>"),
            filename: format!("pinterest-{}.html", &code[..5]),
            file_content: format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta name=\"pinterest\" \
                 content=\"{code}\"/></head><body>Pinterest verification. This file should be \
                 left in place to ensure your site stays verified.</body></html>"
            ),
            code,
        }
    }

    /// `verify_website/update`: claims `website` for the caller.
    pub async fn verify(
        &self,
        caller: &Caller,
        website: &str,
        _method: VerificationMethod,
    ) -> Result<Website> {
        let name = WebsiteName::parse(website)?;
        Ok(self
            .store
            .claim_website(caller.user_id, name, self.clock.now())
            .await?)
    }

    /// `user_websites/get`: the caller's websites, newest claim first.
    pub async fn list(&self, caller: &Caller, page: PageRequest) -> Result<Listing<Website>> {
        let user = caller.user_id;
        self.pages
            .list(
                &page,
                ListKind::Websites,
                user.0,
                |cursor| async move { Ok(self.store.list_websites(user, cursor).await?) },
                |w| w.seq,
            )
            .await
    }

    /// `unverify_website/delete`: forgets the caller's claim of `website`.
    pub async fn unverify(&self, caller: &Caller, website: &str) -> Result<()> {
        let name = WebsiteName::parse(website)?;
        if self.store.unclaim_website(caller.user_id, name).await? {
            Ok(())
        } else {
            Err(Error::not_found(404, "Website not in user list."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_are_domains_with_an_optional_path() {
        for (raw, name) in [
            ("mysite.test", "mysite.test"),
            ("https://MySite.Test/", "mysite.test"),
            ("http://mysite.test/Shop/Summer", "mysite.test/Shop/Summer"),
            (
                " pintest-website-12345678.test/test_1 ",
                "pintest-website-12345678.test/test_1",
            ),
        ] {
            assert_eq!(WebsiteName::parse(raw).unwrap().as_str(), name, "{raw}");
        }
        for bad in [
            "",
            "/",
            "localhost",
            "my site.test",
            "mysite.test:8080",
            "mysite.test?q=1",
            "user@mysite.test",
            "ftp://mysite.test",
            "mysite.test\n",
            "a\u{0}b.test",
        ] {
            let e = WebsiteName::parse(bad).unwrap_err();
            assert!(e.message.contains("'website'"), "{bad:?}: {}", e.message);
        }
    }
}
