//! Tiny ISO-BMFF files (MP4, MOV, M4V) written box by box, for tests of pinbox's container reader
//! and of the video upload flow. Only the boxes the reader looks at are real; the media data is
//! filler, which is all a container reader (no decoder) can tell apart.

/// What a generated video claims to be.
#[derive(Debug, Clone)]
pub struct VideoSpec {
    /// `Some(brand)` writes an `ftyp` with that major brand; `None` writes none (old QuickTime).
    pub brand: Option<[u8; 4]>,
    pub compatible: Vec<[u8; 4]>,
    pub timescale: u32,
    /// In `timescale` units.
    pub duration: u64,
    pub width: u32,
    pub height: u32,
    /// Version 1 `mvhd`/`tkhd`/`mdhd` (64-bit times).
    pub v1: bool,
    /// Write the `mdat` box with a 64-bit size.
    pub large_mdat: bool,
    /// Put `mdat` before `moov`, as most cameras do.
    pub mdat_first: bool,
    /// Bytes of filler media data.
    pub mdat_len: usize,
    /// Also write an audio track before the video track.
    pub with_audio: bool,
}

impl VideoSpec {
    /// An MP4 (`isom`) of `ms` milliseconds at `w`×`h`.
    pub fn mp4(w: u32, h: u32, ms: u64) -> VideoSpec {
        VideoSpec {
            brand: Some(*b"isom"),
            compatible: vec![*b"isom", *b"iso2", *b"avc1", *b"mp41"],
            timescale: 1000,
            duration: ms,
            width: w,
            height: h,
            v1: false,
            large_mdat: false,
            mdat_first: false,
            mdat_len: 2048,
            with_audio: true,
        }
    }

    /// A QuickTime movie (`qt  `) of `ms` milliseconds at `w`×`h`, timescale 600 as QuickTime writes.
    pub fn mov(w: u32, h: u32, ms: u64) -> VideoSpec {
        VideoSpec {
            brand: Some(*b"qt  "),
            compatible: vec![*b"qt  "],
            timescale: 600,
            duration: ms * 600 / 1000,
            mdat_first: true,
            ..VideoSpec::mp4(w, h, ms)
        }
    }

