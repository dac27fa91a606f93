//! Ad accounts as the calling user sees them: created for themselves, listed, read, deleted in
//! Sandbox, and named by `ad_account_id` to act for their owner (Business Access).

mod store;
pub use store::*;

mod ad_account;

pub use ad_account::*;

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::caller::Caller;
use crate::domain::env::Env;
use crate::domain::ids::{AdAccountId, UserId};
use crate::domain::page::{ListKind, Pages};
use crate::domain::storage::StoreError;
use crate::domain::text::{TextKind, check_characters};
use crate::domain::{Listing, PageRequest};
use crate::error::{Error, Result};

/// The spec's `Country` enum (ISO 3166-1 alpha-2).
pub const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ \
DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT \
GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY \
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU \
RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// The spec's `Currency` enum (ISO 4217, plus `UNK`).
pub const CURRENCIES: &str = "UNK USD GBP CAD EUR AUD NZD SEK ILS CHF HKD JPY SGD KRW NOK DKK PLN RON \
HUF CZK BRL MXN ARS CLP COP INR TRY";

/// The spec's `maxLength` for an ad account's name.
const MAX_NAME_CHARS: usize = 256;

/// Ad accounts: creating, listing, reading and deleting the caller's, and acting for their owner.
#[derive(Clone)]
pub struct AdAccounts {
    store: Arc<dyn AdAccountStore>,
    clock: Clock,
    pages: Pages,
}

/// What a client sends to create an ad account; every field is optional in the spec.
#[derive(Debug, Clone, Default)]
pub struct AdAccountInput {
    pub name: Option<String>,
    pub country: Option<String>,
    pub currency: Option<String>,
    pub owner_user_id: Option<UserId>,
}

fn not_found() -> Error {
    Error::not_found(2, "AdAccount not found.")
}

fn not_yours() -> Error {
    Error::forbidden(
        29,
        "Not authorized to access the ad account: it belongs to another user. Use one of your own \
         (GET /v5/ad_accounts lists them).",
    )
}

fn pick<'a>(
    field: &str,
    value: Option<&'a str>,
    allowed: &str,
    default: &'a str,
) -> Result<&'a str> {
    match value {
        None => Ok(default),
        Some(v) if allowed.split_ascii_whitespace().any(|a| a == v) => Ok(v),
        Some(v) => Err(Error::invalid(format!(
            "Invalid ad account parameter: '{field}' has the unknown value '{}'; use one of the \
             spec's {field} codes, such as {default}.",
            v.chars().take(16).collect::<String>()
        ))),
    }
}

impl AdAccounts {
    pub fn new(store: Arc<dyn AdAccountStore>, clock: Clock, pages: Pages) -> AdAccounts {
        AdAccounts {
            store,
            clock,
            pages,
        }
    }

    pub async fn create(&self, caller: &Caller, input: AdAccountInput) -> Result<AdAccount> {
        let owner = caller.user_id;
        if let Some(other) = input.owner_user_id
            && other != owner
        {
            return Err(Error::forbidden(
                29,
                "Not authorized to create an ad account for another user: 'owner_user_id' must be \
                 your own user id, or left out.",
            ));
        }
        if let Some(name) = &input.name {
            check_characters("name", name, TextKind::Name)?;
        }
        // The spec's maxLength holds for the name as sent; trimming comes after.
        if input
            .name
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
        {
            return Err(Error::invalid(format!(
                "Invalid ad account parameter: 'name' is longer than {MAX_NAME_CHARS} characters."
            )));
        }
        let name = match input.name.as_deref().map(str::trim) {
            None | Some("") => "Ad account".to_string(),
            Some(n) => n.to_string(),
        };
        let country = pick("country", input.country.as_deref(), COUNTRIES, "US")?;
        let currency = pick("currency", input.currency.as_deref(), CURRENCIES, "USD")?;
        Ok(self
            .store
            .create_ad_account(NewAdAccount {
                id: AdAccountId::random_short(),
                owner_id: owner,
                env: caller.env,
                name,
                country: country.to_string(),
                currency: currency.to_string(),
                created_at: self.clock.now(),
            })
            .await?)
    }

    pub async fn list(&self, caller: &Caller, page: PageRequest) -> Result<Listing<AdAccount>> {
        let owner = caller.user_id;
        self.pages
            .list(
                &page,
                ListKind::AdAccounts,
                owner.0,
                |cursor| async move {
                    Ok(self
                        .store
                        .list_ad_accounts(owner, caller.env, cursor)
                        .await?)
                },
                |a| a.seq,
            )
            .await
    }

    /// An ad account of the caller's: 404 when it does not exist in the caller's environment,
    /// 403 when it belongs to someone else (Pinterest tells the two apart).
    pub async fn get(&self, caller: &Caller, id: AdAccountId) -> Result<AdAccount> {
        let account = self
            .store
            .ad_account(caller.env, id)
            .await?
            .ok_or_else(not_found)?;
        if caller.user_id != account.owner_id {
            return Err(not_yours());
        }
        Ok(account)
    }

    /// An ad account by id alone, for what a signed link names (a report download): no caller
    /// to check, the signature stands for the caller's earlier check.
    pub async fn by_id(&self, env: Env, id: AdAccountId) -> Result<AdAccount> {
        self.store.ad_account(env, id).await?.ok_or_else(not_found)
    }

    /// Deletes an ad account and everything under it. Sandbox only, as on Pinterest.
    pub async fn delete_sandbox(&self, caller: &Caller, id: AdAccountId) -> Result<()> {
        if caller.env != Env::Sandbox {
            return Err(Error::forbidden(
                29,
                "Deleting an ad account is only available in Sandbox: call \
                 DELETE /sandbox/v5/ad_accounts/{ad_account_id}/sandbox with a Sandbox token \
                 (Pinterest: https://api-sandbox.pinterest.com/v5/...).",
            ));
        }
        let account = self.get(caller, id).await?;
        match self.store.delete_ad_account(caller.env, account.id).await {
            Ok(()) | Err(StoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The caller acting for an ad account's owner (Business Access). pinbox models no shared
    /// access, so only the owner may name an ad account; anyone else is refused.
    pub async fn act_for(&self, caller: Caller, ad_account: i64) -> Result<Caller> {
        self.get(&caller, AdAccountId(ad_account)).await?;
        Ok(caller)
    }
}
