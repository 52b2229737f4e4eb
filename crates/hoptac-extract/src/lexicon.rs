//! The words that carry meaning for the rules — meeting and agreement names, tense and modality,
//! giving and receiving, units of measure — found with one automaton over folded text.

use std::sync::OnceLock;

use crate::words::WordAutomaton;
use hoptac_core::{AgreementKind, EventKind, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A meeting: hội nghị, sơ kết, hội đàm, lễ ký kết, thăm …
    Event(EventKind),
    /// "hội nghị" with nothing after it ("Tại hội nghị, …"): the article's own meeting, referred to.
    EventReference,
    /// A written agreement: bản ghi nhớ, biên bản, thông cáo chung …
    Agreement(AgreementKind),
    /// "chương trình hợp tác": an agreement only when signed or carried out.
    Programme,
    /// "lần thứ", "thứ": an ordinal follows.
    Ordinal,
    /// sẽ, dự kiến, kế hoạch, will …
    Planned,
    /// đã, vừa, diễn ra, was held …
    Held,
    /// ký, ký kết, signed.
    Sign,
    /// "ký kết tại hội nghị": minutes of the article's meeting.
    SignedAtMeeting,
    /// thống nhất, nhất trí: agreed to do (planned when a meeting follows).
    Agreed,
    /// chỉ đạo, đề nghị, kiến nghị, tiến tới: a wish, not a fact.
    Irrealis,
    /// triển khai, thực hiện, theo: an agreement that exists.
    Realis,
    /// hai tỉnh, ba bên, both sides: the partnership itself.
    Collective,
    /// tại, at, in: the venue follows.
    Venue,
    /// cho, tặng, to, for: the receiver follows.
    Recipient,
    /// kỷ niệm, anniversary: dates and counts that follow are not facts of the cooperation.
    Anniversary,
    /// dành, cam kết, sẽ hỗ trợ …: a promise.
    Commit,
    /// trao, bàn giao, quy tập được …: done.
    Deliver,
    /// dài, diện tích, có: a standing figure.
    Measure,
    /// A unit of measure after a number.
    Unit(Unit),
    /// "năm", "tháng", "lần", "tỉnh" … after a number: not a figure.
    NotUnit,
    /// "thứ", "số", "top" before a number: a rank or a code.
    Rank,
    /// Verbs that end a title ("cho biết", "phát biểu", "làm trưởng đoàn").
    Speech,
    /// A title or an honorific ("Bí thư", "Tỉnh trưởng", "ông"): a person may be named here.
    Title,
}

const fn e(k: EventKind) -> Cue {
    Cue::Event(k)
}

const fn a(k: AgreementKind) -> Cue {
    Cue::Agreement(k)
}

const fn u(k: Unit) -> Cue {
    Cue::Unit(k)
}

use AgreementKind as AK;
use EventKind as EK;

