//! Policies: the typed schema of every policy kind, and the checks that hold `policy` items and
//! `apply` statements to it.
//!
//! The schema is data ([`PolicyKind::fields`], [`FieldSpec`], [`FieldType`]) rather than code
//! so that the checker, hover and field completion all read the same table: a field added here
//! is checked, documented and completed without touching anything else.
//!
//! Applying a policy needs only its kind, which [`policy_kind`] extracts as a tracked query:
//! editing the fields of a policy changes its syntax but not its kind, so the routes and
//! destinations that apply it are not re-checked.

use std::collections::BTreeSet;

use smallvec::SmallVec;

use super::header::{HeaderUse, check_header_name};
use super::host::is_dns_name;
use super::target::{TargetScope, check_target};
use super::{Ctx, ItemDiagnostic, list_names};
use crate::codes::Code;
use crate::db::{Db, Item, ItemTag};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, FieldArgs, PolicyBody, Span, Value, ValueKind};

/// The kinds of policy, in the order of the language reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    Retry,
    Timeout,
    Fault,
    Cors,
    Headers,
    Mirror,
    Outlier,
    Failover,
    Access,
}

/// Where a policy kind may be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyLevel {
    /// In a route or a route table: the policy acts on requests as they are routed.
    Route,
    /// In a destination: the policy acts on the backends of a virtual destination.
    Destination,
}

impl PolicyLevel {
    /// `route-level`, as diagnostics and hover say it.
    pub fn adjective(self) -> &'static str {
        match self {
            PolicyLevel::Route => "route-level",
            PolicyLevel::Destination => "destination-level",
        }
    }

    /// Where an `apply` of this level is written.
    pub fn place(self) -> &'static str {
        match self {
            PolicyLevel::Route => "a route or a route table",
            PolicyLevel::Destination => "a destination",
        }
    }

    /// What one `apply` set of this level applies to.
    fn subject(self) -> &'static str {
        match self {
            PolicyLevel::Route => "route",
            PolicyLevel::Destination => "destination",
        }
    }
}

/// One field of a policy kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    /// The policy is incomplete without it.
    pub required: bool,
    /// The field may be written several times (`request set …` twice).
    pub repeat: bool,
    /// One sentence for hover and completion.
    pub doc: &'static str,
    /// A complete, valid use of the field, for help lines and completion snippets.
    pub example: &'static str,
}

/// The type of a field's value, with its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// One integer within `min..=max`.
    Int { min: u64, max: u64 },
    /// One HTTP status code, 200–599.
    Status,
    /// One duration; zero only when `zero` is set.
    Duration { zero: bool },
    /// One percentage, 0–100%; whole percentages only when `whole` is set.
    Percent { whole: bool },
    /// No value: the field's presence is the setting.
    Flag,
    /// One or more comma-separated values of one type.
    List(ElemType),
    /// `set NAME VALUE` or `remove NAME` (header names and values are strings).
    HeaderRule,
    /// One route target: `service NAME[.NAMESPACE][:PORT] [SELECTOR] [@CLUSTER]` or
    /// `destination NAME[:PORT]`.
    Target,
    /// `service-account NAME.NAMESPACE`.
    Principal,
    /// `"REGION" to "REGION", …`.
    RegionMapping,
}

/// The type of each element of a [`FieldType::List`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    /// A retry condition name (`5xx`, `reset`, …).
    RetryCondition,
    /// An HTTP method (`GET`, …).
    Method,
    /// A locality preference (`same-zone`, `same-region`).
    Locality,
    /// A CORS origin string: `"https://example.com"`, `"https://*.example.com"`,
    /// `"*.example.com"` or `"*"`.
    Origin,
    /// A header name string.
    HeaderName,
}

/// A rule over several fields of one kind, beyond each field's own `required`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldRule {
    /// Exactly one of these fields must be given.
    ExactlyOne(&'static [&'static str]),
    /// At least one of these fields must be given.
    AtLeastOne(&'static [&'static str]),
}

/// The conditions a `retry` policy may retry on: Envoy's `retry_on` values, HTTP and gRPC.
pub const RETRY_CONDITIONS: &[&str] = &[
    "5xx",
    "gateway-error",
    "reset",
    "connect-failure",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
];

/// The HTTP methods the mesh can match and CORS can allow.
pub const HTTP_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// The locality preferences of a `failover` policy.
pub const LOCALITIES: &[&str] = &["same-zone", "same-region"];

/// The actions of a `headers` rule.
const HEADER_ACTIONS: &[&str] = &["set", "remove"];

/// The one principal kind an `access` policy can allow.
const SERVICE_ACCOUNT: &str = "service-account";

/// "At least 1" integers are bounded by what the mesh's `uint32` fields hold.
const UINT32_MAX: u64 = u32::MAX as u64;

const RETRY_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "attempts",
        ty: FieldType::Int { min: 1, max: 10 },
        required: true,
        repeat: false,
        doc: "How many times a failed request is retried (1–10).",
        example: "attempts 3",
    },
    FieldSpec {
        name: "per-try-timeout",
        ty: FieldType::Duration { zero: false },
        required: false,
        repeat: false,
        doc: "How long each try may take, the first one included.",
        example: "per-try-timeout 2s",
    },
    FieldSpec {
        name: "on",
        ty: FieldType::List(ElemType::RetryCondition),
        required: false,
        repeat: false,
        doc: "The conditions that trigger a retry (the mesh's default when absent).",
        example: "on 5xx, reset, connect-failure",
    },
];

/// The value of the short form `policy NAME = timeout DURATION`.
const TIMEOUT_VALUE: FieldSpec = FieldSpec {
    name: "timeout",
    ty: FieldType::Duration { zero: false },
    required: true,
    repeat: false,
    doc: "How long a whole request may take, retries included, before it fails with 504.",
    example: "timeout 10s",
};

const FAULT_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "delay",
        ty: FieldType::Duration { zero: false },
        required: false,
        repeat: false,
        doc: "Delay each affected request by this long before forwarding it.",
        example: "delay 5s",
    },
    FieldSpec {
        name: "abort",
        ty: FieldType::Status,
        required: false,
        repeat: false,
        doc: "Answer each affected request with this HTTP status instead of forwarding it.",
        example: "abort 503",
    },
    FieldSpec {
        name: "percent",
        ty: FieldType::Percent { whole: false },
        required: false,
        repeat: false,
        doc: "The share of requests affected (default 100%).",
        example: "percent 10%",
    },
];

const CORS_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "origins",
        ty: FieldType::List(ElemType::Origin),
        required: true,
        repeat: false,
        doc: "The origins allowed to make cross-origin requests: exact (`\"https://example.com\"`) \
              or wildcards (`\"*.example.com\"`, `\"*\"`).",
        example: "origins \"https://example.com\"",
    },
    FieldSpec {
        name: "methods",
        ty: FieldType::List(ElemType::Method),
        required: false,
        repeat: false,
        doc: "The methods cross-origin requests may use.",
        example: "methods GET, POST",
    },
    FieldSpec {
        name: "headers",
        ty: FieldType::List(ElemType::HeaderName),
        required: false,
        repeat: false,
        doc: "The request headers cross-origin requests may send.",
        example: "headers \"content-type\"",
    },
    FieldSpec {
        name: "expose",
        ty: FieldType::List(ElemType::HeaderName),
        required: false,
        repeat: false,
        doc: "The response headers browsers may let scripts read.",
        example: "expose \"x-request-id\"",
    },
    FieldSpec {
        name: "max-age",
        ty: FieldType::Duration { zero: true },
        required: false,
        repeat: false,
        doc: "How long browsers may cache the answer to a preflight request.",
        example: "max-age 24h",
    },
    FieldSpec {
        name: "credentials",
        ty: FieldType::Flag,
        required: false,
        repeat: false,
        doc: "Allow cross-origin requests with credentials (cookies, authorization headers).",
        example: "credentials",
    },
];

