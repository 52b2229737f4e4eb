//! Property tests: no input makes extraction panic, and every span it reports is a valid range
//! of character boundaries in the normalised text.

use hoptac_core::{ExtractRecord, Span};
use hoptac_extract::Extractor;
use hoptac_text::{decode, normalize};
use proptest::prelude::*;

fn check_spans(text: &str, rec: &ExtractRecord) -> Result<(), TestCaseError> {
    let ok = |s: &Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for p in &rec.places {
        for m in &p.mentions {
            prop_assert!(ok(m), "place span {:?}", m);
        }
    }
    for s in rec.people.iter().map(|p| &p.span).chain(rec.events.iter().map(|e| &e.span)) {
        prop_assert!(ok(s), "span {:?}", s);
    }
    for s in rec.agreements.iter().map(|a| &a.span).chain(rec.figures.iter().map(|f| &f.span)) {
        prop_assert!(ok(s), "span {:?}", s);
    }
    Ok(())
}

/// Text built from the genre's own pieces, so the rules are exercised, not just the tokenizer.
fn genre_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Ngày 23/11, ",
        "Sáng 5/6/2024, ",
        "tại ",
        "TP ",
        "huyện ",
        "tỉnh ",
        "Kon Tum",
        "Attapư",
        "Sê Kông",
        "Xan Xay",
        "Đăk Chưng",
        "Hội nghị hợp tác lần thứ ",
        "XVIII",
        "XIX",
        "12",
        " sẽ được tổ chức ",
        " đã ",
        "vào năm 2024",
        "Biên bản ",
        "Bản ghi nhớ ",
        "giai đoạn 2022-2027",
        "ký kết ",
        "trao ",
        "585 triệu đồng",
        "20 suất học bổng",
        " cho ",
        "hai tỉnh",
        "Bí thư Tỉnh ủy ",
        "Nguyễn Văn An",
        "Ông ",
        ", ",
        "; ",
        ". ",
        "\n",
        "(",
        ")",
        " - ",
        "Việt Nam",
        "Lào",
        "kỷ niệm 61 năm ",
        "(5/9/1962 – 5/9/2023)",
        "hoà",
        "Uỷ ban ",
        "ອັດຕະປື",
        "Thông cáo chung ",
        "tháng 4/2018",
        "dài 154km",
        "quy tập được ",
        "129 hài cốt",
        "Bài liên quan\n",
        "Thứ Năm, 16/11/2017, 04:29:41\n",
        "hai mươi lăm ",
        "năm ",
        "lần thứ lần thứ ",
        "ກອງປະຊຸມ",
        "ຄັ້ງທີ ",
        "200 ລ້ານດົ້ງ",
        "ລ້ານ",
        "ວັນທີ 5 ມີນາ 2024",
        "ດົງ",
        ".",
        "0",
        " ",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

/// Cases per property: a few hundred in the test suite; `HOPTAC_FUZZ_CASES` runs them long.
fn cases() -> u32 {
    std::env::var("HOPTAC_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
}

/// Found by the fuzz benchmark: a Lao word, a full stop and a digit ended a sentence on a
/// number whose unit was looked for past the end of the text (an index out of bounds).
#[test]
fn a_lao_sentence_ending_on_a_number() {
    for text in ["ດົງ.0", "ລ້ານ.5", "200 ລ້ານ.", "ກອງປະຊຸມ 200", "ດົງ 0", "0"]
    {
        let rec = Extractor::new().extract("p.txt", text, "UTF-8");
        check_spans(text, &rec).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(d) = decode(&bytes) {
            let text = normalize(&d.text);
            let rec = Extractor::new().extract("p.txt", &text, d.encoding);
            check_spans(&text, &rec)?;
        }
    }

    #[test]
    fn arbitrary_strings(s in "\\PC{0,300}") {
        let text = normalize(&s);
        let rec = Extractor::new().extract("p.txt", &text, "UTF-8");
        check_spans(&text, &rec)?;
    }

    #[test]
    fn genre_like_strings(s in genre_text()) {
        let text = normalize(&s);
        let rec = Extractor::new().extract("p.txt", &text, "UTF-8");
        check_spans(&text, &rec)?;
        prop_assert!(serde_json::to_string(&rec).is_ok());
    }
}
