//! Read-only views of an ad account's entities for other services (ads analytics): every
//! entity of every kind, whatever its status.

use crate::domain::ad_accounts::AdAccount;
use crate::domain::ads::AdsEntities;
use crate::domain::ads::entity::{Entity, EntityQuery};
use crate::domain::ads::kind::KindId;
use crate::domain::ads::status::ENTITY_STATUSES;
use crate::domain::caller::Caller;
use crate::domain::ids::AdAccountId;
use crate::domain::page::Cursor;
use crate::error::Result;

/// Every campaign, ad group and ad of one ad account, oldest first.
#[derive(Debug, Clone, Default)]
pub struct AccountEntities {
    pub campaigns: Vec<Entity>,
    pub ad_groups: Vec<Entity>,
    pub ads: Vec<Entity>,
}

/// More entities of one kind than an ad account may hold; a read asks for all of them.
const ALL: u32 = 1_000_000;

impl AdsEntities {
    /// The caller's ad account and all its entities (the caller's access is checked as for any
    /// read).
    pub async fn everything(
        &self,
        caller: &Caller,
        account: AdAccountId,
    ) -> Result<(AdAccount, AccountEntities)> {
        let account = self.ad_accounts.get(caller, account).await?;
        let out = self.entities_of(account.id).await?;
        Ok((account, out))
    }

    /// Every entity of an ad account already checked (or named by a signed report link).
    pub async fn entities_of(&self, account: AdAccountId) -> Result<AccountEntities> {
        let mut out = AccountEntities::default();
        for (kind, into) in [
            (KindId::Campaign, &mut out.campaigns),
            (KindId::AdGroup, &mut out.ad_groups),
            (KindId::Ad, &mut out.ads),
        ] {
            let mut query = EntityQuery::new(kind, account);
            query.statuses = ENTITY_STATUSES.iter().map(|s| s.to_string()).collect();
            query.ascending = true;
            *into = self
                .store
                .list_entities(
                    query,
                    Cursor {
                        after: None,
                        limit: ALL,
                    },
                )
                .await?;
        }
        Ok(out)
    }
}