const WORDS: &[(&str, Cue)] = &[
    // meetings
    ("hội nghị", e(EK::Conference)),
    ("hội nghị sơ kết", e(EK::MidtermReview)),
    ("hội nghị tổng kết", e(EK::FinalReview)),
    ("hội nghị hội đàm", e(EK::Talks)),
    ("sơ kết", e(EK::MidtermReview)),
    ("tổng kết", e(EK::FinalReview)),
    ("hội đàm", e(EK::Talks)),
    ("lễ ký kết", e(EK::Signing)),
    ("lễ ký", e(EK::Signing)),
    ("thăm và làm việc", e(EK::Visit)),
    ("thăm, làm việc", e(EK::Visit)),
    ("chuyến thăm", e(EK::Visit)),
    ("chuyến công tác", e(EK::Visit)),
    ("buổi làm việc", e(EK::Visit)),
    ("tiếp đoàn", e(EK::Visit)),
    ("sang thăm", e(EK::Visit)),
    ("đến thăm", e(EK::Visit)),
    ("thăm chính thức", e(EK::Visit)),
    ("thăm hữu nghị", e(EK::Visit)),
    // ceremonies and workshops: kind "other"
    ("hội thảo", e(EK::Other)),
    ("lễ bàn giao", e(EK::Other)),
    ("lễ khánh thành", e(EK::Other)),
    ("lễ trao tặng", e(EK::Other)),
    ("lễ tiếp nhận", e(EK::Other)),
    ("lễ truy điệu", e(EK::Other)),
    ("lễ an táng", e(EK::Other)),
    ("lễ kỷ niệm", e(EK::Other)),
    ("workshop", e(EK::Other)),
    ("handover ceremony", e(EK::Other)),
    ("memorial service", e(EK::Other)),
    ("reburial ceremony", e(EK::Other)),
    ("tiếp xã giao", e(EK::Visit)),
    ("chào xã giao", e(EK::Visit)),
    ("courtesy call", e(EK::Visit)),
    ("received a delegation", e(EK::Visit)),
    ("conference", e(EK::Conference)),
    ("meeting", e(EK::Conference)),
    ("mid-term review", e(EK::MidtermReview)),
    ("midterm review", e(EK::MidtermReview)),
    ("preliminary review", e(EK::MidtermReview)),
    ("final review", e(EK::FinalReview)),
    ("talks", e(EK::Talks)),
    ("signing ceremony", e(EK::Signing)),
    ("working visit", e(EK::Visit)),
    ("official visit", e(EK::Visit)),
    ("tại hội nghị", Cue::EventReference),
    ("thông qua hội nghị", Cue::EventReference),
    ("tại hội đàm", Cue::EventReference),
    ("at the conference", Cue::EventReference),
    ("at the meeting", Cue::EventReference),
    // agreements
    ("bản ghi nhớ", a(AK::Mou)),
    ("biên bản ghi nhớ", a(AK::Mou)),
    ("thỏa thuận hợp tác", a(AK::Mou)),
    ("văn bản thỏa thuận", a(AK::Mou)),
    ("biên bản thỏa thuận", a(AK::Mou)),
    ("bản thỏa thuận", a(AK::Mou)),
    ("hiệp định hợp tác", a(AK::Mou)),
    ("memorandum of understanding", a(AK::Mou)),
    ("memorandum", a(AK::Mou)),
    ("mou", a(AK::Mou)),
    ("cooperation agreement", a(AK::Mou)),
    ("biên bản", a(AK::Minutes)),
    ("minutes", a(AK::Minutes)),
    ("thông cáo chung", a(AK::JointStatement)),
    ("tuyên bố chung", a(AK::JointStatement)),
    ("joint statement", a(AK::JointStatement)),
    ("joint communique", a(AK::JointStatement)),
    ("joint communiqué", a(AK::JointStatement)),
    ("hiệp định", a(AK::Other)),
    ("hiệp ước", a(AK::Other)),
    ("nghị định thư", a(AK::Other)),
    ("treaty", a(AK::Other)),
    ("chương trình hợp tác", Cue::Programme),
    ("chương trình phối hợp", Cue::Programme),
    ("kế hoạch hợp tác", Cue::Programme),
    ("quy chế phối hợp", Cue::Programme),
    ("kế hoạch phối hợp", Cue::Programme),
    ("cooperation programme", Cue::Programme),
    ("cooperation program", Cue::Programme),
    // ordinals
    ("lần thứ", Cue::Ordinal),
    // tense and modality
    ("sẽ", Cue::Planned),
    ("dự kiến", Cue::Planned),
    ("kế hoạch", Cue::Planned),
    ("chuẩn bị", Cue::Planned),
    ("sắp", Cue::Planned),
    ("tiến tới", Cue::Planned),
    ("will", Cue::Planned),
    ("to be held", Cue::Planned),
    ("to take place", Cue::Planned),
    ("will take place", Cue::Planned),
    ("is scheduled", Cue::Planned),
    ("are scheduled", Cue::Planned),
    ("scheduled", Cue::Planned),
    ("plans to", Cue::Planned),
    ("planned", Cue::Planned),
    ("next", Cue::Planned),
    ("upcoming", Cue::Planned),
    ("đã", Cue::Held),
    ("vừa", Cue::Held),
    ("diễn ra", Cue::Held),
    ("khai mạc", Cue::Held),
    ("tiến hành", Cue::Held),
    ("was held", Cue::Held),
    ("were held", Cue::Held),
    ("took place", Cue::Held),
    ("held", Cue::Held),
    ("ký", Cue::Sign),
    ("ký kết", Cue::Sign),
    ("signed", Cue::Sign),
    ("sign", Cue::Sign),
    ("ký kết tại hội nghị", Cue::SignedAtMeeting),
    ("ký tại hội nghị", Cue::SignedAtMeeting),
    ("signed at the conference", Cue::SignedAtMeeting),
    ("signed at the meeting", Cue::SignedAtMeeting),
    ("thống nhất", Cue::Agreed),
    ("nhất trí", Cue::Agreed),
    ("agreed", Cue::Agreed),
    ("chỉ đạo", Cue::Irrealis),
    ("đề nghị", Cue::Irrealis),
    ("kiến nghị", Cue::Irrealis),
    ("đề xuất", Cue::Irrealis),
    ("giai đoạn mới", Cue::Irrealis),
    ("giai đoạn tiếp theo", Cue::Irrealis),
    ("proposed", Cue::Irrealis),
    ("triển khai", Cue::Realis),
    ("thực hiện", Cue::Realis),
    ("theo", Cue::Realis),
    ("implementing", Cue::Realis),
    ("implementation", Cue::Realis),
    ("under the", Cue::Realis),
    ("hai tỉnh", Cue::Collective),
    ("ba tỉnh", Cue::Collective),
    ("3 tỉnh", Cue::Collective),
    ("2 tỉnh", Cue::Collective),
    ("hai huyện", Cue::Collective),
    ("ba huyện", Cue::Collective),
    ("hai bên", Cue::Collective),
    ("ba bên", Cue::Collective),
    ("các bên", Cue::Collective),
    ("hai địa phương", Cue::Collective),
    ("ba địa phương", Cue::Collective),
    ("hai đơn vị", Cue::Collective),
    ("both sides", Cue::Collective),
    ("both provinces", Cue::Collective),
    ("the two provinces", Cue::Collective),
    ("the three provinces", Cue::Collective),
    ("the two sides", Cue::Collective),
    ("the three districts", Cue::Collective),
    ("the two districts", Cue::Collective),
    ("tại", Cue::Venue),
    ("at", Cue::Venue),
    ("in", Cue::Venue),
    ("cho", Cue::Recipient),
    ("tặng", Cue::Recipient),
    ("to", Cue::Recipient),
    ("for", Cue::Recipient),
    ("kỷ niệm", Cue::Anniversary),
    ("anniversary", Cue::Anniversary),
    // figures
    ("dành", Cue::Commit),
    ("cam kết", Cue::Commit),
    ("hứa", Cue::Commit),
    ("phấn đấu", Cue::Commit),
    ("pledged", Cue::Commit),
    ("committed", Cue::Commit),
    ("trao", Cue::Deliver),
    ("trao tặng", Cue::Deliver),
    ("bàn giao", Cue::Deliver),
    ("quy tập", Cue::Deliver),
    ("cất bốc", Cue::Deliver),
    ("hồi hương", Cue::Deliver),
    ("được", Cue::Deliver),
    ("cử", Cue::Deliver),
    ("hoàn thành", Cue::Deliver),
    ("handed over", Cue::Deliver),
    ("presented", Cue::Deliver),
    ("donated", Cue::Deliver),
    ("gave", Cue::Deliver),
    ("provided", Cue::Deliver),
    ("repatriated", Cue::Deliver),
    ("repatriate", Cue::Deliver),
    ("granted", Cue::Deliver),
    ("awarded", Cue::Deliver),
    ("built", Cue::Deliver),
    ("handed", Cue::Deliver),
    ("supported", Cue::Deliver),
    ("transferred", Cue::Deliver),
    ("will provide", Cue::Commit),
    ("will grant", Cue::Commit),
    ("will offer", Cue::Commit),
    ("will give", Cue::Commit),
    ("will support", Cue::Commit),
    ("share", Cue::Measure),
    ("shares", Cue::Measure),
    ("chung đường biên giới", Cue::Measure),
    ("recovered", Cue::Deliver),
    ("dài", Cue::Measure),
    ("diện tích", Cue::Measure),
    ("dân số", Cue::Measure),
    ("rộng", Cue::Measure),
    ("long", Cue::Measure),
    ("stretches", Cue::Measure),
    ("suất học bổng", u(Unit::Scholarship)),
    ("học bổng", u(Unit::Scholarship)),
    ("scholarships", u(Unit::Scholarship)),
    ("scholarship", u(Unit::Scholarship)),
    ("giáo viên", u(Unit::Teacher)),
    ("giảng viên", u(Unit::Teacher)),
    ("teachers", u(Unit::Teacher)),
    ("teacher", u(Unit::Teacher)),
    ("sinh viên", u(Unit::Student)),
    ("học sinh", u(Unit::Student)),
    ("lưu học sinh", u(Unit::Student)),
    ("học viên", u(Unit::Student)),
    ("students", u(Unit::Student)),
    ("hài cốt", u(Unit::Remains)),
    ("bộ hài cốt", u(Unit::Remains)),
    ("remains", u(Unit::Remains)),
    ("sets of remains", u(Unit::Remains)),
    ("đồng", u(Unit::Vnd)),
    ("vnđ", u(Unit::Vnd)),
    ("vnd", u(Unit::Vnd)),
    ("usd", u(Unit::Usd)),
    ("đô la mỹ", u(Unit::Usd)),
    ("đô la", u(Unit::Usd)),
    ("us dollars", u(Unit::Usd)),
    ("dollars", u(Unit::Usd)),
    ("kíp", u(Unit::Lak)),
    ("kip", u(Unit::Lak)),
    ("lak", u(Unit::Lak)),
    ("km", u(Unit::Km)),
    ("ki-lô-mét", u(Unit::Km)),
    ("ki lô mét", u(Unit::Km)),
    ("kilômét", u(Unit::Km)),
    ("kilomet", u(Unit::Km)),
    ("kilometres", u(Unit::Km)),
    ("kilometers", u(Unit::Km)),
    ("ha", u(Unit::Hectare)),
    ("héc-ta", u(Unit::Hectare)),
    ("héc ta", u(Unit::Hectare)),
    ("hecta", u(Unit::Hectare)),
    ("hectares", u(Unit::Hectare)),
    ("tấn", u(Unit::Ton)),
    ("tonnes", u(Unit::Ton)),
    ("tons", u(Unit::Ton)),
    ("doanh nghiệp", u(Unit::Enterprise)),
    ("enterprises", u(Unit::Enterprise)),
    ("businesses", u(Unit::Enterprise)),
    ("dự án", u(Unit::Project)),
    ("công trình", u(Unit::Project)),
    ("projects", u(Unit::Project)),
    ("bản", u(Unit::Village)),
    ("thôn", u(Unit::Village)),
    ("làng", u(Unit::Village)),
    ("villages", u(Unit::Village)),
    ("đoàn", u(Unit::Delegation)),
    ("lượt đoàn", u(Unit::Delegation)),
    ("đoàn công tác", u(Unit::Delegation)),
    ("delegations", u(Unit::Delegation)),
    ("cột mốc", u(Unit::BorderMarker)),
    ("mốc giới", u(Unit::BorderMarker)),
    ("mốc quốc giới", u(Unit::BorderMarker)),
    ("border markers", u(Unit::BorderMarker)),
    ("markers", u(Unit::BorderMarker)),
    ("người", u(Unit::Person)),
    ("lượt người", u(Unit::Person)),
    ("cán bộ", u(Unit::Person)),
    ("đồng chí", u(Unit::Person)),
    ("chiến sĩ", u(Unit::Person)),
    ("people", u(Unit::Person)),
    ("officials", u(Unit::Person)),
    ("%", u(Unit::Percent)),
    ("phần trăm", u(Unit::Percent)),
    ("percent", u(Unit::Percent)),
    ("per cent", u(Unit::Percent)),
    ("bản ghi", Cue::NotUnit),
    ("đoàn kết", Cue::NotUnit),
    ("đoàn thể", Cue::NotUnit),
    ("đoàn viên", u(Unit::Person)),
    ("đoàn đại biểu", u(Unit::Delegation)),
    ("năm", Cue::NotUnit),
    ("tháng", Cue::NotUnit),
    ("ngày", Cue::NotUnit),
    ("lần", Cue::NotUnit),
    ("tỉnh", Cue::NotUnit),
    ("huyện", Cue::NotUnit),
    ("nước", Cue::NotUnit),
    ("years", Cue::NotUnit),
    ("số", Cue::Rank),
    ("lập thành", Cue::Rank),
    ("làm thành", Cue::Rank),
    ("top", Cue::Rank),
    ("khóa", Cue::Rank),
    ("no.", Cue::Rank),
    ("quốc lộ", Cue::Rank),
    ("đường", Cue::Rank),
    ("route", Cue::Rank),
    ("cho biết", Cue::Speech),
    ("phát biểu", Cue::Speech),
    ("làm trưởng đoàn", Cue::Speech),
    ("đánh giá", Cue::Speech),
    ("nhấn mạnh", Cue::Speech),
    ("khẳng định", Cue::Speech),
    ("chủ trì", Cue::Speech),
    ("bày tỏ", Cue::Speech),
    ("said", Cue::Speech),
];

