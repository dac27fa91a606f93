//! A small, defensive reader of ISO base media files (MP4, QuickTime MOV, M4V): it walks the boxes
//! to find the brand (`ftyp`), the duration (`moov/mvhd`) and the video track's size
//! (`trak/tkhd`, else its sample description), and nothing else. It never decodes media, never
//! panics on hostile or truncated input, and reads at most the top-level box headers plus one
//! `moov` of bounded size, so probing a 2 GB upload costs a few reads.
//!
//! Written here rather than taken from a crate: the three facts pinbox needs take a few hundred
//! lines, and the full demuxers on crates.io parse (and allocate for) every sample table.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Which container a file is, from its brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Mp4,
    Mov,
    M4v,
}

impl Container {
    pub fn mime(self) -> &'static str {
        match self {
            Container::Mp4 => "video/mp4",
            Container::Mov => "video/quicktime",
            Container::M4v => "video/x-m4v",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::M4v => "m4v",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Container> {
        match ext {
            "mp4" => Some(Container::Mp4),
            "mov" => Some(Container::Mov),
            "m4v" => Some(Container::M4v),
            _ => None,
        }
    }
}

/// What pinbox learns from a video file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoInfo {
    pub container: Container,
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
}

/// Why a file is not a video pinbox can use; the message is shown to the uploader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("the file is empty")]
    Empty,
    #[error("it is not an MP4, MOV or M4V file (no ISO base media boxes at the start)")]
    NotBmff,
    #[error("its brand '{0}' is not MP4, MOV or M4V")]
    UnsupportedBrand(String),
    #[error(
        "the file is truncated: the '{kind}' box needs {needed} bytes but only {available} are there"
    )]
    Truncated {
        kind: String,
        needed: u64,
        available: u64,
    },
    #[error("the '{0}' box is malformed")]
    Malformed(String),
    #[error("it has no 'moov' box (the movie header), so it cannot be played")]
    NoMovie,
    #[error("it has no video track")]
    NoVideoTrack,
    #[error("it has no media data ('mdat' box); the file may be cut short")]
    NoMediaData,
    #[error("its duration is zero or unknown")]
    NoDuration,
    #[error("its video track has no width and height")]
    NoSize,
    #[error("the movie header is larger than {0} bytes")]
    MovieTooLarge(u64),
    #[error("it has more than {0} boxes")]
    TooManyBoxes(usize),
    #[error("reading the file failed: {0}")]
    Io(String),
}

impl From<io::Error> for ProbeError {
    fn from(e: io::Error) -> ProbeError {
        ProbeError::Io(e.to_string())
    }
}

/// Largest `moov` read into memory: real ones are kilobytes to a few megabytes.
pub const MAX_MOVIE_BYTES: u64 = 64 * 1024 * 1024;
/// Most top-level boxes walked, and most children of any one box.
pub const MAX_BOXES: usize = 4096;

