//! Figures: quantities the cooperation gave, did or promised ("585 triệu đồng", "10 suất học
//! bổng … giai đoạn 2024-2029", "quy tập được 129 hài cốt"). Anniversaries, ordinals, dates,
//! road and decree numbers and counts of the parties themselves are left out.

use hoptac_core::{Figure, FigureKind, Unit};
use hoptac_text::date::DateValue;

use crate::analysis::{most_precise, Sent};
use crate::lexicon::Cue;

/// The unit after a number: right after it, after classifier words ("20 suất học bổng"), or
/// after a nationality ("seven Lao students", "56 Lao students").
fn unit_after(s: &Sent, pos: usize) -> Option<(Unit, usize)> {
    let text = s.text();
    let mut at = pos;
    let mut nationality = false;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start_matches(' ');
        let skip = rest.len() - trimmed.len();
        let here = at + skip;
        // Lao runs a unit on after a scale word ("200 ລ້ານດົ້ງ"): a word start the segmenter missed
        let run_on = || if s.lex.lang.cased() { None } else { s.lex.cue_at(text, here) };
        let cue = s.cues.iter().find(|c| c.start == here).copied().or_else(run_on);
        if let Some(c) = cue {
            return match c.cue {
                Cue::Unit(u) => Some((u, c.end)),
                _ => None,
            };
        }
        if !nationality {
            if let Some(p) = s.places.iter().find(|p| p.start == here && p.level == hoptac_core::Level::Country) {
                nationality = true;
                at = p.end;
                continue;
            }
        }
        let cls = s.lex.words.classifiers.iter().find(|w| {
            trimmed.starts_with(*w) && !trimmed[w.len()..].chars().next().is_some_and(hoptac_text::is_word_char)
        })?;
        at += skip + cls.len();
    }
}

/// "remains of nine soldiers": the unit before the number, joined by "of".
fn unit_before(s: &Sent, pos: usize) -> Option<Unit> {
    let text = s.text();
    let head = text[..pos].trim_end().strip_suffix(" of")?;
    s.cues.iter().rfind(|c| c.end == head.len()).and_then(|c| match c.cue {
        Cue::Unit(u) if u != Unit::Other && u != Unit::Person => Some(u),
        _ => None,
    })
}

fn currency_before(text: &str, pos: usize) -> Option<Unit> {
    let t = text[..pos].trim_end();
    // "VND500 million", "US$2 million": the code glued to the number
    for (w, u) in [("vnd", Unit::Vnd), ("vnđ", Unit::Vnd), ("us$", Unit::Usd), ("usd", Unit::Usd), ("lak", Unit::Lak)]
    {
        if t.len() == text[..pos].len() && t.ends_with(w) {
            return Some(u);
        }
    }
    for (w, u) in [
        ("vnd", Unit::Vnd),
        ("vnđ", Unit::Vnd),
        ("us$", Unit::Usd),
        ("usd", Unit::Usd),
        ("$", Unit::Usd),
        ("lak", Unit::Lak),
        ("kip", Unit::Lak),
    ] {
        if let Some(head) = t.strip_suffix(w) {
            if !head.chars().next_back().is_some_and(hoptac_text::is_word_char) {
                return Some(u);
            }
        }
    }
    None
}

