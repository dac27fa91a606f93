//! Attribution: which ads a day's conversions are credited to, and on which day they are
//! reported. pinbox has no people to follow from an ad to a checkout, so it attributes by
//! share: a day's conversions go to the ads clicked within the click window before them, in
//! proportion to those clicks; failing any click, to the ads saved within the engagement window;
//! failing that, to the ads seen within the view window. Conversions with no such touch are not
//! reported, as Pinterest reports only the conversions it attributes to ads.

use std::collections::{BTreeMap, HashMap};

use crate::domain::ads_analytics::DayConversions;
use crate::domain::ads_analytics::query::ConversionWindows;
use crate::domain::ads_delivery::{AdDay, Counter, Plans, deliver_day, split};
use crate::domain::engagement::Day;

/// Every ad's delivery per day, computed once per answer however many conversion days look at
/// the same day.
pub(super) struct Delivery<'a> {
    plans: &'a Plans,
    now: i64,
    days: HashMap<Day, Vec<AdDay>>,
}

impl<'a> Delivery<'a> {
    pub(super) fn new(plans: &'a Plans, now: i64) -> Delivery<'a> {
        Delivery {
            plans,
            now,
            days: HashMap::new(),
        }
    }

    fn day(&mut self, day: Day) -> &[AdDay] {
        let (plans, now) = (self.plans, self.now);
        self.days
            .entry(day)
            .or_insert_with(|| deliver_day(plans, day, now))
    }

    /// The day's delivery, for the last time.
    pub(super) fn take(&mut self, day: Day) -> Vec<AdDay> {
        self.days
            .remove(&day)
            .unwrap_or_else(|| deliver_day(self.plans, day, self.now))
    }
}

/// Conversions credited to one ad on one reported day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Credit {
    pub count: i64,
    /// Micro-currency.
    pub value: i64,
}

/// The days whose conversions can be reported in `[start, end]` under `windows`: with
/// `TIME_OF_AD_ACTION` a conversion is reported on its touch's day, so later conversions count
/// too, up to the widest window after the range.
pub(super) fn conversion_days(start: Day, end: Day, windows: ConversionWindows) -> (Day, Day) {
    if windows.by_conversion_time {
        (start, end)
    } else {
        let widest = windows
            .click_days
            .max(windows.engagement_days)
            .max(windows.view_days);
        (start, end + widest)
    }
}

/// Each reported day's credits per ad (indexes into `plans.ads`).
pub(super) fn attribute(
    conversions: &[DayConversions],
    windows: ConversionWindows,
    delivery: &mut Delivery,
) -> HashMap<Day, BTreeMap<usize, Credit>> {
    let touches = [
        (Counter::Clicks, windows.click_days),
        (Counter::Saves, windows.engagement_days),
        (Counter::Impressions, windows.view_days),
    ];
    let mut credits: HashMap<Day, BTreeMap<usize, Credit>> = HashMap::new();
    for conversion in conversions {
        for (counter, window) in touches {
            let mut touched: Vec<(Day, usize, i64)> = Vec::new();
            for day in conversion.day - window..=conversion.day {
                for ad_day in delivery.day(day) {
                    let n = ad_day.total().get(counter);
                    if n > 0 {
                        touched.push((day, ad_day.ad, n));
                    }
                }
            }
            if touched.is_empty() {
                continue;
            }
            let weights: Vec<i64> = touched.iter().map(|t| t.2).collect();
            let counts = split(conversion.count, &weights);
            let values = split(conversion.value, &weights);
            for (((day, ad, _), count), value) in touched.into_iter().zip(counts).zip(values) {
                let reported = if windows.by_conversion_time {
                    conversion.day
                } else {
                    day
                };
                let credit = credits.entry(reported).or_default().entry(ad).or_default();
                credit.count += count;
                credit.value += value;
            }
            break;
        }
    }
    credits
}

