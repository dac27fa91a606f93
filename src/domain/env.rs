//! Pinterest's two environments: production and the API Sandbox, with separate data and tokens.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Env {
    #[default]
    Production,
    Sandbox,
}

impl Env {
    pub fn as_str(self) -> &'static str {
        match self {
            Env::Production => "production",
            Env::Sandbox => "sandbox",
        }
    }

    pub fn parse(s: &str) -> Option<Env> {
        match s {
            "production" => Some(Env::Production),
            "sandbox" => Some(Env::Sandbox),
            _ => None,
        }
    }

    /// Compact form stored in the database.
    pub fn code(self) -> i64 {
        match self {
            Env::Production => 0,
            Env::Sandbox => 1,
        }
    }

    pub fn from_code(code: i64) -> Env {
        if code == 1 {
            Env::Sandbox
        } else {
            Env::Production
        }
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
