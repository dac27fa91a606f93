//! Images as Pinterest serves them: the bytes sniffed (never the declared type trusted), their
//! header read and held to the size limits before any pixel is decoded, decoded within a memory
//! cap, and turned into the renditions named in `media.images` (`150x150`, `400x300`, `600x`,
//! `1200x`) with a dominant colour taken from the pixels.

use std::io::Cursor;

use fast_image_resize as fr;
use image::{ColorType, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
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
    #[error(
        "content_type '{0}' is not an image type pinbox accepts (image/jpeg, image/png, image/gif, image/webp)"
    )]
    UnsupportedType(String),
    #[error("the image data is corrupt or truncated: {0}")]
    Corrupt(String),
    #[error(
        "the image is {w}x{h}, {} pixels; the limit is {} pixels (--max-image-pixels)",
        grouped(*w as u64 * *h as u64),
        grouped(*limit)
    )]
    TooManyPixels { w: u32, h: u32, limit: u64 },
    #[error("the image is {w}x{h} pixels; the limit is {max} pixels on a side")]
    SideTooLong { w: u32, h: u32, max: u32 },
    #[error(
        "decoding the {w}x{h} image needs more memory than pinbox allows one image (--max-image-pixels)"
    )]
    DecodeMemory { w: u32, h: u32 },
}

impl ImageError {
    /// Whether the image is refused for its size (rather than for what it is).
    pub fn is_over_a_limit(&self) -> bool {
        matches!(
            self,
            ImageError::TooLarge { .. }
                | ImageError::TooManyPixels { .. }
                | ImageError::SideTooLong { .. }
                | ImageError::DecodeMemory { .. }
        )
    }
}

/// 50000000 as 50,000,000.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
    /// Most pixels (width × height) an image may declare; checked on its header, before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
}

/// 50 megapixels: the largest photos phones take (48 and 50 MP sensors) pass; a 10,000×10,000
/// bomb (100 MP from a few hundred KB of PNG) does not.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

impl Default for ImageLimits {
    fn default() -> ImageLimits {
        ImageLimits {
            max_bytes: 20 * 1024 * 1024,
            max_pixels: DEFAULT_MAX_PIXELS,
            max_side: 10_000,
        }
    }
}

impl ImageLimits {
    /// What decodes in flight may hold together: one image at the pixel limit as 8-bit RGBA.
    /// Smaller images share it; a larger reservation (a 16-bit image at the limit) runs alone.
    pub fn decode_budget(&self) -> u64 {
        self.max_pixels.saturating_mul(4)
    }

    /// The most one decoder may allocate: an image at the pixel limit as 16-bit RGBA, the
    /// largest pixel format the accepted codecs produce.
    fn max_alloc(&self) -> u64 {
        self.max_pixels.saturating_mul(8)
    }
}

/// What an image's header declares, read without decoding its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    color: ColorType,
}

impl Header {
    /// Bytes decoding this image and making its renditions may hold at once, on the high side:
    /// the decoded pixels, the codec's own working buffers (a progressive JPEG keeps every
    /// coefficient; a GIF frame is composed onto a screen buffer), the RGB copy pinbox works on
    /// when the decoder's format is not one it converts in place, and the largest rendition.
    pub fn decode_cost(&self) -> u64 {
        let pixels = self.width as u64 * self.height as u64;
        let decoded = pixels * self.color.bytes_per_pixel() as u64;
        let codec = match self.format {
            Format::Png => 0,
            Format::Webp => decoded / 2,
            Format::Gif => decoded + pixels,
            Format::Jpeg => decoded * 2,
        };
        let rgb_copy = match self.color {
            ColorType::Rgb8 | ColorType::Rgba8 => 0,
            _ => pixels * 4,
        };
        let rendition = Rendition::ALL
            .iter()
            .map(|r| {
                let (tw, th) = r.dimensions(self.width, self.height);
                // The resized pixels, the resizer's one-axis pass, and the JPEG.
                tw as u64 * th as u64 * 4 + tw as u64 * self.height as u64 * 3
            })
            .max()
            .unwrap_or(0);
        decoded + codec + rgb_copy + rendition
    }
}

