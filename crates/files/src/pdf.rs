//! PDF documents: the certificate "Giấy công nhận đạt tiêu chuẩn An toàn về
//! an ninh, trật tự" on A4 landscape, one page per certificate (a
//! commune's areas print in one file), and the training certificate
//! "Giấy chứng nhận hoàn thành lớp tập huấn" in the same frame and
//! letterhead, a page per trainee who passed. Liberation Serif (metric-compatible
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

pub(crate) static REGULAR: &[u8] =
    include_bytes!("../../../data/fonts/LiberationSerif-Regular.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../../data/fonts/LiberationSerif-Bold.ttf");

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

/// The width of `text` at `size`, shaped as krilla shapes it (the
/// reviews measure with it too).
pub(crate) fn width(face: &rustybuzz::Face<'_>, text: &str, size: f32) -> f32 {
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

/// The centres of the letterhead's two columns (issuer, motto).
const LEFT: f32 = 215.0;
const RIGHT: f32 = WIDTH - 245.0;

/// The state format's letterhead: the issuing body and unit on the left
/// with the number under them, the national name and motto on the right,
/// each with its short rule.
fn letterhead(
    s: &mut krilla::surface::Surface<'_>,
    fonts: &Fonts,
    issuer_body: &str,
    issuer_name: &str,
    number: &str,
) {
    let at = |text, size, bold, x, y| Line {
        text,
        size,
        bold,
        align: Align::Centre(x),
        y,
    };
    for l in [
        at(issuer_body, 13.0, false, LEFT, 70.0),
        at(issuer_name, 13.0, true, LEFT, 87.0),
        at(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            13.0,
            true,
            RIGHT,
            70.0,
        ),
        at("Độc lập - Tự do - Hạnh phúc", 14.0, true, RIGHT, 87.0),
    ] {
        draw(s, fonts, &l);
    }
    let motto = width(&fonts.bold_face, "Độc lập - Tự do - Hạnh phúc", 14.0);
    rule(s, RIGHT - motto / 2.0, RIGHT + motto / 2.0, 96.0);
    rule(s, LEFT - 30.0, LEFT + 30.0, 96.0);
    let number = format!("Số: {number}");
    draw(s, fonts, &at(&number, 13.0, false, LEFT, 116.0));
}

/// Place and date, the signer's title (a line each) and the note for the
/// signature and seal, in the right column at the foot of the page.
fn signature(
    s: &mut krilla::surface::Surface<'_>,
    fonts: &Fonts,
    place: &str,
    on: NaiveDate,
    signer_title: &str,
) {
    let date = format!(
        "{place}, ngày {} tháng {} năm {}",
        on.format("%d"),
        on.format("%m"),
        on.format("%Y")
    );
    let line = |text, size, bold, y| Line {
        text,
        size,
        bold,
        align: Align::Centre(RIGHT),
        y,
    };
    draw(s, fonts, &line(&date, 13.0, false, 450.0));
    let mut y = 470.0;
    for l in signer_title.lines() {
        draw(s, fonts, &line(l, 13.0, true, y));
        y += 16.0;
    }
    draw(
        s,
        fonts,
        &line("(Ký, ghi rõ họ tên và đóng dấu)", 12.0, false, y + 2.0),
    );
}

/// An A4 landscape page in the certificates' double frame, text in black,
/// its content drawn by `content`.
fn framed_page(
    document: &mut Document,
    content: impl FnOnce(&mut krilla::surface::Surface<'_>),
) -> Result<(), FilesError> {
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
    content(&mut s);
    s.finish();
    page.finish();
    Ok(())
}

fn page(document: &mut Document, fonts: &Fonts, c: &Certificate) -> Result<(), FilesError> {
    framed_page(document, |s| {
        let mid = WIDTH / 2.0;
        letterhead(s, fonts, &c.issuer_body, &c.issuer_name, &c.number);
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
            draw(s, fonts, l);
        }
        let year = format!("Năm {}", c.year);
        draw(
            s,
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
            s,
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
                s,
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
                s,
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
            s,
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
            s,
            fonts,
            &Line {
                text: &basis,
                size: 13.0,
                bold: false,
                align: Align::Centre(mid),
                y: y + 26.0,
            },
        );
        signature(s, fonts, &c.place, c.decided_on, &c.signer_title);
    })
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

/// What a training certificate says: someone completed a class.
#[derive(Debug, Clone)]
pub struct TrainingCertificate {
    /// "CÔNG AN TỈNH NINH BÌNH" and the organiser ("CÔNG AN PHƯỜNG NAM ĐỊNH").
    pub issuer_body: String,
    pub issuer_name: String,
    pub place: String,
    pub number: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub class_name: String,
    /// The course and its hours ("Kỹ năng tuần tra, 12 giờ").
    pub course: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub class_place: Option<String>,
    pub score: f64,
    pub certified_on: NaiveDate,
    /// The signer's title, a line each ("GIÁM ĐỐC" or "TRƯỞNG CÔNG AN").
    pub signer_title: String,
}

fn training_page(
    document: &mut Document,
    fonts: &Fonts,
    c: &TrainingCertificate,
) -> Result<(), FilesError> {
    framed_page(document, |s| {
        letterhead(s, fonts, &c.issuer_body, &c.issuer_name, &c.number);
        fn centred(text: &str, size: f32, bold: bool, y: f32) -> Line<'_> {
            Line {
                text,
                size,
                bold,
                align: Align::Centre(WIDTH / 2.0),
                y,
            }
        }
        draw(s, fonts, &centred("GIẤY CHỨNG NHẬN", 34.0, true, 175.0));
        draw(
            s,
            fonts,
            &centred("HOÀN THÀNH LỚP TẬP HUẤN", 18.0, true, 205.0),
        );
        draw(s, fonts, &centred("Chứng nhận:", 15.0, false, 240.0));
        draw(s, fonts, &centred(&c.full_name, 24.0, true, 270.0));
        let born = format!("Sinh ngày {}", c.birth_date.format("%d/%m/%Y"));
        draw(s, fonts, &centred(&born, 14.0, false, 292.0));
        let mut y = 322.0;
        let class = format!("Đã hoàn thành lớp: {}", c.class_name);
        for line in wrap(&fonts.bold_face, &class, 16.0, WIDTH - 160.0) {
            draw(s, fonts, &centred(&line, 16.0, true, y));
            y += 20.0;
        }
        let held = match &c.class_place {
            Some(p) => format!(
                "Chương trình {}; từ ngày {} đến ngày {} tại {p}",
                c.course,
                c.starts_on.format("%d/%m/%Y"),
                c.ends_on.format("%d/%m/%Y")
            ),
            None => format!(
                "Chương trình {}; từ ngày {} đến ngày {}",
                c.course,
                c.starts_on.format("%d/%m/%Y"),
                c.ends_on.format("%d/%m/%Y")
            ),
        };
        for line in wrap(&fonts.regular_face, &held, 14.0, WIDTH - 160.0) {
            draw(s, fonts, &centred(&line, 14.0, false, y));
            y += 18.0;
        }
        let result = format!("Kết quả: Đạt ({}/10)", format_score(c.score));
        draw(s, fonts, &centred(&result, 15.0, true, y + 6.0));
        signature(s, fonts, &c.place, c.certified_on, &c.signer_title);
    })
}

/// A score as Vietnamese writes it: a comma before the decimals, none for
/// a whole number.
fn format_score(score: f64) -> String {
    let text = format!("{score:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

/// Training certificates as one PDF, a page each.
pub fn training_certificates(items: &[TrainingCertificate]) -> Result<Vec<u8>, FilesError> {
    let fonts = Fonts::load()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title("Giấy chứng nhận hoàn thành lớp tập huấn".into())
            .creator("binhyen".into()),
    );
    for c in items {
        training_page(&mut document, &fonts, c)?;
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
        if let Some(out) = std::env::var_os("PDF_OUT") {
            std::fs::write(out, &pdf).unwrap();
        }
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2"), "font embedded");
        assert!(text.contains("/Count 2"), "two pages");
    }

    #[test]
    fn a_training_certificate_is_a_page_each() {
        let c = TrainingCertificate {
            issuer_body: "CÔNG AN TỈNH NINH BÌNH".into(),
            issuer_name: "CÔNG AN PHƯỜNG NAM ĐỊNH".into(),
            place: "Nam Định".into(),
            number: "001/2026/CN-TH".into(),
            full_name: "Phạm Văn Siêng".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 2, 2).unwrap(),
            class_name: "Kỹ năng tuần tra tháng 3/2026".into(),
            course: "Kỹ năng tuần tra, 12 giờ".into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            class_place: Some("Hội trường phường".into()),
            score: 8.5,
            certified_on: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            signer_title: "TRƯỞNG CÔNG AN".into(),
        };
        let pdf = training_certificates(&[c.clone(), c]).unwrap();
        // PDF_OUT=/tmp/x.pdf keeps the file, to look at (pdftoppm).
        if let Some(out) = std::env::var_os("PDF_OUT") {
            std::fs::write(out, &pdf).unwrap();
        }
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2"), "font embedded");
        assert!(text.contains("/Count 2"), "two pages");
        assert_eq!(format_score(8.5), "8,5");
        assert_eq!(format_score(8.0), "8");
        assert_eq!(format_score(7.25), "7,25");
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
