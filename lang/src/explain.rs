//! Long explanations of diagnostic codes, for `routec explain CODE` and the language server's
//! code descriptions: what the code means, why it matters, and an example with its fix.
//!
//! The examples are bookinfo-style snippets. They are checked (in the routec CLI tests)
//! against the bookinfo inventory used by the checker tests — clusters `cluster-1` and
//! `cluster-2`, namespaces `bookinfo`, `api` and `gloo-mesh-gateways` — with `route.toml`
//! namespace `bookinfo` and [`EXAMPLE_PRELUDE`] beside them: every example must report its
//! code, every fix must check cleanly, and both must be formatted.

use crate::codes::Code;

/// What every example may refer to without defining it: the `ingress` gateway and the
/// `reviews` virtual destination of the bookinfo example.
pub const EXAMPLE_PRELUDE: &str = r#"gateway ingress {
  cluster cluster-1
  workload (istio = "ingressgateway") in gloo-mesh-gateways
  listen 80 http
}

destination reviews {
  host "reviews.mesh.internal"
  port 9080 -> http
  select (app = "reviews") in bookinfo
}
"#;

/// The long explanation of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// One paragraph: what is wrong, why it matters, how to fix it.
    pub summary: &'static str,
    /// A short `.route` snippet that reports the code.
    pub example: &'static str,
    /// The same snippet, fixed.
    pub fix: &'static str,
}