/// Figures in a sentence; `planned_sentence` when the sentence announces what will be done.
pub(crate) fn figures_in(s: &Sent) -> Vec<Figure> {
    let text = s.text();
    let mut out = Vec::new();
    for (ni, n) in s.numbers.iter().enumerate() {
        if s.dates.iter().any(|d| d.start <= n.start && n.start < d.end) {
            continue;
        }
        // a rank, a code, an ordinal, an anniversary
        if s.cues.iter().any(|c| {
            matches!(c.cue, Cue::Rank | Cue::Ordinal | Cue::Anniversary)
                && c.end <= n.start
                && text[c.end..n.start].trim().is_empty()
        }) {
            continue;
        }
        let (unit, unit_end) = match unit_after(s, n.end) {
            Some(u) => u,
            None => match currency_before(text, n.start).or_else(|| unit_before(s, n.start)) {
                Some(u) => (u, n.end),
                None => continue,
            },
        };
        // a conversion ("(tương đương 650.000.000 đồng)", "(279 USD)") restates the figure before it
        // a quantity in brackets right after another ("10.000 USD (khoảng 230 triệu đồng)")
        let bracketed = s.numbers[..ni].iter().rev().find(|m| m.end <= n.start).is_some_and(|m| {
            n.start - m.end <= 40 && text[m.end..n.start].contains('(') && !text[m.end..n.start].contains(')')
        }) && text[unit_end..].trim_start().starts_with(')');
        let converted = s.cues_in(n.start.saturating_sub(24), n.start).any(|c| c.cue == Cue::Conversion);
        if bracketed || converted {
            continue;
        }
        // "about 10km from the border gate", "cách … 10 km": a distance that places something
        let distance = s.cues_in(unit_end, (unit_end + 8).min(text.len())).any(|c| c.cue == Cue::Distance)
            || s.cues_in(n.start.saturating_sub(48), n.start).next_back().is_some_and(|c| c.cue == Cue::Distance)
            || s.cues_in(n.start.saturating_sub(48), n.start).any(|c| c.cue == Cue::Distance)
                && !s
                    .cues_in(n.start.saturating_sub(48), n.start)
                    .any(|c| matches!(c.cue, Cue::Held | Cue::Planned | Cue::Commit | Cue::Deliver | Cue::Measure));
        // "hai đoàn đại biểu": the delegations taking part, not a count anyone reports
        let parties_counted = !n.digits && n.value <= 3.0 && matches!(unit, Unit::Delegation | Unit::Person);
        if (distance && unit == Unit::Km) || parties_counted {
            continue;
        }
        if !n.digits && n.value < 2.0 {
            continue; // "một đoàn", "một số": not a count anyone reports
        }
        let (ca, cb) = s.clause(n.start);
        let in_date =
            |m: &hoptac_text::number::NumberMention| s.dates.iter().any(|d| d.start <= m.start && m.start < d.end);
        // The figure's own words run to the next figure (a number, not in a date, with a unit).
        let next_figure = s.numbers[ni + 1..]
            .iter()
            .find(|m| !in_date(m) && (unit_after(s, m.end).is_some() || currency_before(text, m.start).is_some()))
            .map_or(text.len(), |m| m.start);
        // A measure word right before the number makes a standing fact ("dài 154 km"); otherwise
        // modality outranks verbs: planned or agreed ("sẽ", "thống nhất") over done ("đã") over
        // promised ("dành", "cam kết") over plain verbs of giving ("trao", "quy tập"). Where no
        // word before the number says it (English puts the verb after its subject: "503 students
        // have completed"), the first one after it does.
        let measured =
            s.cues_in(ca, n.start).next_back().is_some_and(|c| c.cue == Cue::Measure && n.start - c.end <= 12);
        let rank = |cue: Cue| match cue {
            Cue::Planned | Cue::Agreed | Cue::NextYear => Some((0, FigureKind::Commitment)),
            Cue::Held => Some((1, FigureKind::Result)),
            Cue::Commit => Some((2, FigureKind::Commitment)),
            Cue::Deliver => Some((3, FigureKind::Result)),
            Cue::Measure => Some((4, FigureKind::Fact)),
            _ => None,
        };
        let mut kind = s.cues_in(ca, n.start).filter_map(|c| rank(c.cue)).min_by_key(|(r, _)| *r).map(|(_, k)| k);
        // the clause says nothing of tense: the sentence's tense ("đã …; tổ chức 24 …")
        let tense = |c: &&crate::lexicon::CueMention| matches!(c.cue, Cue::Held | Cue::Planned | Cue::Agreed);
        if !s.cues_in(ca, n.start).any(|c| tense(&c)) {
            if let Some((_, k)) = s.cues_in(0, ca).rfind(tense).and_then(|c| rank(c.cue)) {
                kind = Some(k);
            }
        }
        if kind.is_none() {
            kind = s.cues_in(unit_end, next_figure.min(cb)).find_map(|c| rank(c.cue)).map(|(_, k)| k);
        }
        if measured {
            kind = Some(FigureKind::Fact);
        }
        let kind = kind.unwrap_or(match unit {
            Unit::Km | Unit::Hectare | Unit::Percent => FigureKind::Fact,
            _ => FigureKind::Result,
        });
        let confidence = match (measured, s.cues_in(ca, n.start).any(|c| rank(c.cue).is_some())) {
            (true, _) | (_, true) => 0.8,
            _ => 0.6,
        };
        let period =
            s.dates.iter().filter(|d| d.start >= unit_end && d.end <= next_figure.max(unit_end)).find_map(|d| match d
                .value
            {
                DateValue::Period(p) => Some(p),
                _ => None,
            });
        // Per year: "10 suất mỗi năm", "15 scholarships a year", "10 suất/năm" right after the
        // quantity, or "mỗi năm dành 10 suất", "each year, 15 …" before it in its clause with no
        // other figure between.
        let after = text[unit_end..].trim_start();
        let per_year = s
            .cues_in(unit_end, (unit_end + 24).min(next_figure.max(unit_end)))
            .any(|c| c.cue == Cue::PerYear)
            || ["/năm", "/ năm", "/year", "a year", "/ປີ"].iter().any(|w| {
                after.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w))
                    && !after[w.len()..].starts_with(|c: char| c.is_alphanumeric())
            })
            || {
                let previous_figure = s.numbers[..ni].iter().rev().find(|m| !in_date(m)).map_or(ca, |m| m.end.max(ca));
                // Within 40 characters (Lao letters take three bytes each).
                let near = text[..n.start].char_indices().rev().nth(39).map_or(0, |(i, _)| i);
                s.cues_in(previous_figure.max(near), n.start).any(|c| c.cue == Cue::PerYear)
            };
        // giver: places before the number that are not receivers; receiver: places after "cho"/"to"
        // The receiver is named before the next figure ("… 30 suất học bổng cho tỉnh A và hỗ trợ
        // 2 triệu USD cho huyện B": B receives the money, not the scholarships).
        let cb = cb.min(next_figure.max(unit_end));
        let recipient_at = s.cues_in(unit_end, cb).find(|c| c.cue == Cue::Recipient).map(|c| c.end);
        let to: Vec<_> = match recipient_at {
            Some(r) => {
                // Places after "tại" are where it happens, not who receives.
                let venue = s.cues_in(r, cb).find(|c| c.cue == Cue::Venue).map_or(cb, |c| c.start);
                most_precise(&s.admin_places_in(r, venue).map(|(_, p)| p.id.clone()).collect::<Vec<_>>())
            }
            None => Vec::new(),
        };
        let givers_in = |a: usize| {
            let receivers: Vec<usize> =
                s.cues_in(a, n.start).filter(|c| c.cue == Cue::Recipient).map(|c| c.end).collect();
            // "tại thành phố Sơn La, tỉnh Sơn La đã trao …": where it happened gives nothing.
            let venues: Vec<usize> = s.cues_in(a, n.start).filter(|c| c.cue == Cue::Venue).map(|c| c.end).collect();
            let ids: Vec<_> = s
                .admin_places_in(a, n.start)
                .filter(|(_, p)| !receivers.iter().any(|&r| r <= p.cue_start))
                .filter(|(_, p)| !venues.iter().any(|&v| v <= p.cue_start && text[v..p.cue_start].trim().is_empty()))
                .map(|(_, p)| p.id.clone())
                .collect();
            most_precise(&ids)
        };
        let mut from = givers_in(ca);
        if from.is_empty() {
            from = givers_in(0);
        }
        from.retain(|f| !to.contains(f));
        out.push(Figure {
            confidence: if unit == Unit::Other { confidence * 0.8 } else { confidence },
            kind,
            value: n.value,
            unit,
            from,
            to,
            period,
            per_year,
            quantity: s.source_of(n.start, unit_end).to_string(),
            evidence: s.src.to_string(),
            span: s.span(n.start, unit_end),
        });
    }
    out
}