/// Brands of plain MP4 (ISO and its profiles).
const MP4_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"dash", b"MSNV", b"XAVC", b"f4v ", b"mmp4",
];
const M4V_BRANDS: &[&[u8; 4]] = &[b"M4V ", b"M4VH", b"M4VP"];
/// Boxes an old QuickTime file (without `ftyp`) may start with.
const QUICKTIME_FIRST: &[&[u8; 4]] = &[b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"];

fn classify(brand: &[u8; 4]) -> Option<Container> {
    if brand == b"qt  " {
        Some(Container::Mov)
    } else if M4V_BRANDS.contains(&brand) {
        Some(Container::M4v)
    } else if MP4_BRANDS.contains(&brand) {
        Some(Container::Mp4)
    } else {
        None
    }
}

fn fourcc(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

fn is_fourcc(kind: &[u8; 4]) -> bool {
    // Printable ASCII, as every registered box type is (© in QuickTime metadata lives deeper).
    kind.iter().all(|&b| (0x20..=0x7e).contains(&b))
}

/// Reads a video file's facts; see the module note for what it reads.
pub fn probe_file(path: &Path) -> Result<VideoInfo, ProbeError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    probe(&mut file, len)
}

/// Reads the facts of `len` bytes of an ISO base media file.
pub fn probe<R: Read + Seek>(r: &mut R, len: u64) -> Result<VideoInfo, ProbeError> {
    if len == 0 {
        return Err(ProbeError::Empty);
    }
    let mut pos = 0u64;
    let mut container = None;
    let mut movie: Option<Movie> = None;
    let mut boxes = 0usize;
    let mut has_data = false;
    while pos < len {
        boxes += 1;
        if boxes > MAX_BOXES {
            return Err(ProbeError::TooManyBoxes(MAX_BOXES));
        }
        if boxes == 1 {
            // Decide on the type alone, before trusting any size a foreign file may seem to give.
            if len < 8 {
                return Err(ProbeError::NotBmff);
            }
            let mut head = [0u8; 8];
            r.seek(SeekFrom::Start(0))?;
            r.read_exact(&mut head)?;
            let kind = [head[4], head[5], head[6], head[7]];
            if !(kind == *b"ftyp" || QUICKTIME_FIRST.contains(&&kind)) {
                return Err(ProbeError::NotBmff);
            }
            if kind != *b"ftyp" {
                container = Some(Container::Mov);
            }
        }
        let header = read_header(r, pos, len)?;
        has_data |= &header.kind == b"mdat";
        match &header.kind {
            b"ftyp" if boxes == 1 => {
                let payload = read_payload(r, &header, 4096)?;
                container = Some(brand_of(&payload)?);
            }
            b"moov" if movie.is_none() => {
                let size = header.end - header.payload_start;
                if size > MAX_MOVIE_BYTES {
                    return Err(ProbeError::MovieTooLarge(MAX_MOVIE_BYTES));
                }
                let payload = read_payload(r, &header, MAX_MOVIE_BYTES)?;
                movie = Some(parse_movie(&payload)?);
            }
            _ => {}
        }
        pos = header.end;
    }
    let container = container.ok_or(ProbeError::NotBmff)?;
    let movie = movie.ok_or(ProbeError::NoMovie)?;
    let track = movie.video.ok_or(ProbeError::NoVideoTrack)?;
    if !has_data {
        return Err(ProbeError::NoMediaData);
    }
    let (timescale, duration) = match movie.header {
        Some((ts, d)) if ts > 0 && d > 0 => (ts, d),
        _ => match track.media_time {
            Some((ts, d)) if ts > 0 && d > 0 => (ts, d),
            _ => return Err(ProbeError::NoDuration),
        },
    };
    let duration_ms = (duration as u128 * 1000 / timescale as u128).min(u64::MAX as u128) as u64;
    if duration_ms == 0 {
        return Err(ProbeError::NoDuration);
    }
    let (width, height) = match track.header_size {
        Some((w, h)) if w > 0 && h > 0 => (w, h),
        _ => match track.sample_size {
            Some((w, h)) if w > 0 && h > 0 => (w, h),
            _ => return Err(ProbeError::NoSize),
        },
    };
    Ok(VideoInfo {
        container,
        duration_ms,
        width,
        height,
    })
}

struct Header {
    kind: [u8; 4],
    payload_start: u64,
    end: u64,
}

fn read_header<R: Read + Seek>(r: &mut R, pos: u64, len: u64) -> Result<Header, ProbeError> {
    let available = len - pos;
    if available < 8 {
        return Err(ProbeError::Truncated {
            kind: "box header".into(),
            needed: 8,
            available,
        });
    }
    r.seek(SeekFrom::Start(pos))?;
    let mut head = [0u8; 8];
    r.read_exact(&mut head)?;
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
    let kind = [head[4], head[5], head[6], head[7]];
    if !is_fourcc(&kind) {
        return Err(ProbeError::NotBmff);
    }
    let (size, header_len) = match size {
        0 => (available, 8),
        1 => {
            if available < 16 {
                return Err(ProbeError::Truncated {
                    kind: fourcc(&kind),
                    needed: 16,
                    available,
                });
            }
            let mut large = [0u8; 8];
            r.read_exact(&mut large)?;
            (u64::from_be_bytes(large), 16)
        }
        n => (n, 8),
    };
    if size < header_len {
        return Err(ProbeError::Malformed(fourcc(&kind)));
    }
    if size > available {
        return Err(ProbeError::Truncated {
            kind: fourcc(&kind),
            needed: size,
            available,
        });
    }
    Ok(Header {
        kind,
        payload_start: pos + header_len,
        end: pos + size,
    })
}

fn read_payload<R: Read + Seek>(r: &mut R, h: &Header, cap: u64) -> Result<Vec<u8>, ProbeError> {
    let size = h.end - h.payload_start;
    if size > cap {
        return Err(ProbeError::Malformed(fourcc(&h.kind)));
    }
    r.seek(SeekFrom::Start(h.payload_start))?;
    let mut buf = vec![0u8; size as usize];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

fn brand_of(ftyp: &[u8]) -> Result<Container, ProbeError> {
    let major: [u8; 4] = ftyp
        .get(0..4)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ProbeError::Malformed("ftyp".into()))?;
    if let Some(c) = classify(&major) {
        return Ok(c);
    }
    // The compatible brands follow the major brand and its version.
    let compatible = ftyp.get(8..).unwrap_or(&[]);
    compatible
        .chunks_exact(4)
        .find_map(|c| classify(&[c[0], c[1], c[2], c[3]]))
        .ok_or_else(|| ProbeError::UnsupportedBrand(fourcc(&major)))
}

/// A box read from memory: its type and payload.
type Child<'a> = ([u8; 4], &'a [u8]);

