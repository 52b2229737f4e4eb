//! The normalised text that record spans index into.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC, `\n` line ends, no BOM or zero-width characters, exotic spaces made plain, other
/// control characters dropped.
pub fn normalize(text: &str) -> String {
    let needs_cleaning = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{ad}' | '\u{a0}' | '\u{2000}'..='\u{200a}')
            || matches!(c, '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{2028}' | '\u{2029}')
    };
    let clean = if text.is_ascii() {
        text.bytes().all(|b| b >= 0x20 || b == b'\n' || b == b'\t')
    } else {
        !text.chars().any(needs_cleaning)
    };
    let cleaned: String = if clean {
        text.to_owned()
    } else {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    if chars.peek() != Some(&'\n') {
                        out.push('\n');
                    }
                }
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{ad}' => {}
                '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => out.push(' '),
                '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
                '\t' | '\n' => out.push(c),
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        out
    };
    match is_nfc_quick(cleaned.chars()) {
        IsNormalized::Yes => cleaned,
        _ => cleaned.nfc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_and_cleans() {
        let decomposed = "Ho\u{302}\u{323}i nghi\u{323}\r\nla\u{300}o\u{a0}x";
        assert_eq!(normalize(decomposed), "Hội nghị\nlào x");
        assert_eq!(normalize("a\u{feff}b\u{200b}c\rd"), "abc\nd");
    }

    #[test]
    fn ascii_passes_through() {
        assert_eq!(normalize("Kon Tum\n"), "Kon Tum\n");
    }
}
