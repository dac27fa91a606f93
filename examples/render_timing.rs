//! Times reading an image as a Pin's create does (`inspect`) and making the renditions as the
//! first fetch of one does (`render_all`), for a small and a large image (for tuning; not a benchmark of
//! record).

use pinbox::media::images::{inspect, render_all};

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
            inspect(&bytes, Some("image/png"), Default::default()).unwrap();
        }
        let per = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1000.0 / n as f64;
        println!("{w}x{h}: inspect {:.2} ms", per(t));
        let t = std::time::Instant::now();
        for _ in 0..n {
            render_all(&bytes, Default::default()).unwrap();
        }
        println!("{w}x{h}: render all four {:.2} ms", per(t));
    }
}
