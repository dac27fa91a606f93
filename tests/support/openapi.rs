//! Validates JSON answers against the response schemas of Pinterest's OpenAPI 3.0 description
//! (`../shared/pinterest-openapi/openapi.json`), handling OpenAPI's `nullable`, `allOf`, `anyOf`
//! and `oneOf` with discriminators. When the file is absent it says so loudly, once, and skips.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};

pub struct Spec {
    doc: Value,
    regexes: Mutex<HashMap<String, Option<fancy_regex::Regex>>>,
}

#[derive(Debug, Clone)]
pub struct SpecOperation {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub security: Vec<(String, Vec<String>)>,
    pub ratelimit_category: Option<String>,
    pub sandbox: Option<String>,
}

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

fn spec_path() -> String {
    std::env::var("PINBOX_SPEC").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/pinterest-openapi/openapi.json"
        )
        .to_string()
    })
}

impl Spec {
    pub fn get() -> Option<&'static Spec> {
        static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
        SPEC.get_or_init(|| {
            let path = spec_path();
            match std::fs::read_to_string(&path) {
                Ok(text) => Some(Spec {
                    doc: serde_json::from_str(&text).expect("the spec is valid JSON"),
                    regexes: Mutex::new(HashMap::new()),
                }),
                Err(e) => {
                    eprintln!(
                        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                         !! Pinterest's OpenAPI spec was not found at {path}: {e}\n\
                         !! Response SCHEMA CHECKS ARE SKIPPED. Put ../shared beside the checkout\n\
                         !! or set PINBOX_SPEC to the spec's path.\n\
                         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    );
                    None
                }
            }
        })
        .as_ref()
    }

    pub fn operations(&self) -> Vec<SpecOperation> {
        let mut out = Vec::new();
        let Some(paths) = self.doc["paths"].as_object() else {
            return out;
        };
        for (path, item) in paths {
            for &method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(self.describe(path, method, op));
                }
            }
        }
        out
    }

    pub fn operation(&self, operation_id: &str) -> Option<SpecOperation> {
        self.operations()
            .into_iter()
            .find(|o| o.operation_id == operation_id)
    }

    fn describe(&self, path: &str, method: &str, op: &Value) -> SpecOperation {
        let mut security = Vec::new();
        for req in op["security"].as_array().into_iter().flatten() {
            for (scheme, scopes) in req.as_object().into_iter().flatten() {
                let scopes = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect();
                security.push((scheme.clone(), scopes));
            }
        }
        SpecOperation {
            operation_id: op["operationId"].as_str().unwrap_or_default().to_string(),
            method: method.to_string(),
            path: path.to_string(),
            security,
            ratelimit_category: op["x-ratelimit-category"].as_str().map(str::to_string),
            sandbox: op["x-sandbox"].as_str().map(str::to_string),
        }
    }

    fn operation_object(&self, operation_id: &str) -> Option<&Value> {
        for item in self.doc["paths"].as_object()?.values() {
            for &method in METHODS {
                if let Some(op) = item.get(method)
                    && op["operationId"] == operation_id
                {
                    return Some(op);
                }
            }
        }
        None
    }

    pub fn oauth_scopes(&self) -> Vec<(String, String)> {
        self.doc["components"]["securitySchemes"]["pinterest_oauth2"]["flows"]["authorizationCode"]
            ["scopes"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    }

    /// The JSON schema of the documented answer for `status`, if the answer is documented.
    pub fn response_schema(
        &self,
        operation_id: &str,
        status: u16,
    ) -> Result<Option<&Value>, String> {
        let op = self
            .operation_object(operation_id)
            .ok_or_else(|| format!("operation {operation_id} is not in the spec"))?;
        let responses = op["responses"]
            .as_object()
            .ok_or_else(|| format!("{operation_id} has no responses"))?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = responses
            .get(&exact)
            .or_else(|| responses.get(&range))
            .or_else(|| responses.get(&range.to_lowercase()))
            .or_else(|| responses.get("default"))
            .ok_or_else(|| format!("{operation_id} does not document status {status}"))?;
        let response = self.resolve(response);
        Ok(response["content"]["application/json"]
            .get("schema")
            .map(|s| self.resolve(s)))
    }

    pub fn validate_response(
        &self,
        operation_id: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let schema = self
            .response_schema(operation_id, status)
            .map_err(|e| vec![e])?;
        match schema {
            Some(schema) => {
                let mut errors = Vec::new();
                self.check(schema, body, "$", &mut errors, 0);
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(errors)
                }
            }
            None if body.is_null() => Ok(()),
            None => Err(vec![format!(
                "{operation_id} documents status {status} without a JSON body, but one was sent"
            )]),
        }
    }

    pub fn validate_schema(&self, schema_name: &str, value: &Value) -> Result<(), Vec<String>> {
        let schema = self.doc["components"]["schemas"]
            .get(schema_name)
            .ok_or_else(|| vec![format!("no schema {schema_name}")])?;
        let mut errors = Vec::new();
        self.check(schema, value, "$", &mut errors, 0);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return v;
            };
            let pointer = r.strip_prefix('#').unwrap_or(r);
            match self.doc.pointer(pointer) {
                Some(target) => v = target,
                None => return v,
            }
        }
        v
    }

    /// Whether `schema` (through `$ref`s and single-member wrappers) admits null.
    fn nullable(&self, schema: &Value) -> bool {
        let s = self.resolve(schema);
        if s["nullable"] == true {
            return true;
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = s[key].as_array()
                && members.iter().any(|m| self.nullable(m))
                && key != "allOf"
            {
                return true;
            }
            if key == "allOf"
                && let Some(members) = s[key].as_array()
                && members.len() == 1
                && self.nullable(&members[0])
            {
                return true;
            }
        }
        false
    }

    fn check(&self, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>, depth: usize) {
        if depth > 64 {
            return;
        }
        let s = self.resolve(schema);
        let Some(obj) = s.as_object() else { return };
        if v.is_null() {
            if !self.nullable(s) && !admits_anything(obj) {
                errors.push(format!(
                    "{path}: is null but the schema does not allow null"
                ));
            }
            return;
        }
        if let Some(members) = obj.get("allOf").and_then(Value::as_array) {
            for m in members {
                self.check(m, v, path, errors, depth + 1);
            }
        }
        if let Some(members) = obj.get("anyOf").and_then(Value::as_array) {
            let results: Vec<Vec<String>> = members
                .iter()
                .map(|m| self.errors_of(m, v, path, depth))
                .collect();
            if !results.iter().any(Vec::is_empty) {
                errors.push(format!("{path}: matches none of anyOf"));
                if let Some(best) = results.into_iter().min_by_key(Vec::len) {
                    errors.extend(best);
                }
            }
        }
        if let Some(members) = obj.get("oneOf").and_then(Value::as_array) {
            self.check_one_of(obj, members, v, path, errors, depth);
        }
        if let Some(t) = obj.get("type").and_then(Value::as_str)
            && !type_matches(t, v)
        {
            errors.push(format!("{path}: expected {t}, got {}", kind(v)));
            return;
        }
        if let Some(options) = obj.get("enum").and_then(Value::as_array)
            && !options.contains(v)
        {
            errors.push(format!(
                "{path}: {v} is not one of {}",
                Value::Array(options.clone())
            ));
        }
        match v {
            Value::String(text) => self.check_string(obj, text, path, errors),
            Value::Number(n) => check_number(obj, n.as_f64().unwrap_or(0.0), path, errors),
            Value::Array(items) => {
                let len = items.len() as u64;
                if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
                    && len < min
                {
                    errors.push(format!("{path}: {len} items, fewer than {min}"));
                }
                if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
                    && len > max
                {
                    errors.push(format!("{path}: {len} items, more than {max}"));
                }
                if obj.get("uniqueItems") == Some(&Value::Bool(true)) {
                    for (i, a) in items.iter().enumerate() {
                        if items[..i].contains(a) {
                            errors.push(format!("{path}[{i}]: repeats an earlier item"));
                        }
                    }
                }
                if let Some(item_schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(
                            item_schema,
                            item,
                            &format!("{path}[{i}]"),
                            errors,
                            depth + 1,
                        );
                    }
                }
            }
            Value::Object(map) => self.check_object(obj, map, path, errors, depth),
            _ => {}
        }
    }

    fn errors_of(&self, schema: &Value, v: &Value, path: &str, depth: usize) -> Vec<String> {
        let mut e = Vec::new();
        self.check(schema, v, path, &mut e, depth + 1);
        e
    }

    fn check_one_of(
        &self,
        obj: &Map<String, Value>,
        members: &[Value],
        v: &Value,
        path: &str,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        if let Some(disc) = obj.get("discriminator") {
            let prop = disc["propertyName"].as_str().unwrap_or_default();
            let Some(tag) = v.get(prop).and_then(Value::as_str) else {
                errors.push(format!("{path}: the discriminator '{prop}' is missing"));
                return;
            };
            let target = disc["mapping"]
                .get(tag)
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    members.iter().find_map(|m| {
                        let r = m.get("$ref")?.as_str()?;
                        (r.rsplit('/').next() == Some(tag)).then(|| r.to_string())
                    })
                });
            match target {
                Some(r) => {
                    let schema = serde_json::json!({ "$ref": r });
                    self.check(&schema, v, path, errors, depth + 1);
                }
                None => errors.push(format!(
                    "{path}: discriminator '{prop}' = {tag:?} names no schema"
                )),
            }
            return;
        }
        let results: Vec<Vec<String>> = members
            .iter()
            .map(|m| self.errors_of(m, v, path, depth))
            .collect();
        let passing = results.iter().filter(|r| r.is_empty()).count();
        if passing == 0 {
            errors.push(format!("{path}: matches none of oneOf"));
            if let Some(best) = results.into_iter().min_by_key(Vec::len) {
                errors.extend(best);
            }
        } else if passing > 1 {
            errors.push(format!(
                "{path}: matches {passing} members of oneOf, not exactly one"
            ));
        }
    }

    fn check_object(
        &self,
        obj: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        for req in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = req.as_str()
                && !map.contains_key(name)
            {
                errors.push(format!("{path}: missing required property '{name}'"));
            }
        }
        let props = obj.get("properties").and_then(Value::as_object);
        for (name, value) in map {
            let child = format!("{path}.{name}");
            match props.and_then(|p| p.get(name)) {
                Some(prop_schema) => self.check(prop_schema, value, &child, errors, depth + 1),
                None => match obj.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!(
                        "{child}: is not allowed (additionalProperties: false)"
                    )),
                    Some(extra @ Value::Object(_)) => {
                        self.check(extra, value, &child, errors, depth + 1)
                    }
                    _ => {}
                },
            }
        }
    }

    fn check_string(
        &self,
        obj: &Map<String, Value>,
        text: &str,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        let len = text.chars().count() as u64;
        if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            errors.push(format!("{path}: {len} characters, fewer than {min}"));
        }
        if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            errors.push(format!("{path}: {len} characters, more than {max}"));
        }
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str)
            && let Some(re) = self.regex(pattern)
            && !re.is_match(text).unwrap_or(true)
        {
            errors.push(format!("{path}: {text:?} does not match {pattern}"));
        }
        match obj.get("format").and_then(Value::as_str) {
            Some("date-time") if !is_rfc3339(text) => {
                errors.push(format!("{path}: {text:?} is not an RFC 3339 date-time"))
            }
            Some("date") if !is_date(text) => {
                errors.push(format!("{path}: {text:?} is not a YYYY-MM-DD date"))
            }
            _ => {}
        }
    }

    fn regex(&self, pattern: &str) -> Option<fancy_regex::Regex> {
        let mut cache = self.regexes.lock().unwrap();
        cache
            .entry(pattern.to_string())
            .or_insert_with(|| match fancy_regex::Regex::new(pattern) {
                Ok(re) => Some(re),
                Err(e) => {
                    eprintln!(
                        "note: ignoring the spec pattern {pattern:?}, which does not compile: {e}"
                    );
                    None
                }
            })
            .clone()
    }
}

