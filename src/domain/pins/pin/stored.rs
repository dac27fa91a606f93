//! Reading a Pin's media back from its stored JSON. Serde reads an internally tagged enum by
//! first buffering the whole object, twice here (the media, then each image), which cost a tenth
//! of a Pin read; these flat shapes read each field once and then pick the variant. They accept
//! exactly what `PinMedia` and `PinImage` serialize to.

use serde::Deserialize;

use super::{CarouselItem, ImageRef, PinImage, PinMedia, VideoRef};

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ImageKind {
    Stored,
    Remote,
}

#[derive(Deserialize)]
pub struct RawImage {
    kind: ImageKind,
    key: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    url: Option<String>,
}

impl TryFrom<RawImage> for PinImage {
    type Error = &'static str;

    fn try_from(raw: RawImage) -> Result<PinImage, &'static str> {
        Ok(match raw.kind {
            ImageKind::Stored => PinImage::Stored(ImageRef {
                key: raw.key.ok_or("a stored image without its key")?,
                width: raw.width.ok_or("a stored image without its width")?,
                height: raw.height.ok_or("a stored image without its height")?,
            }),
            ImageKind::Remote => PinImage::Remote {
                url: raw.url.ok_or("a remote image without its URL")?,
            },
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MediaKind {
    Image,
    Carousel,
    Video,
}

#[derive(Deserialize)]
pub struct RawMedia {
    #[serde(rename = "type")]
    kind: MediaKind,
    image: Option<PinImage>,
    items: Option<Vec<CarouselItem>>,
    index: Option<u32>,
    video: Option<VideoRef>,
    cover: Option<PinImage>,
    ready_at: Option<i64>,
}

impl TryFrom<RawMedia> for PinMedia {
    type Error = &'static str;

    fn try_from(raw: RawMedia) -> Result<PinMedia, &'static str> {
        Ok(match raw.kind {
            MediaKind::Image => PinMedia::Image {
                image: raw.image.ok_or("image media without its image")?,
            },
            MediaKind::Carousel => PinMedia::Carousel {
                items: raw.items.ok_or("a carousel without its items")?,
                index: raw.index.ok_or("a carousel without its index")?,
            },
            MediaKind::Video => PinMedia::Video {
                video: raw.video.ok_or("video media without its video")?,
                cover: raw.cover.ok_or("video media without its cover")?,
                ready_at: raw.ready_at.ok_or("video media without ready_at")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::pins::{CarouselItem, ImageRef, PinImage, PinMedia, VideoRef};
    use crate::media::bmff::Container;

    fn stored(key: &str) -> PinImage {
        PinImage::Stored(ImageRef {
            key: key.into(),
            width: 640,
            height: 480,
        })
    }

    #[test]
    fn every_media_reads_back_as_it_was_written() {
        let all = [
            PinMedia::Image { image: stored("a") },
            PinMedia::Image {
                image: PinImage::Remote {
                    url: "https://example.com/x.png".into(),
                },
            },
            PinMedia::Carousel {
                items: vec![
                    CarouselItem {
                        image: stored("b"),
                        title: Some("t".into()),
                        description: None,
                        link: Some("https://example.com/".into()),
                    },
                    CarouselItem {
                        image: PinImage::Remote { url: "u".into() },
                        title: None,
                        description: Some("d".into()),
                        link: None,
                    },
                ],
                index: 1,
            },
            PinMedia::Video {
                video: VideoRef {
                    key: "v".into(),
                    container: Container::Mp4,
                    media_id: 7,
                    duration_ms: 1500,
                    width: 320,
                    height: 240,
                    size: 4096,
                    key_frame_time: Some(1),
                },
                cover: stored("c"),
                ready_at: 1_793_491_200_000,
            },
        ];
        for media in all {
            let json = serde_json::to_string(&media).unwrap();
            assert_eq!(
                serde_json::from_str::<PinMedia>(&json).unwrap(),
                media,
                "{json}"
            );
        }
    }

    #[test]
    fn media_missing_its_parts_is_refused() {
        for bad in [
            r#"{"type":"image"}"#,
            r#"{"type":"image","image":{"kind":"stored","key":"k"}}"#,
            r#"{"type":"carousel","items":[]}"#,
            r#"{"type":"hologram"}"#,
            r#"{"image":{"kind":"remote","url":"u"}}"#,
        ] {
            assert!(serde_json::from_str::<PinMedia>(bad).is_err(), "{bad}");
        }
    }
}
