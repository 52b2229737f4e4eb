//! The rules on sentences written for these tests, in Vietnamese, English and Lao: one rule (or
//! one trait of a language) per test, so that a failure names what stopped working.

use hoptac_core::{AgreementKind, EventKind, EventStatus, ExtractRecord, FigureKind, Unit};
use hoptac_extract::Extractor;

fn read(text: &str) -> ExtractRecord {
    Extractor::new().extract("t.txt", text, "UTF-8")
}

/// kind, ordinal, date, status, place
type EventRow = (EventKind, Option<u32>, Option<String>, EventStatus, Option<String>);
/// kind, signed, period, parties
type AgreementRow = (AgreementKind, Option<String>, Option<(i16, i16)>, Vec<String>);

fn events(text: &str) -> Vec<EventRow> {
    read(text)
        .events
        .into_iter()
        .map(|e| (e.kind, e.ordinal, e.date.map(|d| d.to_string()), e.status, e.place.map(|p| p.0)))
        .collect()
}

fn agreements(text: &str) -> Vec<AgreementRow> {
    read(text)
        .agreements
        .into_iter()
        .map(|a| {
            (
                a.kind,
                a.signed.map(|d| d.to_string()),
                a.period.map(|p| (p.first, p.last)),
                a.parties.into_iter().map(|p| p.0).collect(),
            )
        })
        .collect()
}

fn figures(text: &str) -> Vec<(FigureKind, f64, Unit)> {
    read(text).figures.into_iter().map(|f| (f.kind, f.value, f.unit)).collect()
}

fn people(text: &str) -> Vec<String> {
    read(text).people.into_iter().map(|p| p.name).collect()
}

fn places(text: &str) -> Vec<String> {
    read(text).places.into_iter().map(|p| p.id.0).collect()
}

const HELD: EventStatus = EventStatus::Held;
const PLANNED: EventStatus = EventStatus::Planned;

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

// ---- Vietnamese ----

#[test]
fn vi_numbered_conference_with_roman_ordinal_and_venue() {
    let e = events(
        "Ngày 14/10/2021, tại huyện Ngọc Hồi, tỉnh Kon Tum, đã diễn ra Hội nghị hợp tác lần thứ XIV giữa huyện Ngọc Hồi và huyện Phu Vông (tỉnh Attapư).",
    );
    assert_eq!(e, vec![(EventKind::Conference, Some(14), s("2021-10-14"), HELD, s("VN-28:ngochoi"))]);
}

#[test]
fn vi_planned_review_with_a_year_and_a_place() {
    let e = events("Hai tỉnh thống nhất năm 2026 sẽ tổ chức Hội nghị tổng kết giai đoạn 2021-2025 tại tỉnh Sê Kông.");
    assert_eq!(e, vec![(EventKind::FinalReview, None, s("2026"), PLANNED, s("LA-XE"))]);
}

#[test]
fn vi_talks_during_a_visit_are_one_event_of_the_first_day() {
    let e = events(
        "Từ ngày 3 đến ngày 5/9/2024, đoàn đại biểu tỉnh Hà Tĩnh đã sang thăm và làm việc tại tỉnh Bolikhămxay. Trong chuyến thăm, hai bên đã tiến hành hội đàm.",
    );
    assert_eq!(e, vec![(EventKind::Talks, None, s("2024-09-03"), HELD, s("LA-BL"))]);
}

#[test]
fn vi_a_custom_is_no_event() {
    assert!(events("Lực lượng biên phòng hai huyện Mường Lát và Viêng Xay thường xuyên tổ chức giao ban định kỳ.")
        .is_empty());
}

#[test]
fn vi_memorandum_with_period_and_signing_date() {
    let a = agreements(
        "Ngày 20/4/2023, tỉnh Quảng Trị và tỉnh Savannakhẹt ký kết Bản ghi nhớ hợp tác giai đoạn 2023-2027.",
    );
    assert_eq!(
        a,
        vec![(AgreementKind::Mou, s("2023-04-20"), Some((2023, 2027)), vec!["VN-25".into(), "LA-SV".into()])]
    );
}

#[test]
fn vi_minutes_named_after_a_meeting() {
    let a = agreements("Ngày 2/3/2022, huyện Mường Nhé và huyện Mày đã ký biên bản hội đàm.");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].0, AgreementKind::Minutes);
}

