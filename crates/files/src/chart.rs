//! Bar and line charts as standalone SVG, drawn on the server: no script,
//! no font or style from outside, so they show offline, in a saved page
//! and in a report.

use std::fmt::Write;

use crate::svg::escape;

/// One line or one colour of bars: a value (or nothing) per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Grouped bars: one group per category, one bar per series.
    Bars,
    /// One line per series across the categories (periods).
    Lines,
}

/// Colours that stay apart for the colour-blind (Okabe–Ito), then repeat.
pub(crate) const COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];
/// Categories and series beyond these are cut (a chart of 3,000 communes
/// says nothing; the table holds them).
pub const MAX_CATEGORIES: usize = 60;
pub const MAX_SERIES: usize = 8;

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// A value label: whole numbers without decimals, thousands with dots
/// (Vietnamese style), others with one decimal and a comma.
pub fn label(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v.abs() as i64);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// The round step at or above `v`: 1, 2, 2.5 or 5 times a power of ten
/// (1 at least: the figures are mostly counts).
pub(crate) fn nice_step(v: f64) -> f64 {
    if v <= 1.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * p)
}

/// `title` in at most two lines of about `width` characters, broken after
/// a ` · ` or a space.
fn title_lines(title: &str, width: usize) -> Vec<String> {
    if title.chars().count() <= width {
        return vec![title.to_owned()];
    }
    let cut = |sep: &str| {
        title
            .match_indices(sep)
            .map(|(i, _)| i)
            .filter(|i| title.get(..*i).is_some_and(|h| h.chars().count() <= width))
            .last()
            .map(|i| {
                (
                    title.get(..i).unwrap_or_default(),
                    title.get(i + sep.len()..).unwrap_or_default(),
                )
            })
    };
    match cut(" · ").or_else(|| cut(" ")) {
        Some((a, b)) => {
            let b: String = if b.chars().count() > width {
                b.chars()
                    .take(width.saturating_sub(1))
                    .chain(['…'])
                    .collect()
            } else {
                b.to_owned()
            };
            vec![a.to_owned(), b]
        }
        None => vec![title
            .chars()
            .take(width.saturating_sub(1))
            .chain(['…'])
            .collect()],
    }
}

