//! Validates JSON response bodies against Pinterest's OpenAPI 3.0.3 description, read from `../shared/pinterest-openapi/openapi.json` (or `$PINBOX_SPEC`); skips loudly when it is absent.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

/// How many schema-only steps (`$ref`, `allOf`, `oneOf`, ...) may follow one another without
/// descending into the data. Real schemas need a handful; only a schema cycle needs more.
const MAX_SCHEMA_HOPS: usize = 64;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub struct Spec {
    doc: Value,
    operations: Vec<SpecOperation>,
    /// operation id -> (path, method), to find the operation object again.
    by_id: HashMap<String, (String, String)>,
    /// `None` caches a pattern that does not compile, so it is reported only once.
    regexes: Mutex<HashMap<String, Option<Arc<fancy_regex::Regex>>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    pub operation_id: String,
    pub method: String,
    /// As in the spec, without the `/v5` server prefix, e.g. `/boards/{board_id}`.
    pub path: String,
    /// Each alternative security requirement: (scheme name, scopes).
    pub security: Vec<(String, Vec<String>)>,
    pub ratelimit_category: Option<String>,
    pub sandbox: Option<String>,
}

/// One schema violation; kept structured so that failing `oneOf`/`anyOf` members can be ranked.
#[derive(Debug, Clone)]
struct Violation {
    path: String,
    message: String,
}

impl Violation {
    fn render(&self) -> String {
        format!("{}: {}", self.path, self.message)
    }
}

/// Writes to the process's stderr directly: the test harness captures `eprintln!` per test and
/// shows it only for failures, which would hide the one warning that matters.
fn loud(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// `../shared` beside the repository: the testkit lives one level down, in `testkit/`.
fn spec_path() -> String {
    std::env::var("PINBOX_SPEC").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/pinterest-openapi/openapi.json"
        )
        .to_string()
    })
}

