//! The interests ads may target: a fixed tree in Pinterest's shape (top-level categories at
//! level 1, narrower interests below them), each id usable with
//! `GET /v5/resources/targeting/interests/{interest_id}`.

/// One interest; its level and children follow from the parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interest {
    /// Digits, as Pinterest's interest ids (the spec's pattern `\d+`).
    pub id: &'static str,
    pub name: &'static str,
    pub parent: Option<&'static str>,
}

impl Interest {
    /// 1 for a top-level category, one more for each parent above.
    pub fn level(&self) -> u32 {
        let mut level = 1;
        let mut parent = self.parent;
        while let Some(id) = parent {
            level += 1;
            parent = interest(id).and_then(|p| p.parent);
        }
        level
    }

    /// The ids of the interests directly below this one, in the tree's order.
    pub fn children(&self) -> Vec<&'static str> {
        INTERESTS
            .iter()
            .filter(|c| c.parent == Some(self.id))
            .map(|c| c.id)
            .collect()
    }
}

pub fn interest(id: &str) -> Option<&'static Interest> {
    INTERESTS.iter().find(|i| i.id == id)
}

const fn i(id: &'static str, name: &'static str, parent: Option<&'static str>) -> Interest {
    Interest { id, name, parent }
}

pub const INTERESTS: &[Interest] = &[
    i("937035080773", "Animals", None),
    i("950430591129", "Dogs", Some("937035080773")),
    i("997904610871", "Puppies", Some("950430591129")),
    i("989077186089", "Cats", Some("937035080773")),
    i("972680832416", "Birds", Some("937035080773")),
    i("934116457332", "Architecture", None),
    i(
        "907082291797",
        "Interior architecture",
        Some("934116457332"),
    ),
    i(
        "925344174651",
        "Landscape architecture",
        Some("934116457332"),
    ),
    i("947730856182", "Art", None),
    i("952598629800", "Drawing", Some("947730856182")),
    i("915220337000", "Painting", Some("947730856182")),
    i("932529829701", "Photography", Some("947730856182")),
    i("998840572825", "Beauty", None),
    i("956765422242", "Hair", Some("998840572825")),
    i("922675204125", "Makeup", Some("998840572825")),
    i("954828373317", "Nail art", Some("998840572825")),
    i("912013654871", "Skin care", Some("998840572825")),
    i("982200380138", "Children's fashion", None),
    i("962781480523", "Baby clothes", Some("982200380138")),
    i("917724038246", "Girls' clothing", Some("982200380138")),
    i("903742654890", "Boys' clothing", Some("982200380138")),
    i("925694303031", "DIY and crafts", None),
    i("925221799296", "Knitting", Some("925694303031")),
    i("944192229213", "Sewing", Some("925694303031")),
    i("929899320306", "Woodworking", Some("925694303031")),
    i("988810605636", "Design", None),
    i("922354357803", "Graphic design", Some("988810605636")),
    i("928736088343", "Typography", Some("988810605636")),
    i("955378198834", "Education", None),
    i("901283288560", "Languages", Some("955378198834")),
    i("957385873802", "Science", Some("955378198834")),
    i("934985523300", "Electronics", None),
    i("943229445888", "Cameras", Some("934985523300")),
    i("979899749039", "Mobile phones", Some("934985523300")),
    i("981618909005", "Entertainment", None),
    i("997400985930", "Movies", Some("981618909005")),
    i("910041190585", "Music", Some("981618909005")),
    i("948575899431", "Video games", Some("981618909005")),
    i("942170214042", "Event planning", None),
    i("996554065349", "Birthday parties", Some("942170214042")),
    i("922831157567", "Holidays", Some("942170214042")),
    i("966491326687", "Finance", None),
    i("924501367378", "Budgeting", Some("966491326687")),
    i("934604555507", "Investing", Some("966491326687")),
    i("950464985345", "Food and drinks", None),
    i("955168343354", "Baking", Some("950464985345")),
    i("973092043496", "Bread", Some("955168343354")),
    i("959217885094", "Cakes", Some("955168343354")),
    i("953112357897", "Desserts", Some("950464985345")),
    i("960168533525", "Drinks", Some("950464985345")),
    i("994689971959", "Vegetarian recipes", Some("950464985345")),
    i("982381421902", "Gardening", None),
    i("913728956033", "Flower gardens", Some("982381421902")),
    i("933310634259", "Vegetable gardens", Some("982381421902")),
    i("964175589574", "Health", None),
    i("970198585368", "Fitness", Some("964175589574")),
    i("936613315536", "Strength training", Some("970198585368")),
    i("963460731741", "Nutrition", Some("964175589574")),
    i("977773494868", "Home decor", None),
    i("950668702769", "Bathroom decor", Some("977773494868")),
    i("942347064663", "Bedroom decor", Some("977773494868")),
    i("955991906281", "Kitchen decor", Some("977773494868")),
    i("926161418334", "Living room decor", Some("977773494868")),
    i("970182946202", "Men's fashion", None),
    i("949868124574", "Men's shoes", Some("970182946202")),
    i("921123023629", "Men's suits", Some("970182946202")),
    i("935819853424", "Parenting", None),
    i("998458679044", "Pregnancy", Some("935819853424")),
    i("910931310414", "Baby care", Some("935819853424")),
    i("991536277314", "Quotes", None),
    i("940015351244", "Inspirational quotes", Some("991536277314")),
    i("986235196190", "Sports", None),
    i("999423631179", "Running", Some("986235196190")),
    i("941614687968", "Soccer", Some("986235196190")),
    i("968705418510", "Yoga", Some("986235196190")),
    i("999478011555", "Travel", None),
    i("908798464573", "Beach vacations", Some("999478011555")),
    i("985842219008", "Camping", Some("999478011555")),
    i("906038243079", "City travel", Some("999478011555")),
    i("999803600761", "Vehicles", None),
    i("949795679999", "Cars", Some("999803600761")),
    i("937908650576", "Motorcycles", Some("999803600761")),
    i("987856412614", "Weddings", None),
    i("918991302932", "Wedding dresses", Some("987856412614")),
    i("989833833802", "Wedding decorations", Some("987856412614")),
    i("945069515056", "Women's fashion", None),
    i("929370830142", "Dresses", Some("945069515056")),
    i("980451886097", "Maxi dresses", Some("929370830142")),
    i("921259222974", "Summer dresses", Some("929370830142")),
    i("959219050082", "Shoes", Some("945069515056")),
    i("921932811458", "Jewelry", Some("945069515056")),
    i("949111040576", "Handbags", Some("945069515056")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_consistent() {
        for (n, a) in INTERESTS.iter().enumerate() {
            assert!(
                !a.id.is_empty() && a.id.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                a.id
            );
            assert!(
                INTERESTS[..n].iter().all(|b| b.id != a.id),
                "{} twice",
                a.id
            );
            if let Some(p) = a.parent {
                let parent = interest(p).expect("a parent in the tree");
                assert!(parent.children().contains(&a.id));
                assert_eq!(a.level(), parent.level() + 1);
            } else {
                assert_eq!(a.level(), 1);
            }
        }
        assert!(INTERESTS.iter().any(|a| a.level() == 3));
    }
}
