//! PDF documents: the certificate "Giấy công nhận đạt tiêu chuẩn An toàn về
//! an ninh, trật tự" on A4 landscape, one page per certificate (a
//! commune's areas print in one file). Liberation Serif (metric-compatible
//! with Times New Roman, SIL Open Font License) is embedded, subsetted by
//! krilla, so Vietnamese reads the same on any machine without fonts.

use chrono::NaiveDate;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::table::FilesError;

static REGULAR: &[u8] = include_bytes!("../../../data/fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../data/fonts/LiberationSerif-Bold.ttf");

/// A4 landscape, in points.
const WIDTH: f32 = 841.89;
const HEIGHT: f32 = 595.28;

/// What one certificate says.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// "ỦY BAN NHÂN DÂN" and the issuing unit's name ("PHƯỜNG NAM ĐỊNH").
    pub issuer_body: String,
    pub issuer_name: String,
    /// Where it is signed ("Nam Định").
    pub place: String,
    pub number: String,
    pub year: i32,
    /// What is certified: the kind ("Khu dân cư") and its name.
    pub kind_label: String,
    pub unit_name: String,
    /// The unit above it ("Phường Nam Định, tỉnh Ninh Bình").
    pub unit_parent: Option<String>,
    pub classification: String,
    pub decision_no: String,
    pub decided_on: NaiveDate,
    /// The signer's title, a line each ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH").
    pub signer_title: String,
}

struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: rustybuzz::Face<'static>,
    bold_face: rustybuzz::Face<'static>,
}

impl Fonts {
    fn load() -> Result<Self, FilesError> {
        let bad = || FilesError::Write("phông chữ nhúng không đọc được".into());
        Ok(Fonts {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(bad)?,
            bold: Font::new(BOLD.into(), 0).ok_or_else(bad)?,
            regular_face: rustybuzz::Face::from_slice(REGULAR, 0).ok_or_else(bad)?,
            bold_face: rustybuzz::Face::from_slice(BOLD, 0).ok_or_else(bad)?,
        })
    }

    fn pick(&self, bold: bool) -> (&Font, &rustybuzz::Face<'static>) {
        if bold {
            (&self.bold, &self.bold_face)
        } else {
            (&self.regular, &self.regular_face)
        }
    }
}

/// The width of `text` at `size`, shaped as krilla shapes it.
fn width(face: &rustybuzz::Face<'_>, text: &str, size: f32) -> f32 {
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    let shaped = rustybuzz::shape(face, &[], buf);
    let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    units as f32 * size / f32::from(face.units_per_em() as u16)
}

/// One line of text, its horizontal place given by `align`.
#[derive(Clone, Copy)]
enum Align {
    /// Centred on this x.
    Centre(f32),
}

struct Line<'a> {
    text: &'a str,
    size: f32,
    bold: bool,
    align: Align,
    /// The baseline, from the top of the page.
    y: f32,
}

fn draw(surface: &mut krilla::surface::Surface<'_>, fonts: &Fonts, l: &Line<'_>) {
    let (font, face) = fonts.pick(l.bold);
    let Align::Centre(c) = l.align;
    let x = c - width(face, l.text, l.size) / 2.0;
    surface.draw_text(
        Point::from_xy(x, l.y),
        font.clone(),
        l.size,
        l.text,
        false,
        TextDirection::Auto,
    );
}