/// A schema with no constraints at all (only descriptions): any value, null included, fits.
fn admits_anything(obj: &Map<String, Value>) -> bool {
    ![
        "type",
        "properties",
        "items",
        "enum",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
    ]
    .iter()
    .any(|k| obj.contains_key(*k))
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => {
            v.as_i64().is_some()
                || v.as_u64().is_some()
                || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
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

fn check_number(obj: &Map<String, Value>, n: f64, path: &str, errors: &mut Vec<String>) {
    let exclusive_min = obj.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let exclusive_max = obj.get("exclusiveMaximum") == Some(&Value::Bool(true));
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
        && (n < min || (exclusive_min && n == min))
    {
        errors.push(format!("{path}: {n} is below the minimum {min}"));
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
        && (n > max || (exclusive_max && n == max))
    {
        errors.push(format!("{path}: {n} is above the maximum {max}"));
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

/// RFC 3339: a date, `T`, a time with optional fraction, and a required `Z` or offset.
fn is_rfc3339(s: &str) -> bool {
    if s.len() < 20 || !is_date(&s[..10]) || !matches!(s.as_bytes()[10], b'T' | b't') {
        return false;
    }
    let rest = &s[11..];
    let b = rest.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..2) && digits(3..5) && digits(6..8)) {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &rest[i..] {
        "Z" | "z" => true,
        off => {
            let o = off.as_bytes();
            o.len() == 6
                && (o[0] == b'+' || o[0] == b'-')
                && o[3] == b':'
                && o[1..3].iter().all(u8::is_ascii_digit)
                && o[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

/// Panics with every violation (and the body) unless `body` fits the documented answer.
pub fn assert_conforms(operation_id: &str, status: u16, body: &Value) {
    let Some(spec) = Spec::get() else { return };
    if let Err(errors) = spec.validate_response(operation_id, status, body) {
        panic!(
            "the {status} answer of {operation_id} does not match Pinterest's spec:\n  {}\nbody: {}",
            errors.join("\n  "),
            serde_json::to_string_pretty(body).unwrap_or_default()
        );
    }
}