/// 32 hex digits of the SHA-256 of the original bytes: identical images share one key.
pub fn image_key(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks size, sniffs the format and reads the header, holding the declared size to the limits.
/// A declared type must be one pinbox accepts, but the bytes decide what the image is: a PNG sent
/// as `image/jpeg` is a PNG, as Pinterest reads it.
pub fn check(
    bytes: &[u8],
    declared: Option<&str>,
    limits: ImageLimits,
) -> Result<Header, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    if let Some(declared) = declared {
        Format::from_mime(declared)
            .ok_or_else(|| ImageError::UnsupportedType(declared.to_string()))?;
    }
    read_header(bytes, limits)
}

/// Reads the format, size and pixel format from the header alone and refuses an image larger
/// than the limits, before anything the size of its pixels is allocated.
pub fn read_header(bytes: &[u8], limits: ImageLimits) -> Result<Header, ImageError> {
    let format = sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut header_limits = Limits::no_limits();
    header_limits.max_alloc = Some(limits.max_alloc());
    reader.limits(header_limits);
    let decoder = reader
        .into_decoder()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    let (width, height) = decoder.dimensions();
    if width > limits.max_side || height > limits.max_side {
        return Err(ImageError::SideTooLong {
            w: width,
            h: height,
            max: limits.max_side,
        });
    }
    if width as u64 * height as u64 > limits.max_pixels {
        return Err(ImageError::TooManyPixels {
            w: width,
            h: height,
            limit: limits.max_pixels,
        });
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt("the image has no pixels".into()));
    }
    Ok(Header {
        format,
        width,
        height,
        color: decoder.color_type(),
    })
}

/// Decodes the image and reads what a Pin shows of it before any rendition exists: its size,
/// format and dominant colour. Decoding in full is what proves the bytes are an image. CPU-bound:
/// call it off the request threads.
pub fn inspect(
    bytes: &[u8],
    declared: Option<&str>,
    limits: ImageLimits,
) -> Result<ImageInfo, ImageError> {
    let header = check(bytes, declared, limits)?;
    let rgb = decode(bytes, header, limits)?;
    let (width, height) = rgb.dimensions();
    Ok(ImageInfo {
        width,
        height,
        format: header.format,
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
    let header = read_header(bytes, limits)?;
    let src = decode(bytes, header, limits)?;
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

/// Decodes an image whose header passed the limits, flattened onto white. The decoder is capped
/// too (`max_alloc`), so a header that lies about the pixels cannot make it allocate more.
fn decode(bytes: &[u8], header: Header, limits: ImageLimits) -> Result<RgbImage, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), header.format.image_format());
    let mut decode_limits = Limits::no_limits();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    decode_limits.max_alloc = Some(limits.max_alloc());
    reader.limits(decode_limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::DecodeMemory {
            w: header.width,
            h: header.height,
        },
        other => ImageError::Corrupt(other.to_string()),
    })?;
    let rgb = into_rgb_on_white(decoded);
    let (w, h) = rgb.dimensions();
    if w == 0 || h == 0 {
        return Err(ImageError::Corrupt("the image has no pixels".into()));
    }
    Ok(rgb)
}

