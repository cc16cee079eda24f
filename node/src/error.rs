//! The one error type of the request path, with the stable codes clients see in
//! `extensions.code`.

use sea_orm::DbErr;
use valueflows_model as vf;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; `field` names the input field when known.
    #[error("{message}")]
    Validation {
        /// What is wrong.
        message: String,
        /// The offending input field.
        field: Option<String>,
    },
    /// A referenced record does not exist (or is retracted).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with stored state (stale revision, dependents exist).
    #[error("{0}")]
    Conflict(String),
    /// No valid token where one is needed.
    #[error("{0}")]
    Unauthenticated(String),
    /// The token does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// A limit was exceeded.
    #[error("{0}")]
    Limit(String),
    /// The node cannot do this now; trying again later may work.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside the node; details are logged, not shown.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The stable code for `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "VALIDATION",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Limit(_) => "LIMIT",
            AppError::Unavailable(_) => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// A validation error about `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation { message: message.into(), field: Some(field.into()) }
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("stored JSON: {e}"))
    }
}

impl From<vf::EventError> for AppError {
    fn from(e: vf::EventError) -> Self {
        match e.code() {
            "NOT_FOUND" => AppError::NotFound(e.to_string()),
            _ => AppError::Validation { message: e.to_string(), field: e.field().map(str::to_owned) },
        }
    }
}

impl From<vf::RecipeError> for AppError {
    fn from(e: vf::RecipeError) -> Self {
        match e.code() {
            "NOT_FOUND" => AppError::NotFound(e.to_string()),
            _ => AppError::Validation { message: e.to_string(), field: e.field().map(str::to_owned) },
        }
    }
}

impl From<vf::PlanningError> for AppError {
    fn from(e: vf::PlanningError) -> Self {
        AppError::Validation { message: e.to_string(), field: e.field().map(str::to_owned) }
    }
}

impl From<vf::RecordError> for AppError {
    fn from(e: vf::RecordError) -> Self {
        AppError::Validation { message: e.to_string(), field: e.field().map(str::to_owned) }
    }
}

impl From<vf::ClaimError> for AppError {
    fn from(e: vf::ClaimError) -> Self {
        AppError::Validation { message: e.to_string(), field: e.field().map(str::to_owned) }
    }
}

impl From<valueflows_federation::OpError> for AppError {
    fn from(e: valueflows_federation::OpError) -> Self {
        AppError::Internal(format!("op: {e}"))
    }
}
