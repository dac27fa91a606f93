//! Images as Pinterest serves them: the bytes sniffed (never the declared type trusted), decoded
//! within limits, and turned into the renditions named in `media.images` (`150x150`, `400x300`,
//! `600x`, `1200x`) with a dominant colour taken from the pixels.

use std::io::Cursor;

use fast_image_resize as fr;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

/// Formats pinbox accepts, told apart by their leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Format> {
        match mime.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => Some(Format::Jpeg),
            "image/png" => Some(Format::Png),
            "image/gif" => Some(Format::Gif),
            "image/webp" => Some(Format::Webp),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "a JPEG",
            Format::Png => "a PNG",
            Format::Gif => "a GIF",
            Format::Webp => "a WebP",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Gif => ImageFormat::Gif,
            Format::Webp => ImageFormat::WebP,
        }
    }
}

/// Sniffs the format from the magic bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else {
        None
    }
}

/// The renditions Pinterest names in `media.images`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendition {
    /// Center-cropped square.
    S150x150,
    /// Center-cropped 4:3.
    S400x300,
    /// 600 wide (never upscaled), height in proportion.
    W600,
    /// 1200 wide (never upscaled), height in proportion.
    W1200,
}

impl Rendition {
    pub const ALL: [Rendition; 4] = [
        Rendition::S150x150,
        Rendition::S400x300,
        Rendition::W600,
        Rendition::W1200,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rendition::S150x150 => "150x150",
            Rendition::S400x300 => "400x300",
            Rendition::W600 => "600x",
            Rendition::W1200 => "1200x",
        }
    }

    pub fn parse(name: &str) -> Option<Rendition> {
        Rendition::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether the rendition is center-cropped to its shape (rather than scaled to a width).
    pub fn crops(self) -> bool {
        matches!(self, Rendition::S150x150 | Rendition::S400x300)
    }

    /// The size of this rendition of a `w`×`h` original.
    pub fn dimensions(self, w: u32, h: u32) -> (u32, u32) {
        match self {
            Rendition::S150x150 => (150, 150),
            Rendition::S400x300 => (400, 300),
            Rendition::W600 => scaled_to_width(w, h, 600),
            Rendition::W1200 => scaled_to_width(w, h, 1200),
        }
    }
}

fn scaled_to_width(w: u32, h: u32, max_w: u32) -> (u32, u32) {
    if w <= max_w || w == 0 {
        return (w, h);
    }
    let nh = ((h as u64 * max_w as u64 + w as u64 / 2) / w as u64).max(1) as u32;
    (max_w, nh)
}

/// Why an image was refused; each says what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the image is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the data is not an image pinbox can read (JPEG, PNG, GIF or WebP)")]
    NotAnImage,
    #[error("content_type says {declared} but the data is {actual} image")]
    TypeMismatch {
        declared: String,
        actual: &'static str,
    },
    #[error(
        "content_type '{0}' is not an image type pinbox accepts (image/jpeg, image/png, image/gif, image/webp)"
    )]
    UnsupportedType(String),
    #[error("the image data is corrupt or truncated: {0}")]
    Corrupt(String),
    #[error("the image is {w}x{h} pixels; the limit is {max} pixels on a side")]
    TooManyPixels { w: u32, h: u32, max: u32 },
}

/// What pinbox reads from an original image's pixels (its key, `image_key`, comes from the bytes
/// alone and is computed before decoding, to find an identical image already stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// `#RRGGBB`
    pub dominant_color: String,
}

/// Limits on what pinbox decodes.
#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_side: u32,
}

impl Default for ImageLimits {
    fn default() -> ImageLimits {
        ImageLimits {
            max_bytes: 20 * 1024 * 1024,
            max_side: 10_000,
        }
    }
}

/// 32 hex digits of the SHA-256 of the original bytes: identical images share one key.
pub fn image_key(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks size, sniffs the format and, when a type was declared, that it tells the truth.
pub fn check(
    bytes: &[u8],
    declared: Option<&str>,
    limits: ImageLimits,
) -> Result<Format, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let actual = sniff(bytes).ok_or(ImageError::NotAnImage)?;
    if let Some(declared) = declared {
        let claimed = Format::from_mime(declared)
            .ok_or_else(|| ImageError::UnsupportedType(declared.to_string()))?;
        if claimed != actual {
            return Err(ImageError::TypeMismatch {
                declared: declared.to_string(),
                actual: actual.name(),
            });
        }
    }
    Ok(actual)
}

