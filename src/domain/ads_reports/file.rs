//! A report's file, made from an analytics answer: JSON (rows grouped under each entity's id,
//! or each date for `BY_DATE`, as Pinterest's report files are) or CSV (a header, then one line
//! per row, metrics zero-filled).

use serde_json::{Map, Value};

use crate::domain::ads_analytics::{Answer, Row};
use crate::domain::ads_delivery::Counter;
use crate::domain::ads_reports::request::{Format, ReportRequest};
use crate::domain::engagement::format_date;

/// The rows a report keeps: within the hours asked for and passing the metric filters.
fn kept<'a>(answer: &'a Answer, request: &'a ReportRequest) -> impl Iterator<Item = &'a Row> {
    let (start, end) = (request.query.start, request.query.end);
    answer.rows.iter().filter(move |r| {
        let hour_ok = match (r.date, r.hour) {
            (Some(d), Some(h)) => {
                let before = d == start && request.start_hour.is_some_and(|s| h < s);
                let after = d == end && request.end_hour.is_some_and(|e| h >= e);
                !before && !after
            }
            _ => true,
        };
        hour_ok
            && request.metrics_filters.iter().all(|f| {
                let v = match f.field.as_str() {
                    "SPEND_IN_DOLLAR" => r.counts.get(Counter::Spend) as f64 / 1_000_000.0,
                    _ => r.counts.get(Counter::Impressions) as f64,
                };
                if f.greater_than {
                    v > f.value
                } else {
                    v < f.value
                }
            })
    })
}

fn row_json(answer: &Answer, row: &Row) -> Map<String, Value> {
    let mut out = answer.row_json(row);
    if let Some((kind, value)) = &row.targeting {
        out.insert("TARGETING_TYPE".into(), kind.clone().into());
        out.insert("TARGETING_VALUE".into(), value.clone().into());
    }
    out
}

/// The file's bytes.
pub fn render(answer: &Answer, request: &ReportRequest) -> Vec<u8> {
    match request.format {
        Format::Json => json(answer, request),
        Format::Csv => csv(answer, request),
    }
}

fn json(answer: &Answer, request: &ReportRequest) -> Vec<u8> {
    let key = request.query.level.key();
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    let mut rows: Vec<&Row> = kept(answer, request).collect();
    if request.by_date {
        rows.sort_by_key(|r| (r.date, r.hour));
    }
    for row in rows {
        let object = row_json(answer, row);
        let group = match (request.by_date, row.date) {
            (true, Some(d)) => format_date(d),
            _ => object
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, items)) => items.push(Value::Object(object)),
            None => groups.push((group, vec![Value::Object(object)])),
        }
    }
    let map: Map<String, Value> = groups
        .into_iter()
        .map(|(g, items)| (g, Value::Array(items)))
        .collect();
    serde_json::to_vec(&Value::Object(map)).unwrap_or_default()
}

fn cell(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv(answer: &Answer, request: &ReportRequest) -> Vec<u8> {
    let q = &request.query;
    let mut header: Vec<String> = vec![q.level.key().to_string()];
    if q.granularity.as_str() != "TOTAL" {
        header.push("DATE".into());
    }
    if q.granularity.as_str() == "HOUR" {
        header.push("HOUR".into());
    }
    if !q.targeting_types.is_empty() {
        header.push("TARGETING_TYPE".into());
        header.push("TARGETING_VALUE".into());
    }
    for c in &q.columns {
        if !header.contains(c) {
            header.push(c.clone());
        }
    }
    let mut rows: Vec<&Row> = kept(answer, request).collect();
    if request.by_date {
        rows.sort_by_key(|r| (r.date, r.hour));
    }
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        let object = row_json(answer, row);
        let line: Vec<String> = header.iter().map(|h| cell(object.get(h))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}
