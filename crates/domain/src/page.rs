//! Paging of lists: `page` from 1, `per_page` up to a bound.

use crate::{DomainError, Reason};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl Page {
    /// Parses the raw query values; absent values take the defaults.
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, DomainError> {
        let page = match page.map(str::trim).filter(|s| !s.is_empty()) {
            None => 1,
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|p| *p >= 1 && *p <= 1_000_000)
                .ok_or_else(|| DomainError::new("page", Reason::PageInvalid))?,
        };
        let per_page = match per_page.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_PER_PAGE,
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                .ok_or_else(|| {
                    DomainError::new("per_page", Reason::PerPageInvalid { max: MAX_PER_PAGE })
                })?,
        };
        Ok(Self { page, per_page })
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_values_naming_the_field() {
        assert_eq!(Page::parse(Some("-1"), None).unwrap_err().field, "page");
        assert_eq!(Page::parse(Some("0"), None).unwrap_err().field, "page");
        assert_eq!(
            Page::parse(None, Some("501")).unwrap_err().field,
            "per_page"
        );
        assert_eq!(
            Page::parse(None, Some("abc")).unwrap_err().field,
            "per_page"
        );
        let p = Page::parse(Some("3"), Some("20")).unwrap();
        assert_eq!((p.limit(), p.offset()), (20, 40));
        assert_eq!(Page::parse(None, None).unwrap(), Page::default());
    }
}
