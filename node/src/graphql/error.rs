//! Turns application errors into GraphQL errors with `extensions.code`. Internal errors
//! are logged once here and reach the client without details.

use async_graphql::{Error, ErrorExtensions};

use crate::error::AppError;

/// An error on its way to the client, already carrying its `extensions.code`.
///
/// Deliberately not `Display`: async-graphql turns any `Display` error into a message
/// without a code, so resolvers return this type and `?` routes application errors
/// through [`gql`].
#[derive(Clone)]
pub struct GqlError(pub Error);

impl std::fmt::Debug for GqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("GqlError").field(&self.0.message).finish()
    }
}

impl From<AppError> for GqlError {
    fn from(e: AppError) -> Self {
        GqlError(gql(e))
    }
}

impl From<GqlError> for Error {
    fn from(e: GqlError) -> Self {
        e.0
    }
}

/// The GraphQL form of an application error.
pub fn gql(e: AppError) -> Error {
    if let AppError::Internal(detail) = &e {
        let reference = uuid::Uuid::now_v7();
        tracing::error!(%reference, %detail, "internal error");
        return Error::new(format!("internal error (reference {reference})"))
            .extend_with(|_, ext| ext.set("code", "INTERNAL"));
    }
    let code = e.code();
    let field = match &e {
        AppError::Validation { field, .. } => field.clone(),
        _ => None,
    };
    Error::new(e.to_string()).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(f) = &field {
            ext.set("field", f.as_str());
        }
    })
}

/// Shorthand for results on the GraphQL edge.
pub type GqlResult<T> = Result<T, GqlError>;
