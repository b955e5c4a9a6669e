//! A bubble map as a standalone SVG: no scripts, fonts or CSS from outside,
//! so it can be inlined in a page, saved as a file or put in a report.

use std::fmt::Write;

/// One place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
    pub value: i64,
    pub label: String,
    /// Link for the circle (e.g. the unit's page). Only relative links and
    /// http(s) are kept; anything else (`javascript:` …) is dropped.
    pub href: Option<String>,
}

const FILL: &str = r##"fill="#d62728" fill-opacity="0.55" stroke="#8b1a1a" stroke-width="1""##;
const HOLLOW: &str = r##"fill="none" stroke="#555" stroke-width="1""##;
const ZERO_R: f64 = 2.5;
const MIN_R: f64 = 2.0;
/// How many of the largest places carry their name on the map.
const LABELLED: usize = 5;

/// Draws `points` as circles whose area is proportional to `value`, on an
/// equirectangular projection fitted to the points' bounding box, with a
/// legend of up to three reference sizes labelled `legend_label`.
///
/// Points without finite coordinates are left out; negative values are
/// drawn as zero (a small hollow dot). Larger circles are drawn first so
/// smaller ones stay on top and clickable.
pub fn bubble_map(
    points: &[MapPoint],
    title: &str,
    legend_label: &str,
    width: u32,
    height: u32,
) -> String {
    let w = f64::from(width.max(120));
    let h = f64::from(height.max(120));
    let mut svg = String::with_capacity(512 + points.len() * 200);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="sans-serif"><title>{t}</title>"#,
        t = escape(title)
    );
    let _ = write!(
        svg,
        r#"<text x="{x}" y="20" font-size="15" font-weight="bold" text-anchor="middle">{t}</text>"#,
        x = fmt(w / 2.0),
        t = escape(title)
    );

    let points: Vec<&MapPoint> = points
        .iter()
        .filter(|p| p.lat.is_finite() && p.lon.is_finite())
        .collect();
    if points.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{y}" font-size="14" fill="#666" text-anchor="middle">Không có dữ liệu</text></svg>"##,
            x = fmt(w / 2.0),
            y = fmt(h / 2.0)
        );
        return svg;
    }

    let max_v = points.iter().map(|p| p.value).max().unwrap_or(0).max(0);
    // Many areas share the plot (a province's 100-odd communes): the largest
    // circle shrinks with the room each point has, so neighbours stay apart.
    let room = (w * h / points.len() as f64).sqrt() * 0.4;
    let max_r = (w.min(h) / 14.0).min(room).clamp(6.0, 36.0);
    let radius = |v: i64| -> f64 {
        if v <= 0 || max_v <= 0 {
            ZERO_R
        } else {
            (max_r * (v as f64 / max_v as f64).sqrt()).max(MIN_R)
        }
    };

    // Layout: title on top, legend strip at the bottom, map in between with
    // room for the largest circle on every side.
    let legend_h = 2.0 * max_r + 34.0;
    let pad = max_r + 4.0;
    let (x0, y0) = (pad, 30.0 + pad);
    let plot_w = (w - 2.0 * pad).max(1.0);
    let plot_h = (h - legend_h - 30.0 - 2.0 * pad).max(1.0);

    // Equirectangular: x = lon·cos(mid-lat), y = -lat, then fit the box.
    let (lat_min, lat_max) = min_max(points.iter().map(|p| p.lat));
    let k = ((lat_min + lat_max) / 2.0).to_radians().cos().max(0.01);
    let (px_min, px_max) = min_max(points.iter().map(|p| p.lon * k));
    let (span_x, span_y) = (px_max - px_min, lat_max - lat_min);
    // A zero span (one point, or all on one line) does not limit the scale.
    let scale = [(span_x, plot_w), (span_y, plot_h)]
        .iter()
        .filter(|(span, _)| *span > 1e-9)
        .map(|(span, room)| room / span)
        .fold(f64::INFINITY, f64::min);
    let scale = if scale.is_finite() { scale } else { 0.0 };
    // Centre the fitted box in the plot area.
    let off_x = x0 + (plot_w - span_x * scale) / 2.0;
    let off_y = y0 + (plot_h - span_y * scale) / 2.0;

    let mut order = points;
    order.sort_by_key(|p| std::cmp::Reverse(p.value));
    let mut labels = String::new();
    for (rank, p) in order.into_iter().enumerate() {
        let cx = off_x + (p.lon * k - px_min) * scale;
        let cy = off_y + (lat_max - p.lat) * scale;
        let link = p.href.as_deref().filter(|h| safe_href(h));
        if let Some(href) = link {
            let _ = write!(svg, r#"<a href="{}">"#, escape(href));
        }
        let style = if p.value > 0 && max_v > 0 {
            FILL
        } else {
            HOLLOW
        };
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="{}" {style}><title>{}: {}</title></circle>"#,
            fmt(cx),
            fmt(cy),
            fmt(radius(p.value)),
            escape(&p.label),
            group_thousands(p.value)
        );
        if link.is_some() {
            svg.push_str("</a>");
        }
        // The largest few are named beside their circle, drawn last over
        // every circle with a white halo so they stay readable.
        if rank < LABELLED && p.value > 0 {
            let name: String = p.label.chars().take(28).collect();
            // Right of the circle, or left of it near the right edge.
            let (x, anchor) = if cx > w * 0.65 {
                (cx - radius(p.value) - 3.0, "end")
            } else {
                (cx + radius(p.value) + 3.0, "start")
            };
            let _ = write!(
                labels,
                r##"<text x="{}" y="{}" text-anchor="{anchor}" font-size="12" fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">{} · {}</text>"##,
                fmt(x),
                fmt(cy + 4.0),
                escape(&name),
                group_thousands(p.value)
            );
        }
    }
    svg.push_str(&labels);

    // Legend: the label, then the reference circles bottom-aligned in a row
    // with their values underneath.
    let top = h - legend_h;
    let _ = write!(
        svg,
        r#"<g font-size="12"><text x="8" y="{}">{}</text>"#,
        fmt(top + 14.0),
        escape(legend_label)
    );
    let base = h - 18.0;
    let mut x = 8.0;
    for v in legend_values(max_v) {
        let r = radius(v);
        let _ = write!(
            svg,
            r#"<circle cx="{cx}" cy="{cy}" r="{r}" {FILL}/><text x="{cx}" y="{ty}" text-anchor="middle">{v}</text>"#,
            cx = fmt(x + r),
            cy = fmt(base - r),
            r = fmt(r),
            ty = fmt(h - 4.0),
            v = group_thousands(v)
        );
        x += 2.0 * r + 28.0;
    }
    svg.push_str("</g></svg>");
    svg
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 0.0)
    }
}