const HEADERS_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "request",
        ty: FieldType::HeaderRule,
        required: false,
        repeat: true,
        doc: "Set or remove a request header before the request is forwarded.",
        example: "request set \"x-team\" \"reviews\"",
    },
    FieldSpec {
        name: "response",
        ty: FieldType::HeaderRule,
        required: false,
        repeat: true,
        doc: "Set or remove a response header before the response is returned.",
        example: "response remove \"server\"",
    },
];

const MIRROR_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "to",
        ty: FieldType::Target,
        required: true,
        repeat: false,
        doc: "Where copies of requests go (one target, as in routes); their answers are dropped.",
        example: "to service reviews.bookinfo:9080",
    },
    FieldSpec {
        name: "percent",
        ty: FieldType::Percent { whole: false },
        required: false,
        repeat: false,
        doc: "The share of requests copied (default 100%).",
        example: "percent 5%",
    },
];

const OUTLIER_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "consecutive-errors",
        ty: FieldType::Int {
            min: 1,
            max: UINT32_MAX,
        },
        required: false,
        repeat: false,
        doc: "Eject a backend after this many consecutive errors.",
        example: "consecutive-errors 5",
    },
    FieldSpec {
        name: "interval",
        ty: FieldType::Duration { zero: false },
        required: false,
        repeat: false,
        doc: "How often backends are scanned for ejection.",
        example: "interval 10s",
    },
    FieldSpec {
        name: "base-ejection",
        ty: FieldType::Duration { zero: false },
        required: false,
        repeat: false,
        doc: "How long a backend stays ejected the first time; each further ejection lasts longer.",
        example: "base-ejection 30s",
    },
    FieldSpec {
        name: "max-ejection",
        ty: FieldType::Percent { whole: true },
        required: false,
        repeat: false,
        doc: "The largest share of backends that may be ejected at once (0%–100%).",
        example: "max-ejection 50%",
    },
];

const FAILOVER_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "prefer",
        ty: FieldType::List(ElemType::Locality),
        required: false,
        repeat: false,
        doc: "Send requests to the closest healthy backends first: the client's zone, then its \
              region (the mesh's default locality order).",
        example: "prefer same-zone, same-region",
    },
    FieldSpec {
        name: "from",
        ty: FieldType::RegionMapping,
        required: false,
        repeat: true,
        doc: "When a region has no healthy backend, fail over to these regions, in order.",
        example: "from \"us-east1\" to \"us-west1\"",
    },
];

const ACCESS_FIELDS: &[FieldSpec] = &[FieldSpec {
    name: "allow",
    ty: FieldType::Principal,
    required: true,
    repeat: true,
    doc: "A client allowed to reach the destination's backing services, by its service account.",
    example: "allow service-account bookinfo-productpage.bookinfo",
}];

impl PolicyKind {
    /// Every kind, in the order of the language reference.
    pub const ALL: [PolicyKind; 9] = [
        PolicyKind::Retry,
        PolicyKind::Timeout,
        PolicyKind::Fault,
        PolicyKind::Cors,
        PolicyKind::Headers,
        PolicyKind::Mirror,
        PolicyKind::Outlier,
        PolicyKind::Failover,
        PolicyKind::Access,
    ];

    /// The kind a `policy NAME = KIND` names.
    pub fn from_name(name: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The keyword of the kind.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Retry => "retry",
            PolicyKind::Timeout => "timeout",
            PolicyKind::Fault => "fault",
            PolicyKind::Cors => "cors",
            PolicyKind::Headers => "headers",
            PolicyKind::Mirror => "mirror",
            PolicyKind::Outlier => "outlier",
            PolicyKind::Failover => "failover",
            PolicyKind::Access => "access",
        }
    }

    pub fn level(self) -> PolicyLevel {
        match self {
            PolicyKind::Retry
            | PolicyKind::Timeout
            | PolicyKind::Fault
            | PolicyKind::Cors
            | PolicyKind::Headers
            | PolicyKind::Mirror => PolicyLevel::Route,
            PolicyKind::Outlier | PolicyKind::Failover | PolicyKind::Access => {
                PolicyLevel::Destination
            }
        }
    }

    /// One sentence for hover and completion.
    pub fn doc(self) -> &'static str {
        match self {
            PolicyKind::Retry => "Retry failed requests.",
            PolicyKind::Timeout => "Fail requests that take longer than a duration.",
            PolicyKind::Fault => {
                "Inject faults: delay or abort a share of requests, for testing resilience."
            }
            PolicyKind::Cors => "Answer cross-origin (CORS) requests from browsers.",
            PolicyKind::Headers => "Set or remove request and response headers.",
            PolicyKind::Mirror => "Send a copy of requests to another target.",
            PolicyKind::Outlier => "Eject backends that keep failing from the load-balancing pool.",
            PolicyKind::Failover => {
                "Choose which backends take over when the closest ones are unhealthy."
            }
            PolicyKind::Access => {
                "Allow only some clients, by service account, to reach a destination."
            }
        }
    }

    /// The fields of the block form; empty for a kind written only in short form.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            PolicyKind::Retry => RETRY_FIELDS,
            PolicyKind::Timeout => &[],
            PolicyKind::Fault => FAULT_FIELDS,
            PolicyKind::Cors => CORS_FIELDS,
            PolicyKind::Headers => HEADERS_FIELDS,
            PolicyKind::Mirror => MIRROR_FIELDS,
            PolicyKind::Outlier => OUTLIER_FIELDS,
            PolicyKind::Failover => FAILOVER_FIELDS,
            PolicyKind::Access => ACCESS_FIELDS,
        }
    }

    /// The field of the block form with this name.
    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// For a kind written only in short form (`policy slow = timeout 10s`), its value.
    pub fn short_form(self) -> Option<&'static FieldSpec> {
        match self {
            PolicyKind::Timeout => Some(&TIMEOUT_VALUE),
            _ => None,
        }
    }

    /// A rule over several fields of the kind.
    pub fn field_rule(self) -> Option<FieldRule> {
        match self {
            PolicyKind::Fault => Some(FieldRule::ExactlyOne(&["delay", "abort"])),
            PolicyKind::Headers => Some(FieldRule::AtLeastOne(&["request", "response"])),
            PolicyKind::Failover => Some(FieldRule::AtLeastOne(&["prefer", "from"])),
            _ => None,
        }
    }

    /// The text after `policy NAME = ` of a minimal valid policy of the kind.
    pub fn example(self) -> &'static str {
        match self {
            PolicyKind::Retry => "retry { attempts 3 }",
            PolicyKind::Timeout => "timeout 10s",
            PolicyKind::Fault => "fault { delay 5s percent 10% }",
            PolicyKind::Cors => "cors { origins \"https://example.com\" }",
            PolicyKind::Headers => "headers { request set \"x-team\" \"reviews\" }",
            PolicyKind::Mirror => "mirror { to service reviews.bookinfo:9080 percent 5% }",
            PolicyKind::Outlier => "outlier { consecutive-errors 5 }",
            PolicyKind::Failover => "failover { prefer same-zone, same-region }",
            PolicyKind::Access => "access { allow service-account bookinfo-productpage.bookinfo }",
        }
    }
}

