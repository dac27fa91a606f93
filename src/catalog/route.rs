//! Which operation of the spec a method and path name, served or not: the gateway forwards
//! every operation of Pinterest's API, so it matches against the whole spec.

use crate::catalog::{SPEC_OPERATIONS, SpecOperation};

/// The spec operation for `method` and `path` (without the `/v5` prefix), preferring the
/// template with the most literal segments (`/pins/analytics` over `/pins/{pin_id}`).
pub fn spec_operation(method: &str, path: &str) -> Option<&'static SpecOperation> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    SPEC_OPERATIONS
        .iter()
        .filter(|op| op.method.as_str().eq_ignore_ascii_case(method))
        .filter_map(|op| {
            let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literals = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literals += 1;
                } else {
                    return None;
                }
            }
            Some((literals, op))
        })
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, op)| op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_operation_literal_segments_first() {
        let id = |m, p| spec_operation(m, p).map(|o| o.id);
        assert_eq!(id("GET", "/pins/123"), Some("pins/get"));
        assert_eq!(id("GET", "/pins/analytics"), Some("multi_pins/analytics"));
        assert_eq!(id("DELETE", "/boards/9/"), Some("boards/delete"));
        assert_eq!(id("GET", "/catalogs"), Some("catalogs/list"));
        assert_eq!(id("PUT", "/pins/123"), None);
        assert_eq!(id("GET", "/nowhere"), None);
        assert_eq!(id("POST", "/pins/123/save/more"), None);
    }
}