/// The explanation of `code`.
pub fn explain(code: Code) -> Explanation {
    let (summary, example, fix) = match code {
        // Syntax.
        Code::SyntaxError => (
            "The text does not follow the grammar of the language: a token is missing, or one \
             appears where it cannot. The message says what was expected. Parsing resumes at the \
             next statement (or item), so every syntax error of a file is reported at once and \
             the rest of the file is still checked.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews,
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::InvalidToken => (
            "The file contains characters that start no token of the language, such as a \
             single-quoted string or a stray `;`. Strings are written in double quotes, and no \
             separators are needed between statements.",
            r#"routes bookinfo {
  hosts 'bookinfo.example.com'
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::BadString => (
            "A string is not closed before the end of its line, or contains an escape the \
             language does not know. The escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and \
             `\\u{...}`; a backslash that belongs to a regular expression must itself be \
             escaped, as `\\\\d`.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path regex "/reviews/\d+"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path regex "/reviews/\\d+"
    to destination reviews
  }
}
"#,
        ),
        Code::TooDeep => (
            "Braces or parentheses are nested deeper than the parser accepts. No valid program \
             comes close to the limit: a route table holds routes, a route holds statements, \
             and nothing nests further. This usually means generated text went wrong, or a \
             closing brace is missing many times over.",
            r#"routes bookinfo { route reviews { route reviews { route reviews { ... } } } }
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::BadNumber => (
            "A number, duration or percentage is malformed or does not fit its type. Durations \
             are whole numbers of `ms`, `s`, `m` or `h`, and may combine units from largest to \
             smallest (`1h30m`); there are no fractional durations, so write `1500ms` rather \
             than `1.5s`. Percentages have at most three decimals.",
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 1.5s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 1500ms
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),

        // Names.
        Code::DuplicateItem => (
            "Two items of the same kind have the same name. Names are global per kind within a \
             project (across all its files), because they become the names of the generated \
             resources and references must say which item they mean. The diagnostic points at \
             the later definition and labels the first; rename one of them or delete the copy.",
            r#"policy slow = timeout 10s

policy slow = timeout 30s

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply slow
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy slow = timeout 10s

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply slow
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnknownGateway => (
            "`expose on gateway` (or a test's `via gateway`) names a gateway that no file of the \
             project defines. Gateways are defined by operators with `gateway NAME { ... }`; the \
             help line suggests the closest defined name.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingres
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnknownDestination => (
            "A `to destination` target (or a test expectation) names a virtual destination \
             that no file of the project defines. Define it with `destination NAME { ... }`, \
             or fix the name: the help line suggests the closest defined one.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination review
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnknownPolicy => (
            "`apply` (or a test's `expect policy`) names a policy that no file of the project \
             defines. Define it with `policy NAME = KIND ...`, or fix the name: the help line \
             suggests the closest defined one.",
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retry
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnknownTable => (
            "`delegate to routes` (or a test's `expect route`) names a route table that no file \
             of the project defines. Define the table with `routes NAME { ... }`, or fix the \
             name: the help line suggests the closest defined one.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route api {
    match path prefix "/api"
    delegate to routes api-user
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route api {
    match path prefix "/api"
    delegate to routes api-users
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
        ),
        Code::UnknownRoute => (
            "A test's `expect route TABLE.ROUTE` names a route that the table does not have. \
             Routes are named within their table, so `TABLE.ROUTE` must name both a defined \
             table and one of its routes.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}

test "reviews are routed" {
  request GET "http://bookinfo.example.com/reviews/1" via gateway ingress
  expect route bookinfo.review
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}

test "reviews are routed" {
  request GET "http://bookinfo.example.com/reviews/1" via gateway ingress
  expect route bookinfo.reviews
}
"#,
        ),
        Code::DuplicateRoute => (
            "Two routes of one table have the same name. Route names identify routes in tests \
             (`TABLE.ROUTE`) and in the generated route table, so they must be unique within \
             their table. Rename one of them.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
  route reviews {
    match path prefix "/ratings"
    to service ratings:9080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
  route ratings {
    match path prefix "/ratings"
    to service ratings:9080
  }
}
"#,
        ),
        Code::MisplacedNamespace => (
            "A `namespace` statement sets the namespace of every resource generated from its \
             file, so it must be the first statement of the file, and there can be only one. \
             Move it to the top of the file.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}

namespace bookinfo
"#,
            r#"namespace bookinfo

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),

        // Inventory.
        Code::UnknownCluster => (
            "A cluster name is not in the inventory. Clusters are named in gateways \
             (`cluster`), destinations (`clusters`) and service targets (`@CLUSTER`), and must \
             be clusters of the mesh as the inventory describes it. Fix the name (the help line \
             suggests the closest one) or add the cluster to the inventory.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route details {
    match path prefix "/details"
    to service details:9080 @cluster1
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route details {
    match path prefix "/details"
    to service details:9080 @cluster-1
  }
}
"#,
        ),
        Code::UnknownNamespace => (
            "A namespace is not in any cluster of the inventory. Namespaces appear in service \
             targets (`service NAME.NAMESPACE`), after `in` in selectors, and in `namespace` \
             statements. Fix the name or add the namespace to the inventory.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route productpage {
    match path prefix "/productpage"
    to service productpage.book-info:9080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route productpage {
    match path prefix "/productpage"
    to service productpage.bookinfo:9080
  }
}
"#,
        ),
        Code::UnknownService => (
            "A service target names a Kubernetes service that the namespace does not have in \
             any cluster of the inventory. Without `.NAMESPACE` the service is looked up in the \
             file's namespace (the `namespace` statement, else `route.toml`). Fix the name (the \
             help line suggests the closest one), name the right namespace, or update the \
             inventory.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings"
    to service rating:9080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings"
    to service ratings:9080
  }
}
"#,
        ),
        Code::UnknownPort => (
            "The service has no port with this number or name. A target port is a port of the \
             Kubernetes service (its `port`, not its `targetPort`), given by number or by name; \
             the help line lists the ports the service has.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings"
    to service ratings:8080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings"
    to service ratings:9080
  }
}
"#,
        ),
        Code::AmbiguousPort => (
            "A service target leaves out the port, but the service has several ports, so the \
             route would not say which one gets the traffic. The port may only be omitted when \
             the service has exactly one. Add `:PORT` (a number or a port name).",
            r#"routes api {
  hosts "api.example.com"
  expose on gateway ingress
  route orders {
    match path prefix "/orders"
    to service orders.api
  }
}
"#,
            r#"routes api {
  hosts "api.example.com"
  expose on gateway ingress
  route orders {
    match path prefix "/orders"
    to service orders.api:8080
  }
}
"#,
        ),
        Code::SelectorMatchesNothing => (
            "A label selector matches no service or workload in the inventory, so the traffic \
             or the policy it stands for would reach nothing. This is a warning because the \
             inventory may lag behind the clusters (a new version not deployed yet); check the \
             labels against what is deployed.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (version = "v4")
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (version = "v2")
  }
}
"#,
        ),
        Code::UnknownLabelKey => (
            "A selector uses a label key that no service or workload of the inventory has: \
             usually a typo. The help line suggests the closest key that exists. This is a \
             warning because the inventory may not know every label yet.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (versoin = "v2")
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (version = "v2")
  }
}
"#,
        ),
        Code::ServiceNotInCluster => (
            "A service target without `@CLUSTER` means the service in the cluster that serves \
             the request — the gateway's cluster for north-south traffic, each client's own \
             cluster inside the mesh — as Kubernetes DNS does. The service exists in the \
             inventory, but not in that cluster, so those requests would fail. Name the cluster \
             with `@CLUSTER`, route to a virtual destination that spans clusters, or expose the \
             table on a gateway in a cluster that runs the service.",
            r#"gateway west-ingress {
  cluster cluster-2
  workload (istio = "ingressgateway") in gloo-mesh-gateways
  listen 80 http
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway west-ingress
  route productpage {
    match path prefix "/productpage"
    to service productpage:9080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route productpage {
    match path prefix "/productpage"
    to service productpage:9080
  }
}
"#,
        ),
        Code::UnknownServiceAccount => (
            "An `access` policy allows a service account that the namespace does not have in \
             the inventory (neither declared nor used by a workload), so the rule would admit \
             nobody. Service accounts are written `NAME.NAMESPACE`; in bookinfo they are named \
             `bookinfo-productpage` and so on, not after the service.",
            r#"policy frontend-only = access {
  allow service-account productpage.bookinfo
}

destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
  apply frontend-only
}
"#,
            r#"policy frontend-only = access {
  allow service-account bookinfo-productpage.bookinfo
}

destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
  apply frontend-only
}
"#,
        ),
        Code::CrossClusterTarget => (
            "A service target names a cluster (`@CLUSTER`) that none of the table's gateways \
             runs in. The request enters the mesh in the gateway's cluster, so reaching the \
             service means crossing clusters, which works only when the workspace federates \
             services across clusters. Route to a virtual destination instead: it is reachable \
             from every cluster.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 @cluster-2
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),

        Code::UnknownRegion => (
            "A `failover` mapping names a region that no cluster of the inventory is in, so the \
             mapping would never apply. Regions are the clusters' `region` in the inventory \
             (`us-east1`, `us-west1`, ...); the help line suggests the closest one.",
            r#"policy regional-failover = failover {
  from "us-east" to "us-west1"
}

destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
  apply regional-failover
}
"#,
            r#"policy regional-failover = failover {
  from "us-east1" to "us-west1"
}

destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
  apply regional-failover
}
"#,
        ),

        // Policies.
        Code::UnknownPolicyKind => (
            "A policy's kind is not one the language knows. The kinds are `retry`, `timeout`, \
             `fault`, `cors`, `headers` and `mirror` (applied to routes) and `outlier`, \
             `failover` and `access` (applied to destinations).",
            r#"policy standard-retries = retries {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnknownField => (
            "A policy block has a field that its kind does not have. Each kind has a fixed \
             schema, and a misspelled field must not be silently ignored; the help line \
             suggests the closest field of the kind.",
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timout 2s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 2s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::WrongType => (
            "A value has the wrong type for its field: a plain number where a duration belongs, \
             a string where a name belongs, and so on. Durations carry a unit (`2s`, `250ms`), \
             percentages a `%`.",
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 2
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 2s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::OutOfRange => (
            "A value is of the right type but outside the range its field allows: retry \
             `attempts` is 1 to 10, percentages are 0% to 100%, durations must be positive. The \
             message gives the range.",
            r#"policy chaos = fault {
  delay 5s
  percent 120%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply chaos
  }
}
"#,
            r#"policy chaos = fault {
  delay 5s
  percent 10%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply chaos
  }
}
"#,
        ),
        Code::MissingField => (
            "A policy block lacks a field its kind requires: `attempts` for `retry`, `origins` \
             for `cors`, `to` for `mirror`, at least one `allow` for `access`.",
            r#"policy standard-retries = retry {
  per-try-timeout 2s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 2s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::DuplicateField => (
            "A field that may appear once is given twice in one policy block, so it is unclear \
             which value is meant. Only the fields marked \"repeat\" in the language reference \
             (`headers` actions, `failover` mappings, `access` rules) may repeat. Keep one.",
            r#"policy standard-retries = retry {
  attempts 3
  attempts 5
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::WrongLevel => (
            "A policy is applied where its kind does not act. `retry`, `timeout`, `fault`, \
             `cors`, `headers` and `mirror` act on routes and are applied in a route or a route \
             table; `outlier`, `failover` and `access` act on the backends of a virtual \
             destination and are applied in a `destination`. The message says where the policy \
             belongs.",
            r#"policy eject-bad-hosts = outlier {
  consecutive-errors 5
  interval 10s
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply eject-bad-hosts
  }
}
"#,
            r#"policy eject-bad-hosts = outlier {
  consecutive-errors 5
  interval 10s
}

destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
  apply eject-bad-hosts
}
"#,
        ),
        Code::ConflictingPolicies => (
            "Two policies of the same kind are applied at the same level to one route or \
             destination. The mesh would silently keep only the oldest of them, so which one \
             wins would depend on creation time. Both `apply`s are labelled; keep one, or move \
             one to the table (a route-level policy replaces a table-level one of its kind).",
            r#"policy slow = timeout 10s

policy very-slow = timeout 30s

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply slow, very-slow
  }
}
"#,
            r#"policy slow = timeout 10s

policy very-slow = timeout 30s

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply slow
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply very-slow
  }
}
"#,
        ),
        Code::FaultAction => (
            "A `fault` policy injects either a delay or an abort: it needs exactly one of \
             `delay DURATION` and `abort STATUS`. Define two policies to inject both, and apply \
             them to different routes.",
            r#"policy chaos = fault {
  percent 10%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply chaos
  }
}
"#,
            r#"policy chaos = fault {
  delay 5s
  percent 10%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply chaos
  }
}
"#,
        ),
        Code::UnusedPolicy => (
            "A policy is defined but no route table, route or destination applies it, so it \
             generates nothing. Apply it where it is meant to act, or delete it.",
            r#"policy chaos = fault {
  delay 5s
  percent 10%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy chaos = fault {
  delay 5s
  percent 10%
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
    apply chaos
  }
}
"#,
        ),
        Code::ShortFormOnly => (
            "A policy kind is written in a form it does not have. `timeout` has only the short \
             form, `policy NAME = timeout DURATION`; every other kind is written as a block of \
             fields, `policy NAME = KIND { ... }`.",
            r#"policy standard-retries = retry 3

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),

        // Routes and tables.
        Code::BadWeights => (
            "The targets of a route have weights that do not describe a split: either every \
             target has a weight and the weights sum to 100, or no target has one and traffic \
             is split evenly. Anything in between is ambiguous.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (version = "v1") weight 90,
        service reviews:9080 (version = "v2") weight 20
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to service reviews:9080 (version = "v1") weight 90,
        service reviews:9080 (version = "v2") weight 10
  }
}
"#,
        ),
        Code::InvalidRegex => (
            "A regular expression (`path regex`, `header NAME ~`, `query NAME ~`) is not valid \
             RE2 syntax, the dialect Envoy uses. Envoy would reject the generated route; the \
             message says what is wrong. RE2 has no look-around and no backreferences.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path regex "/reviews/([0-9]+"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path regex "/reviews/([0-9]+)"
    to destination reviews
  }
}
"#,
        ),
        Code::InvalidHeaderName => (
            "A header name is not a valid HTTP header name: header names are tokens — letters, \
             digits and `!#$%&'*+-.^_`|~` — with no spaces or colons (pseudo-headers such as \
             `:authority` excepted).",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews" and header "end user" = "jason"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews" and header "end-user" = "jason"
    to destination reviews
  }
}
"#,
        ),
        Code::InvalidHost => (
            "A host name is not valid: hosts are DNS names (letters, digits, `-` and dots), \
             optionally with a leading `*.` wildcard; a `*` anywhere else, empty labels and \
             other characters are rejected by the mesh.",
            r#"routes bookinfo {
  hosts "bookinfo.*.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "*.bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::PortOutOfRange => (
            "A port number is outside 1–65535, the range of TCP ports.",
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 90800 -> http
  select (app = "ratings") in bookinfo
}
"#,
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
}
"#,
        ),
        Code::BadRedirectCode => (
            "A redirect's `code` is not one of the redirect statuses the mesh can send: 301, \
             302, 303, 307 or 308.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route legacy {
    match path prefix "/old"
    redirect path "/new" code 300
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route legacy {
    match path prefix "/old"
    redirect path "/new" code 301
  }
}
"#,
        ),
        Code::NoExpose => (
            "A route table with `hosts` is a root table, but it has no `expose`, so no traffic \
             can reach it. Expose it on a gateway (`expose on gateway NAME`, north-south), to \
             the mesh (`expose to mesh`, east-west), or both; or remove `hosts` if the table is \
             meant to be delegated to.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::UnreachableTable => (
            "A route table without `hosts` can only be reached through `delegate to routes`, \
             but no route delegates to it, so its routes are never used. Delegate to it, or \
             give it `hosts` and an `expose` to make it a root table.",
            r#"routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
            r#"routes api {
  hosts "api.example.com"
  expose on gateway ingress
  route users {
    match path prefix "/api/users"
    delegate to routes api-users
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
        ),
        Code::DelegationCycle => (
            "Route tables delegate to each other in a cycle, so a request could be passed \
             around forever; the mesh rejects such tables. The message lists the cycle. A \
             delegated table should only hold routes under its parent's prefix, not delegate \
             back.",
            r#"routes api {
  hosts "api.example.com"
  expose on gateway ingress
  route all {
    match path prefix "/api"
    delegate to routes api-users
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    delegate to routes api-accounts
  }
}

routes api-accounts {
  route more {
    match path prefix "/api/users/accounts"
    delegate to routes api-users
  }
}
"#,
            r#"routes api {
  hosts "api.example.com"
  expose on gateway ingress
  route all {
    match path prefix "/api"
    delegate to routes api-users
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
        ),
        Code::RouteAction => (
            "A route must do exactly one thing with the requests it matches: forward them \
             (`to`), redirect them, respond directly, or delegate them to other tables. A route \
             with none of these, or with two, is rejected.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route health {
    match path exact "/healthz"
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route health {
    match path exact "/healthz"
    respond 200 "ok"
  }
}
"#,
        ),
        Code::BadRewrite => (
            "A `rewrite` is not valid here. Rewrites only accompany `to` (a redirect, a direct \
             response or a delegation has nothing to rewrite), and `rewrite prefix` needs every \
             matcher of the route to be a path prefix: it replaces the matched prefix, so an \
             exact or regex path has none to replace.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route v1 {
    match path exact "/v1/reviews"
    rewrite prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route v1 {
    match path prefix "/v1/reviews"
    rewrite prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::MatcherTwice => (
            "One `match` gives `path` (or `method`) twice. A request has one path and one method, \
             so the matchers of one `match` line, which must all hold, could never both match. \
             Write alternatives as separate `match` lines, and several methods as one \
             `method A, B`.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews" and path prefix "/reviews-v2"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    match path prefix "/reviews-v2"
    to destination reviews
  }
}
"#,
        ),
        Code::StatementCount => (
            "A block has a statement too few or too many times. A gateway has one `cluster` \
             line, one `workload` and at least one `listen`; a destination at least one `host`, \
             `port` and `select`, and at most one `clusters`; a route table at most one `hosts` \
             and one `weight`. Merge repeated lines: `hosts` and `cluster` take lists.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  hosts "bookinfo.internal"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com", "bookinfo.internal"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::WeightOnRootTable => (
            "`weight` orders the tables that one route delegates to (higher first), so it only \
             means something on a delegated table — one without `hosts`. Remove it from the \
             root table.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  weight 10
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::ExposeWithoutHosts => (
            "A table has `expose` but no `hosts`. Only root tables are exposed, and a root table \
             says which hosts it serves; a table without hosts is reached by delegation only. \
             Add `hosts`, or remove `expose` and delegate to the table.",
            r#"routes bookinfo {
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::BadStatus => (
            "An HTTP status (of `respond`, or a fault's `abort`) is outside 200–599, the \
             statuses a response can carry.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route health {
    match path exact "/healthz"
    respond 20 "ok"
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route health {
    match path exact "/healthz"
    respond 200 "ok"
  }
}
"#,
        ),
        Code::UnknownMethod => (
            "A `method` matcher (or a test request) names something that is not an HTTP method \
             the mesh matches: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT or TRACE, in \
             capitals.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings" and method DEL
    to service ratings:9080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route ratings {
    match path prefix "/ratings" and method DELETE
    to service ratings:9080
  }
}
"#,
        ),

        Code::InvalidPath => (
            "A path (of a matcher, a redirect or a rewrite) is not a valid request path: it must \
             start with `/` and contain no spaces or control characters. Path matchers see the \
             path alone — no scheme and host (match those with `hosts`), no query string (match \
             it with `query`), no fragment.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::DelegateToRoot => (
            "A route delegates to a table that has `hosts`, which makes it a root table: root \
             tables are attached to gateways and the mesh, and cannot also be delegated to. \
             Remove `hosts` and `expose` from the delegated table, so that it is reached only \
             through the delegating route.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route api {
    match path prefix "/api"
    delegate to routes api-users
  }
}