/// Transparent pixels become white, as a JPEG rendition cannot carry alpha. 8-bit RGB and RGBA,
/// what most images decode to, are converted in their own buffer: a second copy of a large
/// image's pixels would double what decoding it costs.
fn into_rgb_on_white(img: DynamicImage) -> RgbImage {
    let rgba = match img {
        DynamicImage::ImageRgb8(rgb) => return rgb,
        DynamicImage::ImageRgba8(rgba) => rgba,
        other if !other.color().has_alpha() => return other.to_rgb8(),
        other => other.to_rgba8(),
    };
    let (w, h) = rgba.dimensions();
    let mut buf = rgba.into_raw();
    let blend = |c: u8, a: u32| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
    // Pixel i moves from 4i to 3i: never past bytes not yet read.
    for i in 0..(w as usize * h as usize) {
        let (s, d) = (i * 4, i * 3);
        let a = buf[s + 3] as u32;
        let (r, g, b) = (blend(buf[s], a), blend(buf[s + 1], a), blend(buf[s + 2], a));
        buf[d] = r;
        buf[d + 1] = g;
        buf[d + 2] = b;
    }
    buf.truncate(w as usize * h as usize * 3);
    RgbImage::from_raw(w, h, buf).expect("three bytes for every pixel")
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
    fn corruption_size_and_unknown_types_are_refused_by_name() {
        let bytes = png(10, 10, |_, _| [0, 0, 0]);
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
    fn the_bytes_decide_the_type_whatever_content_type_says() {
        let bytes = png(10, 10, |_, _| [0, 0, 0]);
        let header = check(&bytes, Some("image/jpeg"), ImageLimits::default()).unwrap();
        assert_eq!(header.format, Format::Png);
        let info = inspect(&bytes, Some("image/gif"), ImageLimits::default()).unwrap();
        assert_eq!(info.format, Format::Png);
    }

    /// A PNG whose header declares `w`×`h` 8-bit RGB pixels, followed by data that is no image.
    fn png_header_only(w: u32, h: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", b"not a zlib stream");
        chunk(&mut out, b"IEND", b"");
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn an_image_over_the_pixel_limit_is_refused_on_its_header_before_decoding() {
        // 8,000×8,000 is within the side limit but 64 MP; its pixel data is not even there.
        let bomb = png_header_only(8_000, 8_000);
        let refused = check(&bomb, Some("image/png"), ImageLimits::default()).unwrap_err();
        assert_eq!(
            refused,
            ImageError::TooManyPixels {
                w: 8_000,
                h: 8_000,
                limit: DEFAULT_MAX_PIXELS
            }
        );
        assert_eq!(
            refused.to_string(),
            "the image is 8000x8000, 64,000,000 pixels; the limit is 50,000,000 pixels \
             (--max-image-pixels)"
        );
        assert_eq!(
            inspect(&bomb, None, ImageLimits::default()),
            Err(refused.clone())
        );
        assert_eq!(render_all(&bomb, ImageLimits::default()), Err(refused));
        let small = ImageLimits {
            max_pixels: 99,
            ..ImageLimits::default()
        };
        assert!(matches!(
            inspect(&png(10, 10, |_, _| [0, 0, 0]), None, small),
            Err(ImageError::TooManyPixels { w: 10, h: 10, .. })
        ));
        assert!(inspect(&png(9, 11, |_, _| [0, 0, 0]), None, small).is_ok());
        assert!(matches!(
            check(&png_header_only(10_001, 2), None, ImageLimits::default()),
            Err(ImageError::SideTooLong { w: 10_001, .. })
        ));
    }

    #[test]
    fn transparent_pixels_are_flattened_onto_white() {
        let rgba = image::RgbaImage::from_fn(3, 2, |x, _| match x {
            0 => image::Rgba([10, 20, 30, 255]),
            1 => image::Rgba([0, 0, 0, 0]),
            _ => image::Rgba([0, 0, 0, 128]),
        });
        let rgb = into_rgb_on_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.dimensions(), (3, 2));
        for y in 0..2 {
            assert_eq!(rgb.get_pixel(0, y).0, [10, 20, 30]);
            assert_eq!(rgb.get_pixel(1, y).0, [255, 255, 255]);
            assert_eq!(rgb.get_pixel(2, y).0, [127, 127, 127]);
        }
    }

    #[test]
    fn the_decode_cost_grows_with_the_pixels_and_covers_them() {
        let header = |w, h, format, color| Header {
            format,
            width: w,
            height: h,
            color,
        };
        let photo = header(4_000, 3_000, Format::Jpeg, ColorType::Rgb8);
        assert!(photo.decode_cost() >= 4_000 * 3_000 * 3 * 3);
        let at_limit = header(7_000, 7_000, Format::Png, ColorType::Rgb8);
        assert!(at_limit.decode_cost() >= 7_000 * 7_000 * 3);
        assert!(at_limit.decode_cost() <= ImageLimits::default().decode_budget());
        let tiny = header(16, 16, Format::Png, ColorType::Rgba8);
        assert!(tiny.decode_cost() < 1024 * 1024);
    }

    #[test]
    fn identical_bytes_share_a_key() {
        let a = png(3, 3, |_, _| [1, 2, 3]);
        assert_eq!(image_key(&a), image_key(&a.clone()));
        assert_ne!(image_key(&a), image_key(&png(3, 3, |_, _| [1, 2, 4])));
        assert_eq!(image_key(&a).len(), 32);
    }
}
