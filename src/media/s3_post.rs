//! Amazon S3's browser-based POST upload, as Pinterest's media bucket speaks it: a base64 JSON
//! policy signed with AWS Signature Version 4 (`HMAC("AWS4" + secret, date)` → region → `s3` →
//! `aws4_request`, then the hex HMAC of the base64 policy), issued with a media upload and
//! verified on upload exactly as S3 does: the signature, the expiry, every condition, and no form
//! field the policy does not name. Errors carry S3's codes and messages, because the client on
//! the other end was written against S3.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::clock::Timestamp;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const REGION: &str = "us-east-1";
pub const SERVICE: &str = "s3";
/// The bucket name pinbox's upload endpoint answers for (the `bucket` condition of policies).
pub const BUCKET: &str = "pinbox-media-upload";

/// S3's error codes, as its XML error bodies spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S3Code {
    AccessDenied,
    SignatureDoesNotMatch,
    InvalidAccessKeyId,
    EntityTooLarge,
    EntityTooSmall,
    InvalidArgument,
    InvalidPolicyDocument,
    MalformedPOSTRequest,
    IncorrectNumberOfFilesInPostRequest,
    MaxPostPreDataLengthExceeded,
    InternalError,
    ServiceUnavailable,
}

impl S3Code {
    pub fn as_str(self) -> &'static str {
        match self {
            S3Code::AccessDenied => "AccessDenied",
            S3Code::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            S3Code::InvalidAccessKeyId => "InvalidAccessKeyId",
            S3Code::EntityTooLarge => "EntityTooLarge",
            S3Code::EntityTooSmall => "EntityTooSmall",
            S3Code::InvalidArgument => "InvalidArgument",
            S3Code::InvalidPolicyDocument => "InvalidPolicyDocument",
            S3Code::MalformedPOSTRequest => "MalformedPOSTRequest",
            S3Code::IncorrectNumberOfFilesInPostRequest => "IncorrectNumberOfFilesInPostRequest",
            S3Code::MaxPostPreDataLengthExceeded => "MaxPostPreDataLengthExceededError",
            S3Code::InternalError => "InternalError",
            S3Code::ServiceUnavailable => "ServiceUnavailable",
        }
    }
}

/// An S3 error: its code, message, and the extra elements S3 adds (`ProposedSize`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Error {
    pub code: S3Code,
    pub message: String,
    pub extra: Vec<(&'static str, String)>,
}