/// Adds a day's credits to its ads; an ad credited on a day it did not deliver (reported at the
/// time of conversion) gains a row of its own.
pub(super) fn apply(delivered: &mut Vec<AdDay>, credits: &BTreeMap<usize, Credit>) {
    for (&ad, credit) in credits {
        if credit.count == 0 && credit.value == 0 {
            continue;
        }
        let index = match delivered.iter().position(|d| d.ad == ad) {
            Some(i) => i,
            None => {
                delivered.push(AdDay::credited_only(ad));
                delivered.len() - 1
            }
        };
        delivered[index].credit(credit.count, credit.value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ads_delivery::Counts;

    fn ad_day(ad: usize, clicks: i64, saves: i64, impressions: i64) -> AdDay {
        let mut day = Counts::default();
        day.set(Counter::Clicks, clicks);
        day.set(Counter::Saves, saves);
        day.set(Counter::Impressions, impressions);
        AdDay::with_counts(ad, day)
    }

    /// A delivery whose days are given instead of simulated.
    fn given(days: Vec<(Day, Vec<AdDay>)>) -> Delivery<'static> {
        static PLANS: std::sync::OnceLock<Plans> = std::sync::OnceLock::new();
        let mut delivery = Delivery::new(PLANS.get_or_init(Plans::default), 0);
        delivery.days = days.into_iter().collect();
        delivery
    }

    fn windows(
        click: i64,
        engagement: i64,
        view: i64,
        by_conversion_time: bool,
    ) -> ConversionWindows {
        ConversionWindows {
            click_days: click,
            engagement_days: engagement,
            view_days: view,
            by_conversion_time,
        }
    }

    fn conversion(day: Day, count: i64, value: i64) -> DayConversions {
        DayConversions { day, count, value }
    }

    #[test]
    fn clicks_within_the_window_share_the_conversions_on_their_own_days() {
        let mut delivery = given(vec![
            (8, vec![ad_day(0, 1, 0, 100)]),
            (10, vec![ad_day(1, 3, 0, 100)]),
        ]);
        let credits = attribute(
            &[conversion(10, 4, 400)],
            windows(7, 7, 1, false),
            &mut delivery,
        );
        assert_eq!(
            credits[&8][&0],
            Credit {
                count: 1,
                value: 100
            }
        );
        assert_eq!(
            credits[&10][&1],
            Credit {
                count: 3,
                value: 300
            }
        );
    }

    #[test]
    fn at_the_time_of_conversion_every_credit_is_on_the_conversions_day() {
        let mut delivery = given(vec![
            (8, vec![ad_day(0, 1, 0, 100)]),
            (10, vec![ad_day(1, 3, 0, 100)]),
        ]);
        let credits = attribute(
            &[conversion(10, 4, 400)],
            windows(7, 7, 1, true),
            &mut delivery,
        );
        assert_eq!(credits.len(), 1);
        assert_eq!(
            credits[&10][&0],
            Credit {
                count: 1,
                value: 100
            }
        );
        assert_eq!(
            credits[&10][&1],
            Credit {
                count: 3,
                value: 300
            }
        );
    }

    #[test]
    fn a_click_outside_the_window_does_not_count() {
        let mut delivery = given(vec![(8, vec![ad_day(0, 5, 0, 100)])]);
        let zero = attribute(
            &[conversion(10, 4, 400)],
            windows(1, 1, 1, false),
            &mut delivery,
        );
        assert!(zero.is_empty(), "{zero:?}");
        let seven = attribute(
            &[conversion(10, 4, 400)],
            windows(7, 1, 1, false),
            &mut delivery,
        );
        assert_eq!(seven[&8][&0].count, 4);
    }

    #[test]
    fn without_clicks_saves_then_views_attribute() {
        let mut delivery = given(vec![
            (9, vec![ad_day(0, 0, 2, 100)]),
            (10, vec![ad_day(1, 0, 0, 50)]),
        ]);
        let by_save = attribute(
            &[conversion(10, 2, 0)],
            windows(30, 1, 1, false),
            &mut delivery,
        );
        assert_eq!(by_save[&9][&0].count, 2);
        assert!(!by_save.contains_key(&10));
        let by_view = attribute(
            &[conversion(10, 2, 0)],
            windows(30, 0, 0, false),
            &mut delivery,
        );
        assert_eq!(by_view[&10][&1].count, 2);
    }

    #[test]
    fn the_range_of_conversion_days_follows_the_report_time() {
        assert_eq!(conversion_days(5, 9, windows(30, 7, 1, false)), (5, 39));
        assert_eq!(conversion_days(5, 9, windows(30, 7, 1, true)), (5, 9));
    }

    #[test]
    fn credits_join_the_ads_day_or_make_a_row_of_their_own() {
        let mut delivered = vec![ad_day(0, 2, 0, 10)];
        let credits = BTreeMap::from([
            (
                0,
                Credit {
                    count: 3,
                    value: 30,
                },
            ),
            (4, Credit { count: 1, value: 5 }),
        ]);
        apply(&mut delivered, &credits);
        assert_eq!(delivered[0].total().get(Counter::Conversions), 3);
        assert_eq!(delivered[0].total().get(Counter::Clicks), 2);
        let hours = delivered[0].hours();
        let by_hour: i64 = hours.iter().map(|h| h.get(Counter::Conversions)).sum();
        assert_eq!(by_hour, 3, "spread over the hours, none lost");
        assert_eq!(delivered[0].total().get(Counter::ConversionValue), 30);
        assert_eq!(delivered[1].ad, 4);
        assert_eq!(delivered[1].total().get(Counter::Conversions), 1);
        assert_eq!(delivered[1].total().get(Counter::Impressions), 0);
    }
}
