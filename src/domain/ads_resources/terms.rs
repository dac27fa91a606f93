//! The terms of service an advertiser agrees to, as `GET .../terms_of_service` answers them: a
//! short stand-in for each of Pinterest's texts, in plain text or HTML.

/// Which terms a `tos_type` asks for. The spec documents no values: `LEAD_AD` (any case) asks
/// for the Lead Ad Terms, anything else for the Advertising Services Agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    AdvertisingServices,
    LeadAds,
}

impl Terms {
    pub fn for_type(tos_type: Option<&str>) -> Terms {
        match tos_type {
            Some(t) if t.eq_ignore_ascii_case("LEAD_AD") || t.eq_ignore_ascii_case("LEAD_ADS") => {
                Terms::LeadAds
            }
            _ => Terms::AdvertisingServices,
        }
    }

    /// The id of this version of the terms (the Advertising Services Agreement's is the spec's
    /// example).
    pub fn id(self) -> &'static str {
        match self {
            Terms::AdvertisingServices => "2650449554526",
            Terms::LeadAds => "2650449554533",
        }
    }

    /// Whether an ad account has accepted these terms. Its owner accepts the Advertising Services
    /// Agreement by opening it; the Lead Ad Terms are accepted with a lead form, which pinbox does
    /// not model, so never.
    pub fn accepted_with_ad_account(self) -> bool {
        self == Terms::AdvertisingServices
    }

    fn title(self) -> &'static str {
        match self {
            Terms::AdvertisingServices => "Pinterest Advertising Services Agreement",
            Terms::LeadAds => "Pinterest Lead Ad Terms",
        }
    }

    fn url(self) -> &'static str {
        match self {
            Terms::AdvertisingServices => {
                "https://business.pinterest.com/en/pinterest-advertising-services-agreement/"
            }
            Terms::LeadAds => "https://policy.pinterest.com/en/lead-ad-terms",
        }
    }

    fn paragraphs(self) -> &'static [&'static str] {
        match self {
            Terms::AdvertisingServices => &[
                "This is pinbox's stand-in for the agreement that governs advertising on \
                 Pinterest. The binding text is Pinterest's own, at the address below.",
                "You are responsible for your ads, their targeting and the destinations they link \
                 to, and for complying with Pinterest's advertising guidelines and the law.",
                "You pay for the ads you run as your ad account's billing settings say, in its \
                 currency.",
            ],
            Terms::LeadAds => &[
                "This is pinbox's stand-in for the terms that govern lead ads on Pinterest. The \
                 binding text is Pinterest's own, at the address below.",
                "You will use the personal information you receive through lead forms only as \
                 the privacy policy you link in the form says, and as the law allows.",
            ],
        }
    }

    /// The text, as HTML when `html`, else as plain text.
    pub fn text(self, html: bool) -> String {
        let (title, url, paragraphs) = (self.title(), self.url(), self.paragraphs());
        if html {
            let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
            format!("<h1>{title}</h1>{body}<p><a href=\"{url}\">{url}</a></p>")
        } else {
            format!("{title}\n\n{}\n\n{url}", paragraphs.join("\n\n"))
        }
    }
}
