//! The values ads may target, by the spec's `PublicTargetingType`: each a fixed sample of
//! Pinterest's list, keyed by the value a targeting spec takes and labelled as Pinterest labels it.

use crate::domain::ads_resources::countries::AD_COUNTRIES;
use crate::domain::ads_resources::interests::INTERESTS;

/// The spec's `PublicTargetingType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetingType {
    AppType,
    Gender,
    Locale,
    AgeBucket,
    Location,
    Geo,
    Interest,
    Keyword,
    AudienceInclude,
    AudienceExclude,
}

impl TargetingType {
    pub const NAMES: &'static [&'static str] = &[
        "APPTYPE",
        "GENDER",
        "LOCALE",
        "AGE_BUCKET",
        "LOCATION",
        "GEO",
        "INTEREST",
        "KEYWORD",
        "AUDIENCE_INCLUDE",
        "AUDIENCE_EXCLUDE",
    ];

    pub fn parse(s: &str) -> Option<TargetingType> {
        Some(match s {
            "APPTYPE" => TargetingType::AppType,
            "GENDER" => TargetingType::Gender,
            "LOCALE" => TargetingType::Locale,
            "AGE_BUCKET" => TargetingType::AgeBucket,
            "LOCATION" => TargetingType::Location,
            "GEO" => TargetingType::Geo,
            "INTEREST" => TargetingType::Interest,
            "KEYWORD" => TargetingType::Keyword,
            "AUDIENCE_INCLUDE" => TargetingType::AudienceInclude,
            "AUDIENCE_EXCLUDE" => TargetingType::AudienceExclude,
            _ => return None,
        })
    }
}

/// A targetable value and its label.
pub type TargetingOption = (&'static str, String);

/// The options of one type. Keywords and audiences belong to an advertiser's own ad groups and
/// audiences, which pinbox does not model, so there are none to offer.
pub fn options(kind: TargetingType) -> Vec<TargetingOption> {
    let fixed = |list: &[(&'static str, &'static str)]| -> Vec<TargetingOption> {
        list.iter().map(|&(k, v)| (k, v.to_string())).collect()
    };
    match kind {
        TargetingType::AppType => fixed(APP_TYPES),
        TargetingType::Gender => fixed(GENDERS),
        TargetingType::Locale => fixed(LOCALES),
        TargetingType::AgeBucket => fixed(AGE_BUCKETS),
        TargetingType::Location => AD_COUNTRIES
            .iter()
            .map(|c| (c.code, c.name.to_string()))
            .chain(US_METROS.iter().map(|&(k, v)| (k, format!("U.S.: {v}"))))
            .collect(),
        TargetingType::Geo => fixed(GEO_REGIONS),
        TargetingType::Interest => INTERESTS
            .iter()
            .map(|i| (i.id, i.name.to_string()))
            .collect(),
        TargetingType::Keyword
        | TargetingType::AudienceInclude
        | TargetingType::AudienceExclude => Vec::new(),
    }
}

/// The spec's `TargetingSpecAppType`.
const APP_TYPES: &[(&str, &str)] = &[
    ("android_mobile", "Android mobile"),
    ("android_tablet", "Android tablet"),
    ("ipad", "iPad"),
    ("iphone", "iPhone"),
    ("web", "Web"),
    ("web_mobile", "Mobile web"),
];

/// The spec's `TargetingSpecGender`.
const GENDERS: &[(&str, &str)] = &[
    ("female", "Female"),
    ("male", "Male"),
    ("unknown", "Unspecified"),
];

/// The spec's `TargetingSpecAgeBucket`.
const AGE_BUCKETS: &[(&str, &str)] = &[
    ("18-24", "18-24"),
    ("19+", "19+"),
    ("20+", "20+"),
    ("21+", "21+"),
    ("25-34", "25-34"),
    ("35-44", "35-44"),
    ("45-49", "45-49"),
    ("50-54", "50-54"),
    ("55-64", "55-64"),
    ("65+", "65+"),
];

/// The 24 languages the spec's `LOCALE` describes (ISO 639-1).
const LOCALES: &[(&str, &str)] = &[
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ms", "Malay"),
    ("nb", "Norwegian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sk", "Slovak"),
    ("sv", "Swedish"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
];

/// US Nielsen DMA codes (the spec's `LOCATION` metros), the largest markets and the spec's examples.
const US_METROS: &[(&str, &str)] = &[
    ("501", "New York"),
    ("803", "Los Angeles"),
    ("602", "Chicago"),
    ("504", "Philadelphia"),
    ("623", "Dallas-Ft. Worth"),
    ("807", "San Francisco-Oakland-San Jose"),
    ("511", "Washington, DC (Hagerstown, MD)"),
    ("618", "Houston"),
    ("506", "Boston (Manchester)"),
    ("524", "Atlanta"),
    ("539", "Tampa-St. Petersburg (Sarasota)"),
    ("753", "Phoenix (Prescott)"),
    ("505", "Detroit"),
    ("819", "Seattle-Tacoma"),
    ("613", "Minneapolis-St. Paul"),
    ("528", "Miami-Ft. Lauderdale"),
    ("751", "Denver"),
    ("534", "Orlando-Daytona Beach-Melbourne"),
    ("510", "Cleveland-Akron (Canton)"),
    ("862", "Sacramento-Stockton-Modesto"),
    ("609", "St. Louis"),
    ("820", "Portland, OR"),
    ("527", "Indianapolis"),
    ("825", "San Diego"),
    ("839", "Las Vegas"),
    ("635", "Austin"),
    ("770", "Salt Lake City"),
    ("659", "Nashville"),
    ("716", "Baton Rouge"),
    ("717", "Quincy-Hannibal-Keokuk"),
    ("811", "Reno"),
];

/// Region codes (ISO 3166-2), as the spec's `GEO` takes them.
const GEO_REGIONS: &[(&str, &str)] = &[
    ("US-CA", "United States: California"),
    ("US-FL", "United States: Florida"),
    ("US-IL", "United States: Illinois"),
    ("US-NY", "United States: New York"),
    ("US-TX", "United States: Texas"),
    ("US-WA", "United States: Washington"),
    ("CA-BC", "Canada: British Columbia"),
    ("CA-ON", "Canada: Ontario"),
    ("CA-QC", "Canada: Quebec"),
    ("GB-ENG", "United Kingdom: England"),
    ("GB-SCT", "United Kingdom: Scotland"),
    ("DE-BY", "Germany: Bavaria"),
    ("DE-BE", "Germany: Berlin"),
    ("FR-IDF", "France: Ile-de-France"),
    ("BE-VOV", "Belgium: East Flanders"),
    ("AU-NSW", "Australia: New South Wales"),
    ("AU-VIC", "Australia: Victoria"),
    ("BR-SP", "Brazil: Sao Paulo"),
    ("MX-CMX", "Mexico: Mexico City"),
    ("JP-13", "Japan: Tokyo"),
];
