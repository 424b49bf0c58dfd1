//! Documentation of the language's keywords, for hover and completion: the statements of each
//! block (with their syntax as the language reference writes it) and the words used inside
//! statements. Policy kinds and fields are documented by the policy schema
//! ([`crate::check::PolicyKind`]), not here.

use super::classify::Block;
use crate::check::PolicyKind;

/// A keyword with its documentation.
#[derive(Clone, Copy, Debug)]
pub(super) struct Keyword {
    pub word: &'static str,
    /// The statement as the language reference writes it.
    pub syntax: &'static str,
    pub doc: &'static str,
    /// A block holds at most one such statement.
    pub once: bool,
}

const fn kw(word: &'static str, syntax: &'static str, doc: &'static str) -> Keyword {
    Keyword {
        word,
        syntax,
        doc,
        once: false,
    }
}

const fn once(word: &'static str, syntax: &'static str, doc: &'static str) -> Keyword {
    Keyword {
        word,
        syntax,
        doc,
        once: true,
    }
}

const ITEMS: &[Keyword] = &[
    kw(
        "gateway",
        "gateway NAME { cluster … workload … listen … }",
        "A virtual gateway, owned by operators: the clusters it runs in, the ingress workloads \
         that implement it and the ports it listens on. Compiles to a `VirtualGateway`.",
    ),
    kw(
        "destination",
        "destination NAME { host … port … select … }",
        "A virtual destination: hosts and ports in front of backing services selected by \
         labels, across clusters. Compiles to a `VirtualDestination`.",
    ),
    kw(
        "policy",
        "policy NAME = KIND { FIELD … }",
        "A traffic or security policy, defined once and applied with `apply` to routes, route \
         tables or destinations.",
    ),
    kw(
        "routes",
        "routes NAME { hosts … expose … route NAME { … } }",
        "A route table, owned by an application team: the hosts it serves, where it is \
         exposed, and its routes, tried in order. Compiles to a `RouteTable`.",
    ),
    kw(
        "test",
        "test \"NAME\" { request … expect … }",
        "A routing expectation, checked offline by `routec test`: a request and what must \
         happen to it.",
    ),
    once(
        "namespace",
        "namespace NAME",
        "The namespace of the resources generated from this file (default: \
         `project.namespace` in `route.toml`). It comes before every item.",
    ),
];

const GATEWAY: &[Keyword] = &[
    once(
        "cluster",
        "cluster NAME, …",
        "The clusters the gateway runs in.",
    ),
    once(
        "workload",
        "workload (LABELS) [in NAMESPACE]",
        "Selects the gateway's workloads (its ingress pods) by labels. The selector must match \
         a workload on each of the gateway's clusters.",
    ),
    kw(
        "listen",
        "listen PORT http|https|tcp [tls SECRET]",
        "A port the gateway listens on; `https` needs `tls` with the name of the certificate \
         secret.",
    ),
];

const DESTINATION: &[Keyword] = &[
    kw(
        "host",
        "host \"HOSTNAME\", …",
        "The hostnames clients use to reach the destination.",
    ),
    kw(
        "port",
        "port NUMBER [PROTOCOL] [-> TARGET]",
        "A virtual port, forwarded to a port of the backing services by number or name \
         (default: the same number). The protocol defaults to the backing port's \
         `appProtocol`, else its name, else HTTP.",
    ),
    kw(
        "select",
        "select (LABELS) [in NAMESPACE]",
        "Selects backing services by their labels, in any namespace unless `in` says which. \
         A service matching any `select` is a backend.",
    ),
    once(
        "clusters",
        "clusters NAME, …",
        "Restricts the destination to these clusters (default: every cluster where its \
         selectors match).",
    ),
    kw(
        "apply",
        "apply POLICY, …",
        "Applies destination-level policies (`outlier`, `failover`, `access`) to this \
         destination.",
    ),
];

