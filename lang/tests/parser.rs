//! Golden tests for the parser: every `tests/data/parse/*.route` file is parsed and a compact
//! dump of its tree, errors and comments is compared with its snapshot
//! (`INSTA_UPDATE=always cargo test -p route-lang --test parser` rewrites them).
//!
//! The dump prints each statement with the source text its span covers (`⟪...⟫`), and marks a
//! name, string or number whose span does not cover its own text with `!<...>`, so a wrong
//! span shows up in review.

use std::fmt::Write as _;

use route_lang::syntax::ast::*;
use route_lang::syntax::{Parse, parse};

#[test]
fn golden() {
    insta::glob!("data/parse/*.route", |path| {
        let text = std::fs::read_to_string(path).expect("a readable test file");
        insta::assert_snapshot!(dump(&text));
    });
}

/// Every construct of a contract example round-trips through the tree with no errors.
#[test]
fn contract_has_no_errors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/parse/contract.route"
    ))
    .expect("contract.route");
    let parse = parse(&text);
    assert!(parse.errors.is_empty(), "{:#?}", parse.errors);
    assert!(
        parse
            .items
            .iter()
            .all(|i| !matches!(i.item.kind, ItemKind::Error))
    );
}

fn dump(text: &str) -> String {
    let parse = parse(text);
    let mut d = Dump {
        parse: &parse,
        text,
        first: 0,
        out: String::new(),
    };
    for item in &parse.items {
        d.first = item.first_token;
        if let Some(doc) = &item.doc {
            d.line(0, &format!("doc {doc:?}"));
        }
        d.item(&item.item);
    }
    for e in &parse.errors {
        let src = text
            .get(e.range.start as usize..e.range.end as usize)
            .unwrap_or("<bad range>");
        let _ = writeln!(
            d.out,
            "error {:?} {}..{} `{}`: {}",
            e.kind,
            e.range.start,
            e.range.end,
            collapse(src),
            e.message
        );
    }
    for c in &parse.comments {
        let _ = writeln!(
            d.out,
            "comment {}..{}{}{} next_token={} {:?}",
            c.range.start,
            c.range.end,
            if c.doc { " doc" } else { "" },
            if c.trailing { " trailing" } else { "" },
            c.next_token,
            c.text
        );
    }
    d.out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Dump<'a> {
    parse: &'a Parse,
    text: &'a str,
    first: u32,
    out: String,
}

