//! The catalogue of diagnostic codes: each code's severity, title, explanation and example.
//!
//! Codes are stable: a code is never reused for another meaning. `E` codes are errors, `W`
//! codes warnings. The hundreds group them: 00 syntax, 01 names, 02 inventory, 03 policies,
//! 04 routes and tables, 05 gateways and destinations, 06 tests and limits.

use crate::diagnostic::Severity;

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in diagnostics: `E0101`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// A one-line summary of what the code means.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title,)*
                }
            }
        }
    };
}

codes! {
    // Syntax.
    SyntaxError = "E0001", Error, "syntax error";
    InvalidToken = "E0002", Error, "invalid character";
    BadString = "E0003", Error, "unterminated string or invalid escape";
    TooDeep = "E0004", Error, "nesting too deep";
    BadNumber = "E0005", Error, "number out of range";
    // Names.
    DuplicateItem = "E0101", Error, "name defined twice";
    UnknownGateway = "E0102", Error, "unknown gateway";
    UnknownDestination = "E0103", Error, "unknown destination";
    UnknownPolicy = "E0104", Error, "unknown policy";
    UnknownTable = "E0105", Error, "unknown route table";
    UnknownRoute = "E0106", Error, "unknown route";
    DuplicateRoute = "E0107", Error, "route name used twice in one table";
    MisplacedNamespace = "E0108", Error, "misplaced namespace statement";
    // Inventory.
    UnknownCluster = "E0201", Error, "unknown cluster";
    UnknownNamespace = "E0202", Error, "unknown namespace";
    UnknownService = "E0203", Error, "unknown service";
    UnknownPort = "E0204", Error, "unknown port";
    AmbiguousPort = "E0205", Error, "port required: the service has several ports";
    SelectorMatchesNothing = "W0206", Warning, "selector matches nothing";
    UnknownLabelKey = "W0207", Warning, "label key not found in the inventory";
    ServiceNotInCluster = "E0208", Error, "service does not exist in the cluster that serves the request";
    UnknownServiceAccount = "E0209", Error, "unknown service account";
    CrossClusterTarget = "W0210", Warning, "service target in a cluster none of the table's gateways runs in";
    UnknownRegion = "E0211", Error, "no cluster of the inventory is in this region";
    // Policies.
    UnknownPolicyKind = "E0301", Error, "unknown policy kind";
    UnknownField = "E0302", Error, "unknown policy field";
    WrongType = "E0303", Error, "value of the wrong type";
    OutOfRange = "E0304", Error, "value out of range";
    MissingField = "E0305", Error, "required field missing";
    DuplicateField = "E0306", Error, "field given twice";
    WrongLevel = "E0307", Error, "policy applied at the wrong level";
    ConflictingPolicies = "E0308", Error, "two policies of the same kind applied to the same target";
    FaultAction = "E0309", Error, "fault needs exactly one of delay and abort";
    UnusedPolicy = "W0310", Warning, "policy never applied";
    ShortFormOnly = "E0311", Error, "policy kind written in the wrong form";
    // Routes and tables.
    BadWeights = "E0401", Error, "target weights must all be given and sum to 100, or none";
    InvalidRegex = "E0402", Error, "invalid regular expression";
    InvalidHeaderName = "E0403", Error, "invalid header name";
    InvalidHost = "E0404", Error, "invalid hostname";
    PortOutOfRange = "E0405", Error, "port outside 1-65535";
    BadRedirectCode = "E0406", Error, "redirect code not one of 301, 302, 303, 307, 308";
    NoExpose = "E0407", Error, "root table is not exposed";
    UnreachableTable = "W0408", Warning, "delegated table that nothing delegates to";
    DelegationCycle = "E0409", Error, "delegation cycle";
    RouteAction = "E0410", Error, "a route needs exactly one action";
    BadRewrite = "E0411", Error, "invalid rewrite";
    MatcherTwice = "E0412", Error, "path or method given twice in one match";
    StatementCount = "E0413", Error, "statement missing or repeated";
    WeightOnRootTable = "E0414", Error, "weight on a table that is not delegated";
    ExposeWithoutHosts = "E0415", Error, "expose on a table without hosts";
    BadStatus = "E0416", Error, "HTTP status outside 200-599";
    UnknownMethod = "E0417", Error, "unknown HTTP method";
    InvalidPath = "E0418", Error, "invalid path";
    DelegateToRoot = "E0419", Error, "delegation to a root table";
    EmptyTable = "E0420", Error, "route table without routes";
    ClientNamespaceIgnored = "W0421", Warning, "namespace of exposed workloads cannot be expressed";
    // Gateways and destinations.
    UnknownProtocol = "E0501", Error, "unknown protocol";
    HttpsWithoutTls = "E0502", Error, "https listener without tls";
    WorkloadNotFound = "E0503", Error, "gateway workload selector matches no workload";
    TargetPortMissing = "E0504", Error, "destination backend lacks the target port";
    DuplicatePort = "E0505", Error, "port declared twice";
    // Tests and limits.
    BadTestRequest = "E0601", Error, "invalid test request";
    NameTooLong = "E0602", Error, "name too long for Kubernetes";
    InvalidName = "E0603", Error, "name not valid for Kubernetes";
}

impl Code {
    /// Finds a code by its text, case-insensitively (`e0101` works).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}