impl Spec {
    /// Loads the spec once per process. `None` (after one loud warning) when the file is absent,
    /// so that suites still run on machines without `../shared`.
    pub fn get() -> Option<&'static Spec> {
        static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
        SPEC.get_or_init(|| {
            let path = spec_path();
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if std::env::var_os("PINBOX_REQUIRE_SPEC").is_some() => {
                    panic!(
                        "PINBOX_REQUIRE_SPEC is set but Pinterest's OpenAPI spec could not be \
                         read at {path}: {e}"
                    )
                }
                Err(e) => {
                    let bar = "!".repeat(78);
                    loud(&format!(
                        "\n{bar}\n\
                         !! WARNING: Pinterest's OpenAPI spec could not be read.\n\
                         !!   looked at: {path}\n\
                         !!   error:     {e}\n\
                         !! ALL OPENAPI SCHEMA CHECKS ARE SKIPPED in this test binary.\n\
                         !! Check out ../shared beside the repository, or set PINBOX_SPEC\n\
                         !! to the path of openapi.json.\n\
                         {bar}"
                    ));
                    return None;
                }
            };
            // A present but broken spec is a real failure, not a reason to skip silently.
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"));
            Some(Spec::from_document(doc))
        })
        .as_ref()
    }

    /// Builds a validator over any OpenAPI 3.0 document; the self-tests use small made-up ones.
    pub fn from_document(doc: Value) -> Spec {
        let mut operations = Vec::new();
        let mut by_id = HashMap::new();
        let top_security = doc.get("security");
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for &method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let operation_id = op["operationId"].as_str().unwrap_or_default().to_string();
                // An operation without its own `security` inherits the document's.
                let requirements = op.get("security").or(top_security);
                let mut security = Vec::new();
                for requirement in requirements.and_then(Value::as_array).into_iter().flatten() {
                    for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                        let scopes = scopes
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect();
                        security.push((scheme.clone(), scopes));
                    }
                }
                by_id.insert(operation_id.clone(), (path.clone(), method.to_string()));
                operations.push(SpecOperation {
                    operation_id,
                    method: method.to_string(),
                    path: path.clone(),
                    security,
                    ratelimit_category: op["x-ratelimit-category"].as_str().map(str::to_string),
                    sandbox: op["x-sandbox"].as_str().map(str::to_string),
                });
            }
        }
        Spec {
            doc,
            operations,
            by_id,
            regexes: Mutex::new(HashMap::new()),
        }
    }

    pub fn document(&self) -> &Value {
        &self.doc
    }

    pub fn operations(&self) -> Vec<SpecOperation> {
        self.operations.clone()
    }

    pub fn operation(&self, operation_id: &str) -> Option<SpecOperation> {
        self.operations
            .iter()
            .find(|o| o.operation_id == operation_id)
            .cloned()
    }

    fn operation_object(&self, operation_id: &str) -> Option<&Value> {
        let (path, method) = self.by_id.get(operation_id)?;
        self.doc["paths"].get(path)?.get(method)
    }

    /// The scope descriptions of the `pinterest_oauth2` scheme, across all its flows.
    pub fn oauth_scopes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let flows = &self.doc["components"]["securitySchemes"]["pinterest_oauth2"]["flows"];
        for flow in flows.as_object().into_iter().flatten().map(|(_, f)| f) {
            for (scope, description) in flow["scopes"].as_object().into_iter().flatten() {
                if !out.iter().any(|(s, _)| s == scope) {
                    out.push((
                        scope.clone(),
                        description.as_str().unwrap_or_default().to_string(),
                    ));
                }
            }
        }
        out
    }

    /// The JSON schema documented for `status` (exact code, then `4XX`-style range, then
    /// `default`); `Ok(None)` when that answer is documented without a JSON body.
    pub fn response_schema(
        &self,
        operation_id: &str,
        status: u16,
    ) -> Result<Option<&Value>, String> {
        let op = self
            .operation_object(operation_id)
            .ok_or_else(|| format!("operation '{operation_id}' is not in the spec"))?;
        let responses = op["responses"]
            .as_object()
            .ok_or_else(|| format!("operation '{operation_id}' documents no responses"))?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = responses
            .get(&exact)
            .or_else(|| responses.get(&range))
            .or_else(|| responses.get(&range.to_lowercase()))
            .or_else(|| responses.get("default"))
            .ok_or_else(|| {
                let documented: Vec<&str> = responses.keys().map(String::as_str).collect();
                format!(
                    "operation '{operation_id}' does not document status {status} (documented: {})",
                    documented.join(", ")
                )
            })?;
        let (response, _) = self
            .resolve(response)
            .map_err(|e| format!("response {status} of '{operation_id}': {e}"))?;
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(None);
        };
        let media = content.get("application/json").or_else(|| {
            content
                .iter()
                .find(|(k, _)| {
                    let k = k.split(';').next().unwrap_or_default().trim();
                    k == "application/json" || k.ends_with("+json")
                })
                .map(|(_, v)| v)
        });
        Ok(media.and_then(|m| m.get("schema")))
    }

    pub fn validate_response(
        &self,
        operation_id: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        match self
            .response_schema(operation_id, status)
            .map_err(|e| vec![e])?
        {
            Some(schema) => self.validate_value(schema, body),
            None if body.is_null() => Ok(()),
            None => Err(vec![format!(
                "operation '{operation_id}' documents status {status} without a JSON body, \
                 but a body was given"
            )]),
        }
    }

    /// Validates against `#/components/schemas/<schema_name>`.
    pub fn validate_schema(&self, schema_name: &str, value: &Value) -> Result<(), Vec<String>> {
        let schema = self.doc["components"]["schemas"]
            .get(schema_name)
            .ok_or_else(|| vec![format!("the spec has no component schema '{schema_name}'")])?;
        self.validate_value(schema, value)
    }

    /// Validates against any schema object (which may `$ref` into this document).
    pub fn validate_value(&self, schema: &Value, value: &Value) -> Result<(), Vec<String>> {
        let mut violations = Vec::new();
        self.check(schema, value, "$", 0, &mut violations);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations.iter().map(Violation::render).collect())
        }
    }

    /// Follows a `$ref` chain to a schema, noting whether any hop said `nullable: true`:
    /// OpenAPI 3.0 ignores `$ref` siblings, but Pinterest writes `{"$ref": .., "nullable": true}`
    /// and means it.
    fn resolve<'a>(&'a self, mut node: &'a Value) -> Result<(&'a Value, bool), String> {
        let mut nullable = false;
        for _ in 0..MAX_SCHEMA_HOPS {
            nullable |= node.get("nullable") == Some(&Value::Bool(true));
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Ok((node, nullable));
            };
            node = self
                .lookup(reference)
                .ok_or_else(|| format!("cannot resolve $ref {reference:?}"))?;
        }
        Err("a $ref chain loops".to_string())
    }

    fn lookup(&self, reference: &str) -> Option<&Value> {
        let fragment = reference.strip_prefix('#')?;
        // serde_json's pointer undoes `~1` and `~0`; URI fragments may also be percent-encoded.
        self.doc.pointer(&percent_decode(fragment)?)
    }

    /// Whether null fits `schema`: `nullable` on the schema or on any `$ref` hop, an `allOf`
    /// whose members all admit null (so a single-member wrapper passes its member's verdict
    /// through), an `anyOf`/`oneOf` with a member that does, or a schema that constrains nothing.
    /// Unlike OpenAPI 3.0.3 to the letter, a typeless schema with `properties` rejects null:
    /// Pinterest leaves `type` off object schemas such as `BoardMedia` yet never means "or null".
    fn admits_null(&self, schema: &Value, hops: usize) -> bool {
        if hops > MAX_SCHEMA_HOPS {
            return false;
        }
        let Ok((s, nullable)) = self.resolve(schema) else {
            return false;
        };
        if nullable {
            return true;
        }
        let Some(obj) = s.as_object() else {
            return s != &Value::Bool(false);
        };
        if obj.contains_key("type") {
            return false;
        }
        let members = |key: &str| obj.get(key).and_then(Value::as_array);
        let composed = ["allOf", "anyOf", "oneOf"]
            .iter()
            .any(|k| members(k).is_some());
        if composed {
            let all = members("allOf")
                .is_none_or(|all| all.iter().all(|m| self.admits_null(m, hops + 1)));
            let some = |key| {
                members(key).is_none_or(|some| some.iter().any(|m| self.admits_null(m, hops + 1)))
            };
            return all && some("anyOf") && some("oneOf");
        }
        if let Some(options) = obj.get("enum").and_then(Value::as_array) {
            return options.contains(&Value::Null);
        }
        obj.keys().all(|k| is_annotation(k))
    }

    fn declared_type(&self, schema: &Value, hops: usize) -> Option<String> {
        if hops > MAX_SCHEMA_HOPS {
            return None;
        }
        let (s, _) = self.resolve(schema).ok()?;
        if let Some(t) = s.get("type").and_then(Value::as_str) {
            return Some(t.to_string());
        }
        if ["properties", "required", "additionalProperties"]
            .iter()
            .any(|k| s.get(k).is_some())
        {
            return Some("object".to_string());
        }
        if s.get("items").is_some() {
            return Some("array".to_string());
        }
        let single = |key| match s.get(key).and_then(Value::as_array) {
            Some(members) if members.len() == 1 => Some(&members[0]),
            _ => None,
        };
        single("allOf")
            .or_else(|| single("oneOf"))
            .or_else(|| single("anyOf"))
            .and_then(|m| self.declared_type(m, hops + 1))
    }

    /// `hops` counts schema-only steps since the last descent into the data, which bounds
    /// recursion by the depth of the data however the schemas refer to each other.
    fn check(&self, schema: &Value, v: &Value, path: &str, hops: usize, out: &mut Vec<Violation>) {
        let fail = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                path: path.to_string(),
                message,
            })
        };
        if hops > MAX_SCHEMA_HOPS {
            fail(
                out,
                "schemas nest too deeply without consuming data (a schema cycle?)".to_string(),
            );
            return;
        }
        let s = match self.resolve(schema) {
            Ok((s, _)) => s,
            Err(e) => return fail(out, format!("spec error: {e}")),
        };
        if v.is_null() {
            if !self.admits_null(schema, hops) {
                let expected = self
                    .declared_type(schema, hops)
                    .unwrap_or_else(|| "a non-null value".to_string());
                fail(out, format!("expected {expected}, got null"));
            }
            return;
        }
        let Some(obj) = s.as_object() else {
            if s == &Value::Bool(false) {
                fail(out, "no value is allowed here".to_string());
            }
            return;
        };

        if let Some(t) = obj.get("type").and_then(Value::as_str)
            && !type_matches(t, v)
        {
            // Further checks would only restate that the value is of the wrong kind.
            return fail(out, format!("expected {t}, got {}", describe(v)));
        }
        if let Some(options) = obj.get("enum").and_then(Value::as_array)
            && !options.iter().any(|o| json_eq(o, v))
        {
            fail(
                out,
                format!(
                    "{} is not one of {}",
                    preview(v),
                    preview(&Value::Array(options.clone()))
                ),
            );
        }

        for member in obj
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(member, v, path, hops + 1, out);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = obj.get(key).and_then(Value::as_array) {
                self.check_alternatives(obj, key, members, v, path, hops, out);
            }
        }
        if let Some(not) = obj.get("not") {
            let mut inner = Vec::new();
            self.check(not, v, path, hops + 1, &mut inner);
            if inner.is_empty() {
                fail(out, "matches the schema under 'not'".to_string());
            }
        }

        match v {
            Value::String(text) => self.check_string(obj, text, path, out),
            Value::Number(n) => check_number(obj, n, path, out),
            Value::Array(items) => self.check_array(obj, items, path, out),
            Value::Object(map) => self.check_object(obj, map, path, out),
            Value::Bool(_) | Value::Null => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_alternatives(
        &self,
        obj: &Map<String, Value>,
        key: &str,
        members: &[Value],
        v: &Value,
        path: &str,
        hops: usize,
        out: &mut Vec<Violation>,
    ) {
        if let Some(discriminator) = obj.get("discriminator")
            && let Some(map) = v.as_object()
        {
            return self.check_discriminated(discriminator, members, map, v, path, hops, out);
        }
        let results: Vec<Vec<Violation>> = members
            .iter()
            .map(|m| {
                let mut e = Vec::new();
                self.check(m, v, path, hops + 1, &mut e);
                e
            })
            .collect();
        let passing: Vec<usize> = (0..results.len())
            .filter(|&i| results[i].is_empty())
            .collect();
        if key == "oneOf" && passing.len() > 1 {
            let names: Vec<String> = passing
                .iter()
                .map(|&i| self.member_name(members, i))
                .collect();
            out.push(Violation {
                path: path.to_string(),
                message: format!(
                    "matches {} oneOf alternatives ({}), expected exactly one",
                    passing.len(),
                    names.join(", ")
                ),
            });
            return;
        }
        if !passing.is_empty() {
            return;
        }
        // The closest alternative is the one that failed least at this level: an alternative
        // rejected for its kind is a worse guess than one with a wrong nested field.
        let Some(best) = (0..results.len()).min_by_key(|&i| {
            let here = results[i].iter().filter(|e| e.path == path).count();
            (here, results[i].len())
        }) else {
            return;
        };
        out.push(Violation {
            path: path.to_string(),
            message: format!(
                "matches none of the {} {key} alternatives; the closest, {}, fails with:",
                members.len(),
                self.member_name(members, best)
            ),
        });
        out.extend(results[best].iter().cloned());
    }

    #[allow(clippy::too_many_arguments)]
    fn check_discriminated(
        &self,
        discriminator: &Value,
        members: &[Value],
        map: &Map<String, Value>,
        v: &Value,
        path: &str,
        hops: usize,
        out: &mut Vec<Violation>,
    ) {
        let prop = discriminator["propertyName"].as_str().unwrap_or_default();
        let fail = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                path: path.to_string(),
                message,
            })
        };
        let tag = match map.get(prop) {
            None => return fail(out, format!("missing discriminator property '{prop}'")),
            Some(Value::String(tag)) => tag,
            Some(other) => {
                return fail(
                    out,
                    format!(
                        "discriminator property '{prop}' must be a string, got {}",
                        describe(other)
                    ),
                );
            }
        };
        let target = match discriminator["mapping"].get(tag).and_then(Value::as_str) {
            // A mapping value may be a bare schema name rather than a reference.
            Some(r) if !r.contains('/') => Some(format!("#/components/schemas/{r}")),
            Some(r) => Some(r.to_string()),
            None => members.iter().find_map(|m| {
                let r = m.get("$ref")?.as_str()?;
                (r.rsplit('/').next() == Some(tag.as_str())).then(|| r.to_string())
            }),
        };
        let Some(target) = target else {
            let mut known: Vec<String> = discriminator["mapping"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            if known.is_empty() {
                known = (0..members.len())
                    .map(|i| self.member_name(members, i))
                    .collect();
            }
            return fail(
                out,
                format!(
                    "discriminator '{prop}' = {tag:?} names no alternative (known: {})",
                    known.join(", ")
                ),
            );
        };
        self.check(
            &serde_json::json!({ "$ref": target }),
            v,
            path,
            hops + 1,
            out,
        );
    }

    fn member_name(&self, members: &[Value], i: usize) -> String {
        let m = &members[i];
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            return r.rsplit('/').next().unwrap_or(r).to_string();
        }
        match m.get("title").and_then(Value::as_str) {
            Some(title) => format!("#{i} ({title})"),
            None => format!("#{i}"),
        }
    }

    fn check_string(
        &self,
        obj: &Map<String, Value>,
        text: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let mut fail = |message: String| {
            out.push(Violation {
                path: path.to_string(),
                message,
            })
        };
        let len = text.chars().count() as u64;
        if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            fail(format!("{len} characters, fewer than minLength {min}"));
        }
        if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            fail(format!("{len} characters, more than maxLength {max}"));
        }
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str)
            && let Some(re) = self.regex(pattern)
            // A match that exhausts the backtracking limit proves nothing either way.
            && matches!(re.is_match(text), Ok(false))
        {
            fail(format!(
                "{} does not match the pattern {pattern}",
                preview_str(text)
            ));
        }
        match obj.get("format").and_then(Value::as_str) {
            Some("date-time") if !is_rfc3339_date_time(text) => fail(format!(
                "{} is not an RFC 3339 date-time with a time zone",
                preview_str(text)
            )),
            Some("date") if !is_full_date(text) => {
                fail(format!("{} is not a YYYY-MM-DD date", preview_str(text)))
            }
            _ => {}
        }
    }

    fn check_array(
        &self,
        obj: &Map<String, Value>,
        items: &[Value],
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let len = items.len() as u64;
        let fail = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                path: path.to_string(),
                message,
            })
        };
        if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
            && len < min
        {
            fail(out, format!("{len} items, fewer than minItems {min}"));
        }
        if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
            && len > max
        {
            fail(out, format!("{len} items, more than maxItems {max}"));
        }
        if obj.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, a) in items.iter().enumerate() {
                if let Some(j) = items[..i].iter().position(|b| json_eq(a, b)) {
                    fail(out, format!("items {j} and {i} are equal (uniqueItems)"));
                }
            }
        }
        if let Some(item_schema) = obj.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{path}[{i}]"), 0, out);
            }
        }
    }

    fn check_object(
        &self,
        obj: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let fail = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                path: path.to_string(),
                message,
            })
        };
        for name in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(name) {
                fail(out, format!("missing required property '{name}'"));
            }
        }
        let count = map.len() as u64;
        if let Some(min) = obj.get("minProperties").and_then(Value::as_u64)
            && count < min
        {
            fail(
                out,
                format!("{count} properties, fewer than minProperties {min}"),
            );
        }
        if let Some(max) = obj.get("maxProperties").and_then(Value::as_u64)
            && count > max
        {
            fail(
                out,
                format!("{count} properties, more than maxProperties {max}"),
            );
        }
        let declared = obj.get("properties").and_then(Value::as_object);
        for (name, value) in map {
            let child = child_path(path, name);
            match declared.and_then(|p| p.get(name)) {
                Some(schema) => self.check(schema, value, &child, 0, out),
                None => match obj.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(Violation {
                        path: child,
                        message: "is not a declared property (additionalProperties: false)"
                            .to_string(),
                    }),
                    Some(extra @ Value::Object(_)) => self.check(extra, value, &child, 0, out),
                    _ => {}
                },
            }
        }
    }

    fn regex(&self, pattern: &str) -> Option<Arc<fancy_regex::Regex>> {
        let mut cache = self.regexes.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(pattern.to_string())
            .or_insert_with(|| match fancy_regex::Regex::new(pattern) {
                Ok(re) => Some(Arc::new(re)),
                Err(e) => {
                    loud(&format!(
                        "note: the spec pattern {pattern:?} does not compile ({e}); \
                         it is not checked"
                    ));
                    None
                }
            })
            .clone()
    }
}