routes api-users {
  hosts "api.example.com"
  expose on gateway ingress
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route api {
    match path prefix "/api"
    delegate to routes api-users
  }
}

routes api-users {
  route list {
    match path prefix "/api/users"
    to service users.api:8080
  }
}
"#,
        ),
        Code::EmptyTable => (
            "A route table has no `route`. The mesh rejects a RouteTable without routes, so \
             add the routes the table is for, or delete the table.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::ClientNamespaceIgnored => (
            "`expose to workloads (labels) in NS` names a namespace, but Gloo Mesh selects the \
             client workloads of a route table by their labels only, so the compiled table \
             reaches matching workloads in every namespace. Drop `in`, or select by a label \
             that only the intended workloads carry.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose to workloads (app = "productpage") in bookinfo
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose to workloads (app = "productpage")
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),

        // Gateways and destinations.
        Code::UnknownProtocol => (
            "A protocol is not one the mesh knows. Listeners take `http`, `https` or `tcp`; \
             destination ports take `http`, `https`, `grpc`, `http2`, `tcp` or `tls` (or \
             nothing, to take it from the backing service port).",
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 htttp -> http
  select (app = "ratings") in bookinfo
}
"#,
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 http -> http
  select (app = "ratings") in bookinfo
}
"#,
        ),
        Code::HttpsWithoutTls => (
            "An `https` listener needs the name of the Kubernetes secret holding its certificate \
             and key: `listen 443 https tls \"SECRET\"`. Without one the gateway could not \
             terminate TLS.",
            r#"gateway secure-ingress {
  cluster cluster-1
  workload (istio = "ingressgateway") in gloo-mesh-gateways
  listen 443 https
}
"#,
            r#"gateway secure-ingress {
  cluster cluster-1
  workload (istio = "ingressgateway") in gloo-mesh-gateways
  listen 443 https tls "bookinfo-cert"
}
"#,
        ),
        Code::WorkloadNotFound => (
            "A gateway's workload selector matches no workload in its namespace on one of its \
             clusters, so that cluster would have no gateway to program. The message names the \
             cluster; check the labels of the gateway deployment (for Istio ingress gateways, \
             usually `istio = \"ingressgateway\"`).",
            r#"gateway east-ingress {
  cluster cluster-1, cluster-2
  workload (istio = "ingress-gateway") in gloo-mesh-gateways
  listen 80 http
}
"#,
            r#"gateway east-ingress {
  cluster cluster-1, cluster-2
  workload (istio = "ingressgateway") in gloo-mesh-gateways
  listen 80 http
}
"#,
        ),
        Code::TargetPortMissing => (
            "A virtual destination forwards a port to a target port (`port 9080 -> TARGET`) that \
             some of its backing services do not expose, so traffic to those backends would \
             fail. The message names the services; fix the target port, or narrow the \
             selector.",
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> grpc
  select (app = "ratings") in bookinfo
}
"#,
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
}
"#,
        ),
        Code::DuplicatePort => (
            "A gateway listens on the same port twice, or a destination declares the same \
             virtual port twice, so the mesh would not know which definition applies. Keep one.",
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  port 9080 http2 -> http
  select (app = "ratings") in bookinfo
}
"#,
            r#"destination ratings {
  host "ratings.mesh.internal"
  port 9080 -> http
  select (app = "ratings") in bookinfo
}
"#,
        ),

        // Tests and limits.
        Code::BadTestRequest => (
            "A test's `request` is not one the routing can evaluate: the URL must be absolute \
             (`http://HOST/PATH` or `https://...`), the method an HTTP method, and a test needs \
             a request before its expectations.",
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}

