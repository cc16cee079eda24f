//! Relay connections as vf-graphql declares them: `first/after/last/before`,
//! `edges { node cursor }` and a `pageInfo` whose costly fields are computed only when asked.

use async_graphql::{Context, Object};
use uuid::Uuid;

use super::error::GqlResult;
use crate::app::App;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{self, ListQuery, PageWindow};

/// The pagination arguments of a connection field.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    /// Forward page size.
    pub first: Option<i32>,
    /// Forward cursor.
    pub after: Option<String>,
    /// Backward page size.
    pub last: Option<i32>,
    /// Backward cursor.
    pub before: Option<String>,
}

impl PageArgs {
    /// Collects the four arguments.
    pub fn new(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> PageArgs {
        PageArgs { first, after, last, before }
    }

    /// Resolves the arguments against the node's limits.
    pub fn window(&self, app: &App) -> Result<PageWindow, AppError> {
        let api = &app.config().api;
        let cursor = |name: &str, c: &Option<String>| -> Result<Option<Uuid>, AppError> {
            c.as_ref()
                .map(|c| {
                    Uuid::parse_str(c)
                        .map_err(|_| AppError::invalid(name, format!("`{c}` is not a cursor of this list")))
                })
                .transpose()
        };
        let size = |name: &str, n: i32| -> Result<u64, AppError> {
            if n < 0 {
                return Err(AppError::invalid(name, format!("`{name}` must not be negative")));
            }
            let n = n as u64;
            if n > api.max_page_size {
                return Err(AppError::Limit(format!(
                    "`{name}` is {n}; the most one page holds is {}",
                    api.max_page_size
                )));
            }
            Ok(n)
        };
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(AppError::invalid("last", "give `first` or `last`, not both")),
            (None, Some(l)) => {
                Ok(PageWindow { forward: false, cursor: cursor("before", &self.before)?, limit: size("last", l)? })
            }
            (first, None) => {
                if self.before.is_some() && self.after.is_none() && first.is_none() {
                    return Ok(PageWindow {
                        forward: false,
                        cursor: cursor("before", &self.before)?,
                        limit: api.default_page_size,
                    });
                }
                Ok(PageWindow {
                    forward: true,
                    cursor: cursor("after", &self.after)?,
                    limit: match first {
                        Some(f) => size("first", f)?,
                        None => api.default_page_size,
                    },
                })
            }
        }
    }
}

/// Page metadata; `totalCount` and the "other side" flag query only when selected.
pub struct PageInfo {
    query: Option<ListQuery>,
    window: PageWindow,
    start: Option<Uuid>,
    end: Option<Uuid>,
    more: bool,
    fixed_total: Option<usize>,
}

#[Object]
impl PageInfo {
    /// Cursor of the first item returned, for `before`.
    async fn start_cursor(&self) -> Option<String> {
        self.start.map(|u| u.to_string())
    }

    /// Cursor of the last item returned, for `after`.
    async fn end_cursor(&self) -> Option<String> {
        self.end.map(|u| u.to_string())
    }

    /// True if there are more results before `startCursor`.
    async fn has_previous_page(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        if !self.window.forward {
            return Ok(self.more);
        }
        match (&self.query, self.window.cursor) {
            (_, None) => Ok(false),
            (None, Some(_)) => Ok(true),
            (Some(q), Some(c)) => {
                Ok(records::exists_beyond(super::app(ctx).store().db(), q, c, true).await.map_err(AppError::from)?)
            }
        }
    }

    /// True if there are more results after `endCursor`.
    async fn has_next_page(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        if self.window.forward {
            return Ok(self.more);
        }
        match (&self.query, self.window.cursor) {
            (_, None) => Ok(false),
            (None, Some(_)) => Ok(true),
            (Some(q), Some(c)) => {
                Ok(records::exists_beyond(super::app(ctx).store().db(), q, c, false).await.map_err(AppError::from)?)
            }
        }
    }

    /// How many items the whole list holds.
    async fn total_count(&self, ctx: &Context<'_>) -> GqlResult<Option<i32>> {
        let n = match (&self.query, self.fixed_total) {
            (_, Some(n)) => n as u64,
            (Some(q), None) => records::count(super::app(ctx).store().db(), q).await.map_err(AppError::from)?,
            (None, None) => return Ok(None),
        };
        Ok(Some(i32::try_from(n).unwrap_or(i32::MAX)))
    }

    /// The page size in effect.
    async fn page_limit(&self) -> Option<i32> {
        i32::try_from(self.window.limit).ok()
    }
}

/// Fetches one page of `q`; returns the rows and their page info.
pub async fn fetch(
    ctx: &Context<'_>,
    q: ListQuery,
    args: &PageArgs,
) -> Result<(Vec<record::Model>, PageInfo), AppError> {
    let app = super::app(ctx);
    let window = args.window(app)?;
    let (rows, more) = records::page(app.store().db(), &q, window).await?;
    let info = PageInfo {
        start: rows.first().map(|m| m.id),
        end: rows.last().map(|m| m.id),
        query: Some(q),
        window,
        more,
        fixed_total: None,
    };
    Ok((rows, info))
}