impl FieldType {
    /// What a value of this type is, as "`attempts` takes …" continues.
    pub fn describe(self) -> String {
        match self {
            FieldType::Int { min, max } if max == UINT32_MAX => {
                format!("an integer of at least {min}")
            }
            FieldType::Int { min, max } => format!("an integer from {min} to {max}"),
            FieldType::Status => "an HTTP status from 200 to 599 such as `503`".to_owned(),
            FieldType::Duration { .. } => "a duration such as `2s`".to_owned(),
            FieldType::Percent { whole: false } => "a percentage such as `10%`".to_owned(),
            FieldType::Percent { whole: true } => "a whole percentage such as `50%`".to_owned(),
            FieldType::Flag => "no value".to_owned(),
            FieldType::List(elem) => elem.describe().to_owned(),
            FieldType::HeaderRule => "`set NAME VALUE` or `remove NAME`".to_owned(),
            FieldType::Target => "a target such as `service reviews.bookinfo:9080`".to_owned(),
            FieldType::Principal => "`service-account NAME.NAMESPACE`".to_owned(),
            FieldType::RegionMapping => "`\"REGION\" to \"REGION\"`".to_owned(),
        }
    }

    /// The fixed set of values the type allows, for completion; empty when it is open.
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            FieldType::List(elem) => elem.choices(),
            FieldType::HeaderRule => HEADER_ACTIONS,
            FieldType::Principal => &[SERVICE_ACCOUNT],
            _ => &[],
        }
    }
}

impl ElemType {
    /// What a list of this element type is.
    pub fn describe(self) -> &'static str {
        match self {
            ElemType::RetryCondition => "retry conditions such as `5xx, reset`",
            ElemType::Method => "HTTP methods such as `GET, POST`",
            ElemType::Locality => "`same-zone`, `same-region` or both",
            ElemType::Origin => "origins such as `\"https://example.com\"`",
            ElemType::HeaderName => "header names such as `\"x-request-id\"`",
        }
    }

    /// The fixed set of values, for the element types that have one.
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            ElemType::RetryCondition => RETRY_CONDITIONS,
            ElemType::Method => HTTP_METHODS,
            ElemType::Locality => LOCALITIES,
            ElemType::Origin | ElemType::HeaderName => &[],
        }
    }

    /// One element, as "… is not a …" ends.
    fn noun(self) -> &'static str {
        match self {
            ElemType::RetryCondition => "retry condition",
            ElemType::Method => "HTTP method",
            ElemType::Locality => "locality preference",
            ElemType::Origin => "origin",
            ElemType::HeaderName => "header name",
        }
    }
}

/// The kind of a policy item; `None` for other items and for unknown kinds (reported by the
/// policy's own check). Reads only that item's syntax.
#[salsa::tracked(returns(copy))]
pub fn policy_kind<'db>(db: &'db dyn Db, item: Item<'db>) -> Option<PolicyKind> {
    match &item.syntax(db).kind {
        ast::ItemKind::Policy(policy) => PolicyKind::from_name(&policy.kind.text),
        _ => None,
    }
}

