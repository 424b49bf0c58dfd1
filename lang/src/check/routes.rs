//! Route tables: statement counts, hosts, exposure, routes, matchers, actions and weights.
//!
//! A table with `hosts` is a root table, reached through its `expose` statements; a table
//! without them is reached only by delegation. That distinction drives several rules (root
//! tables need an `expose`, only delegated tables take a `weight`, only delegated tables can be
//! delegated to) and decides which clusters a service target must exist in: the clusters of the
//! gateways the table is exposed on, or any cluster when the table also serves the mesh or is
//! delegated (finding a delegated table's parents would mean reading every other table, which
//! would make each table's check depend on all of them).
//!
//! Other items are seen only through their summaries — [`table_summary`] for delegated tables,
//! [`gateway_clusters`] for gateways, `destination_backends` for destinations (in the target
//! checks) — so that editing one item re-checks only the items whose view of it changed.

use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

use crate::check::gateway::gateway_clusters;
use crate::check::header::{HeaderUse, check_header_name};
use crate::check::host::{HostUse, check_host};
use crate::check::policy::check_apply;
use crate::check::selector::{PoolTexts, check_workload_selector, selector_text};
use crate::check::target::{TargetScope, check_target};
use crate::check::{Ctx, ItemDiagnostic, PolicyLevel, Problem, abbreviate, describe_char};
use crate::codes::Code;
use crate::db::{Db, Item, ItemTag};
use crate::inventory::Labels;
use crate::syntax::ast::{
    self, CompactString, Expose, HeaderOp, Matcher, PathKind, QueryOp, RewriteKind, RouteStmt,
    Span, TableStmt,
};
use crate::syntax::literal::quote;

/// What other items need to know about a route table, without reading its syntax: the
/// project checks (delegation cycles, unreachable tables, unused policies), the language
/// server and the test runner ask this rather than the table itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TableSummary {
    /// Every host of every `hosts` statement, as written. Non-empty means a root table.
    pub hosts: Vec<CompactString>,
    /// The gateways of every `expose on gateway`, as written (unresolved), without repeats.
    pub gateways: Vec<CompactString>,
    /// Exposed east-west: `expose to mesh` or `expose to workloads`.
    pub mesh: bool,
    /// The tables every `delegate to routes` of every route names, in order, without repeats.
    pub delegates: Vec<CompactString>,
    /// Every policy applied anywhere in the table (table or route level), without repeats.
    pub policies: Vec<CompactString>,
    /// The route names, in order, without repeats.
    pub routes: Vec<CompactString>,
    /// The table has a `weight` statement.
    pub has_weight: bool,
}

/// The summary of a route table (the default for any other item).
#[salsa::tracked(returns(ref))]
pub fn table_summary<'db>(db: &'db dyn Db, item: Item<'db>) -> TableSummary {
    let mut summary = TableSummary::default();
    let ast::ItemKind::Routes(table) = &item.syntax(db).kind else {
        return summary;
    };
    // A table has hundreds of routes at most, but a scan of the list for each would still make
    // it quadratic.
    let mut route_names = FxHashSet::default();
    for stmt in &table.body {
        match stmt {
            TableStmt::Hosts { hosts, .. } => {
                summary.hosts.extend(hosts.iter().map(|h| h.value.clone()));
            }
            TableStmt::Expose(Expose::Gateway { gateways, .. }) => {
                for gateway in gateways {
                    push_unique(&mut summary.gateways, &gateway.text);
                }
            }
            TableStmt::Expose(Expose::Mesh { .. } | Expose::Workloads { .. }) => {
                summary.mesh = true
            }
            TableStmt::Apply(apply) => {
                for policy in &apply.policies {
                    push_unique(&mut summary.policies, &policy.text);
                }
            }
            TableStmt::Weight { .. } => summary.has_weight = true,
            TableStmt::Route(route) => {
                if route_names.insert(route.name.text.as_str()) {
                    summary.routes.push(route.name.text.clone());
                }
                for stmt in &route.body {
                    match stmt {
                        RouteStmt::Delegate { tables, .. } => {
                            for table in tables {
                                push_unique(&mut summary.delegates, &table.text);
                            }
                        }
                        RouteStmt::Apply(apply) => {
                            for policy in &apply.policies {
                                push_unique(&mut summary.policies, &policy.text);
                            }
                        }
                        _ => {}
                    }
                }
            }
            TableStmt::Error(_) => {}
        }
    }
    summary
}

fn push_unique(list: &mut Vec<CompactString>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(CompactString::new(name));
    }
}