/// The boxes of one in-memory payload.
fn children(buf: &[u8]) -> Result<Vec<Child<'_>>, ProbeError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < buf.len() {
        if out.len() >= MAX_BOXES {
            return Err(ProbeError::TooManyBoxes(MAX_BOXES));
        }
        let rest = &buf[pos..];
        if rest.len() < 8 {
            return Err(ProbeError::Malformed("child box header".into()));
        }
        let size = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as u64;
        let kind = [rest[4], rest[5], rest[6], rest[7]];
        let (size, header_len) = match size {
            0 => (rest.len() as u64, 8u64),
            1 => {
                let large = rest
                    .get(8..16)
                    .ok_or_else(|| ProbeError::Malformed(fourcc(&kind)))?;
                (
                    u64::from_be_bytes(large.try_into().expect("eight bytes")),
                    16,
                )
            }
            n => (n, 8),
        };
        if size < header_len || size > rest.len() as u64 {
            return Err(ProbeError::Malformed(fourcc(&kind)));
        }
        out.push((kind, &rest[header_len as usize..size as usize]));
        pos += size as usize;
    }
    Ok(out)
}

fn child<'a>(boxes: &[Child<'a>], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes.iter().find(|(k, _)| k == kind).map(|(_, p)| *p)
}

/// Big-endian readers that answer `None` past the end instead of panicking.
fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

#[derive(Default)]
struct Movie {
    /// `mvhd`: timescale and duration, unless the duration is "unknown".
    header: Option<(u32, u64)>,
    video: Option<Track>,
}

#[derive(Default)]
struct Track {
    header_size: Option<(u32, u32)>,
    sample_size: Option<(u32, u32)>,
    media_time: Option<(u32, u64)>,
}

fn parse_movie(moov: &[u8]) -> Result<Movie, ProbeError> {
    let boxes = children(moov)?;
    let mut movie = Movie {
        header: match child(&boxes, b"mvhd") {
            Some(mvhd) => time_header(mvhd, "mvhd")?,
            None => None,
        },
        video: None,
    };
    for (kind, payload) in &boxes {
        if kind == b"trak"
            && let Some(track) = parse_track(payload)?
        {
            movie.video = Some(track);
            break;
        }
    }
    Ok(movie)
}