/// Checks a policy item against the schema of its kind.
pub(crate) fn check(cx: &mut Ctx<'_>, policy: &ast::Policy) {
    let Some(kind) = PolicyKind::from_name(&policy.kind.text) else {
        let message = format!("unknown policy kind `{}`", policy.kind.text);
        let diagnostic = ItemDiagnostic::new(Code::UnknownPolicyKind, policy.kind.span, message);
        let kinds = PolicyKind::ALL.map(PolicyKind::name);
        cx.emit(suggest_choice(
            diagnostic,
            &policy.kind.text,
            &kinds,
            policy.kind.span,
        ));
        return;
    };
    match (&policy.body, kind.short_form()) {
        (PolicyBody::Short(value), Some(spec)) => check_scalar(cx, spec, value),
        (PolicyBody::Short(value), None) => cx.emit(
            ItemDiagnostic::new(
                Code::ShortFormOnly,
                value.span,
                format!(
                    "`{}` policies are written as a block, not as one value",
                    kind.name()
                ),
            )
            .help(format!(
                "write `policy {} = {}`",
                policy.name.text,
                kind.example()
            )),
        ),
        (PolicyBody::Block { fields, span }, Some(spec)) => {
            // A block holding nothing but one well-typed value says what was meant.
            let meant = match fields.as_slice() {
                [field] => match &field.args {
                    FieldArgs::Values(values) => match values.as_slice() {
                        [value] if accepts(spec.ty, &value.kind) => Some(value_text(&value.kind)),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            let short = match &meant {
                Some(value) => format!("{} {value}", kind.name()),
                None => kind.example().to_owned(),
            };
            let diagnostic = ItemDiagnostic::new(
                Code::ShortFormOnly,
                *span,
                format!(
                    "`{}` policies are written in short form, without a block",
                    kind.name()
                ),
            )
            .help(format!("write `policy {} = {short}`", policy.name.text));
            cx.emit(match meant {
                Some(value) => diagnostic.fix(*span, value),
                None => diagnostic,
            });
        }
        (PolicyBody::Block { fields, .. }, None) => check_block(cx, policy, kind, fields),
        // The parser reported why the body did not parse.
        (PolicyBody::Error(_), _) => {}
    }
}

/// Whether a single value fits a scalar type, range aside.
fn accepts(ty: FieldType, value: &ValueKind) -> bool {
    matches!(
        (ty, value),
        (FieldType::Int { .. } | FieldType::Status, ValueKind::Int(_))
            | (FieldType::Duration { .. }, ValueKind::Duration(_))
            | (FieldType::Percent { .. }, ValueKind::Percent(_))
    )
}

fn check_block(
    cx: &mut Ctx<'_>,
    policy: &ast::Policy,
    kind: PolicyKind,
    fields: &[ast::PolicyField],
) {
    // The first occurrence of every field given, in source order.
    let mut given: Vec<(&'static str, Span)> = Vec::new();
    // The fields that misspelt ones probably meant.
    let mut meant: Vec<&'static str> = Vec::new();
    for field in fields {
        let Some(spec) = kind.field(&field.name.text) else {
            meant.extend(unknown_field(cx, kind, field));
            continue;
        };
        if let Some(&(_, first)) = given.iter().find(|(name, _)| *name == spec.name) {
            if !spec.repeat {
                let help = match spec.ty {
                    FieldType::List(_) => format!(
                        "write every value in one `{}` field, separated by commas",
                        spec.name
                    ),
                    _ => "keep one of them".to_owned(),
                };
                cx.emit(
                    ItemDiagnostic::new(
                        Code::DuplicateField,
                        field.name.span,
                        format!("`{}` is given twice in `{}`", spec.name, policy.name.text),
                    )
                    .label(first, "first given here")
                    .help(help),
                );
                continue;
            }
        } else {
            given.push((spec.name, field.name.span));
        }
        check_field(cx, spec, field);
    }

    // A misspelt field is reported once: not also as a missing one.
    let has = |name: &str| given.iter().any(|(given, _)| *given == name) || meant.contains(&name);
    for spec in kind
        .fields()
        .iter()
        .filter(|spec| spec.required && !has(spec.name))
    {
        cx.emit(
            ItemDiagnostic::new(
                Code::MissingField,
                policy.name.span,
                format!(
                    "`{}` policy `{}` is missing the field `{}`",
                    kind.name(),
                    policy.name.text,
                    spec.name
                ),
            )
            .help(format!("add `{}`", spec.example)),
        );
    }

    match kind.field_rule() {
        Some(FieldRule::ExactlyOne(names)) => {
            let present: Vec<(&str, Span)> = given
                .iter()
                .copied()
                .filter(|(name, _)| names.contains(name))
                .collect();
            match present.as_slice() {
                [] if names.iter().any(|name| has(name)) => {}
                [] => {
                    let (kind_name, name) = (kind.name(), &policy.name.text);
                    cx.emit(
                        ItemDiagnostic::new(
                            Code::FaultAction,
                            policy.name.span,
                            format!("`{kind_name}` policy `{name}` needs {}", or_list(names)),
                        )
                        .help(format!("add {}", or_list(&examples(kind, names)))),
                    );
                }
                [_] => {}
                [(first, first_span), (second, second_span), ..] => {
                    let (kind_name, name) = (kind.name(), &policy.name.text);
                    cx.emit(
                        ItemDiagnostic::new(
                            Code::FaultAction,
                            *second_span,
                            format!(
                                "`{kind_name}` policy `{name}` has both `{first}` and `{second}`; \
                                 it takes exactly one"
                            ),
                        )
                        .label(*first_span, format!("`{first}` given here"))
                        .help(format!(
                            "keep one of them, or write a second `{kind_name}` policy for the other"
                        )),
                    );
                }
            }
        }
        Some(FieldRule::AtLeastOne(names)) if !names.iter().any(|name| has(name)) => cx.emit(
            ItemDiagnostic::new(
                Code::MissingField,
                policy.name.span,
                format!(
                    "`{}` policy `{}` needs at least one of {}",
                    kind.name(),
                    policy.name.text,
                    and_list(names)
                ),
            )
            .help(format!("add {}", or_list(&examples(kind, names)))),
        ),
        Some(FieldRule::AtLeastOne(_)) | None => {}
    }
}

/// The examples of some fields of a kind.
fn examples(kind: PolicyKind, names: &[&str]) -> Vec<&'static str> {
    names
        .iter()
        .filter_map(|name| kind.field(name))
        .map(|spec| spec.example)
        .collect()
}

/// `` `a` or `b` `` (`` `a`, `b` or `c` ``).
fn or_list(names: &[&str]) -> String {
    joined(names, "or")
}

/// `` `a` and `b` ``.
fn and_list(names: &[&str]) -> String {
    joined(names, "and")
}

fn joined(names: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {conjunction} {last}", rest.join(", "))
        }
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// E0302, with the closest field of the kind or the kinds the field belongs to; returns the
/// field the user probably meant.
fn unknown_field(
    cx: &mut Ctx<'_>,
    kind: PolicyKind,
    field: &ast::PolicyField,
) -> Option<&'static str> {
    let name = &field.name.text;
    let diagnostic = ItemDiagnostic::new(
        Code::UnknownField,
        field.name.span,
        format!("`{name}` is not a field of `{}`", kind.name()),
    );
    let own: Vec<&str> = kind.fields().iter().map(|spec| spec.name).collect();
    let elsewhere: Vec<&str> = PolicyKind::ALL
        .into_iter()
        .filter(|other| other.field(name).is_some())
        .map(PolicyKind::name)
        .collect();
    let (diagnostic, meant) = if !elsewhere.is_empty() {
        let help = format!(
            "`{name}` is a field of {} policies; `{}` takes {}",
            and_list(&elsewhere),
            kind.name(),
            and_list(&own)
        );
        (diagnostic.help(help), None)
    } else if let Some(best) = did_you_mean(name, own.iter().copied()) {
        let diagnostic = diagnostic
            .help(format!("did you mean `{best}`?"))
            .fix(field.name.span, best);
        (diagnostic, Some(best))
    } else {
        let help = format!("`{}` takes {}", kind.name(), and_list(&own));
        (diagnostic.help(help), None)
    };
    cx.emit(diagnostic);
    meant
}

/// Checks the arguments of a field against its type.
fn check_field(cx: &mut Ctx<'_>, spec: &FieldSpec, field: &ast::PolicyField) {
    match (spec.ty, &field.args) {
        // The parser reported what it could not read.
        (_, FieldArgs::Unknown | FieldArgs::Error) => {}
        (FieldType::Flag, FieldArgs::Flag) => {}
        (
            FieldType::Int { .. }
            | FieldType::Status
            | FieldType::Duration { .. }
            | FieldType::Percent { .. },
            FieldArgs::Values(values),
        ) => match values.as_slice() {
            [value] => check_scalar(cx, spec, value),
            [first, second, ..] => {
                let last = values.last().unwrap_or(second);
                let extra = second.span.cover(last.span);
                cx.emit(
                    ItemDiagnostic::new(
                        Code::WrongType,
                        extra,
                        format!(
                            "`{}` takes one value, found a list of {}",
                            spec.name,
                            values.len()
                        ),
                    )
                    .help(format!(
                        "keep one value: `{}` takes {}",
                        spec.name,
                        spec.ty.describe()
                    ))
                    .fix(first.span.cover(extra), value_text(&first.kind)),
                );
            }
            [] => wrong_shape(cx, spec, field),
        },
        (FieldType::List(elem), FieldArgs::Values(values)) if !values.is_empty() => {
            for value in values {
                check_elem(cx, spec, elem, value);
            }
        }
        (FieldType::HeaderRule, FieldArgs::Header { header, value, .. }) => {
            check_header_name(cx, &header.value, header.span, HeaderUse::Modify);
            if let Some(value) = value {
                check_header_value(cx, header, value);
            }
        }
        (FieldType::Target, FieldArgs::Target(target)) => check_mirror_target(cx, target),
        (FieldType::Principal, FieldArgs::Allow { principal, account }) => {
            check_principal(cx, principal, account)
        }
        (FieldType::RegionMapping, FieldArgs::Mapping { from, to }) => {
            for region in std::iter::once(from).chain(to) {
                check_region(cx, region);
            }
        }
        // Arguments of another shape than the field's: the parser reads fields by their
        // name, so this stands only for what it may accept in the future.
        _ => wrong_shape(cx, spec, field),
    }
}

/// E0303 for arguments of the wrong shape altogether.
fn wrong_shape(cx: &mut Ctx<'_>, spec: &FieldSpec, field: &ast::PolicyField) {
    cx.emit(
        ItemDiagnostic::new(
            Code::WrongType,
            field.span,
            format!("`{}` takes {}", spec.name, spec.ty.describe()),
        )
        .help(format!("write `{}`", spec.example)),
    );
}

/// Checks one value of a scalar type: its type, then its range.
fn check_scalar(cx: &mut Ctx<'_>, spec: &FieldSpec, value: &Value) {
    let name = spec.name;
    let out_of_range = |message: String, help: String| {
        ItemDiagnostic::new(Code::OutOfRange, value.span, message).help(help)
    };
    let diagnostic = match (spec.ty, &value.kind) {
        (FieldType::Int { min, max }, &ValueKind::Int(n)) if n < min || n > max => {
            let (range, help) = if max == UINT32_MAX {
                (format!("at least {min}"), format!("use {min} or more"))
            } else {
                let range = format!("from {min} to {max}");
                let help = format!("use an integer {range}");
                (range, help)
            };
            Some(out_of_range(
                format!("`{name}` must be {range}, found `{n}`"),
                help,
            ))
        }
        (FieldType::Status, &ValueKind::Int(n)) if !(200..=599).contains(&n) => Some(
            ItemDiagnostic::new(
                Code::BadStatus,
                value.span,
                format!("`{n}` is not an HTTP status from 200 to 599"),
            )
            .help(format!(
                "`{name}` takes a status such as `503` (service unavailable)"
            )),
        ),
        (FieldType::Duration { zero: false }, &ValueKind::Duration(0)) => Some(out_of_range(
            format!("`{name}` must be longer than `0s`"),
            format!("use a positive duration: `{}`", spec.example),
        )),
        (FieldType::Percent { whole }, &ValueKind::Percent(thousandths)) => {
            if thousandths > 100_000 {
                Some(out_of_range(
                    format!(
                        "`{name}` must be from 0% to 100%, found `{}`",
                        percent_text(thousandths)
                    ),
                    "use a percentage from 0% to 100%".to_owned(),
                ))
            } else if whole && !thousandths.is_multiple_of(1000) {
                let rounded = format!("{}%", thousandths / 1000);
                Some(
                    ItemDiagnostic::new(
                        Code::WrongType,
                        value.span,
                        format!(
                            "`{name}` takes a whole percentage, found `{}`",
                            percent_text(thousandths)
                        ),
                    )
                    .help(format!("use a whole percentage such as `{rounded}`"))
                    .fix(value.span, rounded),
                )
            } else {
                None
            }
        }
        (ty, found) if accepts(ty, found) => None,
        (ty, found) => {
            let diagnostic = ItemDiagnostic::new(
                Code::WrongType,
                value.span,
                format!(
                    "`{name}` takes {}, found {}",
                    ty.describe(),
                    describe_value(found)
                ),
            );
            // A bare number is almost always a value whose unit was forgotten.
            Some(match (ty, found) {
                (FieldType::Duration { .. }, ValueKind::Int(n)) => diagnostic
                    .help(format!("add a unit: `{n}s`"))
                    .fix(value.span, format!("{n}s")),
                (FieldType::Percent { .. }, ValueKind::Int(n)) => diagnostic
                    .help(format!("add a percent sign: `{n}%`"))
                    .fix(value.span, format!("{n}%")),
                _ => diagnostic.help(format!("write `{}`", spec.example)),
            })
        }
    };
    if let Some(diagnostic) = diagnostic {
        cx.emit(diagnostic);
    }
}

/// Checks one element of a list field.
fn check_elem(cx: &mut Ctx<'_>, spec: &FieldSpec, elem: ElemType, value: &Value) {
    match (elem, &value.kind) {
        (
            ElemType::RetryCondition | ElemType::Locality,
            ValueKind::Ident(word) | ValueKind::Word(word),
        ) => {
            if !elem.choices().contains(&word.as_str()) {
                let diagnostic = ItemDiagnostic::new(
                    Code::WrongType,
                    value.span,
                    format!("`{word}` is not a {}", elem.noun()),
                );
                cx.emit(suggest_choice(diagnostic, word, elem.choices(), value.span));
            }
        }
        (ElemType::Method, ValueKind::Ident(word) | ValueKind::Word(word)) => {
            if !HTTP_METHODS.contains(&word.as_str()) {
                let diagnostic = ItemDiagnostic::new(
                    Code::UnknownMethod,
                    value.span,
                    format!("unknown HTTP method `{word}`"),
                );
                cx.emit(suggest_choice(diagnostic, word, HTTP_METHODS, value.span));
            }
        }
        (ElemType::Origin, ValueKind::Str(origin)) => check_origin(cx, origin, value.span),
        (ElemType::HeaderName, ValueKind::Str(header)) => {
            check_header_name(cx, header, value.span, HeaderUse::Plain);
        }
        (
            ElemType::RetryCondition | ElemType::Locality | ElemType::Method,
            ValueKind::Str(text),
        ) => {
            let diagnostic = ItemDiagnostic::new(
                Code::WrongType,
                value.span,
                format!(
                    "`{}` takes {}, found the string `{text:?}`",
                    spec.name,
                    elem.describe()
                ),
            );
            // A quoted known value only needs its quotes removed.
            let diagnostic = if elem.choices().contains(&text.as_str()) {
                diagnostic
                    .help(format!("remove the quotes: `{text}`"))
                    .fix(value.span, text.clone())
            } else {
                diagnostic.help(format!("write `{}`", spec.example))
            };
            cx.emit(diagnostic);
        }
        (
            ElemType::Origin | ElemType::HeaderName,
            ValueKind::Ident(text) | ValueKind::Word(text),
        ) => {
            cx.emit(
                ItemDiagnostic::new(
                    Code::WrongType,
                    value.span,
                    format!("`{}` takes {}, found `{text}`", spec.name, elem.describe()),
                )
                .help(format!("quote it: `{text:?}`"))
                .fix(value.span, format!("{text:?}")),
            );
        }
        (_, found) => cx.emit(
            ItemDiagnostic::new(
                Code::WrongType,
                value.span,
                format!(
                    "`{}` takes {}, found {}",
                    spec.name,
                    elem.describe(),
                    describe_value(found)
                ),
            )
            .help(format!("write `{}`", spec.example)),
        ),
    }
}

/// Adds "did you mean" (case-insensitively first: `get` is `GET`) or the list of choices.
fn suggest_choice<'db>(
    diagnostic: ItemDiagnostic<'db>,
    word: &str,
    choices: &[&str],
    span: Span,
) -> ItemDiagnostic<'db> {
    let best = choices
        .iter()
        .copied()
        .find(|choice| choice.eq_ignore_ascii_case(word))
        .or_else(|| did_you_mean(word, choices.iter().copied()));
    match best {
        Some(best) => diagnostic
            .help(format!("did you mean `{best}`?"))
            .fix(span, best),
        None => diagnostic.help(format!("use {}", or_list(choices))),
    }
}

