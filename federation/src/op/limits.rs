//! Size, depth and record-count limits applied to ops received from elsewhere.

/// Default maximum encoded op size: 1 MiB.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// Default maximum number of record revisions per op.
pub const DEFAULT_MAX_RECORDS: usize = 1000;
/// Default maximum array/object nesting depth of the whole op document.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// Limits for [`crate::Op::from_json`] and [`crate::Op::check_limits`].
///
/// Depth counts the op object itself as 1, so a record body nested `d` levels
/// deep makes the op `3 + d` deep. Values of `max_depth` above 127 have no
/// further effect: the JSON parser caps nesting at 128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpLimits {
    /// Maximum size of the JSON text in bytes (checked before parsing).
    pub max_bytes: usize,
    /// Maximum number of entries in `records`.
    pub max_records: usize,
    /// Maximum array/object nesting depth of the whole document.
    pub max_depth: usize,
}

impl Default for OpLimits {
    fn default() -> Self {
        OpLimits { max_bytes: DEFAULT_MAX_BYTES, max_records: DEFAULT_MAX_RECORDS, max_depth: DEFAULT_MAX_DEPTH }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_one_mebibyte_thousand_records_depth_64() {
        let limits = OpLimits::default();
        assert_eq!(limits.max_bytes, 1_048_576);
        assert_eq!(limits.max_records, 1000);
        assert_eq!(limits.max_depth, 64);
    }
}
