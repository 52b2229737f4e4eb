//! A title splits into the office and the organisation it is held in:
//! "Phó Chủ tịch UBND tỉnh Kon Tum" → office "Phó Chủ tịch", organisation "UBND tỉnh Kon Tum".

use hoptac_text::fold_ascii;

/// Offices that head a Vietnamese or Lao title, in folded ASCII, longest first where one is the
/// start of another. Compiled from how the press writes titles (no external source).
const OFFICES: &[&str] = &[
    "uy vien ban thuong vu",
    "uy vien thuong truc",
    "uy vien du khuyet",
    "uy vien",
    "pho bi thu thuong truc",
    "pho bi thu",
    "bi thu",
    "pho chu tich thuong truc",
    "pho chu tich",
    "chu tich",
    "pho tinh truong",
    "tinh truong",
    "pho chu nhiem",
    "chu nhiem",
    "pho truong ban",
    "truong ban",
    "pho giam doc",
    "giam doc",
    "pho chinh uy",
    "chinh uy",
    "pho chi huy truong",
    "chi huy truong",
    "pho tu lenh",
    "tu lenh",
    "pho tong thu ky",
    "tong thu ky",
    "pho thu truong",
    "thu truong",
    "pho bo truong",
    "bo truong",
    "pho truong doan",
    "truong doan",
    "dai su",
    "tong lanh su",
    "lanh su",
    "pho huyen truong",
    "huyen truong",
    "dai bieu quoc hoi",
    "dai bieu",
    "trung tuong",
    "thieu tuong",
    "dai ta",
    "thuong ta",
    "trung ta",
    "thieu ta",
    "deputy secretary",
    "secretary",
    "vice chairman",
    "vice chairwoman",
    "vice president",
    "chairman",
    "chairwoman",
    "president",
    "deputy governor",
    "vice governor",
    "governor",
    "deputy director",
    "director",
    "head",
];

/// Split a title into office and organisation (`None` when the title is only an office).
pub fn split_title(title: &str) -> (String, Option<String>) {
    let folded = fold_ascii(title);
    let words: Vec<&str> = folded.split_whitespace().collect();
    // each office's words, split once
    static OFFICE_WORDS: std::sync::LazyLock<Vec<Vec<&str>>> =
        std::sync::LazyLock::new(|| OFFICES.iter().map(|o| o.split(' ').collect()).collect());
    for office in OFFICE_WORDS.iter() {
        let n = office.len();
        if words.len() >= n && words[..n] == office[..] {
            // Cut the original after its n-th word.
            let mut it = title.split_whitespace();
            let head: Vec<&str> = it.by_ref().take(n).collect();
            let rest: Vec<&str> = it.collect();
            let rest = rest.join(" ");
            let rest = rest.trim_start_matches(['-', ',', ' ']).trim();
            let org = (!rest.is_empty()).then(|| rest.to_string());
            return (head.join(" "), org);
        }
    }
    (title.trim().to_string(), None)
}

/// The key a person is known by: folded name and country.
pub fn person_key(name: &str, country: Option<&str>) -> String {
    let name: Vec<String> = fold_ascii(name).split_whitespace().map(|w| w.to_lowercase()).collect();
    format!("{}|{}", name.join(" "), country.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offices_and_organisations() {
        assert_eq!(
            split_title("Phó Chủ tịch UBND tỉnh Kon Tum"),
            ("Phó Chủ tịch".to_string(), Some("UBND tỉnh Kon Tum".to_string()))
        );
        assert_eq!(split_title("Bí thư Tỉnh uỷ Sê Kông").1.as_deref(), Some("Tỉnh uỷ Sê Kông"));
        assert_eq!(split_title("Ủy viên Trung ương Đảng").0, "Ủy viên");
        assert_eq!(split_title("Tỉnh trưởng"), ("Tỉnh trưởng".to_string(), None));
        assert_eq!(split_title("Governor of Attapeu").1.as_deref(), Some("of Attapeu"));
        assert_eq!(split_title("Thượng tá").0, "Thượng tá");
        assert_eq!(split_title("Nhà báo").0, "Nhà báo");
    }

    #[test]
    fn person_keys_ignore_case_diacritics_and_tone_placement() {
        assert_eq!(person_key("Nguyễn Văn Hoà", Some("VN")), person_key("nguyễn văn hòa", Some("VN")));
        assert_ne!(person_key("Nguyễn Văn Hòa", Some("VN")), person_key("Nguyễn Văn Hòa", Some("LA")));
    }
}