/// Draws the chart. Negative values are drawn from zero downwards only in
/// the axis range (the axis starts at the smallest of zero and the data).
pub fn chart(
    title: &str,
    categories: &[String],
    series: &[Series],
    kind: ChartKind,
    width: u32,
    height: u32,
) -> String {
    let (w, h) = (f64::from(width.max(200)), f64::from(height.max(160)));
    let categories = categories
        .get(..categories.len().min(MAX_CATEGORIES))
        .unwrap_or_default();
    let series = series
        .get(..series.len().min(MAX_SERIES))
        .unwrap_or_default();
    let mut svg = String::with_capacity(1024 + categories.len() * series.len() * 120);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="sans-serif"><title>{t}</title>"#,
        t = escape(title),
    );
    // A long title (indicator · area · periods) takes two lines at its
    // parts' seams rather than running off the picture.
    let lines = title_lines(title, (w / 8.5) as usize);
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{y}" font-size="15" font-weight="bold" text-anchor="middle">{t}</text>"#,
            x = num(w / 2.0),
            y = 20 + 19 * i,
            t = escape(line)
        );
    }
    let title_room = 19.0 * (lines.len().max(1) - 1) as f64;
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().take(categories.len()).flatten().copied());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if categories.is_empty()
        || series.is_empty()
        || (lo == 0.0 && hi == 0.0 && series.iter().all(|s| s.values.iter().all(Option::is_none)))
    {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="14" fill="#666" text-anchor="middle">Không có dữ liệu</text></svg>"##,
            num(w / 2.0),
            num(h / 2.0)
        );
        return svg;
    }
    // Four steps of a round size (1, 2, 2.5 or 5 times a power of ten):
    // the axis reads 0, 1, 2, 3, 4 rather than 0; 1,2; 2,5; 3,8.
    let span = hi.max(0.0) - lo.min(0.0);
    let step = nice_step(span / 4.0);
    let top = (hi.max(0.0) / step)
        .ceil()
        .max(if lo < 0.0 { 0.0 } else { 1.0 })
        * step;
    let bottom = (lo.min(0.0) / step).floor() * step;
    // Room: title above, legend and category labels below, axis labels left.
    // The legend puts as many names on a row as fit whole.
    let (left, right, top_y) = (70.0, 16.0, 36.0 + title_room);
    let longest = series
        .iter()
        .map(|s| s.name.chars().count().min(60))
        .max()
        .unwrap_or(1);
    let per_row = (((w - left - right) / (longest as f64 * 6.8 + 24.0)) as usize).clamp(1, 3);
    let legend_rows = series.len().div_ceil(per_row) as f64;
    let bottom_y = h - 56.0 - legend_rows * 18.0;
    let plot_w = (w - left - right).max(1.0);
    let plot_h = (bottom_y - top_y).max(1.0);
    let y_of = |v: f64| bottom_y - (v - bottom) / (top - bottom) * plot_h;
    // Grid and axis labels, one per step.
    let steps = ((top - bottom) / step).round().max(1.0) as u32;
    for k in 0..=steps {
        let v = bottom + step * f64::from(k);
        let y = y_of(v);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#ddd"/><text x="{lx}" y="{ty}" font-size="12" text-anchor="end" fill="#444">{l}</text>"##,
            y = num(y),
            x2 = num(left + plot_w),
            lx = num(left - 6.0),
            ty = num(y + 4.0),
            l = escape(&label(v))
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#333"/>"##,
        y = num(y_of(0.0)),
        x2 = num(left + plot_w)
    );
    let slot = plot_w / categories.len() as f64;
    let every = (categories.len() as f64 / (plot_w / 60.0)).ceil().max(1.0) as usize;
    for (i, c) in categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = left + slot * (i as f64 + 0.5);
        let short: String = c.chars().take(14).collect();
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{y}" font-size="12" text-anchor="end" fill="#444" transform="rotate(-30 {x} {y})">{t}</text>"##,
            x = num(x),
            y = num(bottom_y + 14.0),
            t = escape(&short)
        );
    }
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS.get(k % COLOURS.len()).copied().unwrap_or("#000");
        match kind {
            ChartKind::Bars => {
                let bar = (slot * 0.8 / series.len() as f64).max(1.0);
                for (i, v) in s.values.iter().take(categories.len()).enumerate() {
                    let Some(v) = v else { continue };
                    let x = left + slot * i as f64 + slot * 0.1 + bar * k as f64;
                    let (y0, y1) = (y_of(0.0), y_of(*v));
                    let cat = categories.get(i).map(String::as_str).unwrap_or_default();
                    let _ = write!(
                        svg,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"><title>{}, {}: {}</title></rect>"#,
                        num(x),
                        num(y0.min(y1)),
                        num(bar),
                        num((y1 - y0).abs()),
                        escape(&s.name),
                        escape(cat),
                        escape(&label(*v))
                    );
                }
            }
            ChartKind::Lines => {
                let pts: Vec<(f64, f64, f64)> = s
                    .values
                    .iter()
                    .take(categories.len())
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (left + slot * (i as f64 + 0.5), y_of(v), v)))
                    .collect();
                let path: Vec<String> = pts
                    .iter()
                    .map(|(x, y, _)| format!("{},{}", num(*x), num(*y)))
                    .collect();
                let _ = write!(
                    svg,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                    path.join(" ")
                );
                for (x, y, v) in pts {
                    let _ = write!(
                        svg,
                        r#"<circle cx="{}" cy="{}" r="3" fill="{colour}"><title>{}: {}</title></circle>"#,
                        num(x),
                        num(y),
                        escape(&s.name),
                        escape(&label(v))
                    );
                }
            }
        }
    }
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS.get(k % COLOURS.len()).copied().unwrap_or("#000");
        let (col, row) = ((k % per_row) as f64, (k / per_row) as f64);
        let x = left + col * (plot_w / per_row as f64);
        let y = h - 14.0 - (legend_rows - 1.0 - row) * 18.0;
        let name: String = s.name.chars().take(60).collect();
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{colour}"/><text x="{}" y="{}" font-size="12" fill="#222">{}</text>"##,
            num(x),
            num(y - 10.0),
            num(x + 16.0),
            num(y),
            escape(&name)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_step_in_round_numbers_and_titles_break_at_seams() {
        assert_eq!(nice_step(0.85), 1.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(340.0), 500.0);
        let svg = chart(
            "t",
            &["a".into()],
            &[Series {
                name: "s".into(),
                values: vec![Some(3.4)],
            }],
            ChartKind::Bars,
            640,
            380,
        );
        assert!(svg.contains(">4</text>") && !svg.contains(">3,8<"), "{svg}");
        let lines = title_lines(
            "Số mô hình phong trào đang hoạt động · Tỉnh Ninh Bình · Tháng 12/2025 – Tháng 11/2026",
            60,
        );
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].ends_with("Tỉnh Ninh Bình") && lines[1].starts_with("Tháng"),
            "{lines:?}"
        );
    }

    #[test]
    fn labels_read_as_vietnamese_numbers() {
        assert_eq!(label(1234567.0), "1.234.567");
        assert_eq!(label(-1000.0), "-1.000");
        assert_eq!(label(12.5), "12,5");
        assert_eq!(label(0.0), "0");
    }

    #[test]
    fn charts_are_escaped_and_bounded() {
        let cats: Vec<String> = (0..100).map(|i| format!("Xã <{i}>")).collect();
        let s = Series {
            name: "Tin báo & tố giác".into(),
            values: (0..100).map(|i| Some(f64::from(i))).collect(),
        };
        for kind in [ChartKind::Bars, ChartKind::Lines] {
            let svg = chart(
                "Tiêu đề <b>",
                &cats,
                std::slice::from_ref(&s),
                kind,
                800,
                400,
            );
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(!svg.contains("<b>") && !svg.contains("<0>"));
            assert!(svg.contains("Tin báo &amp; tố giác"));
            // 60 categories at most.
            assert!(!svg.contains("Xã &lt;60&gt;"));
        }
        let empty = chart("T", &[], &[], ChartKind::Bars, 400, 300);
        assert!(empty.contains("Không có dữ liệu"));
        assert_eq!(nice_step(73.0 / 4.0), 20.0);
        assert_eq!(nice_step(0.3), 1.0);
    }
}