/// Checks a route table.
pub(crate) fn check(cx: &mut Ctx<'_>, table: &ast::RouteTable) {
    let mut hosts: Option<Span> = None;
    let mut weight: Option<Span> = None;
    let mut exposes: Vec<&Expose> = Vec::new();
    let mut applies: Vec<&ast::Apply> = Vec::new();
    let mut routes: Vec<&ast::Route> = Vec::new();
    for stmt in &table.body {
        match stmt {
            TableStmt::Hosts { hosts: list, span } => {
                for host in list {
                    check_host(cx, host, HostUse::Table);
                }
                match hosts {
                    Some(first) => repeated(
                        cx,
                        "hosts",
                        *span,
                        first,
                        "list every host in one `hosts` statement, separated by commas",
                    ),
                    None => hosts = Some(*span),
                }
            }
            TableStmt::Weight { span, .. } => match weight {
                Some(first) => repeated(
                    cx,
                    "weight",
                    *span,
                    first,
                    "a table has one weight: keep one",
                ),
                None => weight = Some(*span),
            },
            TableStmt::Expose(expose) => exposes.push(expose),
            TableStmt::Apply(apply) => applies.push(apply),
            TableStmt::Route(route) => routes.push(route),
            TableStmt::Error(_) => {}
        }
    }

    check_root(cx, table, hosts, weight, &exposes);
    // A table whose body did not parse says so already; only a clean, empty one is reported.
    let had_errors = table
        .body
        .iter()
        .any(|stmt| matches!(stmt, TableStmt::Error(_)));
    if routes.is_empty() && !had_errors {
        let diagnostic = ItemDiagnostic::new(
            Code::EmptyTable,
            table.name.span,
            format!("route table `{}` has no routes", table.name.text),
        )
        .help("add a `route NAME { match ... to ... }`, or delete the table: the mesh rejects a route table without routes");
        cx.emit(diagnostic);
    }
    let scope = check_exposes(cx, hosts.is_some(), &exposes);
    if !applies.is_empty() {
        check_apply(cx, &applies, PolicyLevel::Route);
    }

    let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
    for route in routes {
        if let Some(&first) = seen.get(route.name.text.as_str()) {
            let diagnostic = ItemDiagnostic::new(
                Code::DuplicateRoute,
                route.name.span,
                format!("route `{}` is defined twice in table `{}`", route.name.text, table.name.text),
            )
            .label(first, "first defined here")
            .help(format!(
                "rename one of them: route names are unique within a table (tests name them `{}.ROUTE`)",
                table.name.text
            ));
            cx.emit(diagnostic);
        } else {
            seen.insert(&route.name.text, route.name.span);
        }
        check_route(cx, route, &scope);
    }
}

/// A statement that may appear once appears again.
fn repeated(cx: &mut Ctx<'_>, keyword: &str, span: Span, first: Span, help: &str) {
    let diagnostic = ItemDiagnostic::new(
        Code::StatementCount,
        span,
        format!("`{keyword}` given twice"),
    )
    .label(first, "first given here")
    .help(help);
    cx.emit(diagnostic);
}

/// The rules that depend on whether the table is a root table (it has `hosts`).
fn check_root(
    cx: &mut Ctx<'_>,
    table: &ast::RouteTable,
    hosts: Option<Span>,
    weight: Option<Span>,
    exposes: &[&Expose],
) {
    let name = &table.name.text;
    match hosts {
        Some(hosts) => {
            if exposes.is_empty() {
                let diagnostic = ItemDiagnostic::new(
                    Code::NoExpose,
                    table.name.span,
                    format!("route table `{name}` has hosts but is not exposed"),
                )
                .label(hosts, "these hosts make it a root table")
                .help(
                    "add `expose on gateway NAME` (north-south) or `expose to mesh` (east-west); \
                     or remove `hosts` if the table is meant to be delegated to",
                );
                cx.emit(diagnostic);
            }
            if let Some(weight) = weight {
                let diagnostic = ItemDiagnostic::new(
                    Code::WeightOnRootTable,
                    weight,
                    format!("`weight` on root table `{name}`"),
                )
                .label(hosts, "these hosts make it a root table")
                .help("`weight` orders the tables one route delegates to: remove it from a root table");
                cx.emit(diagnostic);
            }
        }
        None => {
            if let Some((first, rest)) = exposes.split_first() {
                let mut diagnostic = ItemDiagnostic::new(
                    Code::ExposeWithoutHosts,
                    first.span(),
                    format!("route table `{name}` is exposed but has no hosts"),
                )
                .help(
                    "add `hosts \"...\"` to make it a root table; a table without hosts is \
                     reached only by delegation and is not exposed itself",
                );
                for other in rest {
                    diagnostic = diagnostic.label(other.span(), "also exposed here");
                }
                cx.emit(diagnostic);
            }
        }
    }
}

/// Resolves the exposures and returns the clusters where the table's service targets must
/// exist.
fn check_exposes(cx: &mut Ctx<'_>, root: bool, exposes: &[&Expose]) -> TargetScope {
    let mut clusters: Vec<CompactString> = Vec::new();
    let mut east_west = false;
    for expose in exposes {
        match expose {
            Expose::Gateway { gateways, .. } => {
                for gateway in gateways {
                    if let Some(item) = cx.resolve(ItemTag::Gateway, gateway) {
                        for cluster in gateway_clusters(cx.db, item) {
                            push_unique(&mut clusters, cluster);
                        }
                    }
                }
            }
            Expose::Mesh { .. } => east_west = true,
            Expose::Workloads {
                selector,
                namespace,
                ..
            } => {
                east_west = true;
                check_exposed_workloads(cx, selector, namespace.as_ref());
            }
        }
    }
    // A delegated table serves whatever its parents serve, and a table exposed to the mesh
    // serves clients on every cluster; only a table served by gateways alone narrows the
    // clusters. With no gateway resolved there is nothing to narrow to.
    if !root || east_west || clusters.is_empty() {
        TargetScope::Anywhere
    } else {
        TargetScope::Clusters(clusters)
    }
}

