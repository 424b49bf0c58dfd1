//! The first pass over each item: a recursive descent that builds the tree of a valid item
//! from its tokens, and gives up (`None`) at the first token the grammar does not take there.
//! [`super::parser`] then parses that item again with chumsky, which reports the errors and
//! recovers. Most items are valid, and this pass does what chumsky's error-free pass did in
//! about half the instructions, trees included (43 M against 80 M at 10k routes, see
//! BENCHMARKS.md); it also reads the tokens' kinds and ranges directly, so chumsky's form of
//! the tokens is made only for the items it gives up on.
//!
//! Wherever it succeeds it must build chumsky's tree: both read the blocks' keywords and
//! reserved words from [`super::parser`], and a property test compares whole parses made with
//! and without this pass on mutated files. Chumsky backtracks out of an optional part that
//! starts but does not finish (`in` not followed by a namespace); this pass gives up there
//! instead. That is always safe (giving up only costs chumsky's pass), and rare: the token left
//! over starts no statement there, so chumsky reports an error (or, in a policy, keeps an
//! unknown field for the checker to report).

use super::ast::{
    self, Apply, CompactString, Destination, DestinationStmt, Expose, FieldArgs, Gateway,
    GatewayStmt, HeaderOp, Int, ItemKind, LabelMatch, Matcher, Name, PathKind, Policy, PolicyBody,
    PolicyField, PortRef, QualifiedName, QueryOp, RewriteKind, Route, RouteStmt, RouteTable,
    Selector, Span, Str, TableStmt, Target, Test, TestStmt, Value, ValueKind,
};
use super::lexer::{self, Token, Tokens};
use super::parser::{
    ALLOW_FIELDS, DESTINATION, FIELDS, FLAG_FIELDS, GATEWAY, HEADER_FIELDS, MAPPING_FIELDS, ROUTE,
    Reserved, TABLE, TARGET_FIELDS, TEST, VALUE_FIELDS, fitted,
};

/// The tree of the item made of the tokens `run` of `tokens`, and how many of those tokens it
/// uses (the rest is junk, which the caller reports); `None` if the item has a syntax error.
pub(super) fn item(tokens: &Tokens<'_>, run: std::ops::Range<usize>) -> Option<(ast::Item, usize)> {
    let mut p = Descent {
        tokens,
        first: run.start,
        kinds: tokens.kinds.get(run)?,
        at: 0,
    };
    let kind = match p.word()? {
        "namespace" => {
            p.at += 1;
            ItemKind::Namespace(p.name(NONE)?)
        }
        "gateway" => {
            p.at += 1;
            let name = p.name(NONE)?;
            let body = p.block(Descent::gateway_statement)?;
            ItemKind::Gateway(Gateway { name, body })
        }
        "destination" => {
            p.at += 1;
            let name = p.name(NONE)?;
            let body = p.block(Descent::destination_statement)?;
            ItemKind::Destination(Destination { name, body })
        }
        "policy" => {
            p.at += 1;
            let name = p.name(NONE)?;
            p.punct(Token::Eq)?;
            let kind = p.name(NONE)?;
            let body = if p.kind() == Some(Token::LBrace) {
                p.policy_block()?
            } else {
                PolicyBody::Short(p.value(NONE)?)
            };
            ItemKind::Policy(Policy { name, kind, body })
        }
        "routes" => {
            p.at += 1;
            let name = p.name(NONE)?;
            let body = p.block(Descent::table_statement)?;
            ItemKind::Routes(RouteTable { name, body })
        }
        "test" => {
            p.at += 1;
            let name = p.string()?;
            let body = p.block(Descent::test_statement)?;
            ItemKind::Test(Test { name, body })
        }
        _ => return None,
    };
    let span = p.span_from(0);
    Some((ast::Item { kind, span }, p.at))
}

const NONE: Reserved = &[];

/// An item's tokens and the index of the next one; spans and `at` count from the item's
/// first token, `first` in the file's `tokens`.
struct Descent<'t, 's> {
    tokens: &'t Tokens<'s>,
    first: usize,
    kinds: &'t [Token],
    at: usize,
}

