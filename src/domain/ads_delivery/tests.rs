use super::*;

const DAY0: i64 = 20_000; // 2024-10-04

fn open(from_day: i64) -> Window {
    Window {
        from: from_day * SECONDS_PER_DAY,
        until: None,
    }
}

fn plans(budget: i64, lifetime: bool, campaign_cap: Option<i64>, ads: usize) -> Plans {
    let schedule = Window {
        from: DAY0 * SECONDS_PER_DAY,
        until: Some((DAY0 + 30) * SECONDS_PER_DAY),
    };
    Plans {
        campaigns: vec![CampaignPlan {
            id: 1,
            window: open(DAY0),
            daily_spend_cap: campaign_cap,
            lifetime_spend_cap: None,
            schedule_days: 0,
        }],
        ad_groups: vec![AdGroupPlan {
            id: 2,
            campaign: 0,
            window: if lifetime { schedule } else { open(DAY0) },
            budget: Some(budget),
            lifetime,
            schedule_days: schedule.calendar_days(),
            bid: None,
            billable: Billable::Impression,
            breadth: 1,
        }],
        ads: (0..ads)
            .map(|i| AdPlan {
                id: 10 + i as i64,
                ad_group: 0,
                pin_id: 99,
                window: open(DAY0),
                video: i % 2 == 1,
            })
            .collect(),
    }
}

fn spend(days: &[AdDay]) -> i64 {
    days.iter().map(|d| d.total().get(Counter::Spend)).sum()
}

#[test]
fn the_hour_curve_sums_to_a_thousand() {
    assert_eq!(HOUR_CURVE.iter().sum::<i64>(), 1_000);
}

#[test]
fn split_is_exact_and_proportional() {
    assert_eq!(split(10, &[1, 1, 1]), vec![4, 3, 3]);
    assert_eq!(split(0, &[5, 7]), vec![0, 0]);
    assert_eq!(split(1_000_003, &HOUR_CURVE).iter().sum::<i64>(), 1_000_003);
    assert_eq!(split(9, &[0, 0]), vec![9, 0]);
}

#[test]
fn a_daily_budget_is_spent_at_60_to_95_percent_and_never_over() {
    let p = plans(50_000_000, false, None, 3);
    let now = (DAY0 + 91) * SECONDS_PER_DAY;
    for day in DAY0..DAY0 + 90 {
        let s = spend(&deliver_day(&p, day, now));
        assert!(s <= 50_000_000 * 95 / 100, "day {day}: {s}");
        assert!(s >= 50_000_000 * 60 / 100 - 3, "day {day}: {s}");
    }
}

#[test]
fn a_lifetime_budget_is_never_passed_over_its_schedule() {
    let p = plans(300_000_000, true, None, 2);
    let now = (DAY0 + 90) * SECONDS_PER_DAY;
    let total: i64 = (DAY0 - 5..DAY0 + 90)
        .map(|d| spend(&deliver_day(&p, d, now)))
        .sum();
    assert!(total <= 300_000_000, "{total}");
    assert!(total > 300_000_000 / 2, "{total}");
    assert!(deliver_day(&p, DAY0 + 30, now).is_empty(), "after the end");
}

#[test]
fn a_campaign_cap_holds_its_ad_groups_together() {
    let p = plans(50_000_000, false, Some(10_000_000), 4);
    let now = (DAY0 + 40) * SECONDS_PER_DAY;
    for day in DAY0..DAY0 + 30 {
        assert!(spend(&deliver_day(&p, day, now)) <= 10_000_000);
    }
}

#[test]
fn nothing_is_delivered_after_now_or_before_the_start_or_when_never_active() {
    let p = plans(50_000_000, false, None, 1);
    let now = (DAY0 + 2) * SECONDS_PER_DAY + 5 * 3_600 + 100;
    assert!(deliver_day(&p, DAY0 - 1, now).is_empty());
    assert!(deliver_day(&p, DAY0 + 3, now).is_empty());
    let today = deliver_day(&p, DAY0 + 2, now);
    let hours = &today[0].hours();
    assert!(hours[..5].iter().all(|h| !h.is_zero()));
    assert!(
        hours[5..].iter().all(Counts::is_zero),
        "the running hour and later"
    );
    let mut draft = p.clone();
    draft.ads[0].window = Window::NEVER;
    assert!(deliver_day(&draft, DAY0 + 1, now).is_empty());
}

