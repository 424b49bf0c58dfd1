//! Host names: a route table's `hosts`, a destination's `host`, `redirect host` and
//! `rewrite host`, checked by one validator (E0404).
//!
//! Every place takes a DNS name: RFC 1123 labels of letters, digits and `-` (not at either
//! end), at most 63 characters each and 253 in all, the last one not all digits (an IP address
//! is not a host here). [`HostUse`] says what each place allows on top of that, or forbids.
//! A problem says what is wrong and, when the intended host is obvious (a URL, a path, a port,
//! a final dot, `_`, capitals where they are not allowed), names the repaired host in the help
//! and offers it as the fix.

use crate::check::{Ctx, ItemDiagnostic, Problem, abbreviate, describe_char};
use crate::codes::Code;
use crate::syntax::ast;
use crate::syntax::literal::quote;

/// Where a host is written; each place allows a little more, or less, than a plain name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostUse {
    /// `hosts` of a route table: also `*.SUFFIX`. Any case: requests are matched on their
    /// `Host` header, case-insensitively.
    Table,
    /// `host` of a destination: the name clients call it by, in lowercase, without wildcard;
    /// its ports are declared with `port`.
    Destination,
    /// `redirect host`: a plain name.
    Redirect,
    /// `rewrite host`: the new `Host` header, so also `NAME:PORT`.
    Rewrite,
}

impl HostUse {
    /// The host as messages name it.
    fn subject(self) -> &'static str {
        match self {
            HostUse::Table => "a route table host",
            HostUse::Destination => "a destination host",
            HostUse::Redirect => "a redirect host",
            HostUse::Rewrite => "a rewritten host",
        }
    }

    /// What a host is here, for help lines.
    fn name_help(self) -> &'static str {
        match self {
            HostUse::Destination => {
                "a destination host is a DNS name such as `reviews.mesh.internal`: lowercase \
                 letters, digits, `-` and dots"
            }
            HostUse::Table | HostUse::Redirect | HostUse::Rewrite => {
                "a host is a DNS name such as `shop.example.com`: letters, digits, `-` and dots"
            }
        }
    }
}

/// E0404 when `host` is not valid where it is used.
pub(crate) fn check_host(cx: &mut Ctx<'_>, host: &ast::Str, usage: HostUse) {
    let Some(problem) = host_problem(&host.value, usage) else {
        return;
    };
    let diagnostic = ItemDiagnostic::new(
        Code::InvalidHost,
        host.span,
        format!(
            "invalid host `{}`: {}",
            abbreviate(&host.value),
            problem.what
        ),
    );
    // Offer the repair only when it is itself a valid host.
    let diagnostic = match problem
        .repaired
        .filter(|r| host_problem(r, usage).is_none())
    {
        Some(repaired) => {
            let literal = quote(&repaired);
            diagnostic
                .help(format!("{}: `{literal}`", problem.help))
                .fix(host.span, literal)
        }
        None => diagnostic.help(problem.help),
    };
    cx.emit(diagnostic);
}

/// Whether `name` is a DNS name by its syntax alone (RFC 1123 labels, at most 253 characters,
/// any case, IPv4 addresses included): the host part of an origin or of a request URL.
pub(crate) fn is_dns_name(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(|label| label_problem(label).is_none())
}

/// What is wrong with a host where it is used, if anything.
fn host_problem(host: &str, usage: HostUse) -> Option<Problem> {
    if plainly_valid_host(host) {
        return None;
    }
    scanned_host_problem(host, usage)
}

/// Whether `host` is a lowercase DNS name, which every place takes, in one scan: most hosts
/// are, and [`scanned_host_problem`] reads each several times over. A property test checks
/// that every host it accepts passes every check.
fn plainly_valid_host(host: &str) -> bool {
    let bytes = host.as_bytes();
    if bytes.is_empty() || bytes.len() > 253 {
        return false;
    }
    let mut label_start = 0;
    let mut label_all_digits = true;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'a'..=b'z' => label_all_digits = false,
            b'0'..=b'9' => {}
            b'-' if at > label_start => label_all_digits = false,
            b'.' if at > label_start && at - label_start <= 63 && bytes[at - 1] != b'-' => {
                label_start = at + 1;
                label_all_digits = true;
            }
            _ => return false,
        }
    }
    let last = bytes.len() - label_start;
    last > 0 && last <= 63 && bytes[bytes.len() - 1] != b'-' && !label_all_digits
}

