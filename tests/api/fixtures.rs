//! Images made on the fly for tests, and a small HTTP server to fetch them from.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// A `w`×`h` image whose pixels come from `f`, encoded as `format`.
pub fn image_bytes(
    w: u32,
    h: u32,
    format: ImageFormat,
    f: impl Fn(u32, u32) -> [u8; 3],
) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| image::Rgb(f(x, y)));
    let dynamic = match format {
        // WebP and GIF encoders here want RGBA.
        ImageFormat::WebP | ImageFormat::Gif => {
            DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| {
                let p = img.get_pixel(x, y);
                image::Rgba([p[0], p[1], p[2], 255])
            }))
        }
        _ => DynamicImage::ImageRgb8(img),
    };
    let mut out = Vec::new();
    dynamic
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encode test image");
    out
}

pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    image_bytes(w, h, ImageFormat::Png, |_, _| rgb)
}

/// A PNG of `w`×`h` black 8-bit RGB pixels, made without ever holding them: every row is a
/// zero filter byte and zero pixels, so the zlib stream is one literal zero then back-references
/// of 258 bytes at distance 1, in deflate's fixed Huffman codes (13 bits each). 10,000×10,000 is
/// about 1.9 MB, and decodes to 300 MB. `tag` goes into a tEXt chunk, so that bombs with
/// different tags are different files.
pub fn black_png(w: u32, h: u32, tag: &str) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// Appends `count` bits of `value`, least significant first, as deflate packs them.
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
    }
    let total = h as u64 * (1 + 3 * w as u64);
    let mut bits = Bits {
        out: Vec::with_capacity((total / 258 * 13 / 8 + 64) as usize),
        acc: 0,
        n: 0,
    };
    bits.put(0b1, 1); // the final block
    bits.put(0b01, 2); // fixed Huffman codes
    // Huffman codes go most significant bit first, so each is written reversed.
    const LITERAL_ZERO: (u64, u32) = (0b0000_1100, 8); // 00110000
    const LENGTH_258_DISTANCE_1: (u64, u32) = (0b1010_0011, 13); // 11000101 then 00000
    bits.put(LITERAL_ZERO.0, LITERAL_ZERO.1);
    let rest = total - 1;
    for _ in 0..rest / 258 {
        bits.put(LENGTH_258_DISTANCE_1.0, LENGTH_258_DISTANCE_1.1);
    }
    for _ in 0..rest % 258 {
        bits.put(LITERAL_ZERO.0, LITERAL_ZERO.1);
    }
    bits.put(0, 7); // end of block
    bits.put(0, 7); // pad to a byte
    let mut zlib = vec![0x78, 0x01];
    zlib.extend_from_slice(&bits.out[..]);
    // Adler-32 of `total` zero bytes: a stays 1, b adds it once a byte.
    let adler = ((total % 65_521) << 16) | 1;
    zlib.extend_from_slice(&(adler as u32).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(tag.as_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", &ihdr[..]),
        (b"tEXt", &text[..]),
        (b"IDAT", &zlib[..]),
        (b"IEND", &[][..]),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !bytes.iter().fold(!0u32, |c, &b| {
        table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8)
    })
}

pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A media_source for a base64 PNG of one colour.
pub fn png_source(w: u32, h: u32, rgb: [u8; 3]) -> serde_json::Value {
    serde_json::json!({
        "source_type": "image_base64",
        "content_type": "image/png",
        "data": b64(&png(w, h, rgb)),
    })
}

/// A web server on 127.0.0.1 serving an image, HTML, and redirects, counting its hits.
pub struct ImageServer {
    pub base: String,
    pub hits: Arc<AtomicUsize>,
}

impl ImageServer {
    pub async fn start(image: Vec<u8>) -> ImageServer {
        let hits = Arc::new(AtomicUsize::new(0));
        let image = Arc::new(image);
        let h = hits.clone();
        let img = image.clone();
        let app = Router::new()
            .route(
                "/img.png",
                get(move || {
                    let h = h.clone();
                    let img = img.clone();
                    async move {
                        h.fetch_add(1, Ordering::SeqCst);
                        // The header lies; pinbox must sniff the bytes.
                        ([(CONTENT_TYPE, "text/plain")], img.as_ref().clone())
                    }
                }),
            )
            .route(
                "/page.html",
                get(|| async { ([(CONTENT_TYPE, "text/html")], "<html>not an image</html>") }),
            )
            .route(
                "/to-metadata",
                get(|| async {
                    (
                        StatusCode::FOUND,
                        [(LOCATION, "http://169.254.169.254/latest/meta-data/")],
                    )
                        .into_response()
                }),
            )
            .route("/missing.png", get(|| async { StatusCode::NOT_FOUND }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        ImageServer { base, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