#[test]
fn a_paused_ad_stops_at_its_pause() {
    let mut p = plans(50_000_000, false, None, 1);
    let pause = (DAY0 + 1) * SECONDS_PER_DAY + 12 * 3_600;
    p.ads[0].window.until = Some(pause);
    let now = (DAY0 + 5) * SECONDS_PER_DAY;
    assert!(!deliver_day(&p, DAY0, now).is_empty());
    let day = &deliver_day(&p, DAY0 + 1, now)[0];
    let hours = day.hours();
    assert!(hours[12..].iter().all(Counts::is_zero));
    assert!(!hours[11].is_zero());
    assert!(deliver_day(&p, DAY0 + 2, now).is_empty());
}

#[test]
fn delivery_is_deterministic_and_counts_are_consistent() {
    let p = plans(80_000_000, false, None, 2);
    let now = (DAY0 + 10) * SECONDS_PER_DAY;
    let a = deliver_day(&p, DAY0 + 3, now);
    let b = deliver_day(&p, DAY0 + 3, now);
    assert_eq!(
        a.iter().map(AdDay::total).collect::<Vec<_>>(),
        b.iter().map(AdDay::total).collect::<Vec<_>>()
    );
    for d in &a {
        let t = d.total();
        let cpm = t.get(Counter::Spend) * 1000 / t.get(Counter::Impressions);
        assert!((2_000_000..=8_100_000).contains(&cpm), "{cpm}");
        let ctr = t.get(Counter::Clicks) as f64 / t.get(Counter::Impressions) as f64;
        assert!((0.0015..=0.021).contains(&ctr), "{ctr}");
        assert!(t.get(Counter::OutboundClicks) <= t.get(Counter::Clicks));
        assert_eq!(t.get(Counter::Video3sViews) > 0, p.ads[d.ad].video);
    }
}

#[test]
fn a_low_bid_wins_fewer_auctions() {
    let mut p = plans(50_000_000, false, None, 1);
    let now = (DAY0 + 2) * SECONDS_PER_DAY;
    let full = spend(&deliver_day(&p, DAY0, now));
    p.ad_groups[0].bid = Some(p.ad_groups[0].cpm_micro() / 4);
    let low = spend(&deliver_day(&p, DAY0, now));
    assert!(low * 3 < full, "{low} vs {full}");
}

#[test]
fn split_parts_sum_to_the_total_and_stay_within_one_of_their_share_in_64_or_128_bits() {
    let weight_sets: [&[i64]; 5] = [
        &HOUR_CURVE,
        &[1, 1, 1, 1, 1, 1, 1],
        &[3, 0, 3, 0, 3],
        &[i64::MAX / 3, i64::MAX / 3, 7],
        &[5, 9, 2, 9, 5, 2, 1],
    ];
    for weights in weight_sets {
        let sum: i128 = weights.iter().map(|w| *w as i128).sum();
        for total in [0, 1, 6, 23, 999, 1_000_003, 7_654_321_987, i64::MAX / 2] {
            let parts = split(total, weights);
            assert_eq!(
                parts.iter().map(|p| *p as i128).sum::<i128>(),
                total as i128
            );
            for (part, w) in parts.iter().zip(weights) {
                let exact = total as i128 * *w as i128;
                let diff = *part as i128 * sum - exact;
                assert!(diff.abs() < sum, "{total} over {weights:?}: {parts:?}");
                if *w == 0 {
                    assert_eq!(*part, 0, "{total} over {weights:?}");
                }
            }
        }
    }
}

#[test]
fn the_days_curve_splits_as_split_does() {
    for total in [0, 1, 7, 999, 1_000_003, -5, i64::MAX / 999, i64::MAX] {
        assert_eq!(
            over_the_day(total).to_vec(),
            split(total, &HOUR_CURVE),
            "{total}"
        );
    }
}

#[test]
fn a_days_total_is_the_sum_of_its_hours_whether_every_hour_counts_or_not() {
    let mut p = plans(50_000_000, false, None, 2);
    p.ads[0].window.until = Some((DAY0 + 1) * SECONDS_PER_DAY + 9 * 3_600);
    let now = (DAY0 + 5) * SECONDS_PER_DAY;
    for day in [DAY0, DAY0 + 1] {
        for mut ad_day in deliver_day(&p, day, now) {
            ad_day.credit(7, 1_234);
            let mut sum = Counts::default();
            for h in &ad_day.hours() {
                sum.add(h);
            }
            assert_eq!(ad_day.total(), sum, "day {day}, ad {}", ad_day.ad);
            assert_eq!(sum.get(Counter::Conversions), 7);
        }
    }
}