    /// An M4V (Apple's MP4 flavour).
    pub fn m4v(w: u32, h: u32, ms: u64) -> VideoSpec {
        VideoSpec {
            brand: Some(*b"M4V "),
            compatible: vec![*b"M4V ", *b"M4A ", *b"mp42", *b"isom"],
            ..VideoSpec::mp4(w, h, ms)
        }
    }

    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(brand) = self.brand {
            let mut ftyp = brand.to_vec();
            ftyp.extend_from_slice(&0x200u32.to_be_bytes());
            for c in &self.compatible {
                ftyp.extend_from_slice(c);
            }
            out.extend(boxed(b"ftyp", &ftyp));
        }
        let mdat = self.mdat();
        if self.mdat_first {
            out.extend(&mdat);
        }
        out.extend(self.moov());
        if !self.mdat_first {
            out.extend(&mdat);
        }
        out
    }

    fn mdat(&self) -> Vec<u8> {
        let data: Vec<u8> = (0..self.mdat_len).map(|i| (i * 7 % 251) as u8).collect();
        if self.large_mdat {
            let mut b = 1u32.to_be_bytes().to_vec();
            b.extend_from_slice(b"mdat");
            b.extend_from_slice(&(16 + data.len() as u64).to_be_bytes());
            b.extend(data);
            b
        } else {
            boxed(b"mdat", &data)
        }
    }

    fn moov(&self) -> Vec<u8> {
        let mut moov = self.mvhd();
        if self.with_audio {
            moov.extend(self.trak(2, b"soun", 0, 0));
        }
        moov.extend(self.trak(1, b"vide", self.width, self.height));
        boxed(b"moov", &moov)
    }

    fn mvhd(&self) -> Vec<u8> {
        let mut b = Vec::new();
        if self.v1 {
            b.extend_from_slice(&[1, 0, 0, 0]);
            b.extend_from_slice(&0u64.to_be_bytes());
            b.extend_from_slice(&0u64.to_be_bytes());
            b.extend_from_slice(&self.timescale.to_be_bytes());
            b.extend_from_slice(&self.duration.to_be_bytes());
        } else {
            b.extend_from_slice(&[0, 0, 0, 0]);
            b.extend_from_slice(&0u32.to_be_bytes());
            b.extend_from_slice(&0u32.to_be_bytes());
            b.extend_from_slice(&self.timescale.to_be_bytes());
            b.extend_from_slice(&(self.duration as u32).to_be_bytes());
        }
        b.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
        b.extend_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
        b.extend_from_slice(&[0; 10]);
        b.extend(matrix());
        b.extend_from_slice(&[0; 24]);
        b.extend_from_slice(&3u32.to_be_bytes()); // next track id
        boxed(b"mvhd", &b)
    }

    fn trak(&self, id: u32, handler: &[u8; 4], w: u32, h: u32) -> Vec<u8> {
        let mut tkhd = Vec::new();
        if self.v1 {
            tkhd.extend_from_slice(&[1, 0, 0, 7]);
            tkhd.extend_from_slice(&0u64.to_be_bytes());
            tkhd.extend_from_slice(&0u64.to_be_bytes());
            tkhd.extend_from_slice(&id.to_be_bytes());
            tkhd.extend_from_slice(&0u32.to_be_bytes());
            tkhd.extend_from_slice(&self.duration.to_be_bytes());
        } else {
            tkhd.extend_from_slice(&[0, 0, 0, 7]);
            tkhd.extend_from_slice(&0u32.to_be_bytes());
            tkhd.extend_from_slice(&0u32.to_be_bytes());
            tkhd.extend_from_slice(&id.to_be_bytes());
            tkhd.extend_from_slice(&0u32.to_be_bytes());
            tkhd.extend_from_slice(&(self.duration as u32).to_be_bytes());
        }
        tkhd.extend_from_slice(&[0; 8]);
        tkhd.extend_from_slice(&[0; 8]); // layer, alternate group, volume, reserved
        tkhd.extend(matrix());
        tkhd.extend_from_slice(&(w << 16).to_be_bytes());
        tkhd.extend_from_slice(&(h << 16).to_be_bytes());

        let mut mdhd = vec![0, 0, 0, 0];
        mdhd.extend_from_slice(&0u32.to_be_bytes());
        mdhd.extend_from_slice(&0u32.to_be_bytes());
        mdhd.extend_from_slice(&self.timescale.to_be_bytes());
        mdhd.extend_from_slice(&(self.duration as u32).to_be_bytes());
        mdhd.extend_from_slice(&[0x55, 0xc4, 0, 0]);

        let mut hdlr = vec![0; 8];
        hdlr.extend_from_slice(handler);
        hdlr.extend_from_slice(&[0; 12]);
        hdlr.extend_from_slice(b"pinbox test\0");

        let mut entry = vec![0; 6];
        entry.extend_from_slice(&1u16.to_be_bytes());
        if handler == b"vide" {
            entry.extend_from_slice(&[0; 16]);
            entry.extend_from_slice(&(w as u16).to_be_bytes());
            entry.extend_from_slice(&(h as u16).to_be_bytes());
            entry.extend_from_slice(&[0; 50]);
        }
        let mut stsd = vec![0, 0, 0, 0];
        stsd.extend_from_slice(&1u32.to_be_bytes());
        stsd.extend(boxed(
            if handler == b"vide" { b"avc1" } else { b"mp4a" },
            &entry,
        ));
        let stbl = boxed(b"stbl", &boxed(b"stsd", &stsd));
        let minf = boxed(b"minf", &stbl);
        let mut mdia = boxed(b"mdhd", &mdhd);
        mdia.extend(boxed(b"hdlr", &hdlr));
        mdia.extend(minf);
        let mut trak = boxed(b"tkhd", &tkhd);
        trak.extend(boxed(b"mdia", &mdia));
        boxed(b"trak", &trak)
    }
}

/// A box: 32-bit size, type, payload.
pub fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

fn matrix() -> Vec<u8> {
    let mut m = Vec::new();
    for v in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        m.extend_from_slice(&v.to_be_bytes());
    }
    m
}

/// A small MP4: 1280×720, 3.5 seconds.
pub fn small_mp4() -> Vec<u8> {
    VideoSpec::mp4(1280, 720, 3_500).build()
}

/// A small QuickTime movie: 1080×1920 (portrait), 12 seconds.
pub fn small_mov() -> Vec<u8> {
    VideoSpec::mov(1080, 1920, 12_000).build()
}