/// Decodes the image and reads what a Pin shows of it before any rendition exists: its size,
/// format and dominant colour. Decoding in full is what proves the bytes are an image. CPU-bound:
/// call it off the request threads.
pub fn inspect(
    bytes: &[u8],
    declared: Option<&str>,
    limits: ImageLimits,
) -> Result<ImageInfo, ImageError> {
    let format = check(bytes, declared, limits)?;
    let rgb = decode(bytes, format, limits)?;
    let (width, height) = rgb.dimensions();
    Ok(ImageInfo {
        width,
        height,
        format,
        dominant_color: dominant_color(&rgb),
    })
}

/// Makes every rendition of an original (one `inspect` accepted) as JPEG, decoding it once.
/// `600x` and `1200x` of an image narrower than 600 pixels are the same picture, encoded once.
/// CPU-bound: call it off the request threads.
pub fn render_all(
    bytes: &[u8],
    limits: ImageLimits,
) -> Result<Vec<(Rendition, Vec<u8>)>, ImageError> {
    let format = sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let src = decode(bytes, format, limits)?;
    let (w, h) = src.dimensions();
    let mut out: Vec<(Rendition, Vec<u8>)> = Vec::with_capacity(Rendition::ALL.len());
    for r in Rendition::ALL {
        let same = out.iter().find(|(done, _)| {
            !done.crops() && !r.crops() && done.dimensions(w, h) == r.dimensions(w, h)
        });
        let jpeg = match same {
            Some((_, jpeg)) => jpeg.clone(),
            None => render_one(&src, r)?,
        };
        out.push((r, jpeg));
    }
    Ok(out)
}

/// Decodes within the limits, flattened onto white.
fn decode(bytes: &[u8], format: Format, limits: ImageLimits) -> Result<RgbImage, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    decode_limits.max_alloc = Some(1024 * 1024 * 1024);
    reader.limits(decode_limits.clone());
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    if w > limits.max_side || h > limits.max_side {
        return Err(ImageError::TooManyPixels {
            w,
            h,
            max: limits.max_side,
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decode_limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels {
            w,
            h,
            max: limits.max_side,
        },
        other => ImageError::Corrupt(other.to_string()),
    })?;
    let rgb = flatten_on_white(&decoded);
    let (w, h) = rgb.dimensions();
    if w == 0 || h == 0 {
        return Err(ImageError::Corrupt("the image has no pixels".into()));
    }
    Ok(rgb)
}

/// Transparent pixels become white, as a JPEG rendition cannot carry alpha.
fn flatten_on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = p[3] as u32;
        let blend = |c: u8| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        out.put_pixel(x, y, image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])]));
    }
    out
}

/// Resizes (and for the fixed shapes, center-crops) to the rendition's size and encodes JPEG.
fn render_one(src: &RgbImage, r: Rendition) -> Result<Vec<u8>, ImageError> {
    let (w, h) = src.dimensions();
    let (tw, th) = r.dimensions(w, h);
    if (tw, th) == (w, h) {
        return encode_jpeg(src.as_raw(), w, h);
    }
    let source = fr::images::ImageRef::new(w, h, src.as_raw(), fr::PixelType::U8x3)
        .map_err(|e| ImageError::Corrupt(format!("preparing the image: {e}")))?;
    let mut dst = fr::images::Image::new(tw, th, fr::PixelType::U8x3);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear));
    if r.crops() {
        let (x, y, cw, ch) = cover_crop(w, h, tw, th);
        options = options.crop(x as f64, y as f64, cw as f64, ch as f64);
    }
    fr::Resizer::new()
        .resize(&source, &mut dst, &options)
        .map_err(|e| ImageError::Corrupt(format!("resizing the image: {e}")))?;
    encode_jpeg(dst.buffer(), tw, th)
}

/// The largest centered region with the target's aspect ratio: (x, y, width, height).
fn cover_crop(w: u32, h: u32, tw: u32, th: u32) -> (u32, u32, u32, u32) {
    let (cw, ch) = if (w as u64) * (th as u64) > (h as u64) * (tw as u64) {
        (((h as u64 * tw as u64) / th as u64).max(1) as u32, h)
    } else {
        (w, ((w as u64 * th as u64) / tw as u64).max(1) as u32)
    };
    ((w - cw) / 2, (h - ch) / 2, cw, ch)
}

