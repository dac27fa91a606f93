//! The neutral cover pinbox makes for a video Pin that asks for a key frame
//! (`cover_image_key_frame_time`) without sending a cover image: pinbox has no video decoder, so
//! instead of a frame it draws a plain mid-grey image with the video's shape.

use std::io::Cursor;

use image::{ImageFormat, RgbImage};

/// The colour of a neutral cover, `#808080`.
pub const NEUTRAL: [u8; 3] = [0x80, 0x80, 0x80];

/// A PNG of the video's aspect ratio, at most 1200 pixels on its longer side (Pinterest's largest
/// rendition), 1280×720-shaped when the video's size is unknown.
pub fn neutral_frame(width: u32, height: u32) -> Vec<u8> {
    let (w, h) = if width == 0 || height == 0 {
        (1280, 720)
    } else {
        (width, height)
    };
    let longer = w.max(h) as u64;
    let scale = |v: u32| ((v as u64 * 1200).div_ceil(longer)).clamp(1, 1200) as u32;
    let (w, h) = if longer > 1200 {
        (scale(w), scale(h))
    } else {
        (w, h)
    };
    let img = RgbImage::from_pixel(w, h, image::Rgb(NEUTRAL));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_neutral_frame_keeps_the_videos_shape_within_1200_pixels() {
        let png = neutral_frame(1080, 1920);
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (675, 1200));
        assert_eq!(img.to_rgb8().get_pixel(3, 3).0, NEUTRAL);
        let small = image::load_from_memory(&neutral_frame(320, 240)).unwrap();
        assert_eq!((small.width(), small.height()), (320, 240));
        let unknown = image::load_from_memory(&neutral_frame(0, 0)).unwrap();
        assert_eq!((unknown.width(), unknown.height()), (1200, 675));
    }
}