/// A cue found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CueMention {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
}

struct Lexicon {
    automaton: WordAutomaton,
    /// Every cue word: [`WORDS`], then the people module's title heads and honorifics.
    words: Vec<(&'static str, Cue)>,
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let titles = crate::people::TITLE_HEADS.iter().chain(crate::people::HONORIFICS).map(|w| (*w, Cue::Title));
        let words: Vec<(&'static str, Cue)> = WORDS.iter().copied().chain(titles).collect();
        let keys: Vec<String> = words.iter().map(|(w, _)| hoptac_text::fold(w).text).collect();
        let automaton = WordAutomaton::new(&keys).expect("lexicon forms a valid automaton");
        Lexicon { automaton, words }
    })
}

fn boundary_ok(text: &str, start: usize, end: usize, word: &str) -> bool {
    let first_alnum = word.chars().next().is_some_and(hoptac_text::is_word_char);
    let last_alnum = word.chars().next_back().is_some_and(hoptac_text::is_word_char);
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    // a unit right after digits ("154km", "20%") needs no space
    let digit_before = before.is_some_and(|c| c.is_ascii_digit());
    (!first_alnum || digit_before || !before.is_some_and(hoptac_text::is_word_char))
        && (!last_alnum || !after.is_some_and(hoptac_text::is_word_char))
}

