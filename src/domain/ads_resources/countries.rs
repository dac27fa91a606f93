//! The countries an ad account may be opened in, with the currency it bills in: a fixed sample of
//! Pinterest's list, whose currencies are all in the spec's `Currency` enum.

/// One country of `GET /v5/resources/ad_account_countries`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdCountry {
    /// ISO 3166-1 alpha-2, one of the spec's `AdCountry` values.
    pub code: &'static str,
    pub name: &'static str,
    /// ISO 4217, one of the spec's `Currency` values (what `ad_accounts/create` accepts).
    pub currency: &'static str,
}

const fn c(code: &'static str, name: &'static str, currency: &'static str) -> AdCountry {
    AdCountry {
        code,
        name,
        currency,
    }
}

/// In the order Pinterest lists them: the United States first, then by name.
pub const AD_COUNTRIES: &[AdCountry] = &[
    c("US", "United States of America", "USD"),
    c("AR", "Argentina", "ARS"),
    c("AU", "Australia", "AUD"),
    c("AT", "Austria", "EUR"),
    c("BE", "Belgium", "EUR"),
    c("BR", "Brazil", "BRL"),
    c("CA", "Canada", "CAD"),
    c("CL", "Chile", "CLP"),
    c("CO", "Colombia", "COP"),
    c("CY", "Cyprus", "EUR"),
    c("CZ", "Czech Republic", "CZK"),
    c("DK", "Denmark", "DKK"),
    c("FI", "Finland", "EUR"),
    c("FR", "France", "EUR"),
    c("DE", "Germany", "EUR"),
    c("GR", "Greece", "EUR"),
    c("HU", "Hungary", "HUF"),
    c("IE", "Ireland", "EUR"),
    c("IT", "Italy", "EUR"),
    c("JP", "Japan", "JPY"),
    c("LU", "Luxembourg", "EUR"),
    c("MT", "Malta", "EUR"),
    c("MX", "Mexico", "MXN"),
    c("NL", "Netherlands", "EUR"),
    c("NZ", "New Zealand", "NZD"),
    c("NO", "Norway", "NOK"),
    c("PL", "Poland", "PLN"),
    c("PT", "Portugal", "EUR"),
    c("RO", "Romania", "RON"),
    c("SK", "Slovakia", "EUR"),
    c("ES", "Spain", "EUR"),
    c("SE", "Sweden", "SEK"),
    c("CH", "Switzerland", "CHF"),
    c("GB", "United Kingdom", "GBP"),
];
