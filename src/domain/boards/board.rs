//! Boards and board sections: entities, privacy, and the rules for names and descriptions.

use crate::clock::Timestamp;
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, UserId};
use crate::domain::pins::PinImage;
use crate::domain::text::{TextKind, check_characters};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Privacy {
    Public,
    Protected,
    Secret,
}

impl Privacy {
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Public => "PUBLIC",
            Privacy::Protected => "PROTECTED",
            Privacy::Secret => "SECRET",
        }
    }

    pub fn parse(s: &str) -> Option<Privacy> {
        match s {
            "PUBLIC" => Some(Privacy::Public),
            "PROTECTED" => Some(Privacy::Protected),
            "SECRET" => Some(Privacy::Secret),
            _ => None,
        }
    }
}

/// Which privacies a board list may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacySet {
    pub public: bool,
    pub protected: bool,
    pub secret: bool,
}

impl PrivacySet {
    pub const ALL: PrivacySet = PrivacySet {
        public: true,
        protected: true,
        secret: true,
    };
    pub const NONE: PrivacySet = PrivacySet {
        public: false,
        protected: false,
        secret: false,
    };

    pub fn only(p: Privacy) -> PrivacySet {
        let mut s = PrivacySet::NONE;
        match p {
            Privacy::Public => s.public = true,
            Privacy::Protected => s.protected = true,
            Privacy::Secret => s.secret = true,
        }
        s
    }

    pub fn contains(self, p: Privacy) -> bool {
        match p {
            Privacy::Public => self.public,
            Privacy::Protected => self.protected,
            Privacy::Secret => self.secret,
        }
    }

    pub fn intersect(self, other: PrivacySet) -> PrivacySet {
        PrivacySet {
            public: self.public && other.public,
            protected: self.protected && other.protected,
            secret: self.secret && other.secret,
        }
    }

    pub fn is_empty(self) -> bool {
        !(self.public || self.protected || self.secret)
    }

    pub fn members(self) -> impl Iterator<Item = Privacy> {
        [Privacy::Public, Privacy::Protected, Privacy::Secret]
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub id: BoardId,
    /// Position in its owner's list; bookmarks carry it.
    pub seq: i64,
    pub owner_id: UserId,
    pub owner_username: String,
    pub env: Env,
    pub name: String,
    pub description: Option<String>,
    pub privacy: Privacy,
    pub is_ads_only: bool,
    pub created_at: Timestamp,
    pub pins_modified_at: Timestamp,
    pub pin_count: i64,
    pub follower_count: i64,
    pub collaborator_count: i64,
    /// The newest Pin's image, shown as the board's cover.
    pub cover: Option<PinImage>,
    /// The images of the newest Pins (up to five), shown as thumbnails.
    pub thumbnails: Vec<PinImage>,
}

impl Board {
    /// The board as shown to a reader who may not see the Pins on it: every figure and image a
    /// board takes from its Pins (count, cover, thumbnails, when they last changed) as if it had
    /// none.
    pub fn without_pins(self) -> Board {
        Board {
            pin_count: 0,
            pins_modified_at: self.created_at,
            cover: None,
            thumbnails: Vec::new(),
            ..self
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewBoard {
    pub id: BoardId,
    pub owner_id: UserId,
    pub env: Env,
    pub name: String,
    pub description: Option<String>,
    pub privacy: Privacy,
    pub is_ads_only: bool,
    pub created_at: Timestamp,
}

/// A partial update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct BoardChanges {
    pub name: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub privacy: Option<Privacy>,
}

impl BoardChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.description.is_none() && self.privacy.is_none()
    }
}

/// Longest board name pinbox accepts; the spec sets none, Pinterest's apps cap names well below this.
pub const BOARD_NAME_MAX: usize = 180;
pub const BOARD_DESCRIPTION_MAX: usize = 500;

/// A board name as pinbox keeps it: trimmed, 1 to [`BOARD_NAME_MAX`] characters, no control
/// character. Names are unique per owner regardless of case ([`name_key`]). Made only by
/// [`BoardName::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardName(String);

impl BoardName {
    /// Reads a name as a client sent it, naming the field in every refusal.
    pub fn parse(raw: &str) -> Result<BoardName> {
        parse_board_name(raw).map(BoardName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn parse_board_name(raw: &str) -> Result<String> {
    check_characters("name", raw, TextKind::Name)?;
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "Invalid request: 'name' must not be empty. Give the board a name.",
        ));
    }
    if name.chars().count() > BOARD_NAME_MAX {
        return Err(Error::invalid(format!(
            "Invalid request: 'name' is longer than {BOARD_NAME_MAX} characters."
        )));
    }
    Ok(name.to_string())
}

pub fn parse_board_description(raw: Option<&str>) -> Result<Option<String>> {
    match raw {
        None => Ok(None),
        Some(d) if d.chars().count() > BOARD_DESCRIPTION_MAX => Err(Error::invalid(format!(
            "Invalid request: 'description' is longer than {BOARD_DESCRIPTION_MAX} characters."
        ))),
        Some(d) => {
            check_characters("description", d, TextKind::Free)?;
            Ok(Some(d.to_string()))
        }
    }
}

/// The key names are unique under: case-insensitive, as Pinterest treats board names.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_names_are_trimmed_and_bounded() {
        assert_eq!(
            BoardName::parse("  Summer recipes ").unwrap().as_str(),
            "Summer recipes"
        );
        assert!(BoardName::parse("   ").is_err());
        assert!(BoardName::parse(&"a".repeat(181)).is_err());
    }

    #[test]
    fn name_keys_ignore_case() {
        assert_eq!(name_key("Summer Recipes"), name_key("summer recipes"));
    }

    #[test]
    fn privacy_sets_intersect() {
        let visible = PrivacySet {
            secret: false,
            ..PrivacySet::ALL
        };
        assert!(
            visible
                .intersect(PrivacySet::only(Privacy::Secret))
                .is_empty()
        );
        assert!(
            visible
                .intersect(PrivacySet::only(Privacy::Public))
                .contains(Privacy::Public)
        );
    }
}