/// E0404 unless `origin` is `*`, `*.DOMAIN` or `SCHEME://HOST[:PORT]` (the host may start
/// with `*.`): what a browser sends in `Origin`, or a wildcard over it.
fn check_origin(cx: &mut Ctx<'_>, origin: &str, span: Span) {
    if valid_origin(origin) {
        return;
    }
    let diagnostic = ItemDiagnostic::new(
        Code::InvalidHost,
        span,
        format!("`{origin}` is not a valid origin"),
    );
    // The usual slips: a bare host, or a trailing slash or path.
    let repaired = if !origin.contains("://") && valid_origin(&format!("https://{origin}")) {
        Some(format!("https://{origin}"))
    } else {
        origin
            .split_once("://")
            .and_then(|(scheme, rest)| {
                rest.split_once('/')
                    .map(|(host, _)| format!("{scheme}://{host}"))
            })
            .filter(|candidate| valid_origin(candidate))
    };
    let diagnostic = match repaired {
        Some(repaired) => diagnostic
            .help(format!(
                "an origin is a scheme and a host, with no path: did you mean `{repaired:?}`?"
            ))
            .fix(span, format!("{repaired:?}")),
        None => diagnostic.help(
            "write an origin as `\"https://example.com\"` (a port may follow), or a wildcard such as \
             `\"*.example.com\"`, `\"https://*.example.com\"` or `\"*\"`",
        ),
    };
    cx.emit(diagnostic);
}

