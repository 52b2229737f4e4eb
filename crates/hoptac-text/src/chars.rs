//! Fast character classes for the scripts hoptac reads. `char::is_alphabetic` does a table
//! search for every non-ASCII character; Vietnamese text is full of them, and they all sit in a
//! few Latin blocks that are letters throughout.

/// A letter: ASCII, the Latin blocks Vietnamese uses, and anything Unicode calls alphabetic.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match c {
        '\u{C0}'..='\u{24F}' => c != '×' && c != '÷',
        '\u{1E00}'..='\u{1EFF}' => true,
        // Lao: vowel signs and tone marks belong to the word they sit in ("ທ່ານ" is one word)
        '\u{0E80}'..='\u{0ECF}' | '\u{0EDC}'..='\u{0EFF}' => true,
        _ => c.is_alphabetic(),
    }
}

/// A letter or a digit.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    is_letter(c) || c.is_numeric()
}

/// `char::is_uppercase` without a table search for ASCII, Lao (no case), Latin-1, the other
/// letters of Vietnamese (ă đ ĩ ũ ơ ư) and its precomposed letters (upper case at even code
/// points, lower at odd).
#[inline]
pub fn is_upper(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_uppercase(),
        '\u{C0}'..='\u{DE}' => c != '×',
        '\u{DF}'..='\u{FF}' => false,
        'Ă' | 'Đ' | 'Ĩ' | 'Ũ' | 'Ơ' | 'Ư' => true,
        'ă' | 'đ' | 'ĩ' | 'ũ' | 'ơ' | 'ư' => false,
        _ if crate::lao::is_lao(c) => false,
        '\u{1EA0}'..='\u{1EF9}' => (c as u32).is_multiple_of(2),
        _ => c.is_uppercase(),
    }
}

/// `char::is_lowercase`, as [`is_upper`].
#[inline]
pub fn is_lower(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_lowercase(),
        '\u{C0}'..='\u{DE}' => false,
        '\u{DF}'..='\u{FF}' => c != '÷',
        'Ă' | 'Đ' | 'Ĩ' | 'Ũ' | 'Ơ' | 'Ư' => false,
        'ă' | 'đ' | 'ĩ' | 'ũ' | 'ơ' | 'ư' => true,
        _ if crate::lao::is_lao(c) => false,
        '\u{1EA0}'..='\u{1EF9}' => !(c as u32).is_multiple_of(2),
        _ => c.is_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_library() {
        // the Lao block is all word characters (marks included), checked below
        for c in (0u32..0x3000).filter_map(char::from_u32).filter(|c| !('\u{0E80}'..='\u{0EFF}').contains(c)) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
        assert!(is_word_char('ທ') && is_word_char('\u{0EC8}') && is_word_char('໒'));
        assert!(!is_letter('໒'));
    }

    #[test]
    fn case_tests_agree_with_the_standard_library() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_upper(c), c.is_uppercase(), "U+{:04X}", c as u32);
            assert_eq!(is_lower(c), c.is_lowercase(), "U+{:04X}", c as u32);
        }
    }
}
