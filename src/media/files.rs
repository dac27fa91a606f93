//! Where image and video files live: a directory every replica can reach. Files are written to a
//! temporary name and renamed, so a reader never sees half a file.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(FileStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `key`, refusing keys that would leave the root.
    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        let ok = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty() && part != "." && part != ".." && !part.contains('\\')
            });
        if !ok {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad file key {key:?}"),
            ));
        }
        Ok(self.root.join(key))
    }

    /// Writes `bytes` to `key`, replacing what was there. One blocking task does the directory,
    /// the write and the rename (three hops through tokio's pool cost more than the write).
    /// `durable` flushes the file and its directory to disk before returning, for files that
    /// cannot be made again; a cache that can be rebuilt skips it.
    pub async fn put(&self, key: &str, bytes: impl Into<Bytes>, durable: bool) -> io::Result<()> {
        let (path, bytes) = (self.path(key)?, bytes.into());
        tokio::task::spawn_blocking(move || write_replacing(&path, &bytes, durable))
            .await
            .map_err(io::Error::other)?
    }

    pub async fn get(&self, key: &str) -> io::Result<Option<Bytes>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(b) => Ok(Some(Bytes::from(b))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn exists(&self, key: &str) -> bool {
        match self.path(key) {
            Ok(p) => tokio::fs::try_exists(p).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// A new, empty temporary file in the media directory (so the rename into place never
    /// crosses file systems), for writing a large file as it streams in.
    pub async fn temp_file(&self) -> io::Result<(TempFile, tokio::fs::File)> {
        let dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("upload-{:032x}", rand::random::<u128>()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok((TempFile { path: Some(path) }, file))
    }

    /// Moves a finished temporary file to `key`, replacing what was there.
    pub async fn commit(&self, mut temp: TempFile, key: &str) -> io::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let from = temp.path.take().expect("a temp file is committed once");
        tokio::fs::rename(&from, &path).await
    }

    /// Gives the file at `from` a second name `to` that outlives the first: a hard link (no
    /// copy, and later writes to `from` by rename leave `to` alone), or a copy where the file
    /// system has no hard links.
    pub async fn link_or_copy(&self, from: &str, to: &str) -> io::Result<()> {
        let (src, dst) = (self.path(from)?, self.path(to)?);
        if let Some(dir) = dst.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        match tokio::fs::hard_link(&src, &dst).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(e),
            Err(_) => {
                let tmp = dst.with_extension(format!("tmp{}", rand::random::<u32>()));
                tokio::fs::copy(&src, &tmp).await?;
                tokio::fs::rename(&tmp, &dst).await
            }
        }
    }

    /// Removes `key`; `false` when there was nothing to remove.
    pub async fn remove(&self, key: &str) -> io::Result<bool> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn write_replacing(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp{}", rand::random::<u32>()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if durable {
        // The rename itself lives in the directory.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A temporary file in the media directory, removed when dropped unless committed.
#[derive(Debug)]
pub struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    pub fn path(&self) -> &Path {
        self.path.as_deref().expect("not yet committed")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_keys_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::new(dir.path()).unwrap();
        fs.put("images/ab/cd/x.jpg", b"hello".to_vec(), true)
            .await
            .unwrap();
        assert_eq!(
            fs.get("images/ab/cd/x.jpg").await.unwrap().unwrap(),
            Bytes::from_static(b"hello")
        );
        assert!(fs.get("images/none.jpg").await.unwrap().is_none());
        for bad in ["../etc/passwd", "a/../../b", "/abs", "", "a//b"] {
            assert!(fs.path(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_linked_file_keeps_its_bytes_when_the_original_is_replaced_or_removed() {
        use tokio::io::AsyncWriteExt;
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::new(dir.path()).unwrap();
        let (temp, mut f) = fs.temp_file().await.unwrap();
        f.write_all(b"first").await.unwrap();
        f.flush().await.unwrap();
        fs.commit(temp, "uploads/1").await.unwrap();
        fs.link_or_copy("uploads/1", "videos/a/b.mp4")
            .await
            .unwrap();
        fs.put("uploads/1", b"second".to_vec(), false)
            .await
            .unwrap();
        assert_eq!(
            &fs.get("videos/a/b.mp4").await.unwrap().unwrap()[..],
            b"first"
        );
        assert!(fs.remove("uploads/1").await.unwrap());
        assert!(!fs.remove("uploads/1").await.unwrap());
        assert_eq!(
            &fs.get("videos/a/b.mp4").await.unwrap().unwrap()[..],
            b"first"
        );
    }

    #[tokio::test]
    async fn an_uncommitted_temp_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::new(dir.path()).unwrap();
        let (temp, _f) = fs.temp_file().await.unwrap();
        let path = temp.path().to_path_buf();
        assert!(path.exists());
        drop(temp);
        assert!(!path.exists());
    }
}