/// Keywords that describe a schema without constraining values.
fn is_annotation(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "description"
                | "title"
                | "example"
                | "examples"
                | "default"
                | "readOnly"
                | "writeOnly"
                | "deprecated"
                | "externalDocs"
                | "xml"
                | "nullable"
                | "format"
        )
}

fn child_path(path: &str, name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{name}")
    } else {
        format!("{path}[{}]", Value::String(name.to_string()))
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Array(_) | Value::Object(_) => kind(v).to_string(),
        _ => format!("{} {}", kind(v), preview(v)),
    }
}

fn preview(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}

fn preview_str(s: &str) -> String {
    preview(&Value::String(s.to_string()))
}

/// JSON equality, where `1` and `1.0` are the same number (serde_json keeps them apart).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, a)| y.get(k).is_some_and(|b| json_eq(a, b)))
        }
        _ => a == b,
    }
}

fn check_number(
    obj: &Map<String, Value>,
    n: &serde_json::Number,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let Some(x) = n.as_f64() else { return };
    let mut fail = |message: String| {
        out.push(Violation {
            path: path.to_string(),
            message,
        })
    };
    // OpenAPI 3.0 writes exclusiveMinimum/Maximum as booleans beside minimum/maximum; the
    // numeric JSON Schema form is accepted too in case a schema was written that way.
    let bound = |key: &str, exclusive_key: &str| -> Option<(f64, bool)> {
        match (obj.get(key).and_then(Value::as_f64), obj.get(exclusive_key)) {
            (Some(b), Some(Value::Bool(e))) => Some((b, *e)),
            (Some(b), _) => Some((b, false)),
            (None, Some(Value::Number(e))) => e.as_f64().map(|e| (e, true)),
            (None, _) => None,
        }
    };
    if let Some((min, exclusive)) = bound("minimum", "exclusiveMinimum")
        && (x < min || (exclusive && x == min))
    {
        let rel = if exclusive { "at or below" } else { "below" };
        fail(format!("{n} is {rel} the minimum {min}"));
    }
    if let Some((max, exclusive)) = bound("maximum", "exclusiveMaximum")
        && (x > max || (exclusive && x == max))
    {
        let rel = if exclusive { "at or above" } else { "above" };
        fail(format!("{n} is {rel} the maximum {max}"));
    }
    if let Some(step) = obj.get("multipleOf").and_then(Value::as_f64)
        && step > 0.0
    {
        let q = x / step;
        if (q - q.round()).abs() > 1e-9 {
            fail(format!("{n} is not a multiple of {step}"));
        }
    }
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// RFC 3339 `full-date`: YYYY-MM-DD with a day that exists in that month.
fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: full-date, `T`, HH:MM:SS, optional fraction, then `Z` or ±HH:MM.
fn is_rfc3339_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !s.is_ascii() || !is_full_date(&s[..10]) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let t = &b[11..];
    if t[2] != b':' || t[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(&t[..2]), digits(&t[3..5]), digits(&t[6..8]))
    else {
        return false;
    };
    // 60 allows a leap second.
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &t[8..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        b"Z" | b"z" => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            matches!((digits(&[*h1, *h2]), digits(&[*m1, *m2])), (Some(h), Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

/// Panics with every violation and the pretty body unless `body` fits what the spec documents
/// for (`operation_id`, `status`); does nothing (after the one warning) without the spec.
pub fn assert_conforms(operation_id: &str, status: u16, body: &Value) {
    let Some(spec) = Spec::get() else { return };
    if let Err(errors) = spec.validate_response(operation_id, status, body) {
        let mut message = format!(
            "the {status} response of '{operation_id}' does not conform to Pinterest's OpenAPI spec:\n"
        );
        for e in &errors {
            let _ = writeln!(message, "  - {e}");
        }
        let _ = write!(
            message,
            "body:\n{}",
            serde_json::to_string_pretty(body).unwrap_or_default()
        );
        panic!("{message}");
    }
}