const TABLE: &[Keyword] = &[
    once(
        "hosts",
        "hosts \"HOST\", …",
        "The hosts the table serves. A table with hosts is a root table and needs an \
         `expose`; without hosts it is reached only by delegation.",
    ),
    kw(
        "expose",
        "expose on gateway NAME, … | expose to mesh | expose to workloads (LABELS) [in NAMESPACE]",
        "Where the table is served: north-south through virtual gateways, or east-west inside \
         the mesh, to every workload or to some.",
    ),
    kw(
        "apply",
        "apply POLICY, …",
        "Applies route-level policies to every route of the table, including the routes of \
         the tables it delegates to. A route's own `apply` replaces a policy of the same kind.",
    ),
    once(
        "weight",
        "weight N",
        "Orders the tables one route delegates to (higher first); only on delegated tables.",
    ),
    kw(
        "route",
        "route NAME { match … to … }",
        "A route: what it matches and what it does with the request. Routes are tried in \
         order; the first that matches wins.",
    ),
];

const ROUTE: &[Keyword] = &[
    kw(
        "match",
        "match MATCHER [and MATCHER …]",
        "What the route matches: `path prefix|exact|regex`, `header`, `query` and `method`, \
         joined with `and`. Several `match` lines are alternatives; a route without `match` \
         matches every request.",
    ),
    kw(
        "to",
        "to TARGET [weight N], …",
        "Forwards the request to services or virtual destinations. With several targets, \
         either every target has a weight and the weights sum to 100, or traffic is split \
         evenly.",
    ),
    kw(
        "redirect",
        "redirect [host H] [path P] [code 301|302|303|307|308]",
        "Answers with a redirect to another host or path.",
    ),
    kw(
        "respond",
        "respond STATUS [BODY]",
        "Answers directly with a status and an optional body.",
    ),
    kw(
        "delegate",
        "delegate to routes TABLE, …",
        "Hands the requests this route matches to delegated route tables; their routes must \
         lie within this route's prefix.",
    ),
    kw(
        "rewrite",
        "rewrite prefix P | rewrite host H",
        "Rewrites the matched path prefix or the host before forwarding; only with `to`.",
    ),
    kw(
        "apply",
        "apply POLICY, …",
        "Applies route-level policies to this route; they replace the table's policies of the \
         same kind.",
    ),
];

const TEST: &[Keyword] = &[
    once(
        "request",
        "request METHOD \"URL\" [header \"NAME\" = \"VALUE\"]… [via gateway NAME]",
        "The request the test sends: through a gateway, or from inside the mesh without `via`.",
    ),
    kw(
        "expect",
        "expect route TABLE.ROUTE | expect to TARGET | expect policy NAME | expect no route",
        "What must happen to the request: the route that matches it, where it goes, a policy \
         that applies to it, or that no route matches.",
    ),
];