#[test]
fn vi_a_wish_is_no_agreement() {
    assert!(agreements(
        "Hai bên đề nghị xây dựng bản ghi nhớ hợp tác giai đoạn mới giữa tỉnh Điện Biên và tỉnh Phông Xa Lỳ."
    )
    .is_empty());
}

#[test]
fn vi_figures_by_tense() {
    assert_eq!(
        figures("Năm 2023, tỉnh Nghệ An đã hỗ trợ tỉnh Xiêng Khoảng 3,5 tỷ đồng xây dựng trường học."),
        vec![(FigureKind::Result, 3.5e9, Unit::Vnd)]
    );
    assert_eq!(
        figures("Hai tỉnh thống nhất mỗi năm tiếp nhận 40 lưu học sinh của tỉnh Hủa Phăn."),
        vec![(FigureKind::Commitment, 40.0, Unit::Student)]
    );
    assert_eq!(figures("Huyện có đường biên giới dài 72,5 km."), vec![(FigureKind::Fact, 72.5, Unit::Km)]);
}

#[test]
fn vi_conversions_distances_and_counts_of_parties_are_no_figures() {
    assert_eq!(
        figures("Tỉnh Sơn La trao tặng 5.000 USD (tương đương 120 triệu đồng) cho tỉnh Luông Pha Băng."),
        vec![(FigureKind::Result, 5000.0, Unit::Usd)]
    );
    assert!(figures("Bản nằm cách cửa khẩu Tây Trang 12 km.").is_empty());
    assert!(figures("Hai đoàn đại biểu đã trao đổi ý kiến.").is_empty());
}

#[test]
fn vi_people_in_both_orders_and_with_hyphenated_lao_names() {
    let p = people(
        "Phó Chủ tịch UBND tỉnh Quảng Bình Nguyễn Hoài Nam và ông Khăm Phăn - Xay Nha Vông, Phó Tỉnh trưởng tỉnh Khăm Muộn, đồng chủ trì hội đàm.",
    );
    assert_eq!(p, vec!["Nguyễn Hoài Nam".to_string(), "Khăm Phăn - Xay Nha Vông".to_string()]);
}

#[test]
fn vi_old_tone_marks_and_lao_names_spelt_with_other_tones() {
    assert_eq!(places("Đoàn tỉnh Khánh Hoà thăm tỉnh Khăm Muồn."), vec!["VN-34", "LA-KH"]);
}

// ---- English ----

#[test]
fn en_held_talks_dated_by_the_publication_line() {
    let e = events("date 2023-05-12 Officials of Dien Bien and Luang Prabang provinces held talks in Dien Bien Phu city on May 11.");
    assert_eq!(e, vec![(EventKind::Talks, None, s("2023-05-11"), HELD, s("VN-71:dienbienphu"))]);
}

#[test]
fn en_ordinal_in_words_and_planned_conference() {
    let e = events(
        "date 2024-02-01 The fifth cooperation conference between Quang Nam and Sekong will be held in Sekong in October.",
    );
    assert_eq!(e, vec![(EventKind::Conference, Some(5), s("2024-10"), PLANNED, s("LA-XE"))]);
}

#[test]
fn en_memorandum_with_period() {
    let a = agreements(
        "date 2023-06-02 Ha Tinh and Bolikhamxay signed a memorandum of understanding on cooperation for 2023-2027 on June 1.",
    );
    assert_eq!(
        a,
        vec![(AgreementKind::Mou, s("2023-06-01"), Some((2023, 2027)), vec!["VN-23".into(), "LA-BL".into()])]
    );
}

#[test]
fn en_money_with_the_currency_before_and_after() {
    assert_eq!(
        figures("The province presented VND9 billion and US$1.2 million to Savannakhet."),
        vec![(FigureKind::Result, 9e9, Unit::Vnd), (FigureKind::Result, 1.2e6, Unit::Usd)]
    );
    assert_eq!(
        figures("Quang Tri will provide 30 scholarships to Salavan students each year."),
        vec![(FigureKind::Commitment, 30.0, Unit::Scholarship)]
    );
}