fn encode_jpeg(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ImageError> {
    let (w16, h16) = (
        u16::try_from(w).map_err(|_| ImageError::Corrupt("too wide to encode".into()))?,
        u16::try_from(h).map_err(|_| ImageError::Corrupt("too tall to encode".into()))?,
    );
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(rgb, w16, h16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| ImageError::Corrupt(format!("encoding a rendition: {e}")))?;
    Ok(out)
}

/// The most common colour, from 4-bit-per-channel buckets over a small sample of the pixels,
/// reported as the mean of the winning bucket. Deterministic: same pixels, same colour.
pub fn dominant_color(img: &RgbImage) -> String {
    let (w, h) = img.dimensions();
    let step_x = (w / 64).max(1);
    let step_y = (h / 64).max(1);
    let mut counts = vec![0u32; 4096];
    let mut sums = vec![[0u64; 3]; 4096];
    let mut y = 0;
    while y < h {
        let mut x = 0;
        while x < w {
            let p = img.get_pixel(x, y);
            let bucket =
                ((p[0] as usize >> 4) << 8) | ((p[1] as usize >> 4) << 4) | (p[2] as usize >> 4);
            counts[bucket] += 1;
            for c in 0..3 {
                sums[bucket][c] += p[c] as u64;
            }
            x += step_x;
        }
        y += step_y;
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
        .map(|(i, c)| (i, *c as u64))
        .unwrap_or((0, 0));
    if n == 0 {
        return "#000000".into();
    }
    let mean = |c: usize| (sums[best][c] + n / 2) / n;
    format!("#{:02X}{:02X}{:02X}", mean(0), mean(1), mean(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    fn png(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb(f(x, y)));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn renditions_have_pinterests_sizes_and_never_upscale_widths() {
        let original = png(402, 536, |_, _| [10, 20, 30]);
        let info = inspect(&original, Some("image/png"), ImageLimits::default()).unwrap();
        assert_eq!((info.width, info.height), (402, 536));
        let renditions = render_all(&original, ImageLimits::default()).unwrap();
        assert_eq!(renditions.len(), Rendition::ALL.len());
        for (r, jpeg) in renditions {
            let img = image::load_from_memory(&jpeg).unwrap();
            assert_eq!(img.dimensions(), r.dimensions(402, 536), "{}", r.name());
        }
        assert_eq!(Rendition::W600.dimensions(402, 536), (402, 536));
        assert_eq!(Rendition::W600.dimensions(1200, 900), (600, 450));
        assert_eq!(Rendition::W1200.dimensions(2400, 1000), (1200, 500));
    }

    #[test]
    fn the_dominant_colour_is_the_most_common_one() {
        let bytes = png(
            100,
            100,
            |x, _| if x < 70 { [200, 30, 40] } else { [10, 10, 250] },
        );
        let info = inspect(&bytes, None, ImageLimits::default()).unwrap();
        assert_eq!(info.dominant_color, "#C81E28");
    }

    #[test]
    fn lies_corruption_and_size_are_refused_by_name() {
        let bytes = png(10, 10, |_, _| [0, 0, 0]);
        assert!(matches!(
            check(&bytes, Some("image/jpeg"), ImageLimits::default()),
            Err(ImageError::TypeMismatch { .. })
        ));
        assert_eq!(
            check(b"hello world", None, ImageLimits::default()),
            Err(ImageError::NotAnImage)
        );
        let limits = ImageLimits {
            max_bytes: 10,
            ..ImageLimits::default()
        };
        assert!(matches!(
            check(&bytes, None, limits),
            Err(ImageError::TooLarge { .. })
        ));
        let truncated = &bytes[..bytes.len() / 2];
        assert!(matches!(
            inspect(truncated, None, ImageLimits::default()),
            Err(ImageError::Corrupt(_))
        ));
        assert!(matches!(
            check(&bytes, Some("text/plain"), ImageLimits::default()),
            Err(ImageError::UnsupportedType(_))
        ));
    }

    #[test]
    fn identical_bytes_share_a_key() {
        let a = png(3, 3, |_, _| [1, 2, 3]);
        assert_eq!(image_key(&a), image_key(&a.clone()));
        assert_ne!(image_key(&a), image_key(&png(3, 3, |_, _| [1, 2, 4])));
        assert_eq!(image_key(&a).len(), 32);
    }
}