/// Coordinates with one decimal: plenty for a screen, and short.
fn fmt(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    format!("{:.1}", v).trim_end_matches(".0").to_owned()
}

/// Up to three round reference values for the legend: the largest of
/// 1, 2, 5 × 10ⁿ not above the maximum, then the same for max/4 and max/16.
fn legend_values(max_v: i64) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for v in [max_v, max_v / 4, max_v / 16] {
        if v >= 1 {
            let n = nice_floor(v);
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

fn nice_floor(v: i64) -> i64 {
    let mut p: i64 = 1;
    while p <= v / 10 {
        p *= 10;
    }
    // p ≤ v < 10p here.
    if 5 * p <= v {
        5 * p
    } else if 2 * p <= v {
        2 * p
    } else {
        p
    }
}

/// 1234567 → "1.234.567", as Vietnamese write numbers.
fn group_thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn safe_href(h: &str) -> bool {
    let lower = h.trim_start().to_ascii_lowercase();
    ["/", "#", "?", "http://", "https://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Escapes text for XML content and attribute values, and drops characters
/// XML 1.0 does not allow at all (control characters other than tab, LF,
/// CR), which would otherwise make the whole SVG fail to parse.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lat: f64, lon: f64, value: i64, label: &str) -> MapPoint {
        MapPoint {
            lat,
            lon,
            value,
            label: label.into(),
            href: None,
        }
    }

    fn vietnam() -> Vec<MapPoint> {
        vec![
            point(21.03, 105.85, 1250, "Hà Nội"),
            point(10.78, 106.70, 3400, "TP. Hồ Chí Minh"),
            point(16.05, 108.20, 420, "Đà Nẵng"),
            point(20.86, 106.68, 0, "Hải Phòng"),
            MapPoint {
                href: Some("/don-vi/00004?ky=2025-07".into()),
                ..point(21.04, 105.83, 7, "Ba Đình")
            },
        ]
    }

    #[test]
    fn one_circle_per_point_and_no_nan() {
        let s = bubble_map(&vietnam(), "Số tổ bảo vệ", "Số tổ", 600, 800);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains(r#"viewBox="0 0 600 800""#) && s.contains(r#"role="img""#));
        assert!(s.contains("<title>Số tổ bảo vệ</title>"));
        let map_part = s.split("<g font-size").next().unwrap();
        assert_eq!(map_part.matches("<circle").count(), 5);
        assert!(!s.contains("NaN") && !s.contains("inf"));
        // Largest first: HCMC's circle comes before Hà Nội's.
        assert!(s.find("TP. Hồ Chí Minh").unwrap() < s.find("Hà Nội: 1.250").unwrap());
        assert!(s.contains(r#"<a href="/don-vi/00004?ky=2025-07">"#));
        // Legend: 2000, 500 (850 → 500), 200 (212 → 200).
        assert!(
            s.contains(">2.000</text>") && s.contains(">500</text>") && s.contains(">200</text>")
        );
        // The zero point is a hollow dot.
        assert!(s.contains(&format!(r#"r="2.5" {HOLLOW}><title>Hải Phòng: 0</title>"#)));
    }

    #[test]
    fn labels_are_escaped() {
        let mut p = point(21.0, 105.0, 5, r#"<script>&"x'"#);
        p.href = Some(r#"/a?x=1&y="2""#.into());
        let s = bubble_map(&[p], "A & <B>", r#"Nhãn "c""#, 300, 300);
        assert!(s.contains("<title>&lt;script&gt;&amp;&quot;x&#39;: 5</title>"));
        assert!(s.contains(r#"href="/a?x=1&amp;y=&quot;2&quot;""#));
        assert!(s.contains("<title>A &amp; &lt;B&gt;</title>"));
        assert!(s.contains("Nhãn &quot;c&quot;"));
        assert!(!s.contains("<script"));
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let mut p = point(21.0, 105.0, 5, "x");
        p.href = Some("javascript:alert(1)".into());
        let s = bubble_map(&[p], "t", "l", 300, 300);
        assert!(!s.contains("<a ") && !s.contains("javascript"));
    }

    #[test]
    fn degenerate_inputs() {
        let empty = bubble_map(&[], "Trống", "x", 300, 200);
        assert!(empty.contains("Không có dữ liệu") && !empty.contains("<circle"));

        let one = bubble_map(&[point(21.0, 105.0, 10, "a")], "t", "l", 300, 300);
        let same = bubble_map(
            &[point(21.0, 105.0, 10, "a"), point(21.0, 105.0, 3, "b")],
            "t",
            "l",
            300,
            300,
        );
        let all_zero = bubble_map(
            &[point(21.0, 105.0, 0, "a"), point(10.0, 106.0, 0, "b")],
            "t",
            "l",
            300,
            300,
        );
        let line = bubble_map(
            &[point(21.0, 105.0, 1, "a"), point(21.0, 106.0, 2, "b")],
            "t",
            "l",
            0,
            0,
        );
        let bad = bubble_map(
            &[point(f64::NAN, 105.0, 1, "a"), point(89.9999, 0.0, 2, "b")],
            "t",
            "l",
            300,
            300,
        );
        for s in [&one, &same, &all_zero, &line, &bad] {
            assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
        }
        assert_eq!(
            same.split("<g font-size")
                .next()
                .unwrap()
                .matches("<circle")
                .count(),
            2
        );
        assert_eq!(
            bad.split("<g font-size")
                .next()
                .unwrap()
                .matches("<circle")
                .count(),
            1
        );
        // No legend circles when every value is zero.
        assert_eq!(all_zero.matches("<circle").count(), 2);
    }

    #[test]
    fn helpers() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1.000");
        assert_eq!(group_thousands(-1234567), "-1.234.567");
        assert_eq!(legend_values(1), vec![1]);
        assert_eq!(legend_values(137), vec![100, 20, 5]);
        assert_eq!(legend_values(0), Vec::<i64>::new());
        assert_eq!(nice_floor(i64::MAX), 5_000_000_000_000_000_000);
        assert_eq!(fmt(12.0), "12");
        assert_eq!(fmt(12.345), "12.3");
        assert_eq!(escape("a\u{1}b\tc"), "ab\tc");
    }
}