/// [`host_problem`], place by place and label by label.
fn scanned_host_problem(host: &str, usage: HostUse) -> Option<Problem> {
    if host.is_empty() {
        return Some(Problem::new("it is empty", usage.name_help()));
    }
    if let Some((_, rest)) = host.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // A rewritten host may keep the URL's port; elsewhere the name stands alone.
        let name = match usage {
            HostUse::Rewrite => authority,
            _ => authority.split(':').next().unwrap_or_default(),
        };
        return Some(
            Problem::new(
                "this is a URL, not a host name",
                "write the host name alone",
            )
            .repaired(name),
        );
    }
    if let Some((name, _)) = host.split_once('/') {
        return Some(
            Problem::new("a host has no path", "write the host name alone").repaired(name),
        );
    }
    if let Some((name, port)) = host.split_once(':') {
        return match usage {
            HostUse::Rewrite if port.parse::<u16>().is_ok_and(|port| port != 0) => {
                host_problem(name, usage).map(|problem| Problem {
                    repaired: problem.repaired.map(|name| format!("{name}:{port}")),
                    ..problem
                })
            }
            HostUse::Rewrite => Some(Problem::new(
                format!("`{port}` is not a port"),
                "write `NAME` or `NAME:PORT`, the port from 1 to 65535",
            )),
            HostUse::Table => Some(
                Problem::new(
                    "a host has no port; the port is the listener's",
                    "write the host name alone",
                )
                .repaired(name),
            ),
            HostUse::Destination => Some(
                Problem::new(
                    "a host has no port; declare ports with `port`",
                    "write the host name alone",
                )
                .repaired(name),
            ),
            HostUse::Redirect => {
                Some(Problem::new("a host has no port", "write the host name alone").repaired(name))
            }
        };
    }
    let name = match host.strip_prefix("*.") {
        Some(suffix) if usage == HostUse::Table => suffix,
        _ if host.contains('*') => {
            return Some(match usage {
                HostUse::Table if host == "*" => Problem::new(
                    "a bare `*` (every host) is not a valid route table host",
                    "list the hosts, or use a wildcard under a domain such as `*.example.com`",
                ),
                HostUse::Table => Problem::new(
                    "`*` may only stand for the whole first label",
                    "write the wildcard as `*.example.com`",
                ),
                HostUse::Destination => Problem::new(
                    format!("{} cannot be a wildcard", usage.subject()),
                    "list every host name in full: `host \"a.mesh.internal\", \"b.mesh.internal\"`",
                ),
                HostUse::Redirect | HostUse::Rewrite => Problem::new(
                    format!("{} cannot be a wildcard", usage.subject()),
                    "write one host name",
                ),
            });
        }
        _ => host,
    };
    if let Some(trimmed) = name.strip_suffix('.') {
        return Some(if trimmed.is_empty() {
            Problem::new(
                "a wildcard needs a domain after `*.`",
                "write the wildcard as `*.example.com`",
            )
        } else {
            Problem::new("it ends with a dot", "remove the final dot")
                .repaired(&host[..host.len() - 1])
        });
    }
    if name.is_empty() {
        return Some(Problem::new(
            "a wildcard needs a domain after `*.`",
            "write the wildcard as `*.example.com`",
        ));
    }
    if host.len() > 253 {
        return Some(Problem::new(
            "it is longer than 253 characters",
            usage.name_help(),
        ));
    }
    if usage == HostUse::Destination && host.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(
            Problem::new(
                format!("{} is lowercase", usage.subject()),
                "write it in lowercase",
            )
            .repaired(host.to_ascii_lowercase()),
        );
    }
    for label in name.split('.') {
        let Some(problem) = label_problem(label) else {
            continue;
        };
        return Some(match problem {
            LabelProblem::Empty => Problem::new(
                "it has an empty label (a dot at the start or two dots in a row)",
                usage.name_help(),
            ),
            LabelProblem::TooLong => Problem::new(
                format!(
                    "the label `{}` is longer than 63 characters",
                    abbreviate(label)
                ),
                "each dot-separated part of a host name has at most 63 characters",
            ),
            LabelProblem::Char('_') => Problem::new(
                format!("{} is not allowed in a host name", describe_char('_')),
                "replace `_` with `-`",
            )
            .repaired(host.replace('_', "-")),
            LabelProblem::Char(c) => Problem::new(
                format!("{} is not allowed in a host name", describe_char(c)),
                "a host name is letters, digits, `-` and `.`",
            ),
            LabelProblem::Hyphen => Problem::new(
                format!("the label `{label}` starts or ends with `-`"),
                "each dot-separated part of a host name starts and ends with a letter or digit",
            ),
        });
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Some(Problem::new(
            format!("its last label `{last}` is all digits"),
            "IP addresses are not valid hosts here: use a DNS name",
        ));
    }
    None
}

/// What is wrong with one dot-separated label of a DNS name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LabelProblem {
    Empty,
    TooLong,
    /// A character other than a letter, a digit or `-`.
    Char(char),
    /// `-` at the start or the end.
    Hyphen,
}

