//! What an agent may do: a level per area, Off wherever nothing was granted.

use std::collections::BTreeMap;

use crate::catalog::area::{Area, Level};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(BTreeMap<Area, Level>);

impl Grants {
    pub fn level(&self, area: Area) -> Level {
        self.0.get(&area).copied().unwrap_or(Level::Off)
    }

    pub fn set(&mut self, area: Area, level: Level) {
        if level == Level::Off {
            self.0.remove(&area);
        } else {
            self.0.insert(area, level);
        }
    }

    /// Every area with its level, Off ones included, in the areas' order.
    pub fn all(&self) -> impl Iterator<Item = (Area, Level)> + '_ {
        Area::ALL.iter().map(|a| (*a, self.level(*a)))
    }

    /// How the store keeps them: `{"area": "level"}` without the Off ones.
    pub fn to_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(a, l)| (a.as_str().to_string(), l.as_str().into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// The stored form read back; an area or level this build does not know counts as Off, so
    /// an older build never grants more than was meant.
    pub fn from_json(text: &str) -> Grants {
        let mut grants = Grants::default();
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) {
            for (area, level) in map {
                if let (Some(a), Some(l)) =
                    (Area::parse(&area), level.as_str().and_then(Level::parse))
                {
                    grants.set(a, l);
                }
            }
        }
        grants
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_off_until_granted_and_the_stored_form_round_trips() {
        let mut g = Grants::default();
        assert!(g.all().all(|(_, l)| l == Level::Off));
        g.set(Area::Pins, Level::Read);
        g.set(Area::DeleteBoards, Level::Full);
        g.set(Area::Boards, Level::Full);
        g.set(Area::Boards, Level::Off);
        assert_eq!(g.to_json(), r#"{"delete_boards":"full","pins":"read"}"#);
        assert_eq!(Grants::from_json(&g.to_json()), g);
        let unknown = Grants::from_json(r#"{"pins":"admin","teleport":"full","boards":"read"}"#);
        assert_eq!(unknown.level(Area::Pins), Level::Off);
        assert_eq!(unknown.level(Area::Boards), Level::Read);
    }
}