fn valid_origin(origin: &str) -> bool {
    if origin == "*" {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return origin.strip_prefix("*.").is_some_and(is_dns_name);
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    if let Some(bracketed) = authority.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        let Some((address, after)) = bracketed.split_once(']') else {
            return false;
        };
        let address_ok = !address.is_empty()
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'));
        return address_ok && (after.is_empty() || after.strip_prefix(':').is_some_and(valid_port));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host = host.strip_prefix("*.").unwrap_or(host);
    is_dns_name(host) && port.is_none_or(valid_port)
}

fn valid_port(port: &str) -> bool {
    port.parse::<u16>().is_ok_and(|port| port > 0) && port.chars().all(|c| c.is_ascii_digit())
}

/// Envoy rejects header values that could split the header block.
fn check_header_value(cx: &mut Ctx<'_>, header: &ast::Str, value: &ast::Str) {
    if value.value.contains(['\r', '\n', '\0']) {
        cx.emit(
            ItemDiagnostic::new(
                Code::WrongType,
                value.span,
                format!(
                    "the value of header `{}` contains a line break or NUL",
                    header.value
                ),
            )
            .help("a header value is one line: remove the `\\n`, `\\r` or `\\u{0}`"),
        );
    }
}

/// A mirror sends a copy to one target: no weight; the target itself is checked as a route
/// target, anywhere in the mesh.
fn check_mirror_target(cx: &mut Ctx<'_>, target: &ast::Target) {
    if let Some(weight) = target.weight() {
        // The `weight` keyword is the token just before its number.
        let span = Span::new(weight.span.start.saturating_sub(1), weight.span.end);
        cx.emit(
            ItemDiagnostic::new(Code::WrongType, span, "a mirror target takes no `weight`")
                .help(
                    "a mirror copies to one target; use `percent` to copy only a share of requests",
                )
                .fix(span, ""),
        );
    }
    check_target(cx, target, &TargetScope::Anywhere);
}

/// `allow service-account NAME.NAMESPACE`: the account must exist in that namespace (the
/// file's namespace when none is written).
fn check_principal(cx: &mut Ctx<'_>, principal: &ast::Name, account: &ast::QualifiedName) {
    if principal.text != SERVICE_ACCOUNT {
        let diagnostic = ItemDiagnostic::new(
            Code::WrongType,
            principal.span,
            format!(
                "`{}` is not a kind of client; `allow` takes `service-account NAME.NAMESPACE`",
                principal.text
            ),
        );
        cx.emit(suggest_choice(
            diagnostic,
            &principal.text,
            &[SERVICE_ACCOUNT],
            principal.span,
        ));
        return;
    }
    let namespace = match &account.namespace {
        Some(namespace) => {
            if !cx.check_namespace(namespace) {
                return;
            }
            namespace.text.as_str()
        }
        None => cx.namespace,
    };
    let name = &account.name.text;
    if cx.inventory.has_service_account(namespace, name) {
        return;
    }
    let known: BTreeSet<&str> = cx
        .inventory
        .clusters_with_namespace(namespace)
        .flat_map(|cluster| cx.inventory.service_accounts(&cluster.name, namespace))
        .collect();
    let known: Vec<&str> = known.into_iter().collect();
    let diagnostic = ItemDiagnostic::new(
        Code::UnknownServiceAccount,
        account.span,
        format!("unknown service account `{name}` in namespace `{namespace}`"),
    );
    // Accounts are often named after their app with a prefix or suffix
    // (`bookinfo-productpage`), which edit distance alone does not find.
    let affixed = |candidate: &&str| {
        candidate.ends_with(&format!("-{name}")) || candidate.starts_with(&format!("{name}-"))
    };
    let best = did_you_mean(name, known.iter().copied()).or_else(|| {
        let mut affixed = known.iter().copied().filter(affixed);
        affixed.next().filter(|_| affixed.next().is_none())
    });
    let elsewhere: Option<String> = if best.is_none() {
        cx.inventory
            .namespace_names()
            .find(|other| *other != namespace && cx.inventory.has_service_account(other, name))
            .map(str::to_owned)
    } else {
        None
    };
    let diagnostic = match (best, elsewhere) {
        (Some(best), _) => {
            let replacement = match &account.namespace {
                Some(_) => format!("{best}.{namespace}"),
                None => best.to_owned(),
            };
            diagnostic
                .help(format!("did you mean `{replacement}`?"))
                .fix(account.span, replacement)
        }
        (None, Some(other)) => diagnostic
            .help(format!(
                "`{name}` is a service account of namespace `{other}`: write `{name}.{other}`"
            ))
            .fix(account.span, format!("{name}.{other}")),
        (None, None) if known.is_empty() => diagnostic.help(format!(
            "the inventory has no service account in namespace `{namespace}`"
        )),
        (None, None) => diagnostic.help(format!(
            "service accounts in `{namespace}`: {}",
            list_names(&known)
        )),
    };
    cx.emit(diagnostic);
}

/// A failover region: a string, and a region of some cluster when the inventory records
/// regions at all (an inventory without localities cannot tell).
fn check_region(cx: &mut Ctx<'_>, region: &Value) {
    let name = match &region.kind {
        ValueKind::Str(name) => name,
        ValueKind::Ident(name) | ValueKind::Word(name) => {
            cx.emit(
                ItemDiagnostic::new(
                    Code::WrongType,
                    region.span,
                    format!("a region is a string, found `{name}`"),
                )
                .help(format!("quote it: `{name:?}`"))
                .fix(region.span, format!("{name:?}")),
            );
            return;
        }
        found => {
            cx.emit(
                ItemDiagnostic::new(
                    Code::WrongType,
                    region.span,
                    format!(
                        "a region is a string such as `\"us-east1\"`, found {}",
                        describe_value(found)
                    ),
                )
                .help("write `from \"REGION\" to \"REGION\"`"),
            );
            return;
        }
    };
    let regions: BTreeSet<&str> = cx
        .inventory
        .inventory()
        .clusters
        .iter()
        .filter_map(|cluster| cluster.region.as_deref())
        .collect();
    if regions.is_empty() || regions.contains(name.as_str()) {
        return;
    }
    let regions: Vec<&str> = regions.into_iter().collect();
    let diagnostic = ItemDiagnostic::new(
        Code::UnknownRegion,
        region.span,
        format!("no cluster of the inventory is in region `{name}`"),
    );
    let diagnostic = match did_you_mean(name, regions.iter().copied()) {
        Some(best) => diagnostic
            .help(format!("did you mean `{best:?}`?"))
            .fix(region.span, format!("{best:?}")),
        None => diagnostic.help(format!(
            "the clusters' regions are {}",
            list_names(&regions)
        )),
    };
    cx.emit(diagnostic);
}

/// Checks one set of `apply` statements that reach the same routes or destination: every
/// name must be a policy of the right level, and no two of one kind.
pub(crate) fn check_apply<'db>(cx: &mut Ctx<'db>, applies: &[&ast::Apply], level: PolicyLevel) {
    // One per policy kind, of which there are a few: on the stack for every route that applies
    // policies.
    let mut applied: SmallVec<[(PolicyKind, &ast::Name); 4]> = SmallVec::new();
    for name in applies.iter().flat_map(|apply| &apply.policies) {
        let Some(item) = cx.resolve(ItemTag::Policy, name) else {
            continue;
        };
        // An unknown kind was reported at the policy itself.
        let Some(kind) = policy_kind(cx.db, item) else {
            continue;
        };
        if kind.level() != level {
            cx.emit(
                ItemDiagnostic::new(
                    Code::WrongLevel,
                    name.span,
                    format!(
                        "`{}` is a {} policy (`{}`); it cannot be applied to a {}",
                        name.text,
                        kind.level().adjective(),
                        kind.name(),
                        level.subject()
                    ),
                )
                .label_item(item, format!("`{}` is defined here", name.text))
                .help(format!("apply it in {}", kind.level().place())),
            );
            continue;
        }
        let Some((_, first)) = applied.iter().find(|(other, _)| *other == kind) else {
            applied.push((kind, name));
            continue;
        };
        let diagnostic = if first.text == name.text {
            ItemDiagnostic::new(
                Code::ConflictingPolicies,
                name.span,
                format!("`{}` is applied twice", name.text),
            )
            .label(first.span, "first applied here")
            .help("remove one of them")
        } else {
            ItemDiagnostic::new(
                Code::ConflictingPolicies,
                name.span,
                format!(
                    "`{}` and `{}` are both `{}` policies",
                    first.text,
                    name.text,
                    kind.name()
                ),
            )
            .label(first.span, format!("`{}` applied here", first.text))
            .help(format!(
                "the mesh would keep only the oldest `{}` policy of a {}: apply one of them",
                kind.name(),
                level.subject()
            ))
        };
        cx.emit(diagnostic);
    }
}