fn label_problem(label: &str) -> Option<LabelProblem> {
    if label.is_empty() {
        return Some(LabelProblem::Empty);
    }
    if label.len() > 63 {
        return Some(LabelProblem::TooLong);
    }
    if let Some(c) = label
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        return Some(LabelProblem::Char(c));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some(LabelProblem::Hyphen);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{HostUse, host_problem, is_dns_name, plainly_valid_host, scanned_host_problem};

    fn ok(host: &str, usage: HostUse) -> bool {
        host_problem(host, usage).is_none()
    }

    fn repaired(host: &str, usage: HostUse) -> Option<String> {
        host_problem(host, usage).and_then(|p| p.repaired)
    }

    #[test]
    fn table_hosts() {
        for host in [
            "bookinfo.example.com",
            "*.bookinfo.internal",
            "localhost",
            "Shop.Example.com",
        ] {
            assert!(ok(host, HostUse::Table), "{host:?}");
        }
        for bad in [
            "", "*", "a.*.com", "foo*.com", "*.", "a..b", ".a", "-a.com", "a-.com", "a_b.com",
            "1.2.3.4", "a b",
        ] {
            assert!(!ok(bad, HostUse::Table), "{bad:?} should be rejected");
        }
        assert!(!ok(&format!("{}.com", "a".repeat(64)), HostUse::Table));
        assert_eq!(
            repaired("https://shop.example.com/x", HostUse::Table).as_deref(),
            Some("shop.example.com")
        );
        assert_eq!(
            repaired("shop.example.com:443", HostUse::Table).as_deref(),
            Some("shop.example.com")
        );
        assert_eq!(
            repaired("shop.example.com.", HostUse::Table).as_deref(),
            Some("shop.example.com")
        );
        assert_eq!(
            repaired("my_shop.com", HostUse::Table).as_deref(),
            Some("my-shop.com")
        );
    }

    #[test]
    fn destination_hosts() {
        for host in [
            "reviews.mesh.internal",
            "a",
            "reviews-v2.bookinfo.svc.cluster.local",
            "x1.y2",
        ] {
            assert!(ok(host, HostUse::Destination), "{host:?}");
        }
        for bad in [
            "",
            "*.mesh",
            "a..b",
            "-a.b",
            "a_b.c",
            "a.b.",
            "Reviews.mesh",
            "10.0.0.1",
            &"x".repeat(64),
        ] {
            assert!(!ok(bad, HostUse::Destination), "{bad:?} should be rejected");
        }
        for (host, fixed) in [
            ("Reviews.mesh", "reviews.mesh"),
            ("http://reviews.mesh/x", "reviews.mesh"),
            ("reviews.mesh:9080", "reviews.mesh"),
        ] {
            assert_eq!(
                repaired(host, HostUse::Destination).as_deref(),
                Some(fixed),
                "{host:?}"
            );
        }
    }

    #[test]
    fn redirect_and_rewrite_hosts() {
        assert!(!ok("*.example.com", HostUse::Redirect));
        assert!(!ok("example.com:8080", HostUse::Redirect));
        assert!(ok("Example.com", HostUse::Redirect));
        assert!(ok("example.com:8080", HostUse::Rewrite));
        assert!(!ok("example.com:0", HostUse::Rewrite));
        assert!(!ok("*.example.com:8080", HostUse::Rewrite));
        // A repair keeps the port a rewritten host may carry.
        assert_eq!(
            repaired("my_host.com:8080", HostUse::Rewrite).as_deref(),
            Some("my-host.com:8080")
        );
        assert_eq!(
            repaired("http://host.com:8080/x", HostUse::Rewrite).as_deref(),
            Some("host.com:8080")
        );
    }

    #[test]
    fn dns_names() {
        assert!(is_dns_name("example.com"));
        assert!(is_dns_name("Example.COM"));
        assert!(is_dns_name("127.0.0.1"));
        for bad in ["", "a..b", "-a.com", "a_b.com", "a b", &"a".repeat(64)] {
            assert!(!is_dns_name(bad), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// The one-scan answer for lowercase names is the answer of every check, wherever the
        /// host is used.
        #[test]
        fn plain_hosts_have_no_problem(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "z", "0", "9", "-", ".", "*", "*.", "_", "A", ":", ":80", "/", "://", "é",
                "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxy",
            ]), 0..8),
        ) {
            let host = pieces.concat();
            for usage in [HostUse::Table, HostUse::Destination, HostUse::Redirect, HostUse::Rewrite] {
                if plainly_valid_host(&host) {
                    let problem = scanned_host_problem(&host, usage).map(|p| p.what);
                    proptest::prop_assert!(problem.is_none(), "{host:?} as {usage:?}: {problem:?}");
                }
            }
        }
    }

    #[test]
    fn plain_hosts() {
        let longest_label = "a".repeat(63);
        for host in [
            "reviews.mesh.internal",
            "a",
            "x1.y2",
            "a-b.c-d",
            &longest_label,
        ] {
            assert!(plainly_valid_host(host), "{host:?}");
        }
        let too_long_label = format!("{longest_label}a.com");
        for host in [
            "", "1.2.3.4", "a.1", "-a", "a-", "a-.b", "a..b", ".a", "a.", "A.b", "*.a", "a_b",
            "a:80", "a/b",
        ] {
            assert!(!plainly_valid_host(host), "{host:?}");
        }
        assert!(!plainly_valid_host(&too_long_label));
    }
}