/// Words used inside statements.
const WORDS: &[Keyword] = &[
    kw(
        "in",
        "in NAMESPACE",
        "Restricts a selector to one namespace; without it, the selector matches in any \
         namespace.",
    ),
    kw(
        "path",
        "path prefix|exact|regex \"PATH\"",
        "Matches the request path. At most one `path` per `match`.",
    ),
    kw(
        "prefix",
        "path prefix \"PATH\"",
        "Matches paths that start with this prefix.",
    ),
    kw("exact", "path exact \"PATH\"", "Matches exactly this path."),
    kw(
        "regex",
        "path regex \"REGEX\"",
        "Matches paths against a regular expression (RE2 syntax, as Envoy uses).",
    ),
    kw(
        "header",
        "header \"NAME\" = V | != V | ~ REGEX | present",
        "Matches a request header: equal, not equal, matching a regex, or present.",
    ),
    kw(
        "query",
        "query \"NAME\" = V | ~ REGEX",
        "Matches a query parameter: equal to a value or matching a regex.",
    ),
    kw(
        "method",
        "method METHOD, …",
        "Matches the request method; `method A, B` is the same as two `match` lines that \
         differ only in the method.",
    ),
    kw(
        "and",
        "MATCHER and MATCHER",
        "Joins matchers: the request must match all of them.",
    ),
    kw(
        "present",
        "header \"NAME\" present",
        "Matches when the header is present, whatever its value.",
    ),
    kw(
        "weight",
        "TARGET weight N",
        "The share of traffic this target receives; the weights of a route's targets sum to \
         100.",
    ),
    kw(
        "service",
        "service NAME[.NAMESPACE][:PORT] [(LABELS)] [@CLUSTER]",
        "A Kubernetes service, optionally a subset of its workloads by labels. The namespace \
         defaults to the file's; without `@CLUSTER`, the service in the cluster that serves \
         the request.",
    ),
    kw(
        "destination",
        "destination NAME[:PORT]",
        "A virtual destination of this project.",
    ),
    kw(
        "mesh",
        "expose to mesh",
        "Serves the table to every workload of the mesh.",
    ),
    kw(
        "workloads",
        "expose to workloads (LABELS) [in NAMESPACE]",
        "Serves the table to the workloads that match the selector.",
    ),
    kw(
        "gateway",
        "gateway NAME",
        "A virtual gateway of this project.",
    ),
    kw(
        "routes",
        "delegate to routes TABLE, …",
        "The route tables requests are delegated to.",
    ),
    kw(
        "tls",
        "listen 443 https tls \"SECRET\"",
        "The Kubernetes secret holding the listener's certificate.",
    ),
    kw(
        "via",
        "via gateway NAME",
        "Sends the test request through this gateway; without `via`, from inside the mesh.",
    ),
    kw(
        "no",
        "expect no route",
        "Expects that no route matches the request.",
    ),
    kw(
        "code",
        "code 301|302|303|307|308",
        "The status of the redirect (default 301).",
    ),
    kw(
        "set",
        "request|response set \"NAME\" \"VALUE\"",
        "Sets a header, replacing any value it had.",
    ),
    kw(
        "remove",
        "request|response remove \"NAME\"",
        "Removes a header.",
    ),
    kw(
        "service-account",
        "allow service-account NAME.NAMESPACE",
        "A Kubernetes service account: the identity of a client workload.",
    ),
];

/// The statements of a block. Policy blocks have fields, documented by the schema.
pub(super) fn statements(block: Block) -> &'static [Keyword] {
    match block {
        Block::TopLevel => ITEMS,
        Block::Gateway => GATEWAY,
        Block::Destination => DESTINATION,
        Block::Table => TABLE,
        Block::Route => ROUTE,
        Block::Test => TEST,
        Block::Policy(_) => &[],
    }
}

/// The statement of a block that starts with `word`.
pub(super) fn statement(block: Block, word: &str) -> Option<&'static Keyword> {
    statements(block).iter().find(|k| k.word == word)
}

/// A word used inside statements.
pub(super) fn word(word: &str) -> Option<&'static Keyword> {
    WORDS.iter().find(|k| k.word == word)
}

/// Whether `word` is a keyword anywhere in the language (for colouring).
pub(super) fn is_keyword(word: &str) -> bool {
    [ITEMS, GATEWAY, DESTINATION, TABLE, ROUTE, TEST, WORDS]
        .iter()
        .any(|keywords| keywords.iter().any(|k| k.word == word))
        // `expose on gateway`; `on` is otherwise a retry field.
        || word == "on"
}

/// The words a name referred to from `blocks` may not be: the parser reads them as the start
/// of a statement there (names are reserved only where they would be ambiguous), and an item
/// keyword at the start of a line starts a new item.
pub(super) fn reserved_in(blocks: &[Block], word: &str) -> bool {
    ITEMS.iter().any(|k| k.word == word)
        || blocks.iter().any(|&block| match block {
            // Inside a policy block, every field name of every kind is reserved.
            Block::Policy(_) => PolicyKind::ALL.iter().any(|k| k.field(word).is_some()),
            _ => statement(block, word).is_some(),
        })
        // Inside a route, `route` closes the route whose `}` is missing.
        || (blocks.contains(&Block::Route) && word == "route")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_lookup() {
        assert!(statement(Block::Route, "match").is_some());
        assert!(statement(Block::Table, "match").is_none());
        assert!(is_keyword("prefix"));
        assert!(!is_keyword("reviews"));
        assert!(reserved_in(&[Block::Route], "route"));
        assert!(reserved_in(&[], "gateway"));
        assert!(!reserved_in(&[Block::Test], "match"));
        assert!(reserved_in(&[Block::Policy(None)], "percent"));
    }
}