#[test]
fn en_people_with_titles_before_and_after() {
    let p = people(
        "Vice Chairman of the Thanh Hoa People's Committee Dau Thanh Tung met Governor of Houaphanh province Viengsavanh Siphandone. Col. Le Van Binh, Commander of the provincial Border Guard, also attended.",
    );
    assert_eq!(p, vec!["Dau Thanh Tung".to_string(), "Viengsavanh Siphandone".to_string(), "Le Van Binh".to_string()]);
}

// ---- Lao ----

#[test]
fn lo_conference_with_ordinal_lao_digits_and_month_name() {
    let e = events("ວັນທີ ໒໘ ຕຸລາ ໒໐໒໔ ໄດ້ຈັດກອງປະຊຸມຮ່ວມມືຄັ້ງທີ 7 ລະຫວ່າງແຂວງຫົວພັນ ແລະ ແຂວງແທງຮວາ ທີ່ແຂວງຫົວພັນ.");
    assert_eq!(e, vec![(EventKind::Conference, Some(7), s("2024-10-28"), HELD, s("LA-HO"))]);
}

#[test]
fn lo_buddhist_era_years() {
    let e = events("ວັນທີ 9 ພະຈິກ ພ.ສ. 2567 ໄດ້ຈັດພິທີລົງນາມ ລະຫວ່າງແຂວງຈຳປາສັກ ແລະ ແຂວງກວາງນາມ.");
    assert_eq!(e, vec![(EventKind::Signing, None, s("2024-11-09"), HELD, None)]);
}

#[test]
fn lo_money_with_scale_words_run_on_into_units() {
    assert_eq!(
        figures("ແຂວງກອນຕຸມ ໄດ້ມອບເງິນ 350 ລ້ານດົ້ງ ແລະ 2 ຕື້ກີບ ໃຫ້ແກ່ແຂວງອັດຕະປື."),
        vec![(FigureKind::Result, 350e6, Unit::Vnd), (FigureKind::Result, 2e9, Unit::Lak)]
    );
}

#[test]
fn lo_people_without_honorifics_and_ranks() {
    let p = people("ຄະນະຜູ້ແທນ ນຳໂດຍ ສະຫາຍ ພັນເອກ ສົມພອນ ແກ້ວມະນີ ຫົວໜ້າກອງບັນຊາການທະຫານແຂວງ, ແລະ ທ່ານ ບົວວອນ ສີຫາລາດ ຮອງເຈົ້າແຂວງ.");
    assert_eq!(p, vec!["ສົມພອນ ແກ້ວມະນີ".to_string(), "ບົວວອນ ສີຫາລາດ".to_string()]);
}

#[test]
fn lo_memorandum_with_period() {
    let a = agreements("ສອງແຂວງ ໄດ້ລົງນາມບົດບັນທຶກຄວາມເຂົ້າໃຈ ໄລຍະ 2021-2025 ລະຫວ່າງແຂວງຄຳມ່ວນ ແລະ ແຂວງກວາງບິ່ງ.");
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].0, a[0].2), (AgreementKind::Mou, Some((2021, 2025))));
    assert_eq!(a[0].3, vec!["LA-KH".to_string(), "VN-24".to_string()]);
}

#[test]
fn lo_place_names_and_spelling_variants() {
    // ຫຼ / ຫລ and ຳ / ໍາ are one spelling
    assert_eq!(places("ນະຄອນຫລວງວຽງຈັນ ແລະ ແຂວງຈໍາປາສັກ"), vec!["LA-VT", "LA-CH"]);
}

#[test]
fn every_fact_carries_a_confidence() {
    let r = read("Ngày 5/5/2024, tại tỉnh Kon Tum, hai tỉnh Kon Tum và Attapư tổ chức hội đàm và ký kết biên bản ghi nhớ; tỉnh Kon Tum trao 10 suất học bổng.");
    let all: Vec<f32> = r
        .events
        .iter()
        .map(|e| e.confidence)
        .chain(r.agreements.iter().map(|a| a.confidence))
        .chain(r.figures.iter().map(|f| f.confidence))
        .collect();
    assert!(all.len() >= 3);
    assert!(all.iter().all(|c| (0.0..=1.0).contains(c)), "{all:?}");
}