/// `expose to workloads (labels) [in NS]`: the namespace exists and the selector picks some
/// workload there.
fn check_exposed_workloads(
    cx: &mut Ctx<'_>,
    selector: &ast::Selector,
    namespace: Option<&ast::Name>,
) {
    let namespace = match namespace {
        Some(namespace) if !cx.check_namespace(namespace) => return,
        Some(namespace) => {
            // Gloo selects the clients of a route table by workload labels only, so the
            // namespace cannot reach the output: say so instead of widening silently.
            let diagnostic = ItemDiagnostic::new(
                Code::ClientNamespaceIgnored,
                namespace.span,
                format!(
                    "`in {}` cannot be expressed: the mesh selects a route table's clients by labels only",
                    namespace.text
                ),
            )
            .help("the table is exposed to matching workloads in every namespace; drop `in` or add a label that only this namespace's workloads carry");
            cx.emit(diagnostic);
            Some(namespace.text.as_str())
        }
        None => None,
    };
    let inventory = cx.inventory;
    let workloads: Vec<&Labels> = inventory
        .match_workloads(&[], namespace, None)
        .into_iter()
        .filter_map(|at| inventory.resolve_workload(at))
        .map(|w| &w.workload.labels)
        .collect();
    check_workload_selector(cx, selector, &workloads, || {
        let shown = selector_text(selector);
        match namespace {
            Some(ns) => PoolTexts {
                message: format!("selector `{shown}` matches no workload in namespace `{ns}`"),
                described: format!("the workloads in namespace `{ns}`"),
                empty: format!("namespace `{ns}` has no workloads in the inventory"),
            },
            None => PoolTexts {
                message: format!("selector `{shown}` matches no workload"),
                described: "the workloads of the inventory".to_owned(),
                empty: "the inventory has no workloads".to_owned(),
            },
        }
    });
}

/// The action a route takes, for messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    To,
    Redirect,
    Respond,
    Delegate,
}

impl Action {
    fn keyword(self) -> &'static str {
        match self {
            Action::To => "to",
            Action::Redirect => "redirect",
            Action::Respond => "respond",
            Action::Delegate => "delegate",
        }
    }
}

fn check_route(cx: &mut Ctx<'_>, route: &ast::Route, scope: &TargetScope) {
    let mut action: Option<(Action, Span)> = None;
    // A route has a few statements: on the stack, these cost no allocation per route.
    let mut rewrites: SmallVec<[(RewriteKind, Span); 2]> = SmallVec::new();
    let mut matches: SmallVec<[(&[Matcher], Span); 4]> = SmallVec::new();
    let mut applies: SmallVec<[&ast::Apply; 2]> = SmallVec::new();
    let mut broken = false;
    for stmt in &route.body {
        let this = match stmt {
            RouteStmt::Match { matchers, span } => {
                check_match(cx, matchers);
                matches.push((matchers, *span));
                None
            }
            RouteStmt::To { targets, span } => {
                for target in targets {
                    check_target(cx, target, scope);
                }
                check_weights(cx, route, targets, *span);
                Some((Action::To, *span))
            }
            RouteStmt::Redirect {
                host,
                path,
                code,
                span,
            } => {
                check_redirect(
                    cx,
                    route,
                    host.as_ref(),
                    path.as_ref(),
                    code.as_ref(),
                    *span,
                );
                Some((Action::Redirect, *span))
            }
            RouteStmt::Respond { status, span, .. } => {
                check_status(cx, status);
                Some((Action::Respond, *span))
            }
            RouteStmt::Delegate { tables, span } => {
                check_delegate(cx, tables);
                Some((Action::Delegate, *span))
            }
            RouteStmt::Rewrite { kind, value, span } => {
                match kind {
                    RewriteKind::Prefix => check_path(cx, value, false),
                    RewriteKind::Host => check_host(cx, value, HostUse::Rewrite),
                }
                rewrites.push((*kind, *span));
                None
            }
            RouteStmt::Apply(apply) => {
                applies.push(apply);
                None
            }
            RouteStmt::Error(_) => {
                broken = true;
                None
            }
        };
        let Some((this, span)) = this else { continue };
        match action {
            None => action = Some((this, span)),
            Some((first, first_span)) => {
                let name = &route.name.text;
                let (message, help) = if this == first {
                    let help = if this == Action::To {
                        "list every target in one `to` statement, separated by commas"
                    } else {
                        "a route takes one action: keep one of them"
                    };
                    (
                        format!("route `{name}` has two `{}` actions", this.keyword()),
                        help,
                    )
                } else {
                    (
                        format!(
                            "route `{name}` has two actions: `{}` and `{}`",
                            first.keyword(),
                            this.keyword()
                        ),
                        "a route takes one action: keep one of them",
                    )
                };
                let diagnostic = ItemDiagnostic::new(Code::RouteAction, span, message)
                    .label(first_span, "first action here")
                    .help(help);
                cx.emit(diagnostic);
            }
        }
    }

    // A statement the parser could not read may well be the action.
    if action.is_none() && !broken {
        let diagnostic = ItemDiagnostic::new(
            Code::RouteAction,
            route.name.span,
            format!("route `{}` has no action", route.name.text),
        )
        .help("add one of `to`, `redirect`, `respond` or `delegate to routes`");
        cx.emit(diagnostic);
    }
    if let Some((action, action_span)) = action {
        check_rewrites(cx, route, action, action_span, &rewrites, &matches);
    }
    if !applies.is_empty() {
        check_apply(cx, &applies, PolicyLevel::Route);
    }
}

