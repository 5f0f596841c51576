//! Pagination of lists, with the cap every list shares.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u32 = 20;
    /// The largest page any list serves; asking for more is an error, not a silent cut.
    pub const MAX_PER_PAGE: u32 = 100;

    pub fn new(page: u32, per_page: u32) -> Option<Self> {
        (page >= 1 && (1..=Self::MAX_PER_PAGE).contains(&per_page))
            .then_some(Self { page, per_page })
    }

    pub fn first(per_page: u32) -> Self {
        Self {
            page: 1,
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(Self::DEFAULT_PER_PAGE)
    }
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    pub fn page_count(&self, request: PageRequest) -> u64 {
        self.total.div_ceil(u64::from(request.per_page)).max(1)
    }
}
