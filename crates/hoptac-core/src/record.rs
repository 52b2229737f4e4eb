//! The `hoptac.extract/1` record: what one document says, each fact with its evidence.

use crate::{Level, PartialDate, Period, PlaceId};
use serde::{Deserialize, Serialize};

/// The format tag every record carries.
pub const FORMAT: &str = "hoptac.extract/1";

/// A byte range `[start, end)` in the document's normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "[usize; 2]", from = "[usize; 2]")]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end: end.max(start) }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl From<Span> for [usize; 2] {
    fn from(s: Span) -> Self {
        [s.start, s.end]
    }
}

impl From<[usize; 2]> for Span {
    fn from(a: [usize; 2]) -> Self {
        Span::new(a[0], a[1])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractRecord {
    pub format: String,
    pub document: DocumentMeta,
    pub places: Vec<PlaceRef>,
    pub people: Vec<Person>,
    pub events: Vec<Event>,
    pub agreements: Vec<Agreement>,
    pub figures: Vec<Figure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub source: String,
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    /// `vi`, `lo` or `en`.
    pub language: String,
    /// The encoding the bytes were decoded from (`utf-8`, `utf-16le`, `windows-1258`, …).
    pub encoding: String,
    /// Length in bytes of the normalised text that spans index into.
    pub length: usize,
    /// Where the article ends: site boilerplate (related news, comments) starts here.
    pub article_end: usize,
}

/// A place the document mentions, listed once however many spellings it uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRef {
    pub id: PlaceId,
    pub name: String,
    pub level: Level,
    pub country: String,
    /// Spans of every mention.
    pub mentions: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub country: Option<String>,
    pub place: Option<PlaceId>,
    /// The chain of titles, outermost first ("Ủy viên Trung ương Đảng", "Bí thư Tỉnh ủy", …).
    pub titles: Vec<String>,
    /// How sure the rule that produced this is (0–1), from the rule and the evidence it had.
    #[serde(default = "default_confidence")]
    pub confidence: f32,
    pub evidence: String,
    pub span: Span,
}

/// Kind of meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// hội nghị hợp tác, hội nghị cấp cao, hội nghị trao đổi kinh nghiệm …
    Conference,
    /// sơ kết: mid-term review
    MidtermReview,
    /// tổng kết: final review
    FinalReview,
    /// lễ ký kết held on its own
    Signing,
    /// hội đàm
    Talks,
    /// thăm, làm việc
    Visit,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Held,
    Planned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub ordinal: Option<u32>,
    pub date: Option<PartialDate>,
    pub place: Option<PlaceId>,
    pub status: EventStatus,
    pub parties: Vec<PlaceId>,
    /// How sure the rule that produced this is (0–1), from the rule and the evidence it had.
    #[serde(default = "default_confidence")]
    pub confidence: f32,
    pub evidence: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    /// bản ghi nhớ, biên bản ghi nhớ, chương trình hợp tác that parties sign, thỏa thuận hợp tác
    Mou,
    /// biên bản of a meeting
    Minutes,
    /// thông cáo chung, tuyên bố chung
    JointStatement,
    /// laws, national decrees, multilateral treaties
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub kind: AgreementKind,
    pub signed: Option<PartialDate>,
    pub period: Option<Period>,
    pub parties: Vec<PlaceId>,
    /// How sure the rule that produced this is (0–1), from the rule and the evidence it had.
    #[serde(default = "default_confidence")]
    pub confidence: f32,
    pub evidence: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// promised, planned
    Commitment,
    /// done or handed over
    Result,
    /// a standing figure
    Fact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Scholarship,
    Teacher,
    Student,
    Remains,
    Vnd,
    Usd,
    Lak,
    Km,
    Hectare,
    Ton,
    Enterprise,
    Project,
    Village,
    Delegation,
    BorderMarker,
    Person,
    Percent,
    Other,
}

impl Unit {
    pub fn parse(s: &str) -> Option<Unit> {
        use Unit::*;
        Some(match s {
            "scholarship" => Scholarship,
            "teacher" => Teacher,
            "student" => Student,
            "remains" => Remains,
            "vnd" => Vnd,
            "usd" => Usd,
            "lak" => Lak,
            "km" => Km,
            "hectare" => Hectare,
            "ton" => Ton,
            "enterprise" => Enterprise,
            "project" => Project,
            "village" => Village,
            "delegation" => Delegation,
            "border_marker" => BorderMarker,
            "person" => Person,
            "percent" => Percent,
            "other" => Other,
            _ => return None,
        })
    }

    /// Units of money.
    pub fn is_currency(self) -> bool {
        matches!(self, Unit::Vnd | Unit::Usd | Unit::Lak)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub kind: FigureKind,
    pub value: f64,
    pub unit: Unit,
    pub from: Vec<PlaceId>,
    pub to: Vec<PlaceId>,
    pub period: Option<Period>,
    /// The amount is per year of its period ("mỗi năm 10 suất", "15 scholarships a year"): a
    /// commitment of 10 a year over 2021–2025 promises 10 in each of the five years.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_year: bool,
    /// The quantity as written ("585 triệu đồng").
    pub quantity: String,
    /// How sure the rule that produced this is (0–1), from the rule and the evidence it had.
    #[serde(default = "default_confidence")]
    pub confidence: f32,
    pub evidence: String,
    pub span: Span,
}

fn default_confidence() -> f32 {
    1.0
}

/// Something the extractor noticed but could not turn into a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub message: String,
    pub span: Option<Span>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_in_snake_case() {
        assert_eq!(serde_json::to_string(&EventKind::MidtermReview).unwrap(), "\"midterm_review\"");
        assert_eq!(serde_json::to_string(&AgreementKind::JointStatement).unwrap(), "\"joint_statement\"");
        assert_eq!(serde_json::to_string(&Unit::BorderMarker).unwrap(), "\"border_marker\"");
        assert_eq!(Unit::parse("remains"), Some(Unit::Remains));
        assert_eq!(Unit::parse("apples"), None);
    }

    #[test]
    fn span_serialises_as_pair() {
        assert_eq!(serde_json::to_string(&Span::new(3, 9)).unwrap(), "[3,9]");
        assert!(Span::new(0, 10).contains(&Span::new(2, 3)));
        assert_eq!(Span::new(5, 2).len(), 0);
    }
}