/// `rewrite` goes with `to`, once per kind, and `rewrite prefix` needs prefix matches only.
fn check_rewrites(
    cx: &mut Ctx<'_>,
    route: &ast::Route,
    action: Action,
    action_span: Span,
    rewrites: &[(RewriteKind, Span)],
    matches: &[(&[Matcher], Span)],
) {
    let Some(&(_, first)) = rewrites.first() else {
        return;
    };
    let name = &route.name.text;
    if action != Action::To {
        let help = match action {
            Action::Redirect => {
                "a redirect sets the new host and path itself: `redirect host H path P`"
            }
            Action::Delegate => "rewrite in the routes of the delegated tables instead",
            Action::Respond | Action::To => "a direct response forwards nothing: remove `rewrite`",
        };
        let diagnostic = ItemDiagnostic::new(
            Code::BadRewrite,
            first,
            format!(
                "`rewrite` needs a `to` action, but route `{name}` uses `{}`",
                action.keyword()
            ),
        )
        .label(action_span, "the route's action")
        .help(help);
        cx.emit(diagnostic);
        return;
    }

    let mut prefix: Option<Span> = None;
    let mut host: Option<Span> = None;
    for &(kind, span) in rewrites {
        let (slot, keyword) = match kind {
            RewriteKind::Prefix => (&mut prefix, "rewrite prefix"),
            RewriteKind::Host => (&mut host, "rewrite host"),
        };
        match *slot {
            Some(first) => repeated(
                cx,
                keyword,
                span,
                first,
                "a route rewrites its prefix and its host once each: keep one",
            ),
            None => *slot = Some(span),
        }
    }

    let Some(prefix) = prefix else {
        return;
    };
    if matches.is_empty() {
        let diagnostic = ItemDiagnostic::new(
            Code::BadRewrite,
            prefix,
            format!("`rewrite prefix` in route `{name}`, which has no `match`"),
        )
        .help("the rewrite replaces the matched path prefix: add `match path prefix \"/...\"`");
        cx.emit(diagnostic);
        return;
    }
    let mut diagnostic = ItemDiagnostic::new(
        Code::BadRewrite,
        prefix,
        format!("`rewrite prefix` needs every `match` of route `{name}` to match a path prefix"),
    )
    .help("use `path prefix` in every `match`, or move the other matches to a route of their own");
    let mut wrong = false;
    for &(matchers, span) in matches {
        let path = matchers.iter().find_map(|m| match m {
            Matcher::Path { kind, span, .. } => Some((*kind, *span)),
            _ => None,
        });
        let label = match path {
            Some((PathKind::Prefix, _)) => continue,
            Some((PathKind::Exact, span)) => (span, "this matches an exact path"),
            Some((PathKind::Regex, span)) => (span, "this matches a path regex"),
            None => (span, "this `match` has no path prefix"),
        };
        wrong = true;
        diagnostic = diagnostic.label(label.0, label.1);
    }
    if wrong {
        cx.emit(diagnostic);
    }
}

/// Checks one `match`: one path and one method at most, and valid names, regexes and paths.
fn check_match(cx: &mut Ctx<'_>, matchers: &[Matcher]) {
    let mut path: Option<Span> = None;
    let mut method: Option<Span> = None;
    for matcher in matchers {
        match matcher {
            Matcher::Path { kind, value, span } => {
                if let Some(first) = path {
                    let diagnostic = ItemDiagnostic::new(
                        Code::MatcherTwice,
                        *span,
                        "two `path` matchers in one `match`",
                    )
                    .label(first, "first path here")
                    .help("a request has one path: to match either, write a second `match` line");
                    cx.emit(diagnostic);
                } else {
                    path = Some(*span);
                }
                match kind {
                    PathKind::Regex => check_regex(cx, value),
                    PathKind::Prefix | PathKind::Exact => check_path(cx, value, true),
                }
            }
            Matcher::Header { name, op, .. } => {
                check_header_name(cx, &name.value, name.span, HeaderUse::Match);
                if let HeaderOp::Regex(regex) = op {
                    check_regex(cx, regex);
                }
            }
            Matcher::Query { op, .. } => {
                if let QueryOp::Regex(regex) = op {
                    check_regex(cx, regex);
                }
            }
            Matcher::Method { methods, span } => {
                if let Some(first) = method {
                    let diagnostic = ItemDiagnostic::new(
                        Code::MatcherTwice,
                        *span,
                        "two `method` matchers in one `match`",
                    )
                    .label(first, "first method here")
                    .help("list the methods in one matcher: `method GET, POST`");
                    cx.emit(diagnostic);
                } else {
                    method = Some(*span);
                }
                for name in methods {
                    check_method(cx, name);
                }
            }
        }
    }
}

/// The methods the mesh matches on.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

