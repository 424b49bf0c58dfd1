//! Keeping an output folder equal to the program: [`sync`] writes the files of a build, removes
//! the ones an earlier build wrote that this one no longer produces, and touches nothing else.
//!
//! routec knows which files are its own from the manifest, [`MANIFEST`] in the folder: a header
//! comment, then one path per line, relative to the folder with `/`, sorted. Files that are not
//! in it (a README, files of other tools) are never deleted; a folder is removed only when
//! deleting a stale file left it empty.
//!
//! Every file is written to a temporary file beside it and renamed over it, so a reader (or
//! `kubectl apply -f out/` running at the same time) sees the old or the new file, never half
//! of one. A file whose bytes did not change is not written at all, so its modification time
//! still says when the resource last changed. Before any resource is written the manifest
//! lists the old and the new files together, so an interrupted build leaves no file that a
//! later build would not know to remove.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::emit::OutputFile;
use crate::project::{display_path, io_message};

/// The manifest's file name, in the output folder.
pub const MANIFEST: &str = ".routec-manifest";

/// The first line of the manifest.
const MANIFEST_HEADER: &str =
    "# Files written by `routec build`; it deletes those a later build no longer produces.";

/// What [`sync`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files of this build (written or unchanged).
    pub files: usize,
    /// Files of this build whose bytes were already on disk.
    pub unchanged: usize,
    /// Files of an earlier build deleted because this one does not produce them.
    pub removed: usize,
}

/// A file or folder that could not be read, written or removed. Its `Display` is one line:
/// `cannot write out/bookinfo/routetable-bookinfo.yaml: permission denied`.
#[derive(Debug)]
pub struct SyncError {
    pub action: &'static str,
    pub path: PathBuf,
    pub error: io::Error,
}

impl SyncError {
    fn new(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> SyncError {
        move |error| SyncError {
            action,
            path: path.to_path_buf(),
            error,
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.error.kind() {
            // The folder to create is a file: "File exists" would read as if the folder did.
            io::ErrorKind::AlreadyExists => "it is a file, not a folder".to_owned(),
            io::ErrorKind::NotADirectory => "a folder on the way is a file".to_owned(),
            _ => io_message(&self.error),
        };
        write!(
            f,
            "cannot {} {}: {reason}",
            self.action,
            display_path(&self.path)
        )
    }
}

impl std::error::Error for SyncError {}

/// Makes `dir` hold `files` (paths relative to `dir`) and no other file of an earlier build.
/// Creates `dir` when needed. Stops at the first failure: what was written by then is in the
/// manifest, so the next build cleans it up.
pub fn sync(dir: &Path, files: &[OutputFile]) -> Result<Summary, SyncError> {
    fs::create_dir_all(dir).map_err(SyncError::new("write", dir))?;
    let manifest = dir.join(MANIFEST);
    let previous = read_manifest(&manifest)?;
    let current: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();

    let both: BTreeSet<&str> = previous
        .iter()
        .map(String::as_str)
        .chain(current.iter().copied())
        .collect();
    write_if_changed(&manifest, &manifest_text(&both))?;

    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(SyncError::new("write", parent))?;
        }
        if !write_if_changed(&path, &file.contents)? {
            summary.unchanged += 1;
        }
    }

    for stale in previous
        .iter()
        .filter(|path| !current.contains(path.as_str()))
    {
        if remove_stale(dir, stale)? {
            summary.removed += 1;
        }
    }
    write_if_changed(&manifest, &manifest_text(&current))?;
    Ok(summary)
}

/// The paths of the previous manifest; none when there is no manifest. Lines that are not
/// plain relative paths are skipped: routec never writes them, and following one could delete
/// a file outside the folder.
fn read_manifest(manifest: &Path) -> Result<BTreeSet<String>, SyncError> {
    let bytes = match fs::read(manifest) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(error) => return Err(SyncError::new("read", manifest)(error)),
    };
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.starts_with('#') && *line != MANIFEST && is_plain_relative(line))
        .map(str::to_owned)
        .collect())
}

/// A path of only normal segments: no root, no `..`, no `.`, no empty segment, no `\`.
fn is_plain_relative(path: &str) -> bool {
    !path.contains('\\')
        && path.split('/').all(|segment| {
            let mut components = Path::new(segment).components();
            matches!(
                (components.next(), components.next()),
                (Some(Component::Normal(_)), None)
            )
        })
}

fn manifest_text(paths: &BTreeSet<&str>) -> Vec<u8> {
    let mut text = String::from(MANIFEST_HEADER);
    text.push('\n');
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    text.into_bytes()
}

/// Writes `contents` to `path` through a temporary file and a rename, unless the file already
/// holds exactly those bytes. Says whether it wrote.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool, SyncError> {
    if fs::read(path).is_ok_and(|existing| existing == contents) {
        return Ok(false);
    }
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    // Hidden, beside the target (a rename is atomic only within one file system), and named
    // after it, so that a leftover from a crash is recognisable.
    let temporary = path.with_file_name(format!(".{file_name}.routec-tmp"));
    let written = fs::write(&temporary, contents).and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        // The temporary file may not exist; either way the failure to report is the write.
        let _ = fs::remove_file(&temporary);
        return Err(SyncError::new("write", path)(error));
    }
    Ok(true)
}

/// Deletes a file of an earlier build, then its folders up to `dir` that this left empty.
/// Says whether there was a file to delete; a folder where the file was is not routec's.
fn remove_stale(dir: &Path, relative: &str) -> Result<bool, SyncError> {
    let path = dir.join(relative);
    match fs::symlink_metadata(&path) {
        Ok(metadata) if !metadata.is_dir() => {}
        Ok(_) => return Ok(false),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(SyncError::new("remove", &path)(error)),
    }
    fs::remove_file(&path).map_err(SyncError::new("remove", &path))?;
    let mut folder = path.parent();
    while let Some(current) = folder.filter(|folder| *folder != dir) {
        // Fails when the folder still holds something, which is the point.
        if fs::remove_dir(current).is_err() {
            break;
        }
        folder = current.parent();
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative;

    #[test]
    fn only_plain_relative_paths_are_followed() {
        for good in ["a.yaml", "bookinfo/routetable-x.yaml", ".hidden/x"] {
            assert!(is_plain_relative(good), "{good}");
        }
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
            "",
        ] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
