//! Finding and reading the documents to ingest: files and directories, `.txt`, `.html`/`.htm`
//! and `.md`/`.markdown`, decoded and normalised.

use std::path::{Path, PathBuf};

use hoptac_text::markup::{html_to_text, markdown_to_text};
use hoptac_text::{normalize, DecodeError};

use crate::extract_cmd::{read_document, InputError};

/// Extensions taken from directories (a file named on the command line is read whatever its name).
pub const EXTENSIONS: &[&str] = &["txt", "text", "html", "htm", "md", "markdown"];

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

/// The files named, and those under the directories named (sorted, hidden ones skipped), with
/// the paths that could not be walked.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walk = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_file() && EXTENSIONS.contains(&extension(e.path()).as_str()) => {
                        files.push(e.into_path())
                    }
                    Ok(_) => {}
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
    let text = match extension(path).as_str() {
        "html" | "htm" => normalize(&html_to_text(&text)),
        "md" | "markdown" => normalize(&markdown_to_text(&text)),
        _ => text,
    };
    if text.trim().is_empty() {
        return Err(InputError::Decode(DecodeError::Empty));
    }
    Ok((text, encoding))
}