impl<'s> Descent<'_, 's> {
    // -----------------------------------------------------------------------------------------
    // Tokens

    fn kind(&self) -> Option<Token> {
        self.kinds.get(self.at).copied()
    }

    fn text_of(&self, at: usize) -> &'s str {
        self.tokens.text(self.first + at)
    }

    /// The next token's text if it is an identifier.
    fn word(&self) -> Option<&'s str> {
        (self.kind()? == Token::Ident).then(|| self.text_of(self.at))
    }

    fn is(&self, word: &str) -> bool {
        self.word() == Some(word)
    }

    fn keyword(&mut self, word: &str) -> Option<()> {
        self.is(word).then(|| self.at += 1)
    }

    fn punct(&mut self, kind: Token) -> Option<()> {
        (self.kind()? == kind).then(|| self.at += 1)
    }

    /// The span from token `start` to the last token taken.
    fn span_from(&self, start: usize) -> Span {
        Span::new(lexer::offset(start), lexer::offset(self.at))
    }

    /// What `what` parses after the token `lead`, if that comes next (and is taken); giving up if
    /// `what` does.
    fn after<T>(
        &mut self,
        lead: Token,
        what: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.punct(lead) {
            Some(()) => what(self).map(Some),
            None => Some(None),
        }
    }

    /// [`Self::after`] a keyword.
    fn after_keyword<T>(
        &mut self,
        word: &str,
        what: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.keyword(word) {
            Some(()) => what(self).map(Some),
            None => Some(None),
        }
    }

    /// Takes the next token if it has kind `kind`: its text and span.
    fn take(&mut self, kind: Token) -> Option<(&'s str, Span)> {
        (self.kind()? == kind).then(|| (self.text_of(self.at), self.step()))
    }

    /// Takes the next token, whatever it is: its span.
    fn step(&mut self) -> Span {
        self.at += 1;
        self.span_from(self.at - 1)
    }

    // -----------------------------------------------------------------------------------------
    // Terminals

    /// An identifier that is not one of `reserved`.
    fn name(&mut self, reserved: Reserved) -> Option<Name> {
        let text = self.word()?;
        if reserved.contains(&text) {
            return None;
        }
        Some(Name {
            text: CompactString::new(text),
            span: self.step(),
        })
    }

    fn string(&mut self) -> Option<Str> {
        let (text, span) = self.take(Token::Str)?;
        Some(Str {
            value: lexer::string_value(text).0,
            span,
        })
    }

    fn int(&mut self) -> Option<Int> {
        let (text, span) = self.take(Token::Int)?;
        Some(Int {
            value: lexer::number_value(text),
            span,
        })
    }

    /// A literal of a policy field; an identifier value may not be one of `reserved`.
    fn value(&mut self, reserved: Reserved) -> Option<Value> {
        let kind = self.kind()?;
        if kind == Token::Ident && reserved.contains(&self.word()?) {
            return None;
        }
        let (text, span) = self.take(kind)?;
        let kind = match kind {
            Token::Int => ValueKind::Int(lexer::number_value(text)),
            Token::Duration => ValueKind::Duration(lexer::number_value(text)),
            Token::Percent => ValueKind::Percent(lexer::number_value(text)),
            Token::Str => ValueKind::Str(lexer::string_value(text).0),
            Token::Ident => ValueKind::Ident(CompactString::new(text)),
            Token::Word => ValueKind::Word(CompactString::new(text)),
            _ => return None,
        };
        Some(Value { kind, span })
    }

    /// One or more, separated by commas.
    fn list<T>(&mut self, each: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.separated(|p| p.punct(Token::Comma).is_some(), each)
    }

    /// One or more, each but the first after what `separator` takes.
    fn separated<T>(
        &mut self,
        separator: impl Fn(&mut Self) -> bool,
        mut each: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        // Most lists have one element or two: each gets one allocation of its length, where
        // growing from one element to two reallocated.
        let first = each(self)?;
        if !separator(self) {
            return Some(vec![first]);
        }
        let second = each(self)?;
        if !separator(self) {
            return Some(vec![first, second]);
        }
        let mut list = vec![first, second, each(self)?];
        while separator(self) {
            list.push(each(self)?);
        }
        Some(fitted(list))
    }

    /// `NAME` or `NAME.NAMESPACE`.
    fn qualified_name(&mut self, reserved: Reserved) -> Option<QualifiedName> {
        let start = self.at;
        let name = self.name(reserved)?;
        let namespace = self.after(Token::Dot, |p| p.name(reserved))?;
        Some(QualifiedName {
            name,
            namespace,
            span: self.span_from(start),
        })
    }

    fn port_ref(&mut self, reserved: Reserved) -> Option<PortRef> {
        match self.kind()? {
            Token::Int => self.int().map(PortRef::Number),
            _ => self.name(reserved).map(PortRef::Name),
        }
    }

    /// `(KEY = VALUE, ...)`, keys and values strings or identifiers, a trailing comma allowed.
    fn selector(&mut self) -> Option<Selector> {
        let start = self.at;
        self.punct(Token::LParen)?;
        let labels = if self.punct(Token::RParen).is_some() {
            Vec::new()
        } else {
            // A comma before the closing parenthesis ends the list instead of separating.
            let labels = self.separated(
                |p| {
                    p.kinds.get(p.at + 1) != Some(&Token::RParen) && p.punct(Token::Comma).is_some()
                },
                Self::label_match,
            )?;
            self.punct(Token::Comma);
            self.punct(Token::RParen)?;
            labels
        };
        Some(Selector {
            labels,
            span: self.span_from(start),
        })
    }

    /// `KEY = VALUE` of a selector.
    fn label_match(&mut self) -> Option<LabelMatch> {
        let start = self.at;
        let key = self.label_text()?;
        self.punct(Token::Eq)?;
        let value = self.label_text()?;
        Some(LabelMatch {
            key,
            value,
            span: self.span_from(start),
        })
    }

    /// A label's key or value: a string, or an identifier taken as one.
    fn label_text(&mut self) -> Option<Str> {
        match self.kind()? {
            Token::Ident => {
                let (text, span) = self.take(Token::Ident)?;
                Some(Str {
                    value: CompactString::new(text),
                    span,
                })
            }
            _ => self.string(),
        }
    }

    /// `in NAMESPACE` after a selector.
    fn in_namespace(&mut self, reserved: Reserved) -> Option<Option<Name>> {
        self.after_keyword("in", |p| p.name(reserved))
    }

    fn target(&mut self, reserved: Reserved) -> Option<Target> {
        let start = self.at;
        match self.word()? {
            "service" => {
                self.at += 1;
                let service = self.qualified_name(reserved)?;
                let port = self.after(Token::Colon, |p| p.port_ref(reserved))?;
                let subset = match self.kind() {
                    Some(Token::LParen) => Some(self.selector()?),
                    _ => None,
                };
                let cluster = self.after(Token::At, |p| p.name(reserved))?;
                let weight = self.after_keyword("weight", Self::int)?;
                Some(Target::Service {
                    service,
                    port,
                    subset,
                    cluster,
                    weight,
                    span: self.span_from(start),
                })
            }
            "destination" => {
                self.at += 1;
                let name = self.name(reserved)?;
                let port = self.after(Token::Colon, |p| p.port_ref(reserved))?;
                let weight = self.after_keyword("weight", Self::int)?;
                Some(Target::Destination {
                    name,
                    port,
                    weight,
                    span: self.span_from(start),
                })
            }
            _ => None,
        }
    }

    fn apply(&mut self, reserved: Reserved) -> Option<Apply> {
        let start = self.at;
        self.keyword("apply")?;
        let policies = self.list(|p| p.name(reserved))?;
        Some(Apply {
            policies,
            span: self.span_from(start),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Blocks

    /// `{ STATEMENT* }`, each statement parsed by `statement`, which is given its first word
    /// (taken) and where it starts, and gives up on a word that starts none of the block's.
    fn block<S>(&mut self, statement: fn(&mut Self, &str, usize) -> Option<S>) -> Option<Vec<S>> {
        self.punct(Token::LBrace)?;
        let mut body = Vec::new();
        while self.punct(Token::RBrace).is_none() {
            let word = self.word()?;
            let start = self.at;
            self.at += 1;
            body.push(statement(self, word, start)?);
        }
        Some(fitted(body))
    }

    /// `{ FIELD* }` of a policy. An unknown field name gives up: chumsky keeps it as
    /// [`FieldArgs::Unknown`] for the checker to report.
    fn policy_block(&mut self) -> Option<PolicyBody> {
        let start = self.at;
        self.punct(Token::LBrace)?;
        let mut fields = Vec::new();
        while self.punct(Token::RBrace).is_none() {
            let field = self.at;
            let text = self.word()?;
            let name = self.name(NONE)?;
            let args = if VALUE_FIELDS.contains(&text) {
                FieldArgs::Values(self.list(|p| p.value(FIELDS))?)
            } else if FLAG_FIELDS.contains(&text) {
                FieldArgs::Flag
            } else if HEADER_FIELDS.contains(&text) {
                let action = self.name(NONE)?;
                match action.text.as_str() {
                    "set" => FieldArgs::Header {
                        action,
                        header: self.string()?,
                        value: Some(self.string()?),
                    },
                    "remove" => FieldArgs::Header {
                        action,
                        header: self.string()?,
                        value: None,
                    },
                    _ => return None,
                }
            } else if TARGET_FIELDS.contains(&text) {
                FieldArgs::Target(self.target(FIELDS)?)
            } else if ALLOW_FIELDS.contains(&text) {
                FieldArgs::Allow {
                    principal: self.name(FIELDS)?,
                    account: self.qualified_name(FIELDS)?,
                }
            } else if MAPPING_FIELDS.contains(&text) {
                let from = self.value(FIELDS)?;
                self.keyword("to")?;
                FieldArgs::Mapping {
                    from,
                    to: self.list(|p| p.value(FIELDS))?,
                }
            } else {
                return None;
            };
            fields.push(PolicyField {
                name,
                args,
                span: self.span_from(field),
            });
        }
        Some(PolicyBody::Block {
            fields: fitted(fields),
            span: self.span_from(start),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Statements: each is called after its keyword, `word`, at token `start`.

    fn gateway_statement(&mut self, word: &str, start: usize) -> Option<GatewayStmt> {
        let reserved = GATEWAY.reserved;
        Some(match word {
            "cluster" => GatewayStmt::Cluster {
                clusters: self.list(|p| p.name(reserved))?,
                span: self.span_from(start),
            },
            "workload" => GatewayStmt::Workload {
                selector: self.selector()?,
                namespace: self.in_namespace(reserved)?,
                span: self.span_from(start),
            },
            "listen" => {
                let port = self.int()?;
                let protocol = self.name(reserved)?;
                let tls = self.after_keyword("tls", Self::string)?;
                GatewayStmt::Listen {
                    port,
                    protocol,
                    tls,
                    span: self.span_from(start),
                }
            }
            _ => return None,
        })
    }

    fn destination_statement(&mut self, word: &str, start: usize) -> Option<DestinationStmt> {
        let reserved = DESTINATION.reserved;
        Some(match word {
            "host" => DestinationStmt::Host {
                hosts: self.list(Self::string)?,
                span: self.span_from(start),
            },
            "port" => {
                let number = self.int()?;
                let protocol = match self.word() {
                    Some(word) if !reserved.contains(&word) => self.name(reserved),
                    _ => None,
                };
                let target = self.after(Token::Arrow, |p| p.port_ref(reserved))?;
                DestinationStmt::Port {
                    number,
                    protocol,
                    target,
                    span: self.span_from(start),
                }
            }
            "select" => DestinationStmt::Select {
                selector: self.selector()?,
                namespace: self.in_namespace(reserved)?,
                span: self.span_from(start),
            },
            "clusters" => DestinationStmt::Clusters {
                clusters: self.list(|p| p.name(reserved))?,
                span: self.span_from(start),
            },
            "apply" => {
                self.at = start;
                DestinationStmt::Apply(self.apply(reserved)?)
            }
            _ => return None,
        })
    }

    fn table_statement(&mut self, word: &str, start: usize) -> Option<TableStmt> {
        let reserved = TABLE.reserved;
        Some(match word {
            "hosts" => TableStmt::Hosts {
                hosts: self.list(Self::string)?,
                span: self.span_from(start),
            },
            "expose" => TableStmt::Expose(match self.word()? {
                "on" => {
                    self.at += 1;
                    self.keyword("gateway")?;
                    Expose::Gateway {
                        gateways: self.list(|p| p.name(reserved))?,
                        span: self.span_from(start),
                    }
                }
                "to" => {
                    self.at += 1;
                    match self.word()? {
                        "mesh" => {
                            self.at += 1;
                            Expose::Mesh {
                                span: self.span_from(start),
                            }
                        }
                        "workloads" => {
                            self.at += 1;
                            Expose::Workloads {
                                selector: self.selector()?,
                                namespace: self.in_namespace(reserved)?,
                                span: self.span_from(start),
                            }
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }),
            "apply" => {
                self.at = start;
                TableStmt::Apply(self.apply(reserved)?)
            }
            "weight" => TableStmt::Weight {
                weight: self.int()?,
                span: self.span_from(start),
            },
            "route" => {
                let name = self.name(reserved)?;
                let body = self.block(Self::route_statement)?;
                TableStmt::Route(Route {
                    name,
                    body,
                    span: self.span_from(start),
                })
            }
            _ => return None,
        })
    }

    /// The string after a matcher's operator, the operator being the next token.
    fn operand(&mut self) -> Option<Str> {
        self.at += 1;
        self.string()
    }

    fn matcher(&mut self, reserved: Reserved) -> Option<Matcher> {
        let start = self.at;
        let word = self.word()?;
        self.at += 1;
        Some(match word {
            "path" => {
                let kind = match self.word()? {
                    "prefix" => PathKind::Prefix,
                    "exact" => PathKind::Exact,
                    "regex" => PathKind::Regex,
                    _ => return None,
                };
                self.at += 1;
                Matcher::Path {
                    kind,
                    value: self.string()?,
                    span: self.span_from(start),
                }
            }
            "header" => {
                let name = self.string()?;
                let op = match self.kind()? {
                    Token::Eq => HeaderOp::Equals(self.operand()?),
                    Token::NotEq => HeaderOp::NotEquals(self.operand()?),
                    Token::Tilde => HeaderOp::Regex(self.operand()?),
                    _ => {
                        self.keyword("present")?;
                        HeaderOp::Present
                    }
                };
                Matcher::Header {
                    name,
                    op,
                    span: self.span_from(start),
                }
            }
            "query" => {
                let name = self.string()?;
                let op = match self.kind()? {
                    Token::Eq => QueryOp::Equals(self.operand()?),
                    Token::Tilde => QueryOp::Regex(self.operand()?),
                    _ => return None,
                };
                Matcher::Query {
                    name,
                    op,
                    span: self.span_from(start),
                }
            }
            "method" => Matcher::Method {
                methods: self.list(|p| p.name(reserved))?,
                span: self.span_from(start),
            },
            _ => return None,
        })
    }

    fn route_statement(&mut self, word: &str, start: usize) -> Option<RouteStmt> {
        let reserved = ROUTE.reserved;
        Some(match word {
            "match" => RouteStmt::Match {
                matchers: self
                    .separated(|p| p.keyword("and").is_some(), |p| p.matcher(reserved))?,
                span: self.span_from(start),
            },
            "to" => RouteStmt::To {
                targets: self.list(|p| p.target(reserved))?,
                span: self.span_from(start),
            },
            "redirect" => {
                // At least one part, in this order.
                let host = self.after_keyword("host", Self::string)?;
                let path = self.after_keyword("path", Self::string)?;
                let code = self.after_keyword("code", Self::int)?;
                if host.is_none() && path.is_none() && code.is_none() {
                    return None;
                }
                RouteStmt::Redirect {
                    host,
                    path,
                    code,
                    span: self.span_from(start),
                }
            }
            "respond" => RouteStmt::Respond {
                status: self.int()?,
                body: match self.kind() {
                    Some(Token::Str) => Some(self.string()?),
                    _ => None,
                },
                span: self.span_from(start),
            },
            "delegate" => {
                self.keyword("to")?;
                self.keyword("routes")?;
                RouteStmt::Delegate {
                    tables: self.list(|p| p.name(reserved))?,
                    span: self.span_from(start),
                }
            }
            "rewrite" => {
                let kind = match self.word()? {
                    "prefix" => RewriteKind::Prefix,
                    "host" => RewriteKind::Host,
                    _ => return None,
                };
                self.at += 1;
                RouteStmt::Rewrite {
                    kind,
                    value: self.string()?,
                    span: self.span_from(start),
                }
            }
            "apply" => {
                self.at = start;
                RouteStmt::Apply(self.apply(reserved)?)
            }
            _ => return None,
        })
    }

    fn test_statement(&mut self, word: &str, start: usize) -> Option<TestStmt> {
        let reserved = TEST.reserved;
        Some(match word {
            "request" => {
                let method = self.name(reserved)?;
                let url = self.string()?;
                let mut headers = Vec::new();
                while self.keyword("header").is_some() {
                    let name = self.string()?;
                    self.punct(Token::Eq)?;
                    headers.push((name, self.string()?));
                }
                let headers = fitted(headers);
                let via_gateway = self.after_keyword("via", |p| {
                    p.keyword("gateway")?;
                    p.name(reserved)
                })?;
                TestStmt::Request {
                    method,
                    url,
                    headers,
                    via_gateway,
                    span: self.span_from(start),
                }
            }
            "expect" => {
                let what = self.word()?;
                self.at += 1;
                match what {
                    "route" => {
                        let table = self.name(reserved)?;
                        self.punct(Token::Dot)?;
                        TestStmt::ExpectRoute {
                            table,
                            route: self.name(reserved)?,
                            span: self.span_from(start),
                        }
                    }
                    "to" => TestStmt::ExpectTo {
                        target: self.target(reserved)?,
                        span: self.span_from(start),
                    },
                    "policy" => TestStmt::ExpectPolicy {
                        policy: self.name(reserved)?,
                        span: self.span_from(start),
                    },
                    "no" => {
                        self.keyword("route")?;
                        TestStmt::ExpectNoRoute {
                            span: self.span_from(start),
                        }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}
