//! Roman numerals as Vietnamese writes ordinals ("lần thứ XVIII").

/// Value of a well-formed Roman numeral (upper or lower case) from 1 to 3999.
pub fn parse_roman(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let val = |c: char| match c.to_ascii_uppercase() {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let digits: Vec<u32> = s.chars().map(val).collect::<Option<_>>()?;
    // Straightforward subtractive evaluation, then a canonical round trip rejects forms like IIII or VX.
    let mut total = 0u32;
    let mut i = 0;
    while i < digits.len() {
        let d = digits[i];
        if let Some(&next) = digits.get(i + 1) {
            if next > d {
                total += next - d;
                i += 2;
                continue;
            }
        }
        total += d;
        i += 1;
    }
    (total > 0 && total < 4000 && to_roman(total).eq_ignore_ascii_case(s)).then_some(total)
}

/// Canonical Roman numeral of `n` (1..4000).
pub fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_of_the_genre() {
        assert_eq!(parse_roman("XVII"), Some(17));
        assert_eq!(parse_roman("XVIII"), Some(18));
        assert_eq!(parse_roman("XIX"), Some(19));
        assert_eq!(parse_roman("xiv"), Some(14));
        assert_eq!(parse_roman("MCMXC"), Some(1990));
    }

    #[test]
    fn malformed_numerals_are_refused() {
        for s in ["", "IIII", "VX", "IC", "ABC", "XVIIII"] {
            assert_eq!(parse_roman(s), None, "{s}");
        }
    }

    #[test]
    fn round_trip() {
        for n in 1..4000 {
            assert_eq!(parse_roman(&to_roman(n)), Some(n));
        }
    }
}