fn check_method(cx: &mut Ctx<'_>, name: &ast::Name) {
    if METHODS.contains(&name.text.as_str()) {
        return;
    }
    let message = format!("unknown HTTP method `{}`", name.text);
    let upper = name.text.to_ascii_uppercase();
    if METHODS.contains(&upper.as_str()) {
        let diagnostic = ItemDiagnostic::new(Code::UnknownMethod, name.span, message)
            .help(format!("methods are written in capitals: `{upper}`"))
            .fix(name.span, upper);
        cx.emit(diagnostic);
    } else {
        cx.unknown(Code::UnknownMethod, name, message, &METHODS);
    }
}

/// Checks a regular expression as Envoy's RE2 would read it.
fn check_regex(cx: &mut Ctx<'_>, regex: &ast::Str) {
    let Some((problem, help)) = regex_problem(&regex.value) else {
        return;
    };
    let diagnostic = ItemDiagnostic::new(
        Code::InvalidRegex,
        regex.span,
        format!(
            "invalid regular expression `{}`: {problem}",
            abbreviate(&regex.value)
        ),
    )
    .help(help);
    cx.emit(diagnostic);
}

/// What is wrong with a pattern under RE2, and how to fix it. `regex_syntax` reads nearly the
/// same syntax as RE2 (it lacks only `\Q…\E` and `\C`, which routes have no use for), so its
/// parser finds the errors; of its extensions, the flags RE2 lacks (`x`, `u`, `R`) are
/// rejected on top, since Envoy would refuse the route.
fn regex_problem(pattern: &str) -> Option<(String, String)> {
    if plainly_valid_regex(pattern) {
        return None;
    }
    parsed_regex_problem(pattern)
}

/// Whether a pattern is in a subset that is valid RE2 whatever it holds, so that it need not
/// be parsed: alternatives (`|`, empty ones too) of literal characters that are special
/// nowhere, `.`, `^`, `$`, and classes of letters, digits, `_`, `.`, `/` and ascending ranges,
/// each atom repeated by at most one `*`, `+` or `?`. Most route patterns are
/// (`/api/v[0-9]+/.*`, `json|yaml`); a property test checks that the parser finds nothing
/// wrong with any of them.
fn plainly_valid_regex(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut at = 0;
    // Whether what precedes may take a repetition operator.
    let mut repeatable = false;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'*' | b'+' | b'?' if repeatable => repeatable = false,
            b'^' | b'$' | b'|' => repeatable = false,
            b'[' => {
                let Some(length) = bytes.get(at + 1..).and_then(plain_class) else {
                    return false;
                };
                at += length;
                repeatable = true;
            }
            b'.' => repeatable = true,
            _ if byte.is_ascii_alphanumeric() || b"/-_:%=&,;@!~'\"<># ".contains(&byte) => {
                repeatable = true;
            }
            _ => return false,
        }
        at += 1;
    }
    true
}

/// The length of a class's body up to and including its `]` (what follows the `[`), when it
/// holds only letters, digits, `_`, `.`, `/` and ascending ranges of letters or digits.
fn plain_class(body: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let &byte = body.get(at)?;
        match byte {
            b']' if at > 0 => return Some(at + 1),
            _ if byte.is_ascii_alphanumeric() => match (body.get(at + 1), body.get(at + 2)) {
                (Some(b'-'), Some(&end)) if end.is_ascii_alphanumeric() && end >= byte => {
                    at += 3;
                }
                (Some(b'-'), _) => return None,
                _ => at += 1,
            },
            b'_' | b'.' | b'/' => at += 1,
            _ => return None,
        }
    }
}

/// [`regex_problem`] by parsing the pattern.
fn parsed_regex_problem(pattern: &str) -> Option<(String, String)> {
    use regex_syntax::ast::ErrorKind;

    let ast = match regex_syntax::ast::parse::Parser::new().parse(pattern) {
        Ok(ast) => ast,
        Err(error) => {
            let help = match error.kind() {
                ErrorKind::GroupUnclosed => "close the group with `)`, or escape the `(` as `\\(`",
                ErrorKind::GroupUnopened => "remove the `)`, or escape it as `\\)`",
                ErrorKind::ClassUnclosed => "close the class with `]`, or escape the `[` as `\\[`",
                ErrorKind::RepetitionMissing => {
                    "`*`, `+`, `?` and `{n}` repeat what precedes them: escape it (`\\*`) to match it literally"
                }
                ErrorKind::UnsupportedLookAround => {
                    "RE2 has no look-around: match the text itself instead"
                }
                ErrorKind::UnsupportedBackreference => "RE2 has no backreferences",
                ErrorKind::EscapeUnrecognized => {
                    "escape only punctuation, or use a known escape such as `\\d`"
                }
                _ => "Envoy uses RE2 syntax: https://github.com/google/re2/wiki/Syntax",
            };
            return Some((
                located(error.kind().to_string(), pattern, error.span().start.offset),
                help.to_owned(),
            ));
        }
    };
    if let Err((flag, offset)) = regex_syntax::ast::visit(&ast, Re2Flags) {
        return Some((
            located(format!("RE2 has no `{flag}` flag"), pattern, offset),
            "RE2 supports the flags `i`, `m`, `s` and `U`".to_owned(),
        ));
    }
    // With the flags above rejected, Unicode mode is always on, and there (with regex-syntax's
    // default features) translation can fail only on a Unicode class `\p{…}` / `\P{…}` that
    // does not exist: translating every pattern would cost as much as parsing it again.
    let unicode_class = pattern.contains("\\p") || pattern.contains("\\P");
    if unicode_class
        && let Err(error) = regex_syntax::hir::translate::Translator::new().translate(pattern, &ast)
    {
        return Some((
            located(error.kind().to_string(), pattern, error.span().start.offset),
            "Envoy uses RE2 syntax: https://github.com/google/re2/wiki/Syntax".to_owned(),
        ));
    }
    None
}

