//! What a `*_pages` or `*_stream` method returns: a walk that takes the options of a call
//! (a deadline per page and for the whole walk, the retry policy, headers, the priority) and
//! is a `Stream`
//! once polled; and the pages it yields, which know their number.

use crate::runtime::CallOptions;
use crate::{Error, RetryPolicy};
use futures_util::Stream;
use futures_util::stream::BoxStream;
use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The options of a walk: those of each page's call, and the walk's own deadline.
#[derive(Clone, Debug, Default)]
pub(crate) struct WalkOptions {
    /// Each page's call (its `deadline` is the page's).
    pub(crate) page: CallOptions,
    /// The whole walk, every page and wait included.
    pub(crate) deadline: Option<Duration>,
}

type Start<I> = Box<dyn FnOnce(WalkOptions) -> BoxStream<'static, Result<I, Error>> + Send>;

/// A walk over the pages of a paginated operation, as a [`Stream`] of `I`: pages
/// ([`Page`], from `*_pages`) or records (from `*_stream`). Set its options before the first
/// poll; each page is a call with those options.
///
/// ```no_run
/// # async fn run(client: rizzitgo_open_api::Client) -> Result<(), rizzitgo_open_api::Error> {
/// use futures::TryStreamExt;
/// use rizzitgo_open_api::{RetryPolicy, types::{QcPageRequest, TimeRange}};
/// use std::time::Duration;
///
/// let mut pages = client
///     .goods_qc_page_pages(QcPageRequest::builder().completion_time(TimeRange::days("2026-06-01", "2026-06-30")?))
///     .deadline(Duration::from_secs(60)) // the whole walk
///     .page_deadline(Duration::from_secs(5)) // each page, its retries included
///     .retry_policy(RetryPolicy::standard().with_max_attempts(5));
/// while let Some(page) = pages.try_next().await? {
///     println!("page {}: {} records", page.number(), page.list.len());
/// }
/// # Ok(()) }
/// ```
#[must_use = "a walk fetches nothing until polled"]
pub struct Walk<I> {
    start: Option<Start<I>>,
    options: WalkOptions,
    running: Option<BoxStream<'static, Result<I, Error>>>,
}

impl<I> fmt::Debug for Walk<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Walk")
            .field("options", &self.options)
            .field("started", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl<I: Send + 'static> Walk<I> {
    pub(crate) fn new(
        start: impl FnOnce(WalkOptions) -> BoxStream<'static, Result<I, Error>> + Send + 'static,
    ) -> Self {
        let mut options = WalkOptions::default();
        // A walk is batch work unless it says otherwise.
        options.page.priority = Some(crate::Priority::Background);
        Self {
            start: Some(Box::new(start)),
            options,
            running: None,
        }
    }

    /// The same walk, its stream turned by `f` (pages into records).
    pub(crate) fn map<J: Send + 'static>(
        mut self,
        f: impl FnOnce(BoxStream<'static, Result<I, Error>>) -> BoxStream<'static, Result<J, Error>>
        + Send
        + 'static,
    ) -> Walk<J> {
        let start = self.start.take();
        Walk {
            start: start.map(|start| -> Start<J> { Box::new(move |options| f(start(options))) }),
            options: self.options,
            running: None,
        }
    }

    /// The most the whole walk may take, every page, retry and wait included. When it runs
    /// out, the walk ends with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout); each page's
    /// call gets at most what is left.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// The most each page's call may take, its retries and waits included (as
    /// [`Call::deadline`](crate::Call::deadline)).
    pub fn page_deadline(mut self, deadline: Duration) -> Self {
        self.options.page.deadline = Some(deadline);
        self
    }

    /// The most one attempt may take (as [`Call::attempt_timeout`](crate::Call::attempt_timeout)).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.page.attempt_timeout = Some(timeout);
        self
    }

    /// The retry policy of each page's call (as [`Call::retry_policy`](crate::Call::retry_policy)).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        match policy.validate() {
            Ok(()) => self.options.page.retry_policy = Some(policy),
            Err(error) => self.options.page.refuse(error),
        }
        self
    }

    /// The lane of every page's call (as [`Call::priority`](crate::Call::priority)); a walk's
    /// default is [`Priority::Background`](crate::Priority::Background), whatever the
    /// client's.
    pub fn priority(mut self, priority: crate::Priority) -> Self {
        self.options.page.priority = Some(priority);
        self
    }

    /// A header sent with every page (as [`Call::header`](crate::Call::header)).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.page.header(name, value);
        self
    }
}

impl<I: Send + 'static> Stream for Walk<I> {
    type Item = Result<I, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.running.is_none() {
            let Some(start) = this.start.take() else {
                return Poll::Ready(None);
            };
            this.running = Some(start(this.options.clone()));
        }
        match this.running.as_mut() {
            Some(running) => running.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

/// One page of a walk: its number (1 for the first) and the operation's page data, which it
/// dereferences to.
#[derive(Clone, Debug)]
pub struct Page<P> {
    number: u32,
    data: P,
}

impl<P> Page<P> {
    pub(crate) fn new(number: u32, data: P) -> Self {
        Self { number, data }
    }

    /// The page's number, 1 for the first.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The page's data.
    pub fn data(&self) -> &P {
        &self.data
    }

    /// The page's data, without its number.
    pub fn into_data(self) -> P {
        self.data
    }
}

impl<P> Deref for Page<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.data
    }
}