/// How a value is named in "found …".
fn describe_value(value: &ValueKind) -> String {
    let text = value_text(value);
    match value {
        ValueKind::Int(_) => format!("the integer `{text}`"),
        ValueKind::Duration(_) => format!("the duration `{text}`"),
        ValueKind::Percent(_) => format!("the percentage `{text}`"),
        ValueKind::Str(_) => format!("the string `{text}`"),
        ValueKind::Ident(_) | ValueKind::Word(_) => format!("`{text}`"),
    }
}

/// A value as it can be written in source.
fn value_text(value: &ValueKind) -> String {
    match value {
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Duration(ms) => duration_text(*ms),
        ValueKind::Percent(thousandths) => percent_text(*thousandths),
        ValueKind::Str(text) => format!("{text:?}"),
        ValueKind::Ident(text) | ValueKind::Word(text) => text.to_string(),
    }
}

/// `1h30m`, `2s`, `250ms`; milliseconds only when the duration is not whole seconds.
fn duration_text(ms: u64) -> String {
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let seconds = ms / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut text = String::new();
    for (amount, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s")] {
        if amount > 0 {
            text.push_str(&format!("{amount}{unit}"));
        }
    }
    if text.is_empty() {
        "0s".to_owned()
    } else {
        text
    }
}

