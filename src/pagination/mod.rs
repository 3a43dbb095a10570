//! Walking the pages of a paginated operation (`x-pagination` in the spec): the runtime of the
//! generated `*_pages` and `*_stream` methods, which return a [`Walk`] (its per-walk options
//! are in `walk`). Nothing here knows an endpoint.
//!
//! When to stop: at the total count of the first page, at the reported number of pages, at an
//! empty page or at a page shorter than the page size, whichever comes first.
//!
//! Records that appear between two page fetches shift the later pages (the gateway pages by
//! offset): the last records of one page come back at the top of the next. Each page is
//! compared with the previous one and the records already yielded are dropped, and a walk
//! yields at most the total its first page reported, so nothing is yielded twice. Memory is two
//! pages at most: the current one and a copy of the previous one's records.

mod walk;

pub use walk::{Page, Walk};

use crate::clock::Clock;
use crate::runtime::CallOptions;
use crate::{Error, Operation};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use std::future::Future;
use std::sync::Arc;
use walk::WalkOptions;

/// How to read one page type: its items and its counts.
pub(crate) struct Shape<P, T> {
    pub(crate) items: fn(&mut P) -> &mut Vec<T>,
    pub(crate) total: fn(&P) -> Option<u64>,
    pub(crate) total_pages: fn(&P) -> Option<u64>,
}

/// Where a walk stands.
struct Cursor<T> {
    next_page: u32,
    page_size: Option<u32>,
    /// The total the first page reported: the walk yields no more.
    total: Option<u64>,
    yielded: u64,
    /// The previous page's records, to drop the ones a shift brings back.
    previous: Vec<T>,
    done: bool,
}

impl<T: PartialEq + Clone> Cursor<T> {
    /// Trims what was yielded already from a fetched page, and decides whether another follows.
    fn advance<P>(&mut self, page: &mut P, shape: &Shape<P, T>) {
        let total_pages = (shape.total_pages)(page);
        if self.total.is_none() {
            self.total = (shape.total)(page);
        }
        let items = (shape.items)(page);
        let fetched = items.len();
        items.retain(|item| !self.previous.contains(item));
        if let Some(total) = self.total {
            let room = usize::try_from(total.saturating_sub(self.yielded)).unwrap_or(usize::MAX);
            items.truncate(room);
        }
        self.yielded += items.len() as u64;
        self.previous.clone_from(items);
        let last_page = total_pages.is_some_and(|n| u64::from(self.next_page) >= n);
        let short = self.page_size.is_some_and(|size| fetched < size as usize);
        let all_yielded = self.total.is_some_and(|total| self.yielded >= total);
        self.done = fetched == 0 || last_page || short || all_yielded;
        self.next_page = self.next_page.saturating_add(1);
    }
}

/// The pages of a walk from page 1: `request_for(page, size)` builds each request, `fetch`
/// sends it with the walk's options for that page (a call with its retries).
pub(crate) fn pages<B, P, T, Fut>(
    clock: Arc<dyn Clock>,
    operation: &'static Operation,
    page_size: Option<u32>,
    request_for: impl Fn(u32, Option<u32>) -> B + Send + 'static,
    fetch: impl Fn(B, CallOptions) -> Fut + Send + 'static,
    shape: Shape<P, T>,
) -> Walk<Page<P>>
where
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
    P: Send + 'static,
    T: PartialEq + Clone + Send + 'static,
{
    Walk::new(move |walk: WalkOptions| {
        let cursor = Cursor {
            next_page: 1,
            page_size,
            total: None,
            yielded: 0,
            previous: Vec::new(),
            done: false,
        };
        tracing::debug!(operation = operation.name, page_size, "walking pages");
        // The whole walk's deadline counts from its first page.
        let until = walk.deadline.map(|given| (clock.now() + given, given));
        stream::try_unfold(
            (cursor, request_for, fetch, shape, walk, clock),
            move |(mut cursor, request_for, fetch, shape, walk, clock)| async move {
                if cursor.done {
                    return Ok(None);
                }
                let mut options = walk.page.clone();
                if let Some((at, given)) = until {
                    let left = at.saturating_duration_since(clock.now());
                    if left.is_zero() {
                        return Err(Error::past_deadline(operation, given, None));
                    }
                    options.deadline = Some(options.deadline.map_or(left, |own| own.min(left)));
                }
                let number = cursor.next_page;
                let request = request_for(number, cursor.page_size);
                let mut page = fetch(request, options).await?;
                cursor.advance(&mut page, &shape);
                let page = Page::new(number, page);
                Ok(Some((
                    page,
                    (cursor, request_for, fetch, shape, walk, clock),
                )))
            },
        )
        .boxed()
    })
}

/// The items of a walk, one after another.
pub(crate) fn items<P, T>(pages: Walk<Page<P>>, items: fn(&mut P) -> &mut Vec<T>) -> Walk<T>
where
    P: Send + 'static,
    T: Send + 'static,
{
    pages.map(move |pages| {
        pages
            .map_ok(move |page| {
                let mut page = page.into_data();
                stream::iter(std::mem::take(items(&mut page)).into_iter().map(Ok))
            })
            .try_flatten()
            .boxed()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Page {
        list: Vec<u32>,
        total: Option<u64>,
    }

    const SHAPE: Shape<Page, u32> = Shape {
        items: |p| &mut p.list,
        total: |p| p.total,
        total_pages: |_| None,
    };

    fn cursor(page_size: u32) -> Cursor<u32> {
        Cursor {
            next_page: 1,
            page_size: Some(page_size),
            total: None,
            yielded: 0,
            previous: Vec::new(),
            done: false,
        }
    }

    #[test]
    fn a_shifted_page_loses_what_was_yielded_and_the_walk_ends_at_the_first_total() {
        let mut c = cursor(3);
        let mut first = Page {
            list: vec![9, 8, 7],
            total: Some(5),
        };
        c.advance(&mut first, &SHAPE);
        assert!(!c.done);
        // A record (10) arrived at the top: 7 comes back on page 2.
        let mut second = Page {
            list: vec![7, 6, 5],
            total: Some(6),
        };
        c.advance(&mut second, &SHAPE);
        assert_eq!(second.list, [6, 5]);
        assert!(c.done, "5 of 5 yielded");
    }

    #[test]
    fn an_empty_or_short_page_ends_the_walk() {
        let mut c = cursor(3);
        let mut short = Page {
            list: vec![1, 2],
            total: None,
        };
        c.advance(&mut short, &SHAPE);
        assert!(c.done);
        let mut c = cursor(3);
        let mut empty = Page {
            list: vec![],
            total: None,
        };
        c.advance(&mut empty, &SHAPE);
        assert!(c.done);
    }
}
