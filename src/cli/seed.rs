//! `pinbox seed`: fills a store with one account at Pinterest's volume limits (2,000 boards,
//! 200,000 Pins by default) through the domain's bulk imports (no volume limits; the boards'
//! counters brought up to date at the end), for benchmarks and load tests.

use std::io::Write;
use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::catalog::scope::Scopes;
use crate::cli::DataDirArg;
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::apps::Tier;
use crate::domain::boards::{NewBoard, Privacy};
use crate::domain::env::Env;
use crate::domain::ids::{BoardId, PinId};
use crate::domain::pins::{CreativeType, NewPin, PinImage, PinMedia};
use crate::domain::users::AccountType;
use crate::server::open_pinbox;

#[derive(Args)]
pub struct SeedArgs {
    /// Username of the account to fill (created if missing).
    #[arg(long, default_value = "bench")]
    user: String,
    /// Boards of the account (Pinterest's limit: 2,000).
    #[arg(long, default_value_t = 2_000)]
    boards: u32,
    /// Pins, all on the first board (so one board holds them all, as deep pages need).
    #[arg(long, default_value_t = 200_000)]
    pins: u32,
    /// Write every Pin id here, one per line.
    #[arg(long)]
    ids_out: Option<std::path::PathBuf>,
}

const CHUNK: usize = 10_000;

fn progress(what: &str, done: usize, total: usize, started: Instant) {
    let pct = (done * 100).checked_div(total).unwrap_or(100);
    let bar: String = (0..30)
        .map(|i| if i * 100 / 30 < pct { '#' } else { '.' })
        .collect();
    eprint!(
        "\r  {what:<7} [{bar}] {done:>7}/{total} ({pct:>3}%) {:>5.1}s",
        started.elapsed().as_secs_f64()
    );
    if done == total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
}

/// Words seeded Pins are about, so that searches have terms of every frequency: each word is on
/// about 3% of the Pins, some with accents (found without them).
const WORDS: &[&str] = &[
    "tulip",
    "garden",
    "kitchen",
    "café",
    "crème",
    "brûlée",
    "recipe",
    "summer",
    "winter",
    "autumn",
    "spring",
    "wedding",
    "travel",
    "beach",
    "mountain",
    "forest",
    "cottage",
    "vintage",
    "modern",
    "rustic",
    "minimal",
    "colour",
    "pastel",
    "neon",
    "knit",
    "quilt",
    "pottery",
    "ceramic",
    "linen",
    "velvet",
    "marble",
    "oak",
    "walnut",
    "copper",
    "brass",
    "glass",
    "lantern",
    "candle",
    "garland",
    "wreath",
    "orchid",
    "fern",
    "cactus",
    "bonsai",
    "herb",
    "basil",
    "lemon",
    "olive",
    "fig",
    "peach",
    "cherry",
    "plum",
    "berry",
    "citrus",
    "pasta",
    "bread",
    "cheese",
    "soup",
    "salad",
    "curry",
    "noodle",
    "dumpling",
    "taco",
    "sushi",
    "tea",
    "coffee",
    "cocoa",
    "smoothie",
    "poster",
    "canvas",
    "sketch",
    "watercolor",
    "ink",
    "collage",
    "mural",
    "tile",
    "mosaic",
    "shelf",
    "desk",
    "lamp",
    "rug",
    "sofa",
    "bench",
    "porch",
    "patio",
    "pool",
    "sauna",
    "studio",
    "loft",
    "cabin",
    "barn",
    "château",
    "villa",
    "lake",
    "river",
    "island",
    "desert",
    "canyon",
    "glacier",
    "meadow",
];

/// The `slot`th word of Pin `i`, spread so that words pair up in many combinations.
fn word(i: usize, slot: usize) -> &'static str {
    let step = [1, 7, 31][slot];
    WORDS[(i * step + slot * 13) % WORDS.len()]
}

/// A small real PNG, rendered like any uploaded image, that every seeded Pin shows.
fn seed_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding an in-memory PNG");
    out
}

pub async fn run(args: SeedArgs, data: &DataDirArg) -> anyhow::Result<()> {
    let config = Config {
        storage: data.storage(),
        media_dir: Some(data.data_dir.join("media")),
        ..Config::default()
    };
    let watch = data.watch();
    let pinbox = open_pinbox(&config, Clock::system()).await?;
    watch.announce();
    let started = Instant::now();
    let user = match pinbox.users.find_named(&args.user).await? {
        Some(u) => u,
        None => {
            pinbox
                .users
                .create(&args.user, None, AccountType::Pinner)
                .await?
        }
    };
    let app = pinbox
        .apps
        .create(&user, "seeded app", vec![], Tier::Standard)
        .await?;
    let token = pinbox
        .tokens
        .issue(Some(user.id), app.app.id, Scopes::CONTENT, Env::Production)
        .await?;
    eprintln!(
        "seeding {} boards and {} Pins for {}",
        args.boards, args.pins, args.user
    );

    let now = pinbox.clock.now();
    let mut boards = Vec::with_capacity(args.boards as usize);
    for i in 0..args.boards {
        let board = pinbox
            .boards
            .import(NewBoard {
                id: BoardId::random(),
                owner_id: user.id,
                env: Env::Production,
                name: format!("Seeded board {i}"),
                description: Some("seeded".into()),
                privacy: Privacy::Public,
                is_ads_only: false,
                created_at: now,
            })
            .await?;
        boards.push(board.id);
        if i % 100 == 99 || i + 1 == args.boards {
            progress("boards", i as usize + 1, args.boards as usize, started);
        }
    }
    let image = pinbox
        .pins
        .ingest_image(seed_png(), Some("image/png"), "seed")
        .await?;
    let media = PinMedia::Image {
        image: PinImage::Stored(image.as_ref()),
    };
    let mut ids = Vec::with_capacity(args.pins as usize);
    if let Some(&board) = boards.first() {
        let total = args.pins as usize;
        let mut done = 0;
        while done < total {
            let n = CHUNK.min(total - done);
            let chunk: Vec<NewPin> = (done..done + n)
                .map(|i| NewPin {
                    id: PinId::random(),
                    owner_id: user.id,
                    env: Env::Production,
                    app_id: Some(app.app.id),
                    board_id: board,
                    section_id: None,
                    title: Some(format!("Seeded Pin {i} {}", word(i, 0))),
                    description: Some(format!(
                        "A Pin made by pinbox seed about {} and {}",
                        word(i, 1),
                        word(i, 2)
                    )),
                    link: Some("https://example.com/".into()),
                    alt_text: None,
                    dominant_color: Some(image.dominant_color.clone()),
                    creative_type: CreativeType::Regular,
                    is_standard: true,
                    is_removable: false,
                    parent_pin_id: None,
                    media: media.clone(),
                    created_at: now.plus(std::time::Duration::from_millis(i as u64)),
                })
                .collect();
            ids.extend(chunk.iter().map(|p| p.id.0));
            pinbox.pins.import(chunk).await?;
            done += n;
            progress("pins", done, total, started);
        }
    }
    if let Some(path) = &args.ids_out {
        let text: String = ids.iter().map(|id| format!("{id}\n")).collect();
        std::fs::write(path, text)?;
    }
    pinbox.close().await?;
    println!(
        "{}",
        json!({
            "user": user.username,
            "token": token.secret,
            "app_id": app.app.id.to_string(),
            "big_board": boards.first().map(|b| b.to_string()),
            "boards": boards.len(),
            "pins": ids.len(),
            "seconds": started.elapsed().as_secs_f64(),
        })
    );
    Ok(())
}
