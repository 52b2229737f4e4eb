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
    // One pass decides both whether anything needs cleaning and whether the text may not be in
    // NFC: precomposed Latin (Vietnamese included) and common punctuation are always NFC; only
    // combining marks and other scripts send the text through the full quick check.
    let surely_nfc = |c: char| {
        c < '\u{300}'
            || ('\u{1E00}'..='\u{1EFF}').contains(&c)
            || ('\u{2010}'..='\u{2027}').contains(&c)
            || ('\u{2030}'..='\u{205E}').contains(&c)
    };
    let (clean, maybe_not_nfc) = if text.is_ascii() {
        (text.bytes().all(|b| b >= 0x20 || b == b'\n' || b == b'\t'), false)
    } else {
        let mut clean = true;
        let mut maybe = false;
        for c in text.chars() {
            if c.is_ascii() {
                clean &= c >= ' ' || c == '\n' || c == '\t';
                continue;
            }
            clean &= !needs_cleaning(c);
            maybe |= !surely_nfc(c);
        }
        (clean, maybe)
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
    if !maybe_not_nfc {
        return cleaned;
    }
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
    fn the_shortcut_agrees_with_the_full_check() {
        // every character the shortcut calls surely-NFC is NFC on its own and after a base letter
        for c in ('\u{A0}'..'\u{300}')
            .chain('\u{1E00}'..='\u{1EFF}')
            .chain('\u{2010}'..='\u{2027}')
            .chain('\u{2030}'..='\u{205E}')
        {
            for s in [c.to_string(), format!("a{c}"), format!("{c}a")] {
                let n = normalize(&s);
                let full: String = n.nfc().collect();
                assert_eq!(n, full, "{c:?} U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn ascii_passes_through() {
        assert_eq!(normalize("Kon Tum\n"), "Kon Tum\n");
    }
}
