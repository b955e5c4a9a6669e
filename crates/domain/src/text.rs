//! Vietnamese text: storage in NFC and a folded form for search.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Text as stored: NFC, trimmed, inner runs of whitespace collapsed.
pub fn normalize(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search form of a text: lower case, no diacritics, `đ` → `d`, single
/// spaces. `NAM ĐỊNH`, `Nam Định` and `nam dinh` all fold to `nam dinh`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true; // drop leading spaces
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Sort key for Vietnamese order: letters compare first (a < ă < â < b …
/// d < đ … o < ô < ơ, u < ư), tone marks only break ties, so `Đông` sorts
/// after `Dương` and `Ân` after `Anh`.
pub fn sort_key(s: &str) -> String {
    let mut key = String::with_capacity(s.len() + 8);
    for c in s.nfd() {
        // The letter marks follow their base letter; 0x7f sorts above every
        // ASCII letter, so "ă…" comes after all "a…".
        let marker = match c {
            'đ' | 'Đ' => {
                key.push('d');
                Some('0')
            }
            '\u{0306}' => Some('1'),               // breve: ă
            '\u{0302}' => Some('2'),               // circumflex: â ê ô
            '\u{031b}' => Some('3'),               // horn: ơ ư
            c if is_combining_mark(c) => continue, // tones
            c => {
                key.extend(c.to_lowercase());
                None
            }
        };
        if let Some(m) = marker {
            key.push('\u{7f}');
            key.push(m);
        }
    }
    // U+0001, not NUL: PostgreSQL text cannot hold NUL.
    key.push('\u{1}');
    key.extend(s.nfc().flat_map(char::to_lowercase));
    key
}

/// The folded text from each word on: `phuong nam dinh` gives `phuong nam
/// dinh`, `nam dinh`, `dinh`. Indexed, they turn "a word of the name starts
/// with the query" into one range lookup.
pub fn word_suffixes(folded: &str) -> Vec<String> {
    let mut out: Vec<String> = folded
        .char_indices()
        .filter(|(i, c)| {
            *i == 0 || (*c != ' ' && folded.get(..*i).is_some_and(|h| h.ends_with(' ')))
        })
        .filter_map(|(i, _)| folded.get(i..).map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The smallest string above every string that starts with `prefix`
/// (byte order), for `x >= prefix AND x < upper` range scans.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    String::from('\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("NAM ĐỊNH"), "nam dinh");
        assert_eq!(fold("Nam Định"), "nam dinh");
        assert_eq!(fold("  nam   dinh "), "nam dinh");
        assert_eq!(fold("Phường Vị Xuyên"), "phuong vi xuyen");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn word_suffixes_start_at_each_word() {
        assert_eq!(
            word_suffixes("phuong nam dinh"),
            ["dinh", "nam dinh", "phuong nam dinh"]
        );
        assert_eq!(word_suffixes("an an"), ["an", "an an"]);
        assert!(word_suffixes("").is_empty());
        assert_eq!(prefix_upper_bound("nam d"), "nam e");
        assert!(prefix_upper_bound("nam d").as_str() > "nam dinh");
        assert!(prefix_upper_bound("az").as_str() > "azzz");
    }

    #[test]
    fn folds_decomposed_input_like_composed() {
        let nfd: String = "Định".nfd().collect();
        assert_eq!(fold(&nfd), "dinh");
        assert_eq!(normalize(&nfd), "Định");
    }

    #[test]
    fn vietnamese_order_puts_d_stroke_after_d() {
        let mut names = vec![
            "Đông", "Dương", "Ân", "Anh", "Bình", "Ăn", "Ơn", "Ông", "On",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["Anh", "Ăn", "Ân", "Bình", "Dương", "Đông", "On", "Ông", "Ơn"]
        );
    }
}
