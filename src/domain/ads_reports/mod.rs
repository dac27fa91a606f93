//! Asynchronous ads reports (`analytics/create_report`, `analytics/get_report`) and the
//! built-in report templates. A report is its validated request, kept in the store under a
//! random token; its status comes from the clock (`IN_PROGRESS` until `ready_after` has passed,
//! `FINISHED` for `lifetime`, then `EXPIRED`), never from a job. Its file is computed from the
//! stored request by `AdsAnalytics` when it is downloaded, through a link signed with a shared
//! key that expires like Pinterest's (five minutes) and needs no access token.

mod columns;
pub mod file;
pub mod request;
mod store;
pub mod templates;

pub use columns::REPORT_COLUMNS;
pub use request::{Format, ReportRequest};
pub use store::{ReportStore, StoredReport};

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use rand::RngExt;
use serde_json::Value;
use sha2::Sha256;

use crate::clock::{Clock, Timestamp};
use crate::domain::ad_accounts::AdAccounts;
use crate::domain::ads::AdsEntities;
use crate::domain::ads_analytics::AdsAnalytics;
use crate::domain::caller::Caller;
use crate::domain::engagement::format_date;
use crate::domain::ids::AdAccountId;
use crate::domain::storage::StoreError;
use crate::error::{Error, Result};
use templates::Template;

/// How long reports take and last.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// From creation to `FINISHED`.
    pub ready_after: Duration,
    /// From `FINISHED` to `EXPIRED` (Pinterest: "the report is valid for one hour").
    pub lifetime: Duration,
    /// How long a download link works (Pinterest: "the link is valid for five minutes").
    pub link_lifetime: Duration,
}

impl Default for ReportSettings {
    fn default() -> ReportSettings {
        ReportSettings {
            ready_after: Duration::from_secs(2),
            lifetime: Duration::from_secs(3600),
            link_lifetime: Duration::from_secs(300),
        }
    }
}

/// The spec's `BulkReportingJobStatus` values pinbox reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    InProgress,
    Finished,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "IN_PROGRESS",
            Status::Finished => "FINISHED",
            Status::Expired => "EXPIRED",
        }
    }
}

/// A finished report's download link: the path's file name and its query.
#[derive(Debug, Clone)]
pub struct Link {
    pub file: String,
    pub expires: i64,
    pub signature: String,
}

pub struct ReportState {
    pub status: Status,
    pub link: Option<Link>,
    pub size: Option<usize>,
}

/// A downloaded report's file.
pub struct ReportFile {
    pub bytes: Vec<u8>,
    pub format: Format,
}

/// Why a download link gives no file.
#[derive(Debug, PartialEq, Eq)]
pub enum DownloadRefusal {
    /// Not a link pinbox made, or its report is gone: 404.
    Unknown,
    /// The link or its report expired: 410.
    Expired,
}

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct AdsReports {
    store: Arc<dyn ReportStore>,
    clock: Clock,
    ad_accounts: AdAccounts,
    ads: AdsEntities,
    analytics: AdsAnalytics,
    settings: ReportSettings,
    link_key: Arc<Vec<u8>>,
}

fn not_found(token: &str) -> Error {
    Error::not_found(
        404,
        format!(
            "Report not found: this ad account has no report with token '{}'; use the token \
             analytics/create_report answered for this ad account.",
            token.chars().take(64).collect::<String>()
        ),
    )
}

impl AdsReports {
    pub fn new(
        store: Arc<dyn ReportStore>,
        clock: Clock,
        ad_accounts: AdAccounts,
        ads: AdsEntities,
        analytics: AdsAnalytics,
        link_key: Vec<u8>,
    ) -> AdsReports {
        AdsReports {
            store,
            clock,
            ad_accounts,
            ads,
            analytics,
            settings: ReportSettings::default(),
            link_key: Arc::new(link_key),
        }
    }

