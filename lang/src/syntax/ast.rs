//! The typed syntax tree of one `.route` file.
//!
//! Every node carries a [`Span`] in *token indices relative to the first token of the item
//! that contains it* (comments and whitespace are not tokens). That choice is what makes the
//! checker incremental: editing whitespace or comments anywhere, or editing one item, leaves the
//! syntax of every other item equal to what it was, so salsa reuses their checks. Byte ranges
//! are recovered through [`Parse::range`](super::Parse::range) when a diagnostic is rendered or
//! the language server needs a position.
//!
//! Bad input never aborts the tree: `Error` nodes stand where a statement or item could not be
//! parsed, and the syntax errors are reported beside the tree.

pub use compact_str::CompactString;

/// A token range `[start, end)`, relative to the first token of the enclosing item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// An identifier as written (`reviews`, `per-try-timeout`, `GET`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: CompactString,
    pub span: Span,
}

/// A string literal, already unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Str {
    pub value: CompactString,
    pub span: Span,
}

/// An integer literal. Out-of-range values are the checker's business, so it is kept wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Int {
    pub value: u64,
    pub span: Span,
}

/// `NAME` or `NAME.NAMESPACE` (services, service accounts).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    pub name: Name,
    pub namespace: Option<Name>,
    pub span: Span,
}

/// A literal value in a policy field or a short-form policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Int(u64),
    /// Milliseconds: `250ms`, `1h30m`.
    Duration(u64),
    /// Thousandths of a percent: `12.5%` is 12_500.
    Percent(u64),
    Str(CompactString),
    Ident(CompactString),
    /// A word starting with a digit that is not a duration: `5xx`.
    Word(CompactString),
}

/// `(app = "reviews", "app.kubernetes.io/part-of" = "shop")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selector {
    pub labels: Vec<LabelMatch>,
    pub span: Span,
}

/// One `key = "value"` of a selector. The key is an identifier or a string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LabelMatch {
    pub key: Str,
    pub value: Str,
    pub span: Span,
}

/// The whole file: what the parser produced, in source order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub kind: ItemKind,
    /// The whole item, from its keyword to its closing brace.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `namespace NAME`: the namespace of this file's resources.
    Namespace(Name),
    Gateway(Gateway),
    Destination(Destination),
    Policy(Policy),
    Routes(RouteTable),
    Test(Test),
    /// Tokens at the top level that are not an item; the parse errors say why.
    Error,
}

/// `gateway NAME { ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gateway {
    pub name: Name,
    pub body: Vec<GatewayStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GatewayStmt {
    /// `cluster a, b`
    Cluster {
        clusters: Vec<Name>,
        span: Span,
    },
    /// `workload (labels) [in NAMESPACE]`
    Workload {
        selector: Selector,
        namespace: Option<Name>,
        span: Span,
    },
    /// `listen PORT PROTOCOL [tls SECRET]`
    Listen {
        port: Int,
        protocol: Name,
        tls: Option<Str>,
        span: Span,
    },
    Error(Span),
}

/// `destination NAME { ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Destination {
    pub name: Name,
    pub body: Vec<DestinationStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DestinationStmt {
    /// `host "a.mesh.internal"[, "b"]`
    Host {
        hosts: Vec<Str>,
        span: Span,
    },
    /// `port NUMBER [PROTOCOL] [-> TARGET]`
    Port {
        number: Int,
        protocol: Option<Name>,
        target: Option<PortRef>,
        span: Span,
    },
    /// `select (labels) [in NAMESPACE]`
    Select {
        selector: Selector,
        namespace: Option<Name>,
        span: Span,
    },
    /// `clusters a, b`
    Clusters {
        clusters: Vec<Name>,
        span: Span,
    },
    Apply(Apply),
    Error(Span),
}

/// A port given by number or by name (`9080`, `http`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PortRef {
    Number(Int),
    Name(Name),
}

impl PortRef {
    pub fn span(&self) -> Span {
        match self {
            PortRef::Number(i) => i.span,
            PortRef::Name(n) => n.span,
        }
    }
}

/// `apply a, b`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Apply {
    pub policies: Vec<Name>,
    pub span: Span,
}

/// `policy NAME = KIND { fields }` or the short form `policy NAME = KIND VALUE`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    pub name: Name,
    pub kind: Name,
    pub body: PolicyBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PolicyBody {
    /// `timeout 10s`
    Short(Value),
    Block {
        fields: Vec<PolicyField>,
        span: Span,
    },
    /// A body that did not parse (`policy slow = timeout 1.5s`); the syntax error is already
    /// reported. The policy still exists, so references to it resolve.
    Error(Span),
}