/// Pages a list of ids held in memory (ascending).
pub fn page_ids(app: &App, ids: &[Uuid], args: &PageArgs) -> Result<(Vec<Uuid>, PageInfo), AppError> {
    let window = args.window(app)?;
    let total = ids.len();
    let (lo, hi) = if window.forward {
        let lo = window.cursor.map_or(0, |c| ids.partition_point(|i| *i <= c));
        (lo, (lo + window.limit as usize).min(total))
    } else {
        let hi = window.cursor.map_or(total, |c| ids.partition_point(|i| *i < c));
        (hi.saturating_sub(window.limit as usize), hi)
    };
    let page = ids[lo..hi].to_vec();
    let (more, other) = if window.forward { (hi < total, lo > 0) } else { (lo > 0, hi < total) };
    let info = PageInfo {
        query: None,
        window: PageWindow { cursor: if other { window.cursor.or(Some(Uuid::nil())) } else { None }, ..window },
        start: page.first().copied(),
        end: page.last().copied(),
        more,
        fixed_total: Some(total),
    };
    Ok((page, info))
}

/// Declares a `XConnection` / `XEdge` pair around a node type.
#[macro_export]
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $doc:literal) => {
        #[doc = concat!("A page of ", $doc, ".")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $conn {
            /// The items of this page.
            pub edges: Vec<$edge>,
            /// Where this page sits in the list.
            pub page_info: $crate::graphql::connection::PageInfo,
        }

        #[doc = concat!("One of ", $doc, " with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// The item.
            pub node: $node,
            /// Its cursor.
            pub cursor: String,
        }

        impl $conn {
            /// Builds a page from nodes and their ids.
            pub fn new(items: Vec<(uuid::Uuid, $node)>, page_info: $crate::graphql::connection::PageInfo) -> Self {
                $conn {
                    edges: items.into_iter().map(|(id, node)| $edge { node, cursor: id.to_string() }).collect(),
                    page_info,
                }
            }
        }
    };
}

/// The parent a list is the inverse relation of, when `q` is exactly "records whose
/// `fields` hold this one value" and the page is a first page: such pages of many parents
/// are loaded together.
fn inverse_of(q: &ListQuery, window: &PageWindow) -> Option<(Vec<String>, String)> {
    if !window.forward || window.cursor.is_some() || q.filters.len() != 1 {
        return None;
    }
    match &q.filters[0] {
        records::Filter::AnyOf { field, values } if values.len() == 1 => Some((vec![field.clone()], values[0].clone())),
        records::Filter::AnyFieldOf { fields, values } if values.len() == 1 => {
            Some((fields.iter().map(|f| (*f).to_owned()).collect(), values[0].clone()))
        }
        _ => None,
    }
}

/// One page of `q`, each row turned into a node by `wrap`.
pub async fn list<N>(
    ctx: &Context<'_>,
    q: ListQuery,
    args: &PageArgs,
    wrap: impl Fn(&record::Model) -> Result<N, AppError>,
) -> Result<(Vec<(Uuid, N)>, PageInfo), AppError> {
    let window = args.window(super::app(ctx))?;
    let (rows, info) = match inverse_of(&q, &window) {
        Some((fields, value)) => {
            let key = super::loaders::PageKey { kinds: q.kinds.clone(), fields, value, limit: window.limit };
            let page = super::loaders::first_page(ctx, key).await?;
            let more = page.len() as u64 > window.limit;
            let rows: Vec<record::Model> = page.iter().take(window.limit as usize).cloned().collect();
            let info = PageInfo {
                start: rows.first().map(|m| m.id),
                end: rows.last().map(|m| m.id),
                query: Some(q),
                window,
                more,
                fixed_total: None,
            };
            (rows, info)
        }
        None => fetch(ctx, q, args).await?,
    };
    let items = rows.iter().map(|m| Ok((m.id, wrap(m)?))).collect::<Result<Vec<_>, AppError>>()?;
    Ok((items, info))
}

/// One page of an id list held in memory, loaded and wrapped.
pub async fn list_ids<N>(
    ctx: &Context<'_>,
    ids: &[Uuid],
    kinds: &[&str],
    args: &PageArgs,
    wrap: impl Fn(&record::Model) -> Result<N, AppError>,
) -> Result<(Vec<(Uuid, N)>, PageInfo), AppError> {
    let (page, info) = page_ids(super::app(ctx), ids, args)?;
    let rows = super::loaders::load_many(ctx, &page, kinds).await?;
    let items = rows.iter().map(|m| Ok((m.id, wrap(m)?))).collect::<Result<Vec<_>, AppError>>()?;
    Ok((items, info))
}
