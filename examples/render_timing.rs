//! Times making renditions of a small and a large image (for tuning; not a benchmark of record).

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 100]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn main() {
    for (w, h, n) in [(16, 16, 500), (1600, 1200, 10)] {
        let bytes = png(w, h);
        let t = std::time::Instant::now();
        for _ in 0..n {
            pinbox::media::images::process(&bytes, Some("image/png"), Default::default()).unwrap();
        }
        println!(
            "{w}x{h}: {:.2} ms per image",
            t.elapsed().as_secs_f64() * 1000.0 / n as f64
        );
    }
}