/// `mvhd` and `mdhd` share a layout up to the duration: version, flags, two times, timescale,
/// duration, 32- or 64-bit by version. An "unknown" duration (all ones) reads as 0.
fn time_header(b: &[u8], name: &str) -> Result<Option<(u32, u64)>, ProbeError> {
    let bad = || ProbeError::Malformed(name.into());
    let version = *b.first().ok_or_else(bad)?;
    let (timescale, duration) = if version == 1 {
        let ts = be_u32(b, 20).ok_or_else(bad)?;
        let d = be_u64(b, 24).ok_or_else(bad)?;
        (ts, if d == u64::MAX { 0 } else { d })
    } else {
        let ts = be_u32(b, 12).ok_or_else(bad)?;
        let d = be_u32(b, 16).ok_or_else(bad)?;
        (ts, if d == u32::MAX { 0 } else { d as u64 })
    };
    Ok(Some((timescale, duration)))
}

/// A `trak` if it is a video track (`hdlr` says `vide`), with what it says about size and time.
fn parse_track(trak: &[u8]) -> Result<Option<Track>, ProbeError> {
    let boxes = children(trak)?;
    let Some(mdia) = child(&boxes, b"mdia") else {
        return Ok(None);
    };
    let mdia = children(mdia)?;
    let is_video = child(&mdia, b"hdlr")
        .and_then(|h| h.get(8..12))
        .is_some_and(|t| t == b"vide");
    if !is_video {
        return Ok(None);
    }
    let mut track = Track::default();
    if let Some(tkhd) = child(&boxes, b"tkhd") {
        // Width and height are 16.16 fixed point at the end of the box: 76 (v0) or 88 (v1) in.
        let at = if tkhd.first() == Some(&1) { 88 } else { 76 };
        if let (Some(w), Some(h)) = (be_u32(tkhd, at), be_u32(tkhd, at + 4)) {
            track.header_size = Some((w >> 16, h >> 16));
        }
    }
    if let Some(mdhd) = child(&mdia, b"mdhd") {
        track.media_time = time_header(mdhd, "mdhd")?;
    }
    track.sample_size = sample_size(&mdia).unwrap_or(None);
    Ok(Some(track))
}

