//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and the legacy Vietnamese
//! code page Windows-1258; anything else is reported, never guessed into mojibake.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary data (NUL byte at offset {offset}), not a text document")]
    Binary { offset: usize },
    #[error("binary data (control characters, the first at character {offset}), not a text document")]
    Controls { offset: usize },
    #[error("not UTF-8 (invalid byte at offset {offset}) and not recognisable as Windows-1258 Vietnamese text")]
    UnknownEncoding { offset: usize },
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
}

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decode a document's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let decoded = decode_text(bytes)?;
    match controls(&decoded.text) {
        Some(offset) => Err(DecodeError::Controls { offset }),
        None => Ok(decoded),
    }
}

/// Text has tabs, line ends and form feeds; binary data (random bytes, an image without NUL
/// bytes) has the other C0 controls too, about one byte in ten. More than one in a thousand
/// characters (or any in the first 1,000) says: not a document. Returns the first one's offset.
fn controls(text: &str) -> Option<usize> {
    // C0 controls are bytes below 0x20, never inside a multi-byte character: bytes are read,
    // characters counted only once there is one
    let is_control = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x1a');
    let at = text.bytes().position(|b| is_control(&b))?;
    let first = text[..at].chars().count();
    let count = text.as_bytes()[at..].iter().filter(|b| is_control(b)).count();
    let total = first + text[at..].chars().count();
    (first < 1000 || count * 1000 > total).then_some(first)
}

fn decode_text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if !had_errors && !text.contains('\0') {
            return Ok(Decoded { text: text.into_owned(), encoding: enc.name() });
        }
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    // Vietnamese and Lao text has a multi-byte character every few bytes, where the standard
    // library's validation slows to a crawl: simdutf8 checks 16 or 32 bytes at a time.
    match simdutf8::compat::from_utf8(bytes) {
        Ok(s) => Ok(Decoded { text: s.to_owned(), encoding: "UTF-8" }),
        Err(e) => {
            let offset = e.valid_up_to();
            let (text, _, had_errors) = encoding_rs::WINDOWS_1258.decode(bytes);
            if !had_errors && looks_vietnamese(&text) {
                Ok(Decoded { text: text.into_owned(), encoding: "windows-1258" })
            } else {
                Err(DecodeError::UnknownEncoding { offset })
            }
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// Windows-1258 decodes any byte string; accept it only when the result reads like Vietnamese:
/// no C1 controls and a fair share of Vietnamese letters or combining tone marks.
fn looks_vietnamese(text: &str) -> bool {
    let mut letters = 0usize;
    let mut viet = 0usize;
    for c in text.chars() {
        if ('\u{80}'..='\u{9f}').contains(&c) {
            return false;
        }
        if crate::chars::is_letter(c) {
            letters += 1;
        }
        if matches!(c, 'ă' | 'Ă' | 'â' | 'Â' | 'ê' | 'Ê' | 'ô' | 'Ô' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'đ' | 'Đ')
            || matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
        {
            viet += 1;
        }
    }
    // Letters are most of what is not space in any text; in random bytes decoded this way,
    // symbols and punctuation are as common.
    let visible = text.chars().filter(|c| !c.is_whitespace() && !('\u{300}'..='\u{36f}').contains(c)).count();
    letters > 0 && viet * 20 >= letters && letters * 10 >= visible * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(decode("Hội nghị".as_bytes()).unwrap().text, "Hội nghị");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Lào".as_bytes());
        assert_eq!(decode(&b).unwrap().text, "Lào");
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Sê Kông".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&b).unwrap();
        assert_eq!(d.text, "Sê Kông");
        assert_eq!(d.encoding, "UTF-16LE");
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\t"), Err(DecodeError::Empty));
        assert_eq!(decode(b"PK\x03\x04\x00\x00"), Err(DecodeError::Binary { offset: 4 }));
    }

    #[test]
    fn windows_1258_vietnamese_is_decoded() {
        // "Hội nghị hợp tác" as Windows-1258 writes it: letters with their vowel marks (ô, ơ)
        // precomposed, tones as combining marks.
        let (bytes, _, unmappable) =
            encoding_rs::WINDOWS_1258.encode("H\u{f4}\u{323}i nghi\u{323} h\u{1a1}\u{323}p ta\u{301}c");
        assert!(!unmappable);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1258");
        assert!(d.text.contains("ta\u{301}c"));
    }

    /// Bytes from a small generator (no dependency): reproducible noise.
    fn noise(seed: u64, len: usize, high_share: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let r = x >> 33;
                if r % 100 < high_share {
                    0x80 | (r >> 8) as u8
                } else {
                    1 + ((r >> 8) % 127) as u8
                }
            })
            .collect()
    }

    #[test]
    fn random_bytes_are_not_text() {
        // Half high bytes (uniform noise) and a tenth (as in mostly-ASCII binary formats): a
        // probe's random files came back as Windows-1258 "documents" with figures in them.
        for seed in 0..400 {
            for (share, len) in [(50, 4096), (10, 4096), (50, 300), (30, 120), (100, 64)] {
                let bytes = noise(seed, len, share);
                assert!(decode(&bytes).is_err(), "seed {seed}, {len} bytes, {share}% high: decoded");
            }
        }
        // Text with a stray control character in a long document still reads.
        let mut long = "Hội nghị hợp tác. ".repeat(200);
        long.push('\x07');
        long.push_str(&"Hai bên ký kết. ".repeat(200));
        assert!(decode(long.as_bytes()).is_ok());
        assert!(matches!(decode(b"GIF89a\x01\x02\x03 header"), Err(DecodeError::Controls { offset: 6 })));
    }

    #[test]
    fn latin1_noise_is_not_taken_for_vietnamese() {
        let bytes = b"caf\xe9 cr\xe8me br\xfbl\xe9e and some more english words here";
        assert!(matches!(decode(bytes), Err(DecodeError::UnknownEncoding { offset: 3 })));
    }
}
