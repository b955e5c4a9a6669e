//! A review ("báo cáo sơ kết, tổng kết") as the state writes it (Nghị định
//! 30/2020/NĐ-CP, appendix I): the issuing body and the national motto side
//! by side, number and symbol, place and date, the title and subject, the
//! body (headings, justified paragraphs, tables, charts), the signature
//! block and "Nơi nhận:". [`docx`] writes it for Word and LibreOffice with
//! Times New Roman named (what the officers' machines hold); [`pdf`] writes
//! it with Liberation Serif (metric-compatible with Times New Roman, SIL
//! Open Font License) embedded, so both break lines and pages alike.

use chrono::NaiveDate;

use crate::chart::{ChartKind, Series};

mod docx;
mod layout;
mod pdf;
#[cfg(test)]
mod sample;

pub use docx::review_docx;
pub use pdf::review_pdf;

/// What the document says, in the order it is laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDocument {
    /// The body above the issuer, not bold ("BỘ CÔNG AN"); none for a
    /// body at the top.
    pub parent_body: Option<String>,
    /// The issuing body, bold capitals ("CÔNG AN TỈNH NINH BÌNH").
    pub body: String,
    /// The number and symbol as written ("05/BC-CAT"); "Số: " is added.
    pub number: String,
    /// Where it is signed ("Ninh Bình") and the day.
    pub place: String,
    pub date: NaiveDate,
    /// The document type, bold capitals ("BÁO CÁO").
    pub kind: String,
    /// What it is about, bold, under the type ("Sơ kết 5 năm thực hiện …").
    pub subject: String,
    pub blocks: Vec<Block>,
    pub signer: Signer,
    /// "Nơi nhận:" lines as written ("- Bộ Công an (V05);"); the last is
    /// the archive ("- Lưu: VT, PV05.").
    pub recipients: Vec<String>,
    /// What follows the signature on pages of its own ("PHỤ LỤC": the
    /// figures unit by unit); nothing for none.
    pub appendix: Vec<Block>,
}

/// The signature block, right of "Nơi nhận:".
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    /// Signing for someone else ("KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN");
    /// none when the head signs.
    pub authority: Option<String>,
    /// The signer's title, bold capitals ("PHÓ GIÁM ĐỐC").
    pub title: String,
    /// Their name, bold, under the room for the signature and seal.
    pub name: String,
}

/// One piece of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading, bold: level 1 "I. KẾT QUẢ THỰC HIỆN" (capitals
    /// as given), level 2 "1. Công tác …", level 3 italic-bold "a) …".
    Heading {
        level: u8,
        text: String,
    },
    /// A justified paragraph with a first-line indent; line breaks in the
    /// text start new paragraphs.
    Paragraph(String),
    Table(Table),
    Chart(Chart),
}

/// A table of figures: a caption above, a header row (bold, repeated on
/// each page it runs over), then rows; the first column is text, the
/// others are right-aligned numbers already formatted ("1.234", "12,5").
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A closing row in bold ("Tổng cộng"), if any.
    pub total: Option<Vec<String>>,
}

/// A bar or line chart of figures, drawn by the writer (vectors in the
/// PDF; a native chart with its values cached in the DOCX).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub caption: String,
    pub kind: ChartKind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// The place-and-date line: "Ninh Bình, ngày 05 tháng 01 năm 2026" (day
/// and month below 10 with a leading zero, Nghị định 30/2020 appendix I).
pub fn place_and_date(place: &str, date: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        date.day(),
        date.month(),
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_and_date_pads_day_and_month() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(
            place_and_date("Ninh Bình", d),
            "Ninh Bình, ngày 05 tháng 01 năm 2026"
        );
        let d = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(
            place_and_date("Hoa Lư", d),
            "Hoa Lư, ngày 25 tháng 12 năm 2026"
        );
    }
}
