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