/// Width and height from the first visual sample entry (`minf/stbl/stsd`), for files whose
/// `tkhd` says 0×0.
fn sample_size(mdia: &[Child<'_>]) -> Result<Option<(u32, u32)>, ProbeError> {
    let Some(minf) = child(mdia, b"minf") else {
        return Ok(None);
    };
    let minf = children(minf)?;
    let Some(stbl) = child(&minf, b"stbl") else {
        return Ok(None);
    };
    let stbl = children(stbl)?;
    let Some(stsd) = child(&stbl, b"stsd") else {
        return Ok(None);
    };
    // Version and flags, entry count, then sample entries.
    let entries = children(stsd.get(8..).unwrap_or(&[]))?;
    let Some((_, entry)) = entries.first() else {
        return Ok(None);
    };
    // Six reserved bytes, the data reference index, 16 bytes of pre-defined/reserved, then size.
    match (be_u16(entry, 24), be_u16(entry, 26)) {
        (Some(w), Some(h)) => Ok(Some((w as u32, h as u32))),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    use pinbox_testkit::mp4::{self, VideoSpec};

    fn read(bytes: &[u8]) -> Result<VideoInfo, ProbeError> {
        probe(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn an_mp4_gives_its_duration_and_size() {
        let info = read(&VideoSpec::mp4(1280, 720, 3_500).build()).unwrap();
        assert_eq!(
            info,
            VideoInfo {
                container: Container::Mp4,
                duration_ms: 3_500,
                width: 1280,
                height: 720
            }
        );
    }

    #[test]
    fn a_quicktime_movie_is_read_with_its_own_timescale() {
        let info = read(&VideoSpec::mov(1080, 1920, 12_000).build()).unwrap();
        assert_eq!(info.container, Container::Mov);
        assert_eq!(
            (info.width, info.height, info.duration_ms),
            (1080, 1920, 12_000)
        );
    }

    #[test]
    fn an_old_quicktime_file_without_ftyp_is_a_mov() {
        let spec = VideoSpec {
            brand: None,
            ..VideoSpec::mov(640, 480, 2_000)
        };
        let info = read(&spec.build()).unwrap();
        assert_eq!(info.container, Container::Mov);
        assert_eq!(info.duration_ms, 2_000);
    }

    #[test]
    fn an_m4v_is_told_apart_by_its_brand() {
        let info = read(&VideoSpec::m4v(320, 240, 1_000).build()).unwrap();
        assert_eq!(info.container, Container::M4v);
    }

    #[test]
    fn sixty_four_bit_sizes_and_version_1_headers_are_read() {
        let spec = VideoSpec {
            v1: true,
            large_mdat: true,
            mdat_first: true,
            ..VideoSpec::mp4(1920, 1080, 90_000)
        };
        let info = read(&spec.build()).unwrap();
        assert_eq!(
            (info.width, info.height, info.duration_ms),
            (1920, 1080, 90_000)
        );
    }

    #[test]
    fn a_size_missing_from_tkhd_is_taken_from_the_sample_description() {
        let mut bytes = VideoSpec::mp4(800, 600, 1_000).build();
        // Zero the tkhd width/height (16.16) of the video track, leaving stsd's 800x600.
        let tkhds: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == b"tkhd")
            .map(|(i, _)| i)
            .collect();
        let video_tkhd = *tkhds.last().unwrap() + 4;
        for b in &mut bytes[video_tkhd + 76..video_tkhd + 84] {
            *b = 0;
        }
        let info = read(&bytes).unwrap();
        assert_eq!((info.width, info.height), (800, 600));
    }

    #[test]
    fn files_that_are_not_video_are_refused_with_a_reason() {
        assert_eq!(read(b""), Err(ProbeError::Empty));
        assert_eq!(
            read(b"\x89PNG\r\n\x1a\n0000000000"),
            Err(ProbeError::NotBmff)
        );
        assert_eq!(
            read(b"hello, this is a text file"),
            Err(ProbeError::NotBmff)
        );
        let audio_only = {
            let mut spec = VideoSpec::mp4(0, 0, 1_000);
            spec.with_audio = true;
            let mut b = spec.build();
            // Turn the video handler into a second audio handler.
            let at = b.windows(4).rposition(|w| w == b"vide").unwrap();
            b[at..at + 4].copy_from_slice(b"soun");
            b
        };
        assert_eq!(read(&audio_only), Err(ProbeError::NoVideoTrack));
        let no_moov = mp4::boxed(b"ftyp", b"isom\0\0\x02\0isom");
        assert_eq!(read(&no_moov), Err(ProbeError::NoMovie));
        let webm_like = mp4::boxed(b"ftyp", b"webm\0\0\0\0webm");
        assert!(matches!(
            read(&webm_like),
            Err(ProbeError::UnsupportedBrand(_))
        ));
    }

    #[test]
    fn a_truncated_file_is_refused_at_every_cut() {
        let full = VideoSpec::mp4(1280, 720, 3_500).build();
        for cut in 1..full.len() {
            let r = read(&full[..cut]);
            assert!(r.is_err(), "cut at {cut} of {} was accepted", full.len());
        }
    }

    #[test]
    fn hostile_sizes_never_panic_or_allocate_wildly() {
        let base = VideoSpec::mp4(64, 64, 1_000).build();
        // Flip every byte of the file, one at a time, to a few hostile values.
        for i in 0..base.len() {
            for v in [0x00, 0x01, 0x7f, 0xff] {
                let mut b = base.clone();
                b[i] = v;
                let _ = read(&b);
            }
        }
        // A moov claiming 2^63 bytes via a 64-bit size.
        let mut huge = mp4::boxed(b"ftyp", b"isom\0\0\0\0isom");
        huge.extend_from_slice(&1u32.to_be_bytes());
        huge.extend_from_slice(b"moov");
        huge.extend_from_slice(&(1u64 << 63).to_be_bytes());
        assert!(matches!(read(&huge), Err(ProbeError::Truncated { .. })));
    }
}
