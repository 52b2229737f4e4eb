//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and the legacy Vietnamese
//! code page Windows-1258; anything else is reported, never guessed into mojibake.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary data (NUL byte at offset {offset}), not a text document")]
    Binary { offset: usize },
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
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if !had_errors && !text.contains('\0') {
            return Ok(Decoded { text: text.into_owned(), encoding: enc.name() });
        }
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
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
    bytes.iter().position(|&b| b == 0)
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
    letters > 0 && viet * 20 >= letters
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
        // "Hội nghị hợp tác" written by a Windows-1258 encoder: base letters plus combining tones.
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1258.encode("Ho\u{302}\u{323}i nghi\u{323} ho\u{31b}\u{323}p ta\u{301}c");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1258");
        assert!(d.text.contains("ta\u{301}c"));
    }

    #[test]
    fn latin1_noise_is_not_taken_for_vietnamese() {
        let bytes = b"caf\xe9 cr\xe8me br\xfbl\xe9e and some more english words here";
        assert!(matches!(decode(bytes), Err(DecodeError::UnknownEncoding { offset: 3 })));
    }
}