/// Finds the first flag RE2 does not know, with its byte offset.
struct Re2Flags;

impl regex_syntax::ast::Visitor for Re2Flags {
    type Output = ();
    type Err = (char, usize);

    fn finish(self) -> Result<(), (char, usize)> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &regex_syntax::ast::Ast) -> Result<(), (char, usize)> {
        use regex_syntax::ast::{Ast, Flag, FlagsItemKind, GroupKind};
        let flags = match ast {
            Ast::Flags(set) => &set.flags,
            Ast::Group(group) => match &group.kind {
                GroupKind::NonCapturing(flags) => flags,
                _ => return Ok(()),
            },
            _ => return Ok(()),
        };
        for item in &flags.items {
            let flag = match item.kind {
                FlagsItemKind::Flag(Flag::IgnoreWhitespace) => 'x',
                FlagsItemKind::Flag(Flag::Unicode) => 'u',
                FlagsItemKind::Flag(Flag::CRLF) => 'R',
                _ => continue,
            };
            return Err((flag, item.span.start.offset));
        }
        Ok(())
    }
}

/// "unclosed group (at character 7, `(`)".
fn located(problem: String, pattern: &str, offset: usize) -> String {
    let at = pattern
        .get(..offset)
        .map_or(0, |before| before.chars().count())
        + 1;
    match pattern.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c) => format!("{problem} (at character {at}, `{c}`)"),
        None => format!("{problem} (at the end)"),
    }
}

/// Checks a path: one a matcher compares (`matcher`: without query or fragment) or one a
/// redirect or rewrite writes.
fn check_path(cx: &mut Ctx<'_>, path: &ast::Str, matcher: bool) {
    let Some(problem) = path_problem(&path.value, matcher) else {
        return;
    };
    let mut diagnostic = ItemDiagnostic::new(
        Code::InvalidPath,
        path.span,
        format!(
            "invalid path `{}`: {}",
            abbreviate(&path.value),
            problem.what
        ),
    )
    .help(problem.help);
    if let Some(repaired) = problem
        .repaired
        .filter(|r| path_problem(r, matcher).is_none())
    {
        diagnostic = diagnostic.fix(path.span, quote(&repaired));
    }
    cx.emit(diagnostic);
}

fn path_problem(path: &str, matcher: bool) -> Option<Problem> {
    // Most paths are a `/` and visible ASCII without `#`, `?` (in a matcher) or `:` (as in
    // `://`): one scan says so, and the checks below would find nothing (a property test
    // checks it).
    let plain = path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'#' && b != b':' && !(matcher && b == b'?'));
    if plain {
        return None;
    }
    scanned_path_problem(path, matcher)
}

/// [`path_problem`], each problem looked for in turn.
fn scanned_path_problem(path: &str, matcher: bool) -> Option<Problem> {
    if path.is_empty() {
        return Some(Problem::new("it is empty", "a path starts with `/`").repaired("/"));
    }
    if let Some((_, rest)) = path.split_once("://") {
        let repaired = rest.find('/').map_or("/", |at| &rest[at..]);
        return Some(
            Problem::new(
                "this is a URL, not a path",
                "write the path alone; match the host with `hosts`",
            )
            .repaired(repaired),
        );
    }
    if !path.starts_with('/') {
        return Some(
            Problem::new("it does not start with `/`", "a path starts with `/`")
                .repaired(format!("/{path}")),
        );
    }
    if let Some(c) = path.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(Problem::new(
            format!("{} is not allowed in a path", describe_char(c)),
            "percent-encode it (a space is `%20`)",
        ));
    }
    if let Some((before, _)) = path.split_once('#') {
        return Some(
            Problem::new(
                "a fragment (`#…`) is never sent to the server",
                "remove the fragment",
            )
            .repaired(before),
        );
    }
    if matcher && let Some((before, _)) = path.split_once('?') {
        return Some(
            Problem::new(
                "path matchers see the path without its query string",
                "match the query with `query NAME = \"VALUE\"`",
            )
            .repaired(before),
        );
    }
    None
}