/// `10%`, `12.5%`, `0.125%`.
fn percent_text(thousandths: u64) -> String {
    let (whole, fraction) = (thousandths / 1000, thousandths % 1000);
    if fraction == 0 {
        format!("{whole}%")
    } else {
        let fraction = format!("{fraction:03}");
        format!("{whole}.{}%", fraction.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use salsa::Setter;

    use super::*;
    use crate::config::parse_config;
    use crate::db::{Database, InventoryInput, Project, SourceFile, file_diagnostics};
    use crate::inventory::parse_inventory;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in PolicyKind::ALL {
            assert_eq!(PolicyKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(PolicyKind::from_name("retries"), None);
    }

    #[test]
    fn levels_follow_the_reference() {
        let destination: Vec<&str> = PolicyKind::ALL
            .into_iter()
            .filter(|kind| kind.level() == PolicyLevel::Destination)
            .map(PolicyKind::name)
            .collect();
        assert_eq!(destination, ["outlier", "failover", "access"]);
    }

    #[test]
    fn schema_is_consistent() {
        for kind in PolicyKind::ALL {
            let names: Vec<&str> = kind.fields().iter().map(|spec| spec.name).collect();
            let unique: BTreeSet<&str> = names.iter().copied().collect();
            assert_eq!(names.len(), unique.len(), "{} repeats a field", kind.name());
            // Exactly one way to write each kind: fields or a short form.
            assert_ne!(
                kind.fields().is_empty(),
                kind.short_form().is_none(),
                "{}",
                kind.name()
            );
            for spec in kind.fields().iter().chain(kind.short_form()) {
                assert!(
                    spec.example.starts_with(spec.name),
                    "{}: {}",
                    spec.name,
                    spec.example
                );
                assert!(spec.doc.ends_with('.'), "{}", spec.name);
            }
            let rule_names = match kind.field_rule() {
                Some(FieldRule::ExactlyOne(names) | FieldRule::AtLeastOne(names)) => names,
                None => &[],
            };
            for name in rule_names {
                let spec = kind.field(name).expect("rules name fields of their kind");
                assert!(!spec.required, "{name} is both required and in a rule");
            }
            assert!(kind.example().starts_with(kind.name()));
        }
    }

    #[test]
    fn field_types_match_the_reference() {
        let ty = |kind: PolicyKind, field: &str| kind.field(field).map(|spec| spec.ty);
        assert_eq!(
            ty(PolicyKind::Retry, "attempts"),
            Some(FieldType::Int { min: 1, max: 10 })
        );
        assert!(
            PolicyKind::Retry
                .field("attempts")
                .is_some_and(|spec| spec.required)
        );
        assert_eq!(
            ty(PolicyKind::Retry, "on"),
            Some(FieldType::List(ElemType::RetryCondition))
        );
        assert_eq!(ty(PolicyKind::Fault, "abort"), Some(FieldType::Status));
        assert_eq!(
            ty(PolicyKind::Outlier, "max-ejection"),
            Some(FieldType::Percent { whole: true })
        );
        assert_eq!(
            ty(PolicyKind::Cors, "max-age"),
            Some(FieldType::Duration { zero: true })
        );
        assert!(
            PolicyKind::Access
                .field("allow")
                .is_some_and(|spec| spec.required && spec.repeat)
        );
        assert_eq!(
            PolicyKind::Timeout.short_form().map(|spec| spec.ty),
            Some(FieldType::Duration { zero: false })
        );
        assert_eq!(PolicyKind::Retry.field("attemps"), None);
    }

    #[test]
    fn choices_are_offered_for_completion() {
        assert!(
            FieldType::List(ElemType::RetryCondition)
                .choices()
                .contains(&"5xx")
        );
        assert!(
            FieldType::List(ElemType::Method)
                .choices()
                .contains(&"PATCH")
        );
        assert_eq!(
            FieldType::List(ElemType::Locality).choices(),
            ["same-zone", "same-region"]
        );
        assert!(FieldType::List(ElemType::Origin).choices().is_empty());
    }

    #[test]
    fn scalar_types_accept_their_values_only() {
        let int = FieldType::Int { min: 1, max: 10 };
        let duration = FieldType::Duration { zero: false };
        let percent = FieldType::Percent { whole: false };
        assert!(accepts(int, &ValueKind::Int(3)));
        assert!(!accepts(int, &ValueKind::Duration(3000)));
        assert!(accepts(FieldType::Status, &ValueKind::Int(503)));
        assert!(accepts(duration, &ValueKind::Duration(2000)));
        assert!(!accepts(duration, &ValueKind::Int(2)));
        assert!(accepts(percent, &ValueKind::Percent(12_500)));
        assert!(!accepts(percent, &ValueKind::Int(10)));
        assert!(!accepts(percent, &ValueKind::Str("10%".into())));
    }

    #[test]
    fn values_render_as_written() {
        assert_eq!(value_text(&ValueKind::Duration(250)), "250ms");
        assert_eq!(value_text(&ValueKind::Duration(2000)), "2s");
        assert_eq!(value_text(&ValueKind::Duration(5_400_000)), "1h30m");
        assert_eq!(value_text(&ValueKind::Duration(0)), "0s");
        assert_eq!(value_text(&ValueKind::Percent(10_000)), "10%");
        assert_eq!(value_text(&ValueKind::Percent(12_500)), "12.5%");
        assert_eq!(value_text(&ValueKind::Percent(125)), "0.125%");
        assert_eq!(value_text(&ValueKind::Str("a\"b".into())), "\"a\\\"b\"");
        assert_eq!(describe_value(&ValueKind::Int(2)), "the integer `2`");
        assert_eq!(describe_value(&ValueKind::Word("5xx".into())), "`5xx`");
    }

    #[test]
    fn origins() {
        for ok in [
            "*",
            "https://example.com",
            "http://localhost:8080",
            "https://*.example.com",
            "*.example.com",
            "http://10.0.0.1:3000",
            "http://[::1]:8080",
        ] {
            assert!(valid_origin(ok), "{ok}");
        }
        for bad in [
            "",
            "example.com",
            "https://example.com/",
            "https://example.com:0",
            "https://example.com:99999",
            "https://",
            "https://exa mple.com",
            "*example.com",
            "https://*",
            "1http://example.com",
            "http://[::1",
            "https://-bad.example.com",
        ] {
            assert!(!valid_origin(bad), "{bad}");
        }
    }

    /// A project of one file over the shared test inventory (namespace `bookinfo`).
    fn project(db: &Database, text: &str) -> (Project, SourceFile) {
        let inventory = include_str!("../../tests/data/check/inventory.yaml");
        let inventory = parse_inventory("inventory.yaml", inventory).expect("valid inventory");
        let config = parse_config("[project]\nnamespace = \"bookinfo\"\n").expect("valid config");
        let file = SourceFile::new(db, "main.route".to_owned(), text.to_owned());
        let inventory = InventoryInput::new(db, inventory);
        (Project::new(db, vec![file], config, inventory), file)
    }

    /// `CODE message` of every diagnostic of one file.
    fn diagnostics(text: &str) -> Vec<String> {
        let db = Database::default();
        let (project, file) = project(&db, text);
        file_diagnostics(&db, project, file)
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect()
    }

    const TABLE: &str = "routes shop {
  hosts \"shop.example.com\"
  expose to mesh
  apply p
  route all { to service reviews:9080 }
}
";

    #[test]
    fn a_valid_policy_has_no_diagnostics() {
        let text = format!("policy p = retry {{ attempts 3 on 5xx, reset }}\n{TABLE}");
        assert_eq!(diagnostics(&text), Vec::<String>::new());
    }

    #[test]
    fn a_number_without_unit_is_a_type_error() {
        let text = format!("policy p = retry {{ attempts 3 per-try-timeout 2 }}\n{TABLE}");
        assert_eq!(
            diagnostics(&text),
            ["E0303 `per-try-timeout` takes a duration such as `2s`, found the integer `2`"]
        );
    }

    #[test]
    fn a_misspelt_required_field_is_reported_once() {
        let text = format!("policy p = retry {{ attemps 3 }}\n{TABLE}");
        assert_eq!(
            diagnostics(&text),
            ["E0302 `attemps` is not a field of `retry`"]
        );
    }

    #[test]
    fn retry_and_timeout_are_different_kinds() {
        let text = format!(
            "policy p = retry {{ attempts 3 }}\n\
             policy q = timeout 5s\n\
             policy r = retry {{ attempts 2 }}\n{}",
            TABLE.replace("apply p", "apply p, q, r")
        );
        assert_eq!(
            diagnostics(&text),
            ["E0308 `p` and `r` are both `retry` policies"]
        );
    }

    #[test]
    fn editing_a_policy_body_does_not_recheck_what_applies_it() {
        let (mut db, log) = Database::with_execution_log();
        let text = format!("policy p = retry {{ attempts 3 }}\n{TABLE}");
        let (project, file) = project(&db, &text);
        assert!(file_diagnostics(&db, project, file).is_empty());
        log.take();
        file.set_text(&mut db)
            .to(text.replace("attempts 3", "attempts 4"));
        assert!(file_diagnostics(&db, project, file).is_empty());
        let checked = log
            .take()
            .iter()
            .filter(|entry| entry.starts_with("check_item("))
            .count();
        // Only the policy itself: its kind did not change, so the table's check is reused.
        assert_eq!(checked, 1);
    }

    #[test]
    fn a_timeout_block_with_one_duration_is_fixed_into_the_short_form() {
        let db = Database::default();
        let text = TABLE.replace("apply p", "apply p, q");
        let text =
            format!("policy p = timeout {{ per-try-timeout 20s }}\npolicy q = retry 3\n{text}");
        let (project, file) = project(&db, &text);
        let found: Vec<(String, Option<String>, Option<String>)> =
            file_diagnostics(&db, project, file)
                .iter()
                .map(|d| {
                    let fix = d.fix.as_ref().map(|fix| fix.replacement.clone());
                    (d.code.as_str().to_owned(), d.help.clone(), fix)
                })
                .collect();
        let expected = [
            ("E0311", "write `policy p = timeout 20s`", Some("20s")),
            ("E0311", "write `policy q = retry { attempts 3 }`", None),
        ];
        let expected: Vec<(String, Option<String>, Option<String>)> = expected
            .into_iter()
            .map(|(code, help, fix)| {
                (
                    code.to_owned(),
                    Some(help.to_owned()),
                    fix.map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(or_list(&["delay", "abort"]), "`delay` or `abort`");
        assert_eq!(and_list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(and_list(&["a"]), "`a`");
    }
}