/// The same figure told twice (in the title and the body, in a summary and its detail) is one:
/// same kind, unit and value, and periods that do not differ (the detail may add the period).
pub(crate) fn merge_figures(figures: Vec<Figure>) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    let mut seen: crate::FastMap<(FigureKind, Unit, u64), Vec<usize>> = crate::FastMap::default();
    for f in figures {
        let slot = seen.entry((f.kind, f.unit, f.value.to_bits())).or_default();
        let same =
            slot.iter().copied().find(|&i| out[i].period.is_none() || f.period.is_none() || out[i].period == f.period);
        match same {
            Some(i) => {
                let o = &mut out[i];
                if o.from.is_empty() {
                    o.from = f.from;
                }
                if o.to.is_empty() {
                    o.to = f.to;
                }
                if o.period.is_none() {
                    o.period = f.period;
                }
                o.per_year |= f.per_year;
            }
            None => {
                slot.push(out.len());
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use hoptac_text::Sentence;

    fn lex(text: &str) -> &'static crate::lexicon::Lexicon {
        crate::lexicon::lexicon(crate::lexicon::Lang::of(crate::detect_language(text)))
    }

    #[test]
    fn english_verbs_after_the_subject_and_conversions() {
        assert_eq!(
            figs("To date, 503 Lao students have completed their courses."),
            vec![(FigureKind::Result, 503.0, Unit::Student)]
        );
        assert_eq!(
            figs("In 2025, 56 Lao students are expected to study in the province."),
            vec![(FigureKind::Commitment, 56.0, Unit::Student)]
        );
        assert_eq!(
            figs("The province donated 10,000 USD (about 250 million VND) to Sekong."),
            vec![(FigureKind::Result, 10000.0, Unit::Usd)]
        );
        assert_eq!(
            figs("The team found remains of nine volunteer soldiers."),
            vec![(FigureKind::Result, 9.0, Unit::Remains)]
        );
    }

    #[test]
    fn lao_money() {
        assert_eq!(figs("ແຂວງກວາງນາມ ໄດ້ມອບເງິນ 300 ລ້ານດົ້ງ ໃຫ້ແຂວງເຊກອງ"), vec![(FigureKind::Result, 300e6, Unit::Vnd)]);
        assert_eq!(figs("ມອບເງິນ ໒ ຕື້ກີບ"), vec![(FigureKind::Result, 2e9, Unit::Lak)]);
    }

    fn figs(text: &str) -> Vec<(FigureKind, f64, Unit)> {
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        figures_in(&s).into_iter().map(|f| (f.kind, f.value, f.unit)).collect()
    }

    #[test]
    fn kinds_of_figures() {
        assert_eq!(
            figs("Tỉnh Quảng Trị dành 15 suất học bổng cho tỉnh Salavan giai đoạn 2025-2030."),
            vec![(FigureKind::Commitment, 15.0, Unit::Scholarship)]
        );
        assert_eq!(figs("Đã quy tập được 37 bộ hài cốt liệt sĩ."), vec![(FigureKind::Result, 37.0, Unit::Remains)]);
        assert_eq!(figs("Hai huyện có chung đường biên giới dài 61,5 km."), vec![(FigureKind::Fact, 61.5, Unit::Km)]);
        assert_eq!(figs("Huyện trao tặng 1,2 tỷ đồng xây trường."), vec![(FigureKind::Result, 1.2e9, Unit::Vnd)]);
    }

    #[test]
    fn period_and_receivers_further_on() {
        let text = "Tỉnh Quảng Trị dành 12 suất học bổng cho học viên, sinh viên tỉnh Salavan sang học tại Quảng Trị \
                    theo chương trình giai đoạn 2025-2030, dự kiến nhận học viên từ năm 2025.";
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        let f = figures_in(&s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].period, hoptac_core::Period::new(2025, 2030), "the period after the receiver's clause");
        assert_eq!(f[0].from, vec![hoptac_core::PlaceId::new("VN-25")]);
        assert_eq!(f[0].to, vec![hoptac_core::PlaceId::new("LA-SL")], "where they study is not a receiver");
    }

    #[test]
    fn each_figure_has_its_own_receiver() {
        let text = "Tỉnh Quảng Trị sẽ dành 30 suất học bổng mỗi năm cho tỉnh Savannakhẹt và hỗ trợ 2 triệu USD xây dựng trường cho huyện Xê Pôn.";
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        let f = figures_in(&s);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].to, vec![hoptac_core::PlaceId::new("LA-SV")]);
        assert_eq!(f[1].to, vec![hoptac_core::PlaceId::new("LA-SV:xepon")]);
    }

    fn per_year(text: &str) -> Vec<(f64, bool)> {
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        figures_in(&s).iter().map(|f| (f.value, f.per_year)).collect()
    }

    #[test]
    fn the_venue_is_not_the_giver() {
        let text =
            "Ngày 20/12/2022, tại thành phố Sơn La, tỉnh Sơn La đã trao 10 suất học bổng cho tỉnh Luông Pha Băng.";
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        let f = figures_in(&s);
        assert_eq!(f[0].from, vec![hoptac_core::PlaceId::new("VN-05")], "the province gives, not the city it met in");
    }

    #[test]
    fn amounts_given_per_year() {
        // Our own sentences, in each language and each word order.
        assert_eq!(
            per_year("Huyện A sẽ dành mỗi năm 10 suất học bổng cho huyện B giai đoạn 2021-2025."),
            [(10.0, true)]
        );
        assert_eq!(per_year("Tỉnh A hỗ trợ 12 suất học bổng mỗi năm cho tỉnh B."), [(12.0, true)]);
        assert_eq!(per_year("Hằng năm, tỉnh A tiếp nhận 40 học sinh của tỉnh B."), [(40.0, true)]);
        assert_eq!(per_year("Tỉnh A cấp 15 suất học bổng/năm cho sinh viên tỉnh B."), [(15.0, true)]);
        assert_eq!(per_year("Tỉnh A đã trao 20 suất học bổng cho tỉnh B trong năm 2023."), [(20.0, false)]);
        assert_eq!(
            per_year("The province will offer 15 scholarships a year and 2 million USD for a school."),
            [(15.0, true), (2_000_000.0, false)],
            "the mark belongs to the figure it follows"
        );
        assert_eq!(per_year("Each year the district grants 8 scholarships to Lao students."), [(8.0, true)]);
        assert_eq!(per_year("The district granted 8 scholarships to Lao students last year."), [(8.0, false)]);
        assert_eq!(per_year("ແຂວງ ກ ຈະມອບທຶນການສຶກສາ 10 ທຶນ ຕໍ່ປີ ໃຫ້ແຂວງ ຂ."), [(10.0, true)]);
        assert_eq!(per_year("ທຸກປີ ແຂວງ ກ ມອບທຶນການສຶກສາ 10 ທຶນ ໃຫ້ແຂວງ ຂ."), [(10.0, true)]);
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(
            figs("Huyện Đăk Glei đã trao hai mươi lăm suất học bổng cho huyện Xan Xay."),
            vec![(FigureKind::Result, 25.0, Unit::Scholarship)]
        );
        assert_eq!(figs("Tỉnh cử ba giáo viên sang dạy tiếng Việt."), vec![(FigureKind::Result, 3.0, Unit::Teacher)]);
        assert_eq!(
            figs("The province granted twenty scholarships."),
            vec![(FigureKind::Result, 20.0, Unit::Scholarship)]
        );
    }

    #[test]
    fn modality_outranks_verbs() {
        assert_eq!(
            figs("Mùa khô 2024 - 2025, tỉnh dự kiến tiếp tục tìm kiếm, quy tập 20 hài cốt liệt sĩ."),
            vec![(FigureKind::Commitment, 20.0, Unit::Remains)]
        );
        assert_eq!(
            figs("Tỉnh đã dành 10 suất học bổng cho tỉnh bạn."),
            vec![(FigureKind::Result, 10.0, Unit::Scholarship)]
        );
        assert_eq!(figs("Hai tỉnh đã có đường biên giới dài 154 km."), vec![(FigureKind::Fact, 154.0, Unit::Km)]);
    }

    #[test]
    fn things_that_are_not_figures() {
        assert!(figs("Kỷ niệm 63 năm thiết lập quan hệ ngoại giao.").is_empty());
        assert!(figs("Hội nghị lần thứ 5 giữa ba tỉnh.").is_empty());
        assert!(figs("nâng cấp quốc lộ 12 và quốc lộ 8A").is_empty());
        assert!(figs("Ký kết 02 bản ghi nhớ.").is_empty());
        assert!(figs("Top 50 doanh nghiệp tiêu biểu").is_empty());
        assert!(figs("Biên bản được lập thành 04 bản, mỗi bản có giá trị như nhau.").is_empty());
    }

    #[test]
    fn giver_and_receiver() {
        let text = "Huyện Tương Dương trao 30 suất học bổng cho học sinh huyện Khăm Cợt.";
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex(text));
        let f = &figures_in(&s)[0];
        assert_eq!(f.from[0].as_str(), "VN-22:tuongduong");
        assert_eq!(f.to[0].as_str(), "LA-BL:khamkeut");
        assert_eq!(f.quantity, "30 suất học bổng");
    }
}