fn check_redirect(
    cx: &mut Ctx<'_>,
    route: &ast::Route,
    host: Option<&ast::Str>,
    path: Option<&ast::Str>,
    code: Option<&ast::Int>,
    span: Span,
) {
    if host.is_none() && path.is_none() {
        let diagnostic = ItemDiagnostic::new(
            Code::StatementCount,
            span,
            format!("the redirect of route `{}` names neither a host nor a path", route.name.text),
        )
        .help("add `host \"new.example.com\"`, `path \"/new\"` or both: a redirect to the same URL would loop");
        cx.emit(diagnostic);
    }
    if let Some(host) = host {
        check_host(cx, host, HostUse::Redirect);
    }
    if let Some(path) = path {
        check_path(cx, path, false);
    }
    if let Some(code) = code
        && ![301, 302, 303, 307, 308].contains(&code.value)
    {
        let diagnostic = ItemDiagnostic::new(
            Code::BadRedirectCode,
            code.span,
            format!("`{}` is not a redirect code", code.value),
        )
        .help(
            "use 301 (moved permanently), 302 (found), 303 (see other), 307 (temporary redirect) \
             or 308 (permanent redirect)",
        );
        cx.emit(diagnostic);
    }
}

fn check_status(cx: &mut Ctx<'_>, status: &ast::Int) {
    if (200..=599).contains(&status.value) {
        return;
    }
    let diagnostic = ItemDiagnostic::new(
        Code::BadStatus,
        status.span,
        format!("status `{}` is outside 200-599", status.value),
    )
    .help("a direct response has an HTTP status from 200 to 599 (`respond 404 \"not found\"`)");
    cx.emit(diagnostic);
}

/// Every delegated table exists and is not a root table.
fn check_delegate(cx: &mut Ctx<'_>, tables: &[ast::Name]) {
    for name in tables {
        let Some(item) = cx.resolve(ItemTag::Routes, name) else {
            continue;
        };
        if table_summary(cx.db, item).hosts.is_empty() {
            continue;
        }
        let diagnostic = ItemDiagnostic::new(
            Code::DelegateToRoot,
            name.span,
            format!(
                "route table `{}` has hosts: it is a root table and cannot be delegated to",
                name.text
            ),
        )
        .label_item(item, format!("`{}` is defined here", name.text))
        .help(format!(
            "remove `hosts` and `expose` from `{}` so that it is reached only by delegation, or \
             delegate to a table without hosts",
            name.text
        ));
        cx.emit(diagnostic);
    }
}

