//! An agent's call in plain English, for the audit log: "created Pin 'Summer salad' on board
//! 'Recipes'", "tried to delete board 'Recipes'".

/// How the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Allowed and answered with success.
    Done,
    /// Refused by the agent's grants before it reached the operation.
    Denied,
    /// Allowed, but the operation answered an error.
    Failed,
}

/// What the call touched, as far as it is known: the object's name (or id), and the board it is
/// on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub subject: Option<String>,
    pub board: Option<String>,
}

impl Touched {
    /// What a JSON answer names: its `title` (or `name`) and its `board_id`. Only these fields
    /// are read; the rest of the answer is skipped, never built.
    pub fn named_in(answer: &[u8]) -> Touched {
        #[derive(serde::Deserialize)]
        struct Named {
            title: Option<String>,
            name: Option<String>,
            board_id: Option<String>,
        }
        match serde_json::from_slice::<Named>(answer) {
            Ok(n) => Touched {
                subject: n.title.filter(|t| !t.is_empty()).or(n.name),
                board: n.board_id,
            },
            Err(_) => Touched::default(),
        }
    }
}

/// The verb (past, then infinitive) and the noun of an operation.
fn words(op: &str) -> (&'static str, &'static str, String) {
    let (resource, action) = op.split_once('/').unwrap_or((op, ""));
    match op {
        "boards/list_pins" => return ("listed", "list", "the Pins of board".into()),
        "board_sections/list_pins" => return ("listed", "list", "the Pins of a section".into()),
        "search_user_pins/list" => return ("searched", "search", "Pins".into()),
        "search_user_boards/get" => return ("searched", "search", "boards".into()),
        "multi_pins/analytics" => return ("read", "read", "the analytics of Pins".into()),
        "pins/analytics" => return ("read", "read", "the analytics of Pin".into()),
        "user_account/get" => return ("read", "read", "the user account".into()),
        _ => {}
    }
    if resource == "user_account" && op.contains("analytics") {
        return ("read", "read", "the account's analytics".into());
    }
    let noun = match resource {
        "pins" => "Pin",
        "boards" => "board",
        "board_sections" => "section",
        "media" => "media upload",
        "ad_accounts" => "ad account",
        "campaigns" => "campaigns",
        "ad_groups" => "ad groups",
        "ads" => "ads",
        "keywords" => "keywords",
        _ => "",
    };
    let plural = |n: &str| match n {
        "Pin" => "Pins".to_string(),
        "board" => "boards".to_string(),
        "section" => "sections".to_string(),
        "media upload" => "media uploads".to_string(),
        "ad account" => "ad accounts".to_string(),
        other => other.to_string(),
    };
    if noun.is_empty() {
        return ("called", "call", format!("'{op}'"));
    }
    match action {
        "create" => ("created", "create", noun.into()),
        "update" => ("updated", "update", noun.into()),
        "delete" => ("deleted", "delete", noun.into()),
        "save" => ("saved", "save", noun.into()),
        "get" => ("read", "read", noun.into()),
        "list" => ("listed", "list", plural(noun)),
        "analytics" => ("read", "read", format!("the analytics of {}", plural(noun))),
        _ => ("called", "call", format!("'{op}'")),
    }
}

/// The audit log's sentence for an agent's call of operation `op`.
pub fn describe(op: &str, outcome: Outcome, touched: &Touched) -> String {
    let (past, infinitive, noun) = words(op);
    let mut what = noun;
    if let Some(subject) = &touched.subject {
        what.push_str(&format!(" '{subject}'"));
    }
    if let Some(board) = &touched.board {
        what.push_str(&format!(" on board '{board}'"));
    }
    match outcome {
        Outcome::Done => format!("{past} {what}"),
        Outcome::Denied | Outcome::Failed => format!("tried to {infinitive} {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touched(subject: Option<&str>, board: Option<&str>) -> Touched {
        Touched {
            subject: subject.map(str::to_string),
            board: board.map(str::to_string),
        }
    }

    #[test]
    fn calls_read_as_sentences() {
        let pin = touched(Some("Summer salad"), Some("Recipes"));
        assert_eq!(
            describe("pins/create", Outcome::Done, &pin),
            "created Pin 'Summer salad' on board 'Recipes'"
        );
        assert_eq!(
            describe(
                "boards/delete",
                Outcome::Denied,
                &touched(Some("Recipes"), None)
            ),
            "tried to delete board 'Recipes'"
        );
        assert_eq!(
            describe("boards/list", Outcome::Done, &Touched::default()),
            "listed boards"
        );
        assert_eq!(
            describe(
                "boards/list_pins",
                Outcome::Done,
                &touched(Some("Recipes"), None)
            ),
            "listed the Pins of board 'Recipes'"
        );
        assert_eq!(
            describe(
                "user_account/analytics",
                Outcome::Denied,
                &Touched::default()
            ),
            "tried to read the account's analytics"
        );
        assert_eq!(
            describe("keywords/get", Outcome::Done, &Touched::default()),
            "read keywords"
        );
        assert_eq!(
            describe(
                "ad_groups_bid_floor/get",
                Outcome::Failed,
                &Touched::default()
            ),
            "tried to call 'ad_groups_bid_floor/get'"
        );
    }
}
