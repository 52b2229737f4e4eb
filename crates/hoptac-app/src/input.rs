//! Finding and reading the documents to ingest: files and directories, `.txt`, `.html`/`.htm`
//! and `.md`/`.markdown`, decoded and normalised.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use hoptac_text::markup::{html_to_text, markdown_to_text};
use hoptac_text::{decode, normalize, DecodeError};

/// Files larger than this are refused unless the caller says otherwise.
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Why one input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("is a directory, not a document (name the files inside it)")]
    Directory,
    #[error("is not a regular file (a pipe, socket or device), not read")]
    NotAFile,
    #[error("{0}")]
    Decode(#[from] DecodeError),
}

/// Read one file within the size limit and decode it.
pub fn read_document(path: &Path, max_bytes: u64) -> Result<(String, &'static str), InputError> {
    let meta = std::fs::metadata(path).map_err(InputError::Io)?;
    if meta.is_dir() {
        return Err(InputError::Directory);
    }
    // A named pipe would block the run forever waiting for a writer; a device never ends.
    if !meta.is_file() {
        return Err(InputError::NotAFile);
    }
    if meta.len() > max_bytes {
        return Err(InputError::Decode(DecodeError::TooLarge { size: meta.len(), limit: max_bytes }));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(path).and_then(|f| f.take(max_bytes + 1).read_to_end(&mut bytes)).map_err(InputError::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(InputError::Decode(DecodeError::TooLarge { size: bytes.len() as u64, limit: max_bytes }));
    }
    let decoded = decode(&bytes).map_err(InputError::Decode)?;
    Ok((normalize(&decoded.text), decoded.encoding))
}

/// Extensions taken from directories (a file named on the command line is read whatever its name).
pub const EXTENSIONS: &[&str] = &["txt", "text", "html", "htm", "md", "markdown"];

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

/// The files named, and those under the directories named (sorted, hidden ones skipped, symbolic
/// links followed, loops among them reported), with the paths that could not be walked or are
/// not files (a pipe named like a document is reported, not opened).
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walk = walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_dir() || !EXTENSIONS.contains(&extension(e.path()).as_str()) => {}
                    Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                    Ok(e) => errors.push((e.into_path(), InputError::NotAFile.to_string())),
                    Err(err) => {
                        let path = err.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                        errors.push((path, err.to_string()));
                    }
                }
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            errors.push((p.clone(), "no such file or directory".into()));
        }
    }
    (files, errors)
}

/// Read a document of any supported format as normalised plain text, with the encoding its
/// bytes were in.
pub fn read_any(path: &Path, max_bytes: u64) -> Result<(String, &'static str), InputError> {
    let (text, encoding) = read_document(path, max_bytes)?;
    from_format(&extension(path), text, encoding)
}

/// A document received as bytes (an upload) named `name`: decoded, converted by the format its
/// name says, normalised.
pub fn read_bytes(name: &str, bytes: &[u8], max_bytes: u64) -> Result<(String, &'static str), InputError> {
    if bytes.len() as u64 > max_bytes {
        return Err(InputError::Decode(DecodeError::TooLarge { size: bytes.len() as u64, limit: max_bytes }));
    }
    let decoded = decode(bytes)?;
    from_format(&extension(Path::new(name)), normalize(&decoded.text), decoded.encoding)
}

fn from_format(extension: &str, text: String, encoding: &'static str) -> Result<(String, &'static str), InputError> {
    let text = match extension {
        "html" | "htm" => normalize(&html_to_text(&text)),
        "md" | "markdown" => normalize(&markdown_to_text(&text)),
        _ => text,
    };
    if text.trim().is_empty() {
        return Err(InputError::Decode(DecodeError::Empty));
    }
    Ok((text, encoding))
}
