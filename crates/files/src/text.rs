//! The text of a document's file, for search: the words of a PDF that has
//! a text layer and of a DOCX. Scans (images, or PDFs of images) have
//! none. Reading is bounded (pages, inflated sizes, the text kept) and a
//! file the readers cannot take is simply not searchable: the upload is
//! kept either way.

use std::io::Read;

/// Pages read of one PDF: a plan or a report, not a book.
pub const MAX_PDF_PAGES: u32 = 300;
/// What one PDF page may inflate to.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// What a DOCX's main part may inflate to.
const MAX_DOCX_XML_BYTES: u64 = 32 * 1024 * 1024;
/// Text kept of one file (characters, before folding).
pub const MAX_TEXT_CHARS: usize = 400_000;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The text of a file of type `content_type` (already checked by content),
/// or `None` when it has none to read.
pub fn extract(content_type: &str, bytes: &[u8]) -> Option<String> {
    let text = match content_type {
        "application/pdf" => pdf_text(bytes)?,
        DOCX => docx_text(bytes)?,
        _ => return None,
    };
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    (!text.trim().is_empty()).then_some(text)
}

fn pdf_text(bytes: &[u8]) -> Option<String> {
    // The parser meets hostile files here; whatever it does with one, the
    // upload goes on without a text.
    std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let pages: Vec<u32> = doc
            .get_pages()
            .keys()
            .copied()
            .take(MAX_PDF_PAGES as usize)
            .collect();
        let mut out = String::new();
        for chunk in doc.extract_text_chunks_with_limit(&pages, MAX_PAGE_BYTES) {
            if let Ok(t) = chunk {
                out.push_str(&t);
                out.push(' ');
            }
            if out.len() > MAX_TEXT_CHARS * 4 {
                break;
            }
        }
        Some(out)
    })
    .ok()
    .flatten()
}

fn docx_text(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let part = archive.by_name("word/document.xml").ok()?;
    if part.size() > MAX_DOCX_XML_BYTES {
        return None;
    }
    let mut xml = String::new();
    part.take(MAX_DOCX_XML_BYTES)
        .read_to_string(&mut xml)
        .ok()?;
    Some(docx_runs(&xml))
}

/// The text of WordprocessingML: the content of each `<w:t>` run, a space
/// at each tab, break and paragraph end.
fn docx_runs(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest.get(open..).and_then(|r| r.find('>')) else {
            break;
        };
        let tag = rest.get(open + 1..open + close).unwrap_or_default();
        rest = rest.get(open + close + 1..).unwrap_or_default();
        let name = tag.split_whitespace().next().unwrap_or_default();
        match name {
            "w:t" => {
                let end = rest.find("</w:t>").unwrap_or(rest.len());
                out.push_str(&unescape(rest.get(..end).unwrap_or_default()));
                rest = rest.get(end..).unwrap_or_default();
            }
            "/w:p" | "w:tab/" | "w:br/" | "w:tab" | "w:br" => out.push(' '),
            _ => {}
        }
    }
    out
}

/// XML's five entities and numeric references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let Some(semi) = after.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = after.get(..semi).unwrap_or_default();
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push(' '),
        }
        rest = after.get(semi + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx(body: &str) -> Vec<u8> {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn a_docx_gives_its_runs_with_entities_read() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>Chỉ thị số 19-CT/TU</w:t></w:r><w:r><w:t xml:space="preserve"> về &quot;phong trào&quot; &amp; </w:t></w:r></w:p><w:p><w:r><w:t>Đ&#7841;i hội</w:t></w:r></w:p></w:body></w:document>"#;
        let text = extract(DOCX, &docx(xml)).unwrap();
        assert_eq!(text, "Chỉ thị số 19-CT/TU về \"phong trào\" &  Đại hội ");
    }

    #[test]
    fn files_without_text_or_broken_ones_give_none() {
        assert_eq!(extract("image/png", b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(extract("application/pdf", b"%PDF-1.7\n garbage"), None);
        assert_eq!(extract(DOCX, b"PK\x03\x04 truncated"), None);
        assert_eq!(extract(DOCX, &docx("<w:document/>")), None);
    }

    #[test]
    fn a_pdf_we_print_reads_back_in_vietnamese() {
        let pdf = crate::certificates(&[crate::Certificate {
            issuer_body: "ỦY BAN NHÂN DÂN".into(),
            issuer_name: "PHƯỜNG NAM ĐỊNH".into(),
            place: "Nam Định".into(),
            number: "001/GCN-ANTT-2026".into(),
            year: 2026,
            kind_label: "Khu dân cư".into(),
            unit_name: "Tổ dân phố số 5".into(),
            unit_parent: None,
            classification: "Xuất sắc".into(),
            decision_no: "125/QĐ-UBND".into(),
            decided_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            signer_title: "CHỦ TỊCH".into(),
        }])
        .unwrap();
        let text = extract("application/pdf", &pdf).unwrap();
        let folded = domain::text::fold(&text);
        assert!(folded.contains("giay cong nhan dat tieu chuan"), "{folded}");
    }
}