/// Every cue in folded text, left to right.
pub(crate) fn cues(folded: &str) -> Vec<CueMention> {
    cues_from(folded, &crate::words::word_starts(folded))
}

/// As [`cues`], with the word starts of `folded` already known.
pub(crate) fn cues_from(folded: &str, starts: &[usize]) -> Vec<CueMention> {
    let lex = lexicon();
    let mut out = Vec::new();
    for m in lex.automaton.find_from(folded, starts, |_| true) {
        let (word, cue) = lex.words[m.pattern];
        if boundary_ok(folded, m.start, m.end, word) {
            out.push(CueMention { start: m.start, end: m.end, cue });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<Cue> {
        cues(&hoptac_text::fold(s).text).into_iter().map(|c| c.cue).collect()
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(found("Hội nghị sơ kết"), vec![e(EK::MidtermReview)]);
        assert_eq!(found("biên bản ghi nhớ"), vec![a(AK::Mou)]);
        assert_eq!(found("Biên bản"), vec![a(AK::Minutes)]);
        assert_eq!(found("suất học bổng"), vec![u(Unit::Scholarship)]);
    }

    #[test]
    fn solidarity_is_not_a_delegation() {
        assert_eq!(found("Năm đoàn kết"), vec![Cue::NotUnit, Cue::NotUnit]);
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(found("cháo"), Vec::<Cue>::new());
        assert_eq!(found("154km"), vec![u(Unit::Km)]);
        assert_eq!(found("Thỏa thuận hợp tác"), vec![a(AK::Mou)]);
        assert_eq!(found("thoả thuận hợp tác"), vec![a(AK::Mou)], "old tone placement");
    }
}