    /// With these delays and lifetimes instead of the defaults.
    pub fn with_settings(mut self, settings: ReportSettings) -> AdsReports {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> &ReportSettings {
        &self.settings
    }

    /// `analytics/create_report`: checks the request and keeps it; answers its token.
    pub async fn create(
        &self,
        caller: &Caller,
        account: AdAccountId,
        body: &Value,
    ) -> Result<String> {
        let account = self.ad_accounts.get(caller, account).await?;
        let request = request::parse(body, self.analytics.today())?;
        self.keep(account.id, caller, request).await
    }

    /// `analytics/create_template_report`: a report of a built-in template's request, over
    /// its relative range unless dates are given, at its granularity unless one is given.
    pub async fn create_from_template(
        &self,
        caller: &Caller,
        account: AdAccountId,
        template_id: &str,
        start_date: Option<String>,
        end_date: Option<String>,
        granularity: Option<String>,
    ) -> Result<String> {
        let account = self.ad_accounts.get(caller, account).await?;
        let template = templates::find(template_id).ok_or_else(|| {
            Error::not_found(
                404,
                format!(
                    "Template not found: '{}' is not one of this ad account's templates; list \
                     them with templates/list.",
                    template_id.chars().take(40).collect::<String>()
                ),
            )
        })?;
        let today = self.analytics.today();
        let start = start_date.unwrap_or_else(|| format_date(today - template.start_days_in_past));
        let end = end_date.unwrap_or_else(|| format_date(today - template.end_days_in_past));
        let granularity = granularity.unwrap_or_else(|| template.granularity.to_string());
        let body = template.request(&start, &end, &granularity);
        let mut request = request::parse(&body, today)?;
        request.template_id = Some(template.id.to_string());
        self.keep(account.id, caller, request).await
    }

    async fn keep(
        &self,
        account: AdAccountId,
        caller: &Caller,
        request: ReportRequest,
    ) -> Result<String> {
        let token = format!("{:032x}", rand::rng().random::<u128>());
        let now = self.clock.now();
        let ready_at = now.plus(self.settings.ready_after);
        let report = StoredReport {
            token: token.clone(),
            ad_account_id: account,
            env: caller.env,
            request: serde_json::to_string(&request).map_err(Error::internal)?,
            created_at: now,
            ready_at,
            expires_at: ready_at.plus(self.settings.lifetime),
        };
        self.store
            .create_report(report)
            .await
            .map_err(|e| match e {
                // The ad account deleted since it was checked: its usual 404.
                StoreError::NotFound(_) => Error::not_found(2, "AdAccount not found."),
                e => e.into(),
            })?;
        Ok(token)
    }

    /// The built-in templates, a page of them after `after` (a template id), ascending by id
    /// unless `descending`; and the next page's start.
    pub async fn templates(
        &self,
        caller: &Caller,
        account: AdAccountId,
        page_size: usize,
        after: Option<&str>,
        descending: bool,
    ) -> Result<(Vec<&'static Template>, Option<String>)> {
        self.ad_accounts.get(caller, account).await?;
        let mut all: Vec<&'static Template> = templates::TEMPLATES.iter().collect();
        if descending {
            all.reverse();
        }
        // An empty bookmark is the first page, as every other list takes it.
        let start = match after.filter(|b| !b.is_empty()) {
            None => 0,
            Some(b) => all.iter().position(|t| t.id == b).ok_or_else(|| {
                Error::invalid("Invalid ad account template parameters: 'bookmark' is not one templates/list answered; start again without it.")
            })?,
        };
        let page: Vec<&'static Template> =
            all.iter().skip(start).take(page_size).copied().collect();
        let next = all.get(start + page_size).map(|t| t.id.to_string());
        Ok((page, next))
    }

    /// `analytics/get_report`: the report's status, and when finished its link and size.
    pub async fn state(
        &self,
        caller: &Caller,
        account: AdAccountId,
        token: &str,
    ) -> Result<ReportState> {
        let account = self.ad_accounts.get(caller, account).await?;
        let report = self
            .store
            .report(token.to_string())
            .await?
            .filter(|r| r.ad_account_id == account.id && r.env == caller.env)
            .ok_or_else(|| not_found(token))?;
        let now = self.clock.now();
        let status = status_at(&report, now);
        if status != Status::Finished {
            return Ok(ReportState {
                status,
                link: None,
                size: None,
            });
        }
        let request = stored_request(&report)?;
        let file = self.file(&report, &request).await?;
        let expires = now
            .plus(self.settings.link_lifetime)
            .millis()
            .min(report.expires_at.millis())
            / 1000;
        Ok(ReportState {
            status,
            size: Some(file.bytes.len()),
            link: Some(Link {
                file: format!("{}.{}", report.token, request.format.extension()),
                expires,
                signature: self.sign(&report.token, expires),
            }),
        })
    }

    /// The file a download link names, if the link is pinbox's and still works.
    pub async fn download(
        &self,
        file: &str,
        expires: i64,
        signature: &str,
    ) -> Result<std::result::Result<ReportFile, DownloadRefusal>> {
        let Some((token, ext)) = file.rsplit_once('.') else {
            return Ok(Err(DownloadRefusal::Unknown));
        };
        if !self.verify(token, expires, signature) {
            return Ok(Err(DownloadRefusal::Unknown));
        }
        let Some(report) = self.store.report(token.to_string()).await? else {
            return Ok(Err(DownloadRefusal::Unknown));
        };
        let request = stored_request(&report)?;
        if request.format.extension() != ext {
            return Ok(Err(DownloadRefusal::Unknown));
        }
        let now = self.clock.now();
        if now.seconds() >= expires || status_at(&report, now) == Status::Expired {
            return Ok(Err(DownloadRefusal::Expired));
        }
        Ok(Ok(self.file(&report, &request).await?))
    }

    async fn file(&self, report: &StoredReport, request: &ReportRequest) -> Result<ReportFile> {
        let account = self
            .ad_accounts
            .by_id(report.env, report.ad_account_id)
            .await?;
        let entities = self.ads.entities_of(account.id).await?;
        let answer = self
            .analytics
            .answer(&account, entities, request.query.clone())
            .await?;
        Ok(ReportFile {
            bytes: file::render(&answer, request),
            format: request.format,
        })
    }

    fn mac(&self, token: &str, expires: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.link_key).expect("any key length works");
        mac.update(token.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    fn sign(&self, token: &str, expires: i64) -> String {
        self.mac(token, expires)
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn verify(&self, token: &str, expires: i64, signature: &str) -> bool {
        let Some(bytes) = hex_bytes(signature) else {
            return false;
        };
        self.mac(token, expires).verify_slice(&bytes).is_ok()
    }
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn status_at(report: &StoredReport, now: Timestamp) -> Status {
    if now < report.ready_at {
        Status::InProgress
    } else if now < report.expires_at {
        Status::Finished
    } else {
        Status::Expired
    }
}

fn stored_request(report: &StoredReport) -> Result<ReportRequest> {
    serde_json::from_str(&report.request).map_err(Error::internal)
}