/// One field of a policy block. Which fields belong to which kind, and the types of their
/// values, are checked later: the parser knows only the shape of each field name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyField {
    pub name: Name,
    pub args: FieldArgs,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldArgs {
    /// A flag such as `credentials`.
    Flag,
    /// One value or a comma-separated list: `attempts 3`, `on 5xx, reset`.
    Values(Vec<Value>),
    /// `request set "x" "y"`, `response remove "server"`; `action` is `set` or `remove`.
    Header {
        action: Name,
        header: Str,
        value: Option<Str>,
    },
    /// `to service reviews.bookinfo:9080 (version = "v3")`
    Target(Target),
    /// `allow service-account NAME.NAMESPACE`; `principal` is `service-account`.
    Allow {
        principal: Name,
        account: QualifiedName,
    },
    /// `from "REGION" to "REGION", ...`
    Mapping { from: Value, to: Vec<Value> },
    /// A field name the parser does not know; its tokens were skipped.
    Unknown,
    /// A known field whose arguments did not parse; the syntax error is already reported, so
    /// the checker should say nothing more about this field.
    Error,
}

/// `routes NAME { ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RouteTable {
    pub name: Name,
    pub body: Vec<TableStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TableStmt {
    /// `hosts "a", "b"`
    Hosts {
        hosts: Vec<Str>,
        span: Span,
    },
    Expose(Expose),
    Apply(Apply),
    /// `weight N`
    Weight {
        weight: Int,
        span: Span,
    },
    Route(Route),
    Error(Span),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expose {
    /// `expose on gateway a, b`
    Gateway { gateways: Vec<Name>, span: Span },
    /// `expose to mesh`
    Mesh { span: Span },
    /// `expose to workloads (labels) [in NAMESPACE]`
    Workloads {
        selector: Selector,
        namespace: Option<Name>,
        span: Span,
    },
}

impl Expose {
    pub fn span(&self) -> Span {
        match self {
            Expose::Gateway { span, .. }
            | Expose::Mesh { span }
            | Expose::Workloads { span, .. } => *span,
        }
    }
}

/// `route NAME { ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    pub name: Name,
    pub body: Vec<RouteStmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RouteStmt {
    /// `match M and M ...`; several `match` statements are alternatives.
    Match {
        matchers: Vec<Matcher>,
        span: Span,
    },
    /// `to T [weight N], T [weight N]`
    To {
        targets: Vec<Target>,
        span: Span,
    },
    /// `redirect [host H] [path P] [code N]`
    Redirect {
        host: Option<Str>,
        path: Option<Str>,
        code: Option<Int>,
        span: Span,
    },
    /// `respond STATUS [BODY]`
    Respond {
        status: Int,
        body: Option<Str>,
        span: Span,
    },
    /// `delegate to routes a, b`
    Delegate {
        tables: Vec<Name>,
        span: Span,
    },
    /// `rewrite prefix P` or `rewrite host H`
    Rewrite {
        kind: RewriteKind,
        value: Str,
        span: Span,
    },
    Apply(Apply),
    Error(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RewriteKind {
    Prefix,
    Host,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Matcher {
    /// `path prefix|exact|regex "..."`
    Path {
        kind: PathKind,
        value: Str,
        span: Span,
    },
    /// `header NAME = V`, `!= V`, `~ REGEX`, `present`
    Header { name: Str, op: HeaderOp, span: Span },
    /// `query NAME = V`, `~ REGEX`
    Query { name: Str, op: QueryOp, span: Span },
    /// `method GET, POST`
    Method { methods: Vec<Name>, span: Span },
}

impl Matcher {
    pub fn span(&self) -> Span {
        match self {
            Matcher::Path { span, .. }
            | Matcher::Header { span, .. }
            | Matcher::Query { span, .. }
            | Matcher::Method { span, .. } => *span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    Prefix,
    Exact,
    Regex,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeaderOp {
    Equals(Str),
    NotEquals(Str),
    Regex(Str),
    Present,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueryOp {
    Equals(Str),
    Regex(Str),
}

/// Where a route (or a mirror policy) sends traffic.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// `service NAME[.NAMESPACE][:PORT] [SELECTOR] [@CLUSTER] [weight N]`
    Service {
        service: QualifiedName,
        port: Option<PortRef>,
        subset: Option<Selector>,
        cluster: Option<Name>,
        weight: Option<Int>,
        span: Span,
    },
    /// `destination NAME[:PORT] [weight N]`
    Destination {
        name: Name,
        port: Option<PortRef>,
        weight: Option<Int>,
        span: Span,
    },
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Service { span, .. } | Target::Destination { span, .. } => *span,
        }
    }

    pub fn weight(&self) -> Option<Int> {
        match self {
            Target::Service { weight, .. } | Target::Destination { weight, .. } => *weight,
        }
    }
}

/// `test "NAME" { ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Test {
    pub name: Str,
    pub body: Vec<TestStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TestStmt {
    /// `request METHOD "URL" [header "N" = "V"]... [via gateway NAME]`
    Request {
        method: Name,
        url: Str,
        headers: Vec<(Str, Str)>,
        via_gateway: Option<Name>,
        span: Span,
    },
    /// `expect route TABLE.ROUTE`
    ExpectRoute {
        table: Name,
        route: Name,
        span: Span,
    },
    /// `expect to TARGET`
    ExpectTo {
        target: Target,
        span: Span,
    },
    /// `expect policy NAME`
    ExpectPolicy {
        policy: Name,
        span: Span,
    },
    /// `expect no route`
    ExpectNoRoute {
        span: Span,
    },
    Error(Span),
}
