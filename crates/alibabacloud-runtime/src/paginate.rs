//! Paginators: a stream of pages and a stream of items for list operations.
//!
//! Generated code only says where the page number, page size, total, token and items live
//! (by implementing [`PageNumbered`] or [`TokenPaged`]); the looping is here, once.

use std::collections::HashSet;

use futures::stream::{self, BoxStream, StreamExt};

use crate::client::Client;
use crate::config::CallOptions;
use crate::error::{ResponseError, SdkError, SdkErrorKind};
use crate::operation::Operation;

/// A list operation paged by page number and page size (`CurrentPage` + `ShowSize`).
pub trait PageNumbered: Operation + Clone + 'static {
    /// One listed item.
    type Item: Send + 'static;
    /// The page number set on the input, if any.
    fn page_number(&self) -> Option<i64>;
    /// Sets the 1-based page number.
    fn set_page_number(&mut self, page: i64);
    /// The page size set on the input, if any.
    fn page_size(&self) -> Option<i64>;
    /// The total item count the service reported.
    fn total(output: &Self::Output) -> Option<i64>;
    /// How many items a page holds.
    fn item_count(output: &Self::Output) -> usize;
    /// Takes the items out of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// A list operation paged by a continuation token (`NextToken`).
pub trait TokenPaged: Operation + Clone + 'static {
    /// One listed item.
    type Item: Send + 'static;
    /// Sets the token (`None` for the first page).
    fn set_token(&mut self, token: Option<String>);
    /// The token for the next page; `None` or empty on the last page.
    fn next_token(output: &Self::Output) -> Option<&str>;
    /// Takes the items out of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// The result of fetching one page.
pub type PageResult<O> = Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>;

/// A stream of pages. It is `Unpin` and `Send`, so `while let Some(page) = pages.next().await`
/// works as is, without pinning, and it can move to another task.
pub type Pages<O> = BoxStream<'static, PageResult<O>>;

/// A stream of items across pages, `Unpin` and `Send` like [`Pages`].
pub type Items<I, E> = BoxStream<'static, Result<I, SdkError<E>>>;

/// Pages through a page-number list operation.
#[derive(Debug)]
pub struct PageNumberPaginator<O> {
    client: Client,
    input: O,
    options: CallOptions,
}

impl<O: PageNumbered> PageNumberPaginator<O> {
    /// Starts at the input's page number (1 when unset).
    pub fn new(client: Client, input: O, options: CallOptions) -> Self {
        Self {
            client,
            input,
            options,
        }
    }

    /// A stream of pages. It ends after the page that reaches the reported total, after a page
    /// with fewer items than the page size, after an empty page, or after the first error.
    pub fn pages(self) -> Pages<O> {
        struct State<O> {
            client: Client,
            input: O,
            options: CallOptions,
            page: i64,
            seen: u64,
            done: bool,
        }
        let page = self.input.page_number().unwrap_or(1).max(1);
        let state = State {
            client: self.client,
            input: self.input,
            options: self.options,
            page,
            seen: 0,
            done: false,
        };
        stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            st.input.set_page_number(st.page);
            let result = st.client.invoke(&st.input, &st.options).await;
            match &result {
                Ok(output) => {
                    let count = O::item_count(output) as u64;
                    st.seen += count;
                    let short = st
                        .input
                        .page_size()
                        .is_some_and(|size| (count as i64) < size);
                    let reached_total = O::total(output).is_some_and(|t| st.seen as i64 >= t);
                    st.done = count == 0 || short || reached_total;
                    st.page += 1;
                }
                Err(_) => st.done = true,
            }
            Some((result, st))
        })
        .boxed()
    }

    /// A stream of items across all pages.
    pub fn items(self) -> Items<O::Item, O::Error> {
        flatten_items::<O, _>(self.pages(), O::into_items)
    }
}

/// Pages through a token list operation.
#[derive(Debug)]
pub struct TokenPaginator<O> {
    client: Client,
    input: O,
    options: CallOptions,
}

impl<O: TokenPaged> TokenPaginator<O> {
    /// Starts at the input's token (the first page when unset).
    pub fn new(client: Client, input: O, options: CallOptions) -> Self {
        Self {
            client,
            input,
            options,
        }
    }

    /// A stream of pages. It ends after a page without a next token, and with an error when
    /// the service hands out a token it already gave (which would loop forever).
    pub fn pages(self) -> Pages<O> {
        struct State<O> {
            client: Client,
            input: O,
            options: CallOptions,
            seen: HashSet<String>,
            done: bool,
        }
        let state = State {
            client: self.client,
            input: self.input,
            options: self.options,
            seen: HashSet::new(),
            done: false,
        };
        stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            let result = st.client.invoke(&st.input, &st.options).await;
            let result = match result {
                Ok(output) => match O::next_token(&output).filter(|t| !t.is_empty()) {
                    None => {
                        st.done = true;
                        Ok(output)
                    }
                    Some(token) if !st.seen.insert(token.to_string()) => {
                        st.done = true;
                        Err(SdkError::new(
                            SdkErrorKind::Response(ResponseError::new(
                                200,
                                &[],
                                format!(
                                    "the service returned the pagination token `{token}` twice; stopping to avoid a loop"
                                ),
                            )),
                            1,
                        ))
                    }
                    Some(token) => {
                        let token = token.to_string();
                        st.input.set_token(Some(token));
                        Ok(output)
                    }
                },
                Err(e) => {
                    st.done = true;
                    Err(e)
                }
            };
            Some((result, st))
        })
        .boxed()
    }

    /// A stream of items across all pages.
    pub fn items(self) -> Items<O::Item, O::Error> {
        flatten_items::<O, _>(self.pages(), O::into_items)
    }
}

fn flatten_items<O: Operation + 'static, I: Send + 'static>(
    pages: Pages<O>,
    into_items: fn(O::Output) -> Vec<I>,
) -> Items<I, O::Error> {
    pages
        .flat_map(move |page| match page {
            Ok(output) => stream::iter(into_items(output).into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
        .boxed()
}