test "reviews are routed" {
  request GET "bookinfo.example.com/reviews/1" via gateway ingress
  expect route bookinfo.reviews
}
"#,
            r#"routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}

test "reviews are routed" {
  request GET "http://bookinfo.example.com/reviews/1" via gateway ingress
  expect route bookinfo.reviews
}
"#,
        ),
        Code::NameTooLong => (
            "A name becomes the name (and a label value) of a generated Kubernetes resource, \
             and Kubernetes limits those to 63 characters. Choose a shorter name.",
            r#"policy retry-three-times-with-a-two-second-timeout-on-gateway-errors-only = retry {
  attempts 3
  per-try-timeout 2s
  on gateway-error
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply retry-three-times-with-a-two-second-timeout-on-gateway-errors-only
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
  per-try-timeout 2s
  on gateway-error
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
        Code::InvalidName => (
            "A name becomes the name of a generated Kubernetes resource, which must be a \
             DNS-1123 label: lowercase letters, digits and `-`, starting with a letter and \
             ending with a letter or digit. Kebab-case names are always valid.",
            r#"policy standard_retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard_retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
            r#"policy standard-retries = retry {
  attempts 3
}

routes bookinfo {
  hosts "bookinfo.example.com"
  expose on gateway ingress
  apply standard-retries
  route reviews {
    match path prefix "/reviews"
    to destination reviews
  }
}
"#,
        ),
    };
    Explanation {
        summary,
        example,
        fix,
    }
}