/// Splits `text` into lines no wider than `max` at `size`.
fn wrap(face: &rustybuzz::Face<'_>, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if width(face, &candidate, size) > max && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

fn border(surface: &mut krilla::surface::Surface<'_>, inset: f32, width: f32) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(inset, inset, WIDTH - 2.0 * inset, HEIGHT - 2.0 * inset) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(150, 20, 20).into(),
            width,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// A thin horizontal line from `x1` to `x2` at `y` (from the top).
fn rule(surface: &mut krilla::surface::Surface<'_>, x1: f32, x2: f32, y: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y);
    pb.line_to(x2, y);
    if let Some(path) = pb.finish() {
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(0, 0, 0).into(),
            width: 0.7,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn page(document: &mut Document, fonts: &Fonts, c: &Certificate) -> Result<(), FilesError> {
    let settings =
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| FilesError::Write("khổ giấy".into()))?;
    let mut page = document.start_page_with(settings);
    let mut s = page.surface();
    border(&mut s, 22.0, 3.0);
    border(&mut s, 28.0, 0.8);
    s.set_fill(Some(Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        ..Default::default()
    }));
    let left = 215.0;
    let right = WIDTH - 245.0;
    let mid = WIDTH / 2.0;
    let header = [
        Line {
            text: &c.issuer_body,
            size: 13.0,
            bold: false,
            align: Align::Centre(left),
            y: 70.0,
        },
        Line {
            text: &c.issuer_name,
            size: 13.0,
            bold: true,
            align: Align::Centre(left),
            y: 87.0,
        },
        Line {
            text: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            size: 13.0,
            bold: true,
            align: Align::Centre(right),
            y: 70.0,
        },
        Line {
            text: "Độc lập - Tự do - Hạnh phúc",
            size: 14.0,
            bold: true,
            align: Align::Centre(right),
            y: 87.0,
        },
    ];
    for l in &header {
        draw(&mut s, fonts, l);
    }
    // The short rules under the motto and the issuing body, as the state
    // format draws them.
    let motto = width(&fonts.bold_face, "Độc lập - Tự do - Hạnh phúc", 14.0);
    rule(&mut s, right - motto / 2.0, right + motto / 2.0, 96.0);
    rule(&mut s, left - 30.0, left + 30.0, 96.0);
    let number = format!("Số: {}", c.number);
    draw(
        &mut s,
        fonts,
        &Line {
            text: &number,
            size: 13.0,
            bold: false,
            align: Align::Centre(left),
            y: 116.0,
        },
    );
    let title = [
        Line {
            text: "GIẤY CÔNG NHẬN",
            size: 34.0,
            bold: true,
            align: Align::Centre(mid),
            y: 190.0,
        },
        Line {
            text: "ĐẠT TIÊU CHUẨN \"AN TOÀN VỀ AN NINH, TRẬT TỰ\"",
            size: 18.0,
            bold: true,
            align: Align::Centre(mid),
            y: 222.0,
        },
    ];
    for l in &title {
        draw(&mut s, fonts, l);
    }
    let year = format!("Năm {}", c.year);
    draw(
        &mut s,
        fonts,
        &Line {
            text: &year,
            size: 15.0,
            bold: false,
            align: Align::Centre(mid),
            y: 246.0,
        },
    );
    let kind_line = format!("{}:", c.kind_label);
    draw(
        &mut s,
        fonts,
        &Line {
            text: &kind_line,
            size: 15.0,
            bold: false,
            align: Align::Centre(mid),
            y: 286.0,
        },
    );
    let mut y = 318.0;
    for line in wrap(&fonts.bold_face, &c.unit_name, 24.0, WIDTH - 160.0) {
        draw(
            &mut s,
            fonts,
            &Line {
                text: &line,
                size: 24.0,
                bold: true,
                align: Align::Centre(mid),
                y,
            },
        );
        y += 28.0;
    }
    if let Some(p) = &c.unit_parent {
        draw(
            &mut s,
            fonts,
            &Line {
                text: p,
                size: 15.0,
                bold: false,
                align: Align::Centre(mid),
                y,
            },
        );
        y += 24.0;
    }
    let class = format!("Xếp loại: {}", c.classification);
    draw(
        &mut s,
        fonts,
        &Line {
            text: &class,
            size: 16.0,
            bold: true,
            align: Align::Centre(mid),
            y: y + 4.0,
        },
    );
    let basis = format!(
        "(Theo Quyết định số {} ngày {})",
        c.decision_no,
        c.decided_on.format("%d/%m/%Y")
    );
    draw(
        &mut s,
        fonts,
        &Line {
            text: &basis,
            size: 13.0,
            bold: false,
            align: Align::Centre(mid),
            y: y + 26.0,
        },
    );
    let date = format!(
        "{}, ngày {} tháng {} năm {}",
        c.place,
        c.decided_on.format("%d"),
        c.decided_on.format("%m"),
        c.decided_on.format("%Y")
    );
    let line = |text, size, bold, y| Line {
        text,
        size,
        bold,
        align: Align::Centre(right),
        y,
    };
    draw(&mut s, fonts, &line(&date, 13.0, false, 450.0));
    let mut y = 470.0;
    for l in c.signer_title.lines() {
        draw(&mut s, fonts, &line(l, 13.0, true, y));
        y += 16.0;
    }
    draw(
        &mut s,
        fonts,
        &line("(Ký, ghi rõ họ tên và đóng dấu)", 12.0, false, y + 2.0),
    );
    s.finish();
    page.finish();
    Ok(())
}

/// The certificates as one PDF, a page each.
pub fn certificates(items: &[Certificate]) -> Result<Vec<u8>, FilesError> {
    let fonts = Fonts::load()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title("Giấy công nhận đạt tiêu chuẩn An toàn về an ninh, trật tự".into())
            .creator("binhyen".into()),
    );
    for c in items {
        page(&mut document, &fonts, c)?;
    }
    document
        .finish()
        .map_err(|e| FilesError::Write(format!("PDF: {e:?}").into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Certificate {
        Certificate {
            issuer_body: "ỦY BAN NHÂN DÂN".into(),
            issuer_name: "PHƯỜNG NAM ĐỊNH".into(),
            place: "Nam Định".into(),
            number: "001/GCN-ANTT-2026".into(),
            year: 2026,
            kind_label: "Khu dân cư".into(),
            unit_name: "Tổ dân phố số 5".into(),
            unit_parent: Some("Phường Nam Định, tỉnh Ninh Bình".into()),
            classification: "Xuất sắc".into(),
            decision_no: "125/QĐ-UBND".into(),
            decided_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            signer_title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into(),
        }
    }

    #[test]
    fn a_certificate_is_a_pdf_with_its_font_embedded() {
        let pdf = certificates(&[sample(), sample()]).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2"), "font embedded");
        assert!(text.contains("/Count 2"), "two pages");
    }

    #[test]
    fn lines_wrap_within_the_width() {
        let f = Fonts::load().unwrap();
        let lines = wrap(
            &f.bold_face,
            "Trường Trung học phổ thông chuyên Lê Hồng Phong thành phố Nam Định",
            24.0,
            300.0,
        );
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| width(&f.bold_face, l, 24.0) <= 300.0 || !l.contains(' ')));
    }
}
