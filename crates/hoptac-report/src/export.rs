//! The record as tables, for spreadsheets: meetings, agreements, commitments with what was
//! delivered, and people, each row with codes (for machines) and labels in the reader's language
//! (for people), its review state and its source documents. CSV (one table per file, UTF-8 with
//! a byte-order mark so that Excel reads Vietnamese and Lao) and XLSX (one sheet per table).

use hoptac_i18n::labels::code;
use hoptac_i18n::Labels;
use hoptac_store::dossier::{Dossier, Source};
use rust_xlsxwriter::{Format, Workbook};

use crate::{ReportError, Result};

/// A cell: text or a number (numbers stay numbers in a spreadsheet).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
    fn opt<T: ToString>(v: Option<T>) -> Cell {
        v.map(|v| Cell::text(v.to_string())).unwrap_or(Cell::Empty)
    }
    fn num<T: Into<f64>>(v: Option<T>) -> Cell {
        v.map(|v| Cell::Number(v.into())).unwrap_or(Cell::Empty)
    }
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => crate::plain_number(*n),
            Cell::Empty => String::new(),
        }
    }
}

/// One table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The tables' names, as `--table` and the web's links take them.
pub const TABLES: [&str; 4] = ["meetings", "agreements", "commitments", "people"];

fn documents(sources: &[Source]) -> Cell {
    let mut ids: Vec<i64> = sources.iter().map(|s| s.document).collect();
    ids.sort_unstable();
    ids.dedup();
    Cell::text(ids.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" "))
}

fn evidence(sources: &[Source]) -> Cell {
    Cell::text(sources.first().map(|s| s.sentence.trim().to_string()).unwrap_or_default())
}

/// The record's tables from a dossier (of one partnership, or of all: a dossier asked for no place).
pub fn sheets(d: &Dossier, l: &Labels) -> Vec<Sheet> {
    let meetings = Sheet {
        name: "meetings",
        headers: vec![
            "id",
            "parties",
            "kind",
            "kind_label",
            "ordinal",
            "date",
            "place",
            "place_name",
            "status",
            "status_label",
            "review",
            "documents",
            "evidence",
        ],
        rows: d
            .events
            .iter()
            .map(|e| {
                let f = &e.fact;
                vec![
                    Cell::Number(f.id as f64),
                    Cell::text(l.parties(&e.parties)),
                    Cell::text(code(&f.kind)),
                    Cell::text(l.event_kind(f.kind)),
                    Cell::num(f.ordinal),
                    Cell::opt(f.date),
                    Cell::opt(f.place.as_ref()),
                    Cell::text(f.place.as_ref().map(|p| l.place(p)).unwrap_or_default()),
                    Cell::text(code(&f.status)),
                    Cell::text(l.status(f.status)),
                    Cell::text(e.review.as_str()),
                    documents(&e.sources),
                    evidence(&e.sources),
                ]
            })
            .collect(),
    };
    let agreements = Sheet {
        name: "agreements",
        headers: vec![
            "id",
            "parties",
            "kind",
            "kind_label",
            "signed",
            "period_first",
            "period_last",
            "review",
            "documents",
            "evidence",
        ],
        rows: d
            .agreements
            .iter()
            .map(|a| {
                let f = &a.fact;
                vec![
                    Cell::Number(f.id as f64),
                    Cell::text(l.parties(&a.parties)),
                    Cell::text(code(&f.kind)),
                    Cell::text(l.agreement_kind(f.kind)),
                    Cell::opt(f.signed),
                    Cell::num(f.period.map(|p| p.first)),
                    Cell::num(f.period.map(|p| p.last)),
                    Cell::text(a.review.as_str()),
                    documents(&a.sources),
                    evidence(&a.sources),
                ]
            })
            .collect(),
    };
    let commitments = Sheet {
        name: "commitments",
        headers: vec![
            "id",
            "parties",
            "from",
            "to",
            "unit",
            "unit_label",
            "quantity",
            "per_year",
            "promised",
            "delivered",
            "period_first",
            "period_last",
            "year",
            "status",
            "status_label",
            "short_years",
            "results",
            "review",
            "documents",
            "evidence",
        ],
        rows: d
            .commitments
            .iter()
            .map(|c| {
                let f = &c.line.fact;
                let mut docs = c.line.sources.clone();
                docs.extend(c.results.iter().flat_map(|r| r.sources.iter().cloned()));
                vec![
                    Cell::Number(f.id as f64),
                    Cell::text(l.parties(&c.line.parties)),
                    Cell::text(l.parties(&f.from)),
                    Cell::text(l.parties(&f.to)),
                    Cell::text(code(&f.unit)),
                    Cell::text(l.unit(f.unit)),
                    Cell::text(f.quantity.clone()),
                    if f.per_year { Cell::Number(f.value) } else { Cell::Empty },
                    Cell::Number(c.promised),
                    Cell::Number(c.delivered),
                    Cell::num(f.period.map(|p| p.first)),
                    Cell::num(f.period.map(|p| p.last)),
                    Cell::num(f.year),
                    Cell::text(c.status.as_str()),
                    Cell::text(l.commitment_status(c.status)),
                    Cell::text(
                        c.ledger
                            .iter()
                            .filter(|y| y.status == hoptac_store::gaps::YearStatus::Short)
                            .map(|y| y.year.to_string())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    Cell::text(c.results.iter().map(|r| r.fact.id.to_string()).collect::<Vec<_>>().join(" ")),
                    Cell::text(c.line.review.as_str()),
                    documents(&docs),
                    evidence(&c.line.sources),
                ]
            })
            .collect(),
    };
    let people = Sheet {
        name: "people",
        headers: vec!["id", "name", "country", "place", "titles", "documents"],
        rows: d
            .people
            .iter()
            .map(|p| {
                vec![
                    Cell::Number(p.person.id as f64),
                    Cell::text(p.person.name.clone()),
                    Cell::opt(p.person.country.as_ref()),
                    Cell::text(p.person.place.as_ref().map(|x| l.place(x)).unwrap_or_default()),
                    Cell::text(p.roles.iter().map(|r| r.title.clone()).collect::<Vec<_>>().join("; ")),
                    documents(&p.sources),
                ]
            })
            .collect(),
    };
    vec![meetings, agreements, commitments, people]
}

/// One table as CSV, with a byte-order mark (Excel reads UTF-8 by it).
pub fn csv(sheet: &Sheet) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(&sheet.headers).map_err(|e| ReportError::Csv(e.to_string()))?;
        for r in &sheet.rows {
            w.write_record(r.iter().map(Cell::as_text)).map_err(|e| ReportError::Csv(e.to_string()))?;
        }
        w.flush().map_err(|e| ReportError::Csv(e.to_string()))?;
    }
    Ok(out)
}

/// Every table as a sheet of one workbook: bold frozen headers, filters, numbers as numbers.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| ReportError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(s.name).map_err(err)?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c as u16, t).map_err(err)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        if !s.headers.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.headers.len() as u16 - 1).map_err(err)?;
        }
        ws.autofit();
    }
    book.save_to_buffer().map_err(err)
}