impl S3Error {
    pub fn new(code: S3Code, message: impl Into<String>) -> S3Error {
        S3Error {
            code,
            message: message.into(),
            extra: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> S3Error {
        self.extra.push((name, value.to_string()));
        self
    }

    fn policy(why: impl std::fmt::Display) -> S3Error {
        S3Error::new(
            S3Code::AccessDenied,
            format!("Invalid according to Policy: {why}"),
        )
    }

    pub fn missing_field(name: &str) -> S3Error {
        S3Error::new(
            S3Code::InvalidArgument,
            format!(
                "Bucket POST must contain a field named '{name}'.  If it is specified, please \
                 check the order of the fields."
            ),
        )
        .with("ArgumentName", name)
        .with("ArgumentValue", "")
    }

    pub fn too_large(proposed: u64, max: u64) -> S3Error {
        S3Error::new(
            S3Code::EntityTooLarge,
            "Your proposed upload exceeds the maximum allowed size",
        )
        .with("ProposedSize", proposed)
        .with("MaxSizeAllowed", max)
    }

    pub fn internal() -> S3Error {
        S3Error::new(
            S3Code::InternalError,
            "We encountered an internal error. Please try again.",
        )
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SigV4's signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `20261101T000000Z`, SigV4's `x-amz-date`.
pub fn amz_date(t: Timestamp) -> String {
    let dt = OffsetDateTime::from_unix_timestamp(t.seconds()).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    dt.format(format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .unwrap_or_else(|_| "19700101T000000Z".into())
}

/// `2026-11-01T01:00:00.000Z`, the policy's `expiration` as AWS's SDKs write it.
fn expiration_text(t: Timestamp) -> String {
    let dt = OffsetDateTime::from_unix_timestamp(t.seconds()).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    dt.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// What a policy allows: one key, one content type, a size range, until an instant.
#[derive(Debug, Clone)]
pub struct PolicyRequest {
    pub key: String,
    pub content_type: String,
    pub min_bytes: u64,
    pub max_bytes: u64,
    pub now: Timestamp,
    pub expires: Timestamp,
    pub security_token: String,
}

/// The form fields a client sends with its file, in the order Pinterest lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadForm {
    pub content_type: String,
    pub key: String,
    pub policy: String,
    pub algorithm: String,
    pub credential: String,
    pub date: String,
    pub security_token: String,
    pub signature: String,
}

/// What a verified policy lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPolicy {
    pub key: String,
    pub min_bytes: u64,
    pub max_bytes: u64,
}

/// Issues and verifies POST policies with one secret, the same on every replica.
#[derive(Clone)]
pub struct Signer {
    secret: String,
    access_key_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer whose secret access key comes from `key` (a shared secret of the store); the
    /// access key id is derived from it too, so it is stable and says nothing about the secret.
    pub fn new(key: [u8; 32]) -> Signer {
        let secret = STANDARD.encode(hmac(&key, b"pinbox s3 secret access key"));
        let id_bytes = Sha256::digest(hmac(&key, b"pinbox s3 access key id"));
        const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let tail: String = id_bytes[..16]
            .iter()
            .map(|b| ALPHABET[(*b as usize) % 32] as char)
            .collect();
        Signer {
            secret,
            access_key_id: format!("ASIA{tail}"),
        }
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The form fields for an upload under `req`.
    pub fn issue(&self, req: &PolicyRequest) -> UploadForm {
        let date = amz_date(req.now);
        let day = &date[..8];
        let credential = format!(
            "{}/{day}/{REGION}/{SERVICE}/aws4_request",
            self.access_key_id
        );
        let policy = json!({
            "expiration": expiration_text(req.expires),
            "conditions": [
                {"bucket": BUCKET},
                {"key": req.key},
                {"Content-Type": req.content_type},
                ["content-length-range", req.min_bytes, req.max_bytes],
                {"x-amz-algorithm": ALGORITHM},
                {"x-amz-credential": credential},
                {"x-amz-date": date},
                {"x-amz-security-token": req.security_token},
            ],
        });
        let policy = STANDARD.encode(policy.to_string());
        let signature = hex(&hmac(
            &signing_key(&self.secret, day, REGION, SERVICE),
            policy.as_bytes(),
        ));
        UploadForm {
            content_type: req.content_type.clone(),
            key: req.key.clone(),
            policy,
            algorithm: ALGORITHM.to_string(),
            credential,
            date,
            security_token: req.security_token.clone(),
            signature,
        }
    }

    /// Checks the text fields sent before the file as S3 does, at `now`. The size range it
    /// returns is checked by the caller while the file streams in.
    pub fn verify(
        &self,
        fields: &[(String, String)],
        now: Timestamp,
    ) -> Result<VerifiedPolicy, S3Error> {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let key = get("key").ok_or_else(|| S3Error::missing_field("key"))?;
        let policy_b64 = get("policy").ok_or_else(|| S3Error::missing_field("Policy"))?;
        let algorithm =
            get("x-amz-algorithm").ok_or_else(|| S3Error::missing_field("X-Amz-Algorithm"))?;
        let credential =
            get("x-amz-credential").ok_or_else(|| S3Error::missing_field("X-Amz-Credential"))?;
        get("x-amz-date").ok_or_else(|| S3Error::missing_field("X-Amz-Date"))?;
        let signature =
            get("x-amz-signature").ok_or_else(|| S3Error::missing_field("X-Amz-Signature"))?;
        if algorithm != ALGORITHM {
            return Err(S3Error::new(
                S3Code::InvalidArgument,
                format!("Only the {ALGORITHM} algorithm is supported for POST uploads."),
            )
            .with("ArgumentName", "x-amz-algorithm")
            .with("ArgumentValue", algorithm));
        }
        let parts: Vec<&str> = credential.split('/').collect();
        let [akid, day, region, service, terminator] = parts[..] else {
            return Err(S3Error::new(
                S3Code::InvalidArgument,
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; \
                 expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
            )
            .with("ArgumentName", "x-amz-credential")
            .with("ArgumentValue", credential));
        };
        if !bool::from(akid.as_bytes().ct_eq(self.access_key_id.as_bytes())) {
            return Err(S3Error::new(
                S3Code::InvalidAccessKeyId,
                "The AWS Access Key Id you provided does not exist in our records.",
            )
            .with("AWSAccessKeyId", akid));
        }
        let expected = hex(&hmac(
            &signing_key(&self.secret, day, region, service),
            policy_b64.as_bytes(),
        ));
        let matches = terminator == "aws4_request"
            && bool::from(
                expected
                    .as_bytes()
                    .ct_eq(signature.to_ascii_lowercase().as_bytes()),
            );
        if !matches {
            return Err(S3Error::new(
                S3Code::SignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. \
                 Check your key and signing method.",
            )
            .with("AWSAccessKeyId", akid));
        }
        let invalid = |why: &str| {
            S3Error::new(
                S3Code::InvalidPolicyDocument,
                format!("Invalid Policy: {why}"),
            )
        };
        let decoded = STANDARD
            .decode(policy_b64.as_bytes())
            .map_err(|_| invalid("Invalid Base64 encoding."))?;
        let policy: Value =
            serde_json::from_slice(&decoded).map_err(|_| invalid("Invalid JSON."))?;
        let expiration = policy["expiration"]
            .as_str()
            .and_then(Timestamp::parse_rfc3339)
            .ok_or_else(|| invalid("Invalid 'expiration' value."))?;
        if now >= expiration {
            return Err(S3Error::policy("Policy expired."));
        }
        let conditions = policy["conditions"]
            .as_array()
            .ok_or_else(|| invalid("Invalid 'conditions' value."))?;
        let mut named: Vec<String> = Vec::new();
        let mut range: Option<(u64, u64)> = None;
        for c in conditions {
            match c {
                Value::Object(map) if map.len() == 1 => {
                    let (name, value) = map.iter().next().expect("one entry");
                    let value = value
                        .as_str()
                        .ok_or_else(|| invalid("Invalid condition."))?;
                    let actual = if name.eq_ignore_ascii_case("bucket") {
                        Some(BUCKET)
                    } else {
                        get(name)
                    };
                    if actual != Some(value) {
                        return Err(S3Error::policy(format!(
                            "Policy Condition failed: [\"eq\", \"${name}\", \"{value}\"]"
                        )));
                    }
                    named.push(name.to_ascii_lowercase());
                }
                Value::Array(items) => {
                    let op = items.first().and_then(Value::as_str).unwrap_or("");
                    match op.to_ascii_lowercase().as_str() {
                        "content-length-range" => {
                            let min = items.get(1).and_then(Value::as_u64);
                            let max = items.get(2).and_then(Value::as_u64);
                            match (min, max) {
                                (Some(a), Some(b)) if a <= b => range = Some((a, b)),
                                _ => return Err(invalid("Invalid content-length-range.")),
                            }
                        }
                        "eq" | "starts-with" => {
                            let field = items
                                .get(1)
                                .and_then(Value::as_str)
                                .and_then(|f| f.strip_prefix('$'))
                                .ok_or_else(|| invalid("Invalid condition."))?;
                            let want = items
                                .get(2)
                                .and_then(Value::as_str)
                                .ok_or_else(|| invalid("Invalid condition."))?;
                            let actual = if field.eq_ignore_ascii_case("bucket") {
                                Some(BUCKET)
                            } else {
                                get(field)
                            };
                            let ok = match (op, actual) {
                                ("eq", Some(a)) => a == want,
                                (_, Some(a)) => a.starts_with(want),
                                (_, None) => false,
                            };
                            if !ok {
                                return Err(S3Error::policy(format!(
                                    "Policy Condition failed: [\"{op}\", \"${field}\", \"{want}\"]"
                                )));
                            }
                            named.push(field.to_ascii_lowercase());
                        }
                        _ => return Err(invalid("Invalid condition.")),
                    }
                }
                _ => return Err(invalid("Invalid condition.")),
            }
        }
        let extra: Vec<&str> = fields
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| {
                let k = k.to_ascii_lowercase();
                !matches!(k.as_str(), "policy" | "x-amz-signature" | "file")
                    && !k.starts_with("x-ignore-")
                    && !named.contains(&k)
            })
            .collect();
        if !extra.is_empty() {
            return Err(S3Error::policy(format!(
                "Extra input fields: {}",
                extra.join(", ")
            )));
        }
        let (min_bytes, max_bytes) = range.unwrap_or((0, u64::MAX));
        Ok(VerifiedPolicy {
            key: key.to_string(),
            min_bytes,
            max_bytes,
        })
    }
}

impl UploadForm {
    /// The fields in the order a client sends them (the file goes last).
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("x-amz-date", &self.date),
            ("x-amz-signature", &self.signature),
            ("x-amz-security-token", &self.security_token),
            ("x-amz-algorithm", &self.algorithm),
            ("key", &self.key),
            ("policy", &self.policy),
            ("x-amz-credential", &self.credential),
            ("Content-Type", &self.content_type),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_793_491_200_000); // 2026-11-01T00:00:00Z

    fn request() -> PolicyRequest {
        PolicyRequest {
            key: "uploads/ab/cd/ef/1:video:1:2".into(),
            content_type: "multipart/form-data".into(),
            min_bytes: 1,
            max_bytes: 1000,
            now: NOW,
            expires: NOW.plus(std::time::Duration::from_secs(3600)),
            security_token: "token".into(),
        }
    }

    fn as_fields(form: &UploadForm) -> Vec<(String, String)> {
        form.fields()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_signing_key_chain_matches_awss_published_example() {
        // From AWS's "Examples of how to derive a signing key for Signature Version 4".
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex(&key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn an_issued_form_verifies_and_names_its_limits() {
        let signer = Signer::new([7; 32]);
        let form = signer.issue(&request());
        assert_eq!(form.date, "20261101T000000Z");
        assert!(
            form.credential
                .ends_with("/20261101/us-east-1/s3/aws4_request")
        );
        assert_eq!(form.signature.len(), 64);
        let ok = signer.verify(&as_fields(&form), NOW).unwrap();
        assert_eq!(ok.key, "uploads/ab/cd/ef/1:video:1:2");
        assert_eq!((ok.min_bytes, ok.max_bytes), (1, 1000));
        let policy: Value =
            serde_json::from_slice(&STANDARD.decode(&form.policy).unwrap()).unwrap();
        assert_eq!(policy["expiration"], "2026-11-01T01:00:00.000Z");
    }

    #[test]
    fn another_secret_or_a_changed_policy_does_not_match() {
        let form = Signer::new([7; 32]).issue(&request());
        let mut other = Signer::new([8; 32]);
        other.access_key_id = Signer::new([7; 32]).access_key_id;
        let e = other.verify(&as_fields(&form), NOW).unwrap_err();
        assert_eq!(e.code, S3Code::SignatureDoesNotMatch);

        let signer = Signer::new([7; 32]);
        let mut tampered = form.clone();
        let mut policy: Value =
            serde_json::from_slice(&STANDARD.decode(&form.policy).unwrap()).unwrap();
        policy["conditions"][3][2] = json!(1_000_000_000);
        tampered.policy = STANDARD.encode(policy.to_string());
        let e = signer.verify(&as_fields(&tampered), NOW).unwrap_err();
        assert_eq!(e.code, S3Code::SignatureDoesNotMatch);

        let mut wrong_id = as_fields(&form);
        wrong_id[6].1 = wrong_id[6].1.replacen("ASIA", "AKIA", 1);
        let e = signer.verify(&wrong_id, NOW).unwrap_err();
        assert_eq!(e.code, S3Code::InvalidAccessKeyId);
    }

    #[test]
    fn every_condition_is_enforced_and_nothing_else_is_let_in() {
        let signer = Signer::new([7; 32]);
        let form = signer.issue(&request());
        let expired = signer
            .verify(
                &as_fields(&form),
                NOW.plus(std::time::Duration::from_secs(3600)),
            )
            .unwrap_err();
        assert_eq!(expired.code, S3Code::AccessDenied);
        assert_eq!(
            expired.message,
            "Invalid according to Policy: Policy expired."
        );

        let mut other_key = as_fields(&form);
        other_key[4].1 = "uploads/somebody/else".into();
        let e = signer.verify(&other_key, NOW).unwrap_err();
        assert_eq!(e.code, S3Code::AccessDenied);
        assert!(e.message.contains("[\"eq\", \"$key\""), "{}", e.message);

        let mut extra = as_fields(&form);
        extra.push(("acl".into(), "public-read".into()));
        let e = signer.verify(&extra, NOW).unwrap_err();
        assert_eq!(
            e.message,
            "Invalid according to Policy: Extra input fields: acl"
        );

        let mut ignored = as_fields(&form);
        ignored.push(("x-ignore-note".into(), "fine".into()));
        assert!(signer.verify(&ignored, NOW).is_ok());

        let mut missing = as_fields(&form);
        missing.retain(|(k, _)| k != "x-amz-security-token");
        let e = signer.verify(&missing, NOW).unwrap_err();
        assert!(e.message.contains("x-amz-security-token"), "{}", e.message);

        let mut no_key = as_fields(&form);
        no_key.retain(|(k, _)| k != "key");
        assert_eq!(
            signer.verify(&no_key, NOW).unwrap_err().code,
            S3Code::InvalidArgument
        );

        let mut case = as_fields(&form);
        case[6].0 = "X-Amz-Credential".into();
        assert!(
            signer.verify(&case, NOW).is_ok(),
            "field names are case-insensitive"
        );
    }
}
