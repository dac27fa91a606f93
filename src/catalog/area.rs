//! Agents' areas: what an agent's grants are made of. Pinterest's scopes are coarse
//! (`boards:write` creates and deletes alike), so an agent is granted Off, Read or Full use of
//! areas instead, resources (Pins, boards, ...) and the actions worth granting apart (creating
//! Pins, deleting boards, ...). Every operation needs exactly one area at one level: reads need
//! Read, writes Full, and a delete its own delete area at Full where there is one.

use std::fmt;

use crate::catalog::scope::{Scope, Scopes};
use crate::catalog::{Method, Operation, SpecOperation};

macro_rules! areas {
    ($($variant:ident => $name:literal, $read:literal, $full:literal;)*) => {
        /// One area an agent may be granted.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Area { $($variant),* }

        impl Area {
            pub const ALL: &'static [Area] = &[$(Area::$variant),*];

            /// The name grants use (`pinbox agent grant ID pins read`).
            pub fn as_str(self) -> &'static str {
                match self { $(Area::$variant => $name),* }
            }

            /// What using it at `level` is, in words (denials say it): "read Pins", "delete
            /// boards".
            pub fn label(self, level: Level) -> &'static str {
                match (self, level) {
                    $((Area::$variant, Level::Full) => $full,)*
                    $((Area::$variant, _) => $read,)*
                }
            }

            pub fn parse(s: &str) -> Option<Area> {
                match s { $($name => Some(Area::$variant),)* _ => None }
            }
        }
    };
}

areas! {
    Pins => "pins", "read Pins", "change Pins";
    CreatePins => "create_pins", "create Pins", "create Pins";
    DeletePins => "delete_pins", "delete Pins", "delete Pins";
    Boards => "boards", "read boards", "change boards";
    DeleteBoards => "delete_boards", "delete boards", "delete boards";
    Sections => "sections", "read board sections", "change board sections";
    Media => "media", "read media uploads", "upload media";
    Search => "search", "search", "search";
    Account => "account", "read the user account", "change the user account";
    AccountAnalytics => "account_analytics", "read account analytics", "read account analytics";
    SecretContent => "secret_content", "see secret boards and Pins", "change secret boards and Pins";
    Ads => "ads", "read ads", "change ads";
    AdsAnalytics => "ads_analytics", "read ads analytics", "read ads analytics";
    Catalogs => "catalogs", "read catalogs", "change catalogs";
    Billing => "billing", "read billing", "change billing";
    Business => "business", "read business access", "change business access";
    Leads => "leads", "read leads", "change leads";
    Trends => "trends", "read trends", "read trends";
    Integrations => "integrations", "read commerce integrations", "change commerce integrations";
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much of an area an agent may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    #[default]
    Off,
    Read,
    Full,
}

impl Level {
    pub const ALL: &'static [Level] = &[Level::Off, Level::Read, Level::Full];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Read => "read",
            Level::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.iter().copied().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operation needs of an agent's grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub area: Area,
    pub level: Level,
}

const WRITE_SCOPES: Scopes = Scopes::of(&[
    Scope::AdsWrite,
    Scope::BillingWrite,
    Scope::BizAccessWrite,
    Scope::BoardsWrite,
    Scope::BoardsWriteSecret,
    Scope::CatalogsWrite,
    Scope::MsotWrite,
    Scope::PinsWrite,
    Scope::PinsWriteSecret,
    Scope::UserAccountsWrite,
]);

/// The area and level `op` needs. `None` for the OAuth client operations, which an app calls
/// with its own secret and an agent never does.
pub fn need(op: &Operation) -> Option<Need> {
    if op.auth == crate::catalog::Auth::ClientBasic {
        return None;
    }
    let writes = !op.scopes.intersection(WRITE_SCOPES).is_empty()
        || (op.scopes.is_empty() && op.method != Method::Get);
    Some(need_of(op.id, op.path, writes))
}

/// Whether an operation writes, by the scopes the spec lists for it (any `*:write`), or, where
/// it lists none, by its method.
pub fn writes<'a>(scopes: impl IntoIterator<Item = &'a str>, method: &str) -> bool {
    let mut listed = false;
    for scope in scopes {
        if scope.contains(":write") {
            return true;
        }
        listed = true;
    }
    !listed && !method.eq_ignore_ascii_case("get")
}

/// [`need`] for any operation of the spec, served or not (`None` for the OAuth client ones).
pub fn need_of_spec(op: &SpecOperation) -> Option<Need> {
    (!op.client_basic).then(|| {
        need_of(
            op.id,
            op.path,
            writes(op.scopes.iter().copied(), op.method.as_str()),
        )
    })
}

/// The same rule for any operation of the spec, served or not, by its operationId, path and
/// whether it writes.
pub fn need_of(id: &str, path: &str, writes: bool) -> Need {
    let level = if writes { Level::Full } else { Level::Read };
    let full = |area| Need {
        area,
        level: Level::Full,
    };
    let at = |area| Need { area, level };
    match id {
        "pins/create" | "pins/save" => return full(Area::CreatePins),
        "pins/delete" => return full(Area::DeletePins),
        "boards/delete" => return full(Area::DeleteBoards),
        "pins/analytics" | "multi_pins/analytics" => return at(Area::AccountAnalytics),
        "boards/list_pins" | "board_sections/list_pins" => return at(Area::Pins),
        _ => {}
    }
    let resource = id.split('/').next().unwrap_or(id);
    if resource == "user_account" && id.contains("analytics") {
        return at(Area::AccountAnalytics);
    }
    let area = match resource {
        "pins" => Area::Pins,
        "boards" => Area::Boards,
        "board_sections" => Area::Sections,
        "media" => Area::Media,
        r if r.starts_with("search") => Area::Search,
        "user_account"
        | "followers"
        | "user_following"
        | "boards_user_follows"
        | "user_websites"
        | "verify_website"
        | "unverify_website"
        | "website_verification"
        | "follow_user" => Area::Account,
        _ => area_by_path(id, path),
    };
    at(area)
}

/// Every other operation, by where it lives.
fn area_by_path(id: &str, path: &str) -> Area {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    let under_account = segments.nth(1).unwrap_or("");
    let analytics =
        id.contains("analytics") || id.contains("report") || id.contains("metrics_ready");
    match first {
        "catalogs" => Area::Catalogs,
        "integrations" => Area::Integrations,
        "businesses" | "business_access" => Area::Business,
        "trends" | "terms" | "users" => Area::Trends,
        "ad_accounts" => match under_account {
            "billing_invoice" | "billing_invoices" | "billing_profiles" | "ads_credit" => {
                Area::Billing
            }
            "lead_forms" | "leads" | "leads_export" => Area::Leads,
            _ if analytics => Area::AdsAnalytics,
            _ => Area::Ads,
        },
        _ if analytics => Area::AdsAnalytics,
        _ => Area::Ads,
    }
}

/// The scopes an agent holds: every scope but the secret ones, which come with
/// [`Area::SecretContent`] (Read sees secret boards and Pins, Full changes them too). Grants,
/// not scopes, decide what else it may do.
pub fn agent_scopes(secret: Level) -> Scopes {
    let secret_read = Scopes::of(&[Scope::BoardsReadSecret, Scope::PinsReadSecret]);
    let secret_write = Scopes::of(&[Scope::BoardsWriteSecret, Scope::PinsWriteSecret]);
    let public = Scopes::all()
        .difference(secret_read)
        .difference(secret_write);
    match secret {
        Level::Off => public,
        Level::Read => public.union(secret_read),
        Level::Full => public.union(secret_read).union(secret_write),
    }
}
