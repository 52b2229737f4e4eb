//! Charts as data: a title, the series (promised, delivered) and one group of bars per label.

/// A grouped bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub series: Vec<String>,
    pub bars: Vec<(String, Vec<f64>)>,
}
