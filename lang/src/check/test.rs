//! Tests: the checks of a `test` block — a well-formed request (method, absolute URL, header
//! names, gateway) and expectations that name things that exist. Whether the expectations
//! hold is `routec test`'s business, not the checker's.

use crate::check::header::{HeaderUse, check_header_name};
use crate::check::host::is_dns_name;
use crate::check::routes::table_summary;
use crate::check::target::{TargetScope, check_target};
use crate::check::{Ctx, ItemDiagnostic};
use crate::codes::Code;
use crate::db::ItemTag;
use crate::syntax::ast::{self, CompactString, TestStmt};
use crate::syntax::literal::quote;

use super::gateway::{StatementRule, check_counts};

/// The methods a request (and a `method` matcher) may use.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// Checks a `test` block.
pub(crate) fn check(cx: &mut Ctx<'_>, test: &ast::Test) {
    check_statement_counts(cx, test);
    for stmt in &test.body {
        match stmt {
            TestStmt::Request {
                method,
                url,
                headers,
                via_gateway,
                ..
            } => {
                check_method(cx, method);
                check_url(cx, url);
                for (name, _) in headers {
                    check_header_name(cx, &name.value, name.span, HeaderUse::Plain);
                }
                if let Some(gateway) = via_gateway {
                    cx.resolve(ItemTag::Gateway, gateway);
                }
            }
            TestStmt::ExpectRoute { table, route, .. } => check_expected_route(cx, table, route),
            TestStmt::ExpectTo { target, .. } => check_target(cx, target, &TargetScope::Anywhere),
            TestStmt::ExpectPolicy { policy, .. } => {
                cx.resolve(ItemTag::Policy, policy);
            }
            TestStmt::ExpectNoRoute { .. } | TestStmt::Error(_) => {}
        }
    }
}

fn check_statement_counts(cx: &mut Ctx<'_>, test: &ast::Test) {
    let (mut requests, mut expects) = (Vec::new(), Vec::new());
    for stmt in &test.body {
        match stmt {
            TestStmt::Request { span, .. } => requests.push(*span),
            TestStmt::ExpectRoute { span, .. }
            | TestStmt::ExpectTo { span, .. }
            | TestStmt::ExpectPolicy { span, .. }
            | TestStmt::ExpectNoRoute { span } => expects.push(*span),
            TestStmt::Error(_) => {}
        }
    }
    let rules = [
        StatementRule {
            keyword: "request",
            spans: &requests,
            required: true,
            repeat: false,
            missing_help: "add `request GET \"http://HOST/PATH\"` (with `via gateway NAME` for north-south traffic)",
            repeated_help: "a test sends one request; split the others into tests of their own",
        },
        StatementRule {
            keyword: "expect",
            spans: &expects,
            required: true,
            repeat: true,
            missing_help: "add what the request should do: `expect route TABLE.ROUTE`, `expect to TARGET`, \
                           `expect policy NAME` or `expect no route`",
            repeated_help: "",
        },
    ];
    check_counts(cx, "test", &test.name.value, test.name.span, &rules);
}

fn check_method(cx: &mut Ctx<'_>, method: &ast::Name) {
    if METHODS.contains(&method.text.as_str()) {
        return;
    }
    let upper = method.text.to_ascii_uppercase();
    if METHODS.contains(&upper.as_str()) {
        cx.emit(
            ItemDiagnostic::new(
                Code::UnknownMethod,
                method.span,
                format!("unknown HTTP method `{}`", method.text),
            )
            .help(format!("methods are written in capitals: `{upper}`"))
            .fix(method.span, upper),
        );
        return;
    }
    let message = format!("unknown HTTP method `{}`", method.text);
    cx.unknown(Code::UnknownMethod, method, message, &METHODS);
}

/// E0601 for a request URL that is not an absolute `http(s)` URL with a host.
fn check_url(cx: &mut Ctx<'_>, url: &ast::Str) {
    let Some(problem) = url_problem(&url.value) else {
        return;
    };
    let diagnostic = ItemDiagnostic::new(
        Code::BadTestRequest,
        url.span,
        format!("invalid request URL `{}`: {problem}", url.value),
    );
    // `bookinfo.example.com/reviews` is a URL without its scheme.
    let with_scheme = format!("http://{}", url.value);
    let diagnostic = if !url.value.contains("://") && url_problem(&with_scheme).is_none() {
        diagnostic
            .help(format!("write `\"{with_scheme}\"`"))
            .fix(url.span, quote(&with_scheme))
    } else {
        diagnostic
            .help("write an absolute URL such as `\"http://bookinfo.example.com/productpage\"`")
    };
    cx.emit(diagnostic);
}

/// What is wrong with a test request URL, if anything.
fn url_problem(url: &str) -> Option<&'static str> {
    if url.chars().any(char::is_whitespace) {
        return Some("a URL cannot contain whitespace");
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some("it has no `http://` or `https://` scheme");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Some("the scheme must be `http` or `https`");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Some("a request URL cannot carry user info (`user@`)");
    }
    let (host, port) = match authority.strip_prefix('[') {
        // `[::1]:8080`: an IPv6 address.
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, rest)) if !address.is_empty() => (address, rest.strip_prefix(':')),
            _ => return Some("it has an unterminated IPv6 address"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Some("it has no host");
    }
    if !authority.starts_with('[') && !is_dns_name(host) {
        return Some("the host is not a valid hostname");
    }
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|p| p != 0)
    {
        return Some("the port must be a number between 1 and 65535");
    }
    None
}

/// `expect route TABLE.ROUTE`: the table exists and has that route.
fn check_expected_route(cx: &mut Ctx<'_>, table: &ast::Name, route: &ast::Name) {
    let Some(item) = cx.resolve(ItemTag::Routes, table) else {
        return;
    };
    let routes = &table_summary(cx.db, item).routes;
    if routes.contains(&route.text) {
        return;
    }
    let candidates: Vec<&str> = routes.iter().map(CompactString::as_str).collect();
    let message = format!("route table `{}` has no route `{}`", table.text, route.text);
    cx.unknown(Code::UnknownRoute, route, message, &candidates);
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn accepts_absolute_http_urls() {
        for url in [
            "http://bookinfo.example.com/reviews/1",
            "https://bookinfo.example.com",
            "http://bookinfo.example.com:8080/x?y=1#z",
            "http://[::1]:8080/",
            "HTTP://Example.COM/",
        ] {
            assert_eq!(url_problem(url), None, "{url}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for url in [
            "bookinfo.example.com/x",
            "ftp://bookinfo.example.com/",
            "http:///path",
            "http://a b/",
            "http://user@host/",
            "http://host:0/",
            "http://host:99999/",
            "http://host:x/",
            "http://ho_st/",
            "http://[::1/",
            "http://a..b/",
        ] {
            assert!(url_problem(url).is_some(), "{url}");
        }
    }
}
