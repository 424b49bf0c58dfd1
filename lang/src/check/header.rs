//! Header names: `match header`, the headers a `headers` policy sets or removes, CORS header
//! lists and a test request's headers, checked by one validator (E0403).
//!
//! A header name is an RFC 7230 token; [`HeaderUse`] says what each place allows on top of
//! that, or forbids. When the intended name is obvious (spaces around it or for dashes, a
//! trailing colon copied from a request dump) the help names it and the fix writes it.

use crate::check::{Ctx, ItemDiagnostic, describe_char};
use crate::codes::Code;
use crate::syntax::ast::Span;
use crate::syntax::literal::quote;

/// Where a header name is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderUse {
    /// `match header`: also the HTTP/2 pseudo-headers Envoy matches.
    Match,
    /// A header a `headers` policy sets or removes: neither `host` nor a pseudo-header, which
    /// Envoy refuses to modify (it rejects the whole route configuration).
    Modify,
    /// Anywhere else (a CORS header list, a test request): a plain name.
    Plain,
}

/// The pseudo-headers Envoy matches on.
const PSEUDO: [&str; 4] = [":authority", ":method", ":path", ":scheme"];

const HELP: &str =
    "a header name is letters, digits and ``!#$%&'*+-.^_`|~``, without spaces or `:`";

/// E0403 when `name` (written at `span`) is not a valid header name where it is used.
pub(crate) fn check_header_name(cx: &mut Ctx<'_>, name: &str, span: Span, usage: HeaderUse) {
    if usage == HeaderUse::Modify && (name.eq_ignore_ascii_case("host") || name.starts_with(':')) {
        cx.emit(
            ItemDiagnostic::new(
                Code::InvalidHeaderName,
                span,
                format!("the `{name}` header cannot be set or removed by a `headers` policy"),
            )
            .help(
                "Envoy rejects changes to `host` and pseudo-headers; to change the host, write \
                 `rewrite host \"HOST\"` in the route",
            ),
        );
        return;
    }
    if usage == HeaderUse::Match && PSEUDO.contains(&name) {
        return;
    }
    let message = if name.is_empty() {
        "a header name cannot be empty".to_owned()
    } else if usage == HeaderUse::Match && name.starts_with(':') {
        format!(
            "`{name}` is not a pseudo-header Envoy matches (`:authority`, `:method`, `:path`, \
             `:scheme`)"
        )
    } else {
        match name.chars().find(|&c| !is_token_char(c)) {
            None => return,
            Some(c) => format!(
                "invalid header name `{name}`: {} is not allowed in a header name",
                describe_char(c)
            ),
        }
    };
    let diagnostic = ItemDiagnostic::new(Code::InvalidHeaderName, span, message);
    // The usual slips: a trailing colon copied from a request dump, spaces for dashes.
    let repaired: String = name.trim().trim_end_matches(':').trim().replace(' ', "-");
    let diagnostic = if is_header_name(&repaired) && repaired != name {
        let literal = quote(&repaired);
        diagnostic
            .help(format!("write `{literal}`: {HELP}"))
            .fix(span, literal)
    } else {
        diagnostic.help(HELP)
    };
    cx.emit(diagnostic);
}

/// Whether `name` is an RFC 7230 token, the syntax of a header name.
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_token_char)
}

/// RFC 7230 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::is_header_name;

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("x-team"));
        assert!(is_header_name("X_Custom.v1~"));
        assert!(!is_header_name(""));
        assert!(!is_header_name("x team"));
        assert!(!is_header_name("x-team:"));
        assert!(!is_header_name(":authority"));
        assert!(!is_header_name("é"));
    }
}