impl Dump<'_> {
    fn src(&self, span: Span) -> String {
        let r = self.parse.range(self.first, span);
        self.text
            .get(r.start as usize..r.end as usize)
            .unwrap_or("<bad range>")
            .to_string()
    }

    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{}{}", "  ".repeat(indent), text);
    }

    /// A node line: its summary and the source its span covers.
    fn node(&mut self, indent: usize, summary: &str, span: Span) {
        let src = collapse(&self.src(span));
        self.line(indent, &format!("{summary}  ⟪{src}⟫"));
    }

    fn checked(&self, shown: String, span: Span, expected_src: &str) -> String {
        let src = self.src(span);
        if src == expected_src {
            shown
        } else {
            format!("{shown}!<{src}>")
        }
    }

    fn name(&self, n: &Name) -> String {
        self.checked(n.text.to_string(), n.span, &n.text)
    }

    fn names(&self, ns: &[Name]) -> String {
        ns.iter()
            .map(|n| self.name(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn str(&self, s: &Str) -> String {
        let src = self.src(s.span);
        let shown = format!("{:?}", s.value);
        if src.starts_with('"') && s.span.end == s.span.start + 1 {
            shown
        } else if src.starts_with('"') {
            format!("{shown}!<{src}>")
        } else {
            // Identifiers accepted as strings (selector keys and values).
            self.checked(format!("{shown}(ident)"), s.span, &s.value)
        }
    }

    fn strs(&self, ss: &[Str]) -> String {
        ss.iter()
            .map(|s| self.str(s))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn int(&self, i: &Int) -> String {
        let src = self.src(i.span);
        let shown = i.value.to_string();
        if src.parse::<u64>() == Ok(i.value) {
            shown
        } else {
            format!("{shown}!<{src}>")
        }
    }

    fn value(&self, v: &Value) -> String {
        let shown = match &v.kind {
            ValueKind::Int(n) => format!("int {n}"),
            ValueKind::Duration(ms) => format!("{ms}ms"),
            ValueKind::Percent(t) => format!("{t}/1000%"),
            ValueKind::Str(s) => format!("str {s:?}"),
            ValueKind::Ident(s) => format!("ident {s}"),
            ValueKind::Word(s) => format!("word {s}"),
        };
        if v.span.end == v.span.start + 1 {
            shown
        } else {
            format!("{shown}!<{}>", self.src(v.span))
        }
    }

    fn values(&self, vs: &[Value]) -> String {
        vs.iter()
            .map(|v| self.value(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn qname(&self, q: &QualifiedName) -> String {
        let shown = match &q.namespace {
            Some(ns) => format!("{}.{}", self.name(&q.name), self.name(ns)),
            None => self.name(&q.name),
        };
        let expected: String = self.src(q.span).split_whitespace().collect();
        let plain = match &q.namespace {
            Some(ns) => format!("{}.{}", q.name.text, ns.text),
            None => q.name.text.to_string(),
        };
        if expected == plain {
            shown
        } else {
            format!("{shown}!<{expected}>")
        }
    }

    fn selector(&self, s: &Selector) -> String {
        let labels: Vec<String> = s
            .labels
            .iter()
            .map(|l| format!("{}={}", self.str(&l.key), self.str(&l.value)))
            .collect();
        let shown = format!("({})", labels.join(", "));
        let src = self.src(s.span);
        if src.starts_with('(') && src.ends_with(')') {
            shown
        } else {
            format!("{shown}!<{src}>")
        }
    }

    fn ns(&self, ns: &Option<Name>) -> String {
        ns.as_ref()
            .map(|n| format!(" in {}", self.name(n)))
            .unwrap_or_default()
    }

    fn port(&self, p: &PortRef) -> String {
        match p {
            PortRef::Number(i) => self.int(i),
            PortRef::Name(n) => self.name(n),
        }
    }

    fn target(&self, t: &Target) -> String {
        let (mut s, weight) = match t {
            Target::Service {
                service,
                port,
                subset,
                cluster,
                weight,
                ..
            } => {
                let mut s = format!("service {}", self.qname(service));
                if let Some(p) = port {
                    s += &format!(" port={}", self.port(p));
                }
                if let Some(sel) = subset {
                    s += &format!(" subset={}", self.selector(sel));
                }
                if let Some(c) = cluster {
                    s += &format!(" cluster={}", self.name(c));
                }
                (s, weight)
            }
            Target::Destination {
                name, port, weight, ..
            } => {
                let mut s = format!("destination {}", self.name(name));
                if let Some(p) = port {
                    s += &format!(" port={}", self.port(p));
                }
                (s, weight)
            }
        };
        if let Some(w) = weight {
            s += &format!(" weight={}", self.int(w));
        }
        format!("[{s} ⟪{}⟫]", collapse(&self.src(t.span())))
    }

    fn item(&mut self, item: &Item) {
        let summary = match &item.kind {
            ItemKind::Namespace(n) => format!("namespace {}", self.name(n)),
            ItemKind::Gateway(g) => format!("gateway {}", self.name(&g.name)),
            ItemKind::Destination(d) => format!("destination {}", self.name(&d.name)),
            ItemKind::Policy(p) => {
                format!("policy {} = {}", self.name(&p.name), self.name(&p.kind))
            }
            ItemKind::Routes(r) => format!("routes {}", self.name(&r.name)),
            ItemKind::Test(t) => format!("test {}", self.str(&t.name)),
            ItemKind::Error => "ERROR ITEM".to_string(),
        };
        let r = self.parse.range(self.first, item.span);
        let header = format!(
            "{summary}  @{} tokens {}..{} bytes {}..{}",
            self.first, item.span.start, item.span.end, r.start, r.end
        );
        if matches!(item.kind, ItemKind::Error) {
            self.node(0, &header, item.span);
        } else {
            self.line(0, &header);
        }
        match &item.kind {
            ItemKind::Gateway(g) => g.body.iter().for_each(|s| self.gateway_stmt(s)),
            ItemKind::Destination(d) => d.body.iter().for_each(|s| self.destination_stmt(s)),
            ItemKind::Policy(p) => match &p.body {
                PolicyBody::Short(v) => self.line(1, &format!("short {}", self.value(v))),
                PolicyBody::Block { fields, span } => {
                    self.node(1, "block", *span);
                    fields.iter().for_each(|f| self.field(f));
                }
                PolicyBody::Error(span) => self.node(1, "ERROR BODY", *span),
            },
            ItemKind::Routes(t) => t.body.iter().for_each(|s| self.table_stmt(s)),
            ItemKind::Test(t) => t.body.iter().for_each(|s| self.test_stmt(s)),
            ItemKind::Namespace(_) | ItemKind::Error => {}
        }
    }

    fn gateway_stmt(&mut self, s: &GatewayStmt) {
        let (summary, span) = match s {
            GatewayStmt::Cluster { clusters, span } => {
                (format!("cluster {}", self.names(clusters)), span)
            }
            GatewayStmt::Workload {
                selector,
                namespace,
                span,
            } => (
                format!("workload {}{}", self.selector(selector), self.ns(namespace)),
                span,
            ),
            GatewayStmt::Listen {
                port,
                protocol,
                tls,
                span,
            } => {
                let tls = tls
                    .as_ref()
                    .map(|t| format!(" tls={}", self.str(t)))
                    .unwrap_or_default();
                (
                    format!("listen {} {}{tls}", self.int(port), self.name(protocol)),
                    span,
                )
            }
            GatewayStmt::Error(span) => ("ERROR".to_string(), span),
        };
        self.node(1, &summary, *span);
    }

    fn apply(&self, a: &Apply) -> String {
        format!("apply {}", self.names(&a.policies))
    }

    fn destination_stmt(&mut self, s: &DestinationStmt) {
        let (summary, span) = match s {
            DestinationStmt::Host { hosts, span } => (format!("host {}", self.strs(hosts)), *span),
            DestinationStmt::Port {
                number,
                protocol,
                target,
                span,
            } => {
                let mut s = format!("port {}", self.int(number));
                if let Some(p) = protocol {
                    s += &format!(" protocol={}", self.name(p));
                }
                if let Some(t) = target {
                    s += &format!(" -> {}", self.port(t));
                }
                (s, *span)
            }
            DestinationStmt::Select {
                selector,
                namespace,
                span,
            } => (
                format!("select {}{}", self.selector(selector), self.ns(namespace)),
                *span,
            ),
            DestinationStmt::Clusters { clusters, span } => {
                (format!("clusters {}", self.names(clusters)), *span)
            }
            DestinationStmt::Apply(a) => (self.apply(a), a.span),
            DestinationStmt::Error(span) => ("ERROR".to_string(), *span),
        };
        self.node(1, &summary, span);
    }

    fn field(&mut self, f: &PolicyField) {
        let args = match &f.args {
            FieldArgs::Flag => "flag".to_string(),
            FieldArgs::Values(vs) => format!("values [{}]", self.values(vs)),
            FieldArgs::Header {
                action,
                header,
                value,
            } => {
                let value = value
                    .as_ref()
                    .map(|v| format!(" {}", self.str(v)))
                    .unwrap_or_default();
                format!("header {} {}{value}", self.name(action), self.str(header))
            }
            FieldArgs::Target(t) => format!("target {}", self.target(t)),
            FieldArgs::Allow { principal, account } => {
                format!("allow {} {}", self.name(principal), self.qname(account))
            }
            FieldArgs::Mapping { from, to } => {
                format!("mapping {} to [{}]", self.value(from), self.values(to))
            }
            FieldArgs::Unknown => "UNKNOWN".to_string(),
            FieldArgs::Error => "ERROR".to_string(),
        };
        self.node(2, &format!("field {} {args}", self.name(&f.name)), f.span);
    }

    fn table_stmt(&mut self, s: &TableStmt) {
        match s {
            TableStmt::Hosts { hosts, span } => {
                self.node(1, &format!("hosts {}", self.strs(hosts)), *span)
            }
            TableStmt::Expose(e) => {
                let summary = match e {
                    Expose::Gateway { gateways, .. } => {
                        format!("expose on gateway {}", self.names(gateways))
                    }
                    Expose::Mesh { .. } => "expose to mesh".to_string(),
                    Expose::Workloads {
                        selector,
                        namespace,
                        ..
                    } => format!(
                        "expose to workloads {}{}",
                        self.selector(selector),
                        self.ns(namespace)
                    ),
                };
                self.node(1, &summary, e.span());
            }
            TableStmt::Apply(a) => self.node(1, &self.apply(a), a.span),
            TableStmt::Weight { weight, span } => {
                self.node(1, &format!("weight {}", self.int(weight)), *span)
            }
            TableStmt::Route(r) => {
                let r_span = r.span;
                self.node(1, &format!("route {}", self.name(&r.name)), r_span);
                r.body.iter().for_each(|s| self.route_stmt(s));
            }
            TableStmt::Error(span) => self.node(1, "ERROR", *span),
        }
    }

    fn matcher(&self, m: &Matcher) -> String {
        let s = match m {
            Matcher::Path { kind, value, .. } => format!("path {kind:?} {}", self.str(value)),
            Matcher::Header { name, op, .. } => {
                let op = match op {
                    HeaderOp::Equals(v) => format!("= {}", self.str(v)),
                    HeaderOp::NotEquals(v) => format!("!= {}", self.str(v)),
                    HeaderOp::Regex(v) => format!("~ {}", self.str(v)),
                    HeaderOp::Present => "present".to_string(),
                };
                format!("header {} {op}", self.str(name))
            }
            Matcher::Query { name, op, .. } => {
                let op = match op {
                    QueryOp::Equals(v) => format!("= {}", self.str(v)),
                    QueryOp::Regex(v) => format!("~ {}", self.str(v)),
                };
                format!("query {} {op}", self.str(name))
            }
            Matcher::Method { methods, .. } => format!("method {}", self.names(methods)),
        };
        format!("[{s} ⟪{}⟫]", collapse(&self.src(m.span())))
    }

    fn route_stmt(&mut self, s: &RouteStmt) {
        let (summary, span) = match s {
            RouteStmt::Match { matchers, span } => {
                let ms: Vec<String> = matchers.iter().map(|m| self.matcher(m)).collect();
                (format!("match {}", ms.join(" and ")), *span)
            }
            RouteStmt::To { targets, span } => {
                let ts: Vec<String> = targets.iter().map(|t| self.target(t)).collect();
                (format!("to {}", ts.join(", ")), *span)
            }
            RouteStmt::Redirect {
                host,
                path,
                code,
                span,
            } => {
                let mut s = "redirect".to_string();
                if let Some(h) = host {
                    s += &format!(" host={}", self.str(h));
                }
                if let Some(p) = path {
                    s += &format!(" path={}", self.str(p));
                }
                if let Some(c) = code {
                    s += &format!(" code={}", self.int(c));
                }
                (s, *span)
            }
            RouteStmt::Respond { status, body, span } => {
                let body = body
                    .as_ref()
                    .map(|b| format!(" body={}", self.str(b)))
                    .unwrap_or_default();
                (format!("respond {}{body}", self.int(status)), *span)
            }
            RouteStmt::Delegate { tables, span } => {
                (format!("delegate to routes {}", self.names(tables)), *span)
            }
            RouteStmt::Rewrite { kind, value, span } => {
                (format!("rewrite {kind:?} {}", self.str(value)), *span)
            }
            RouteStmt::Apply(a) => (self.apply(a), a.span),
            RouteStmt::Error(span) => ("ERROR".to_string(), *span),
        };
        self.node(2, &summary, span);
    }

    fn test_stmt(&mut self, s: &TestStmt) {
        let (summary, span) = match s {
            TestStmt::Request {
                method,
                url,
                headers,
                via_gateway,
                span,
            } => {
                let mut s = format!("request {} {}", self.name(method), self.str(url));
                for (n, v) in headers {
                    s += &format!(" header {}={}", self.str(n), self.str(v));
                }
                if let Some(g) = via_gateway {
                    s += &format!(" via gateway {}", self.name(g));
                }
                (s, *span)
            }
            TestStmt::ExpectRoute { table, route, span } => (
                format!("expect route {}.{}", self.name(table), self.name(route)),
                *span,
            ),
            TestStmt::ExpectTo { target, span } => {
                (format!("expect to {}", self.target(target)), *span)
            }
            TestStmt::ExpectPolicy { policy, span } => {
                (format!("expect policy {}", self.name(policy)), *span)
            }
            TestStmt::ExpectNoRoute { span } => ("expect no route".to_string(), *span),
            TestStmt::Error(span) => ("ERROR".to_string(), *span),
        };
        self.node(1, &summary, span);
    }
}
