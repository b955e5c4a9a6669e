//! Photos without what they say about who took them where: a JPEG's
//! APP1 (Exif, XMP: GPS position, camera, owner), APP13 (IPTC) and
//! comment segments, and a PNG's eXIf and text chunks, are left out;
//! the image data is copied as it is (no re-encoding, no quality lost).
//! Anything that is not a well-formed JPEG or PNG is refused.

use crate::FilesError;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The image's bytes without metadata, for `content_type` `image/jpeg`
/// or `image/png`.
pub fn strip_metadata(content_type: &str, bytes: &[u8]) -> Result<Vec<u8>, FilesError> {
    match content_type {
        "image/jpeg" => strip_jpeg(bytes),
        "image/png" => strip_png(bytes),
        _ => Err(refused()),
    }
}

fn refused() -> FilesError {
    FilesError::NotImage
}

/// Copies the segments up to the start of scan, leaving out APP1–APP15
/// but APP14 (Adobe colour transform, needed to decode some JPEGs) and
/// COM; then the scan and everything after it as they are.
fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, FilesError> {
    if b.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(refused());
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return Err(refused());
        };
        // Markers without a length.
        if marker == 0xD9 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&[0xFF, marker]);
            i += 2;
            if marker == 0xD9 {
                return Ok(out);
            }
            continue;
        }
        let len = match (b.get(i + 2), b.get(i + 3)) {
            (Some(&h), Some(&l)) => usize::from(h) << 8 | usize::from(l),
            _ => return Err(refused()),
        };
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return Err(refused());
        }
        let metadata = (0xE1..=0xEF).contains(&marker) && marker != 0xEE || marker == 0xFE;
        if !metadata {
            out.extend_from_slice(b.get(i..end).ok_or_else(refused)?);
        }
        i = end;
        // Start of scan: the entropy-coded data follows, and with it the
        // rest of the file, copied whole.
        if marker == 0xDA {
            out.extend_from_slice(b.get(i..).ok_or_else(refused)?);
            return Ok(out);
        }
    }
}

/// Copies the chunks but eXIf, tEXt, zTXt, iTXt and tIME, each checked
/// for its length (the CRC is copied as it is).
fn strip_png(b: &[u8]) -> Result<Vec<u8>, FilesError> {
    if b.get(..8) != Some(PNG_SIGNATURE) {
        return Err(refused());
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = 8;
    while i < b.len() {
        let head: [u8; 8] = b
            .get(i..i + 8)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(refused)?;
        let [l0, l1, l2, l3, k0, k1, k2, k3] = head;
        let len = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
        let kind = &[k0, k1, k2, k3];
        let end = i + 12 + len;
        let chunk = b.get(i..end).ok_or_else(refused)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(refused())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG's frame: SOI, APP0 (JFIF), APP1 (Exif with a GPS tag's
    /// bytes), COM, DQT, SOS with two bytes of scan, EOI.
    fn jpeg() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        let seg = |m: u8, data: &[u8]| {
            let len = (data.len() + 2) as u16;
            let mut s = vec![0xFF, m, (len >> 8) as u8, len as u8];
            s.extend_from_slice(data);
            s
        };
        v.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        v.extend(seg(0xE1, b"Exif\0\0GPSLatitude 20.43 GPSLongitude 106.17"));
        v.extend(seg(0xFE, b"chup tai nha ong A"));
        v.extend(seg(0xDB, &[0u8; 65]));
        v.extend(seg(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
        v.extend([0x12, 0x34, 0xFF, 0x00, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn a_jpeg_loses_its_exif_and_comment_and_keeps_its_image() {
        let src = jpeg();
        let out = strip_metadata("image/jpeg", &src).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS") && !text.contains("Exif") && !text.contains("nha ong"));
        assert!(text.contains("JFIF"));
        // The scan and the end are as they were.
        assert!(out.ends_with(&[0x12, 0x34, 0xFF, 0x00, 0xFF, 0xD9]));
        let exif = "Exif\0\0GPSLatitude 20.43 GPSLongitude 106.17".len();
        assert_eq!(
            src.len() - out.len(),
            4 + exif + 4 + "chup tai nha ong A".len()
        );
        // Stripping again changes nothing.
        assert_eq!(strip_metadata("image/jpeg", &out).unwrap(), out);
    }

    #[test]
    fn a_png_loses_its_text_and_exif_chunks() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut src = PNG_SIGNATURE.to_vec();
        src.extend(chunk(b"IHDR", &[0; 13]));
        src.extend(chunk(b"eXIf", b"MM\0*GPS 20.43"));
        src.extend(chunk(b"tEXt", b"Author\0Nguyen Van A"));
        src.extend(chunk(b"IDAT", &[7; 10]));
        src.extend(chunk(b"IEND", &[]));
        let out = strip_metadata("image/png", &src).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS") && !text.contains("Nguyen"));
        assert!(text.contains("IHDR") && text.contains("IDAT") && text.contains("IEND"));
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert!(strip_metadata("image/jpeg", b"not a jpeg").is_err());
        assert!(strip_metadata("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR").is_err());
        let mut cut = jpeg();
        cut.truncate(30);
        assert!(strip_metadata("image/jpeg", &cut).is_err());
        assert!(strip_metadata("application/pdf", b"%PDF-1.4").is_err());
    }
}
