//! Charts drawn on the server as SVG with plotters, from the same numbers as
//! the table beside them.

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use super::table::Kind;

/// The drawing's own size; the page scales it to the screen's width.
const WIDTH: u32 = 720;
const HEIGHT: u32 = 360;

/// The colours of the series, in order: the shop's green, then a muted grey
/// for a comparison.
const COLOURS: [RGBColor; 3] = [
    RGBColor(15, 118, 110),
    RGBColor(156, 163, 175),
    RGBColor(217, 119, 6),
];

/// Text sizes in the drawing's own pixels: half that on a phone 360 pixels
/// wide, which is still readable.
const LABEL_SIZE: u32 = 24;
const TITLE_SIZE: u32 = 28;

/// Labels on the horizontal axis, at most; with more bars some go unlabelled.
const MAX_X_LABELS: usize = 8;

/// Grid lines and the legend's border.
const GRID: RGBColor = RGBColor(209, 213, 219);

/// One set of bars.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// What a chart shows: one bar per label for each series, side by side.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// How the values read: money on the axis is shortened (`1,2 tr`).
    pub kind: Kind,
}

impl Chart {
    /// The chart as an SVG document that fills its container's width.
    pub fn svg(&self) -> String {
        let mut svg = String::new();
        if let Err(err) = self.draw(&mut svg) {
            tracing::warn!(error = %err, chart = %self.title, "could not draw a chart");
            return String::new();
        }
        // plotters writes a fixed width and height; a viewBox lets the page
        // scale the drawing to a phone's width without losing its proportions.
        svg.replacen(
            &format!(r#"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}""#),
            &format!(
                r#"<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{}""#,
                escape(&self.title)
            ),
            1,
        )
    }

    fn draw(&self, out: &mut String) -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let bars = self.labels.len().max(1);
        let highest = self
            .series
            .iter()
            .flat_map(|series| series.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let lowest = self
            .series
            .iter()
            .flat_map(|series| series.values.iter().copied())
            .min()
            .unwrap_or(0)
            .min(0);
        let kind = self.kind;
        let labels = &self.labels;
        // Bar `i` is centred on `10 × i`, where its label is.
        let right = i32::try_from(bars * 10).unwrap_or(i32::MAX) - 5;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .margin_top(40)
            .x_label_area_size(48)
            .y_label_area_size(110)
            .build_cartesian_2d(-5..right, lowest..highest + highest / 10)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID.mix(0.3))
            .label_style(("sans-serif", LABEL_SIZE))
            .x_labels(bars.min(MAX_X_LABELS))
            .x_label_formatter(&|x| {
                usize::try_from(*x)
                    .ok()
                    .filter(|x| x.is_multiple_of(10))
                    .and_then(|x| labels.get(x / 10))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| short(*y, kind))
            .draw()?;
        let width = 8 / i32::try_from(self.series.len().max(1)).unwrap_or(1);
        for (index, series) in (0..).zip(&self.series) {
            let colour = COLOURS[usize::try_from(index).unwrap_or(0) % COLOURS.len()];
            let offset = index * width - 4;
            chart
                .draw_series((0..).zip(&series.values).map(|(bar, value)| {
                    let left = bar * 10 + offset;
                    Rectangle::new([(left, 0), (left + width, *value)], colour.filled())
                }))?
                .label(series.name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled())
                });
        }
        if self.series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font(("sans-serif", LABEL_SIZE))
                .background_style(WHITE.mix(0.8))
                .border_style(GRID)
                .draw()?;
        }
        root.draw(&Text::new(
            self.title.as_str(),
            (WIDTH as i32 / 2, 8),
            ("sans-serif", TITLE_SIZE)
                .into_font()
                .into_text_style(&root)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        root.present()?;
        Ok(())
    }
}

/// A value on the axis: money in thousands (`45 k`) or millions (`1,2 tr`)
/// of đồng, other numbers as they are.
fn short(value: i64, kind: Kind) -> String {
    if kind != Kind::Money {
        return value.to_string();
    }
    let magnitude = value.unsigned_abs();
    let sign = if value < 0 { "-" } else { "" };
    if magnitude >= 1_000_000 {
        let tenths = magnitude / 100_000;
        if tenths.is_multiple_of(10) {
            format!("{sign}{} tr", tenths / 10)
        } else {
            format!("{sign}{},{} tr", tenths / 10, tenths % 10)
        }
    } else if magnitude >= 1_000 {
        format!("{sign}{} k", magnitude / 1_000)
    } else {
        value.to_string()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<i64>) -> Chart {
        Chart {
            title: "Doanh thu & \"lãi\"".into(),
            labels: (1..=values.len())
                .map(|day| format!("2026-11-{day:02}"))
                .collect(),
            series: vec![Series {
                name: "Net".into(),
                values,
            }],
            kind: Kind::Money,
        }
    }

    #[test]
    fn a_chart_is_a_scalable_svg_with_one_bar_per_value() {
        let svg = chart(vec![150_000, 0, 2_400_000]).svg();
        assert!(
            svg.starts_with(r#"<svg viewBox="0 0 720 360" width="100%" role="img""#),
            "{svg}"
        );
        assert!(svg.contains("Doanh thu &amp; &quot;lãi&quot;"));
        assert_eq!(svg.matches(r##"fill="#0F766E""##).count(), 3, "{svg}");
        assert!(svg.contains("2026-11-01"));
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let svg = chart(Vec::new()).svg();
        assert!(svg.contains("<svg"));
    }

    #[test]
    fn money_on_the_axis_is_short() {
        assert_eq!(short(45_000, Kind::Money), "45 k");
        assert_eq!(short(1_200_000, Kind::Money), "1,2 tr");
        assert_eq!(short(3_000_000, Kind::Money), "3 tr");
        assert_eq!(short(-5_000, Kind::Money), "-5 k");
        assert_eq!(short(12, Kind::Count), "12");
    }
}