/// Either every target has a weight and the weights sum to 100, or none has one.
fn check_weights(cx: &mut Ctx<'_>, route: &ast::Route, targets: &[ast::Target], span: Span) {
    let name = &route.name.text;
    let weights: Vec<ast::Int> = targets.iter().filter_map(ast::Target::weight).collect();
    if weights.is_empty() {
        return;
    }
    if weights.len() < targets.len() {
        let mut missing = targets
            .iter()
            .filter(|t| t.weight().is_none())
            .map(ast::Target::span);
        let Some(first) = missing.next() else {
            return;
        };
        let mut diagnostic = ItemDiagnostic::new(
            Code::BadWeights,
            first,
            format!(
                "this target of route `{name}` has no weight, but {} of its {} targets {} one",
                weights.len(),
                targets.len(),
                if weights.len() == 1 { "has" } else { "have" }
            ),
        )
        .help("give every target a weight, the weights summing to 100, or remove them all to split the traffic evenly");
        for other in missing {
            diagnostic = diagnostic.label(other, "no weight either");
        }
        cx.emit(diagnostic);
        return;
    }
    let sum = weights
        .iter()
        .fold(0u64, |sum, w| sum.saturating_add(w.value));
    if sum == 100 {
        return;
    }
    let mut diagnostic = ItemDiagnostic::new(
        Code::BadWeights,
        span,
        format!("the weights of route `{name}` sum to {sum}, not 100"),
    );
    if weights.len() > 1 {
        for weight in &weights {
            diagnostic = diagnostic.label(weight.span, format!("weight {}", weight.value));
        }
    }
    // Adjusting the last weight is the smallest edit that makes the sum right, when it can.
    let fixed = weights.split_last().and_then(|(last, rest)| {
        let others = rest.iter().fold(0u64, |sum, w| sum.saturating_add(w.value));
        100u64.checked_sub(others).map(|value| (last.span, value))
    });
    diagnostic = match fixed {
        Some((last, value)) => diagnostic
            .help(format!("weights are percentages of the traffic: make them add up to 100 (the last one would be {value})"))
            .fix(last, value.to_string()),
        None => diagnostic.help("weights are percentages of the traffic: make them add up to 100"),
    };
    cx.emit(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::{
        TableSummary, parsed_regex_problem, path_problem, plainly_valid_regex, regex_problem,
        scanned_path_problem, table_summary,
    };
    use crate::db::{Database, SourceFile, file_items};

    #[test]
    fn summarises_a_table() {
        let db = Database::default();
        let text = r#"
            routes shop {
              hosts "shop.example.com", "*.shop.example.com"
              expose on gateway east, west, east
              expose to workloads (app = "web")
              apply retries
              route a { apply slow, retries delegate to routes x, y }
              route b { delegate to routes y, z }
              route a { respond 200 }
            }
        "#;
        let file = SourceFile::new(&db, "main.route".to_owned(), text.to_owned());
        let items = file_items(&db, file);
        let [table] = items.as_slice() else {
            panic!("one item expected, got {}", items.len());
        };
        let strings = |names: &[&str]| {
            names
                .iter()
                .map(|&n| crate::syntax::ast::CompactString::new(n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            table_summary(&db, *table),
            &TableSummary {
                hosts: strings(&["shop.example.com", "*.shop.example.com"]),
                gateways: strings(&["east", "west"]),
                mesh: true,
                delegates: strings(&["x", "y", "z"]),
                policies: strings(&["retries", "slow"]),
                routes: strings(&["a", "b"]),
                has_weight: false,
            }
        );
    }

    #[test]
    fn paths() {
        assert!(path_problem("/", true).is_none());
        assert!(path_problem("/api/v1", true).is_none());
        assert!(path_problem("/a?b=c", false).is_none());
        let repaired = |p: &str| path_problem(p, true).and_then(|p| p.repaired);
        assert_eq!(repaired("api").as_deref(), Some("/api"));
        assert_eq!(repaired("/a?b=c").as_deref(), Some("/a"));
        assert_eq!(repaired("https://x.com/a/b").as_deref(), Some("/a/b"));
        assert!(path_problem("/a b", true).is_some());
    }

    #[test]
    fn regexes() {
        assert!(regex_problem("^/api/v[0-9]+/.*$").is_none());
        assert!(regex_problem("(?i)jason").is_none());
        let problem = |p: &str| regex_problem(p).map(|(what, _)| what).unwrap_or_default();
        assert!(
            problem("/api/(v1").contains("unclosed group"),
            "{}",
            problem("/api/(v1")
        );
        assert!(problem("(?x)a b").contains("`x` flag"));
        assert!(
            problem("(?=a)").contains("look-around"),
            "{}",
            problem("(?=a)")
        );
        assert!(problem("*a").contains("at character 1"));
        assert!(
            problem("\\p{Nope}").contains("at character 1"),
            "{}",
            problem("\\p{Nope}")
        );
    }

    #[test]
    fn route_patterns_need_no_parse() {
        for pattern in [
            "/auth-4/v[0-9]+/.*",
            ".*Mobile.*",
            "^/api/[a-zA-Z_]+$",
            "",
            "json|yaml",
            "GET|",
        ] {
            assert!(plainly_valid_regex(pattern), "{pattern}");
            assert_eq!(parsed_regex_problem(pattern), None, "{pattern}");
        }
        for pattern in [
            "/api/(v1", "a{2}", "[z-a]", "[a-]", "*a", "a**", "\\d", "[]", "a|*b", "(a|b)",
        ] {
            assert!(!plainly_valid_regex(pattern), "{pattern}");
        }
    }

    proptest::proptest! {
        /// The patterns `plainly_valid_regex` lets through unparsed are ones the parser
        /// accepts.
        #[test]
        fn plain_patterns_parse(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Z", "0", "9", "é", ".", "/", "-", "_", ":", "#", " ", "~", "&", "*", "+", "?",
                "^", "$", "[", "]", "[0-9]", "[a-z_]", "[z-a]", "(", ")", "{2}", "|", "\\", "\\d",
            ]), 0..10),
        ) {
            let pattern = pieces.concat();
            if plainly_valid_regex(&pattern) {
                let problem = parsed_regex_problem(&pattern).map(|(what, _)| what);
                proptest::prop_assert!(problem.is_none(), "{pattern}: {problem:?}");
            }
        }

        /// The one-scan answer for plain paths is the answer of every check.
        #[test]
        fn plain_paths_have_no_problem(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "/", "a", "-", ".", "%20", ":", "://", "#", "?", " ", "\t", "é", "\u{2003}", "~",
            ]), 0..8),
            matcher: bool,
        ) {
            let path = pieces.concat();
            let fast = path_problem(&path, matcher).map(|p| p.what);
            let slow = scanned_path_problem(&path, matcher).map(|p| p.what);
            proptest::prop_assert_eq!(fast, slow, "{:?}", path);
        }

        /// `regex_problem` translates only patterns with a Unicode class (`\p`, `\P`), which
        /// is where translation can fail: translating every pattern finds nothing more.
        #[test]
        fn only_unicode_classes_fail_translation(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "é", ".", "\\d", "\\W", "\\s", "\\b", "\\B", "\\A", "\\z", "\\pL",
                "\\p{Greek}", "\\p{Nope}", "\\PN", "[a-z]", "[^a]", "[[:alpha:]]", "[^[:^word:]]",
                "[\\pL]", "[a&&b]", "[a--b]", "[^\\x00-\\x{10FFFF}]", "\\xFF", "\\x{1F600}", "(",
                ")", "(?i)", "(?-i)", "(?s)", "(?m)", "(?U)", "(?-u)", "(?i:", "(?P<n>", "*", "+", "?",
                "{2}", "{2,1}", "|", "^", "$",
            ]), 0..8),
        ) {
            use regex_syntax::ast::parse::Parser;
            use regex_syntax::hir::translate::Translator;

            let pattern = pieces.concat();
            let Ok(ast) = Parser::new().parse(&pattern) else {
                return Ok(());
            };
            if regex_syntax::ast::visit(&ast, super::Re2Flags).is_err() {
                return Ok(());
            }
            let translated = Translator::new().translate(&pattern, &ast);
            proptest::prop_assert!(
                translated.is_ok() || pattern.contains("\\p") || pattern.contains("\\P"),
                "{pattern}: {translated:?}"
            );
        }
    }
}
