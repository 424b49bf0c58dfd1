//! What the names of a syntax tree are: one walk over an item that reports every statement
//! (with the block it belongs to) and every name with its role — an item's definition or a
//! reference to one, a cluster, a service, a policy field, a label key… Hover, navigation,
//! semantic tokens and inlay hints all read trees through this walk, so a construct added to
//! the grammar is taught to every feature here.
//!
//! Spans are item-relative token spans, as in the tree. A `window` prunes the walk to the
//! statements it overlaps, so a request about one token of a 10,000-route table visits one
//! route.

use crate::check::PolicyKind;
use crate::db::ItemTag;
use crate::syntax::ast::{
    self, DestinationStmt, Expose, FieldArgs, GatewayStmt, ItemKind, LabelMatch, Matcher, Name,
    PolicyBody, PortRef, QualifiedName, RouteStmt, Selector, Span, TableStmt, Target, TestStmt,
    Value, ValueKind,
};

/// The blocks statements are written in; `TopLevel` stands for item headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Block {
    TopLevel,
    Gateway,
    Destination,
    /// A policy block, of a known kind or not.
    Policy(Option<PolicyKind>),
    Table,
    Route,
    Test,
}

/// What a span of the tree is.
#[derive(Clone, Copy, Debug)]
pub(super) enum Node<'a> {
    /// A statement of a block, or an item (at `TopLevel`): its first token is its keyword.
    Statement(Block),
    /// The name of the item being defined.
    ItemName(ItemTag),
    /// The name of a route, in its table.
    RouteName {
        table: &'a Name,
    },
    /// A name that refers to an item of this kind.
    ItemRef(ItemTag, &'a Name),
    /// The route part of `expect route TABLE.ROUTE`.
    RouteRef {
        table: &'a Name,
        route: &'a Name,
    },
    Namespace(&'a Name),
    Cluster(&'a Name),
    /// The name of a service in a target.
    Service(&'a QualifiedName),
    /// The port of a service target, by number or name.
    ServicePort {
        service: &'a QualifiedName,
        port: &'a PortRef,
    },
    /// The target port of a destination's `port … -> TARGET`, by name.
    PortName,
    /// A service account of an `access` policy (its name; the namespace is a `Namespace`).
    ServiceAccount,
    /// A label key of a selector over services (`select`) or workloads (everything else).
    LabelKey {
        label: &'a LabelMatch,
        services: bool,
    },
    /// A label value, likewise.
    LabelValue {
        label: &'a LabelMatch,
        services: bool,
    },
    /// The kind of a policy (`retry`).
    PolicyKind(&'a Name),
    /// A field of a policy block, of a known kind or not.
    Field {
        kind: Option<PolicyKind>,
        name: &'a Name,
    },
    /// A word from a fixed set: an HTTP method, a protocol, a retry condition, a locality.
    Enum,
    /// A whole target (`service reviews.bookinfo:9080 (version = "v1") weight 10`).
    Target(&'a Target),
}

/// Walks `item`, calling `visit` for every node that overlaps `window` (every node when
/// `window` is `None`), outer nodes before the nodes they contain.
pub(super) fn walk<'a>(
    item: &'a ast::Item,
    window: Option<Span>,
    visit: &mut dyn FnMut(Span, Node<'a>),
) {
    let mut walker = Walker { window, visit };
    walker.item(item);
}

struct Walker<'a, 'v> {
    window: Option<Span>,
    visit: &'v mut dyn FnMut(Span, Node<'a>),
}

impl<'a> Walker<'a, '_> {
    fn wants(&self, span: Span) -> bool {
        self.window
            .is_none_or(|w| span.start < w.end && w.start < span.end)
    }

    fn emit(&mut self, span: Span, node: Node<'a>) {
        if self.wants(span) {
            (self.visit)(span, node);
        }
    }

    /// Emits a statement and says whether its insides are wanted.
    fn statement(&mut self, span: Span, block: Block) -> bool {
        let wanted = self.wants(span);
        if wanted {
            (self.visit)(span, Node::Statement(block));
        }
        wanted
    }

    fn item(&mut self, item: &'a ast::Item) {
        if !self.statement(item.span, Block::TopLevel) {
            return;
        }
        match &item.kind {
            ItemKind::Namespace(name) => self.emit(name.span, Node::Namespace(name)),
            ItemKind::Gateway(gateway) => {
                self.emit(gateway.name.span, Node::ItemName(ItemTag::Gateway));
                for stmt in &gateway.body {
                    self.gateway_stmt(stmt);
                }
            }
            ItemKind::Destination(destination) => {
                self.emit(destination.name.span, Node::ItemName(ItemTag::Destination));
                for stmt in &destination.body {
                    self.destination_stmt(stmt);
                }
            }
            ItemKind::Policy(policy) => self.policy(policy),
            ItemKind::Routes(table) => {
                self.emit(table.name.span, Node::ItemName(ItemTag::Routes));
                for stmt in &table.body {
                    self.table_stmt(&table.name, stmt);
                }
            }
            ItemKind::Test(test) => {
                self.emit(test.name.span, Node::ItemName(ItemTag::Test));
                for stmt in &test.body {
                    self.test_stmt(stmt);
                }
            }
            ItemKind::Error => {}
        }
    }

    fn gateway_stmt(&mut self, stmt: &'a GatewayStmt) {
        let span = match stmt {
            GatewayStmt::Cluster { span, .. }
            | GatewayStmt::Workload { span, .. }
            | GatewayStmt::Listen { span, .. }
            | GatewayStmt::Error(span) => *span,
        };
        if !self.statement(span, Block::Gateway) {
            return;
        }
        match stmt {
            GatewayStmt::Cluster { clusters, .. } => self.clusters(clusters),
            GatewayStmt::Workload {
                selector,
                namespace,
                ..
            } => {
                self.selector(selector, false);
                self.namespace(namespace.as_ref());
            }
            GatewayStmt::Listen { protocol, .. } => self.emit(protocol.span, Node::Enum),
            GatewayStmt::Error(_) => {}
        }
    }

    fn destination_stmt(&mut self, stmt: &'a DestinationStmt) {
        let span = match stmt {
            DestinationStmt::Host { span, .. }
            | DestinationStmt::Port { span, .. }
            | DestinationStmt::Select { span, .. }
            | DestinationStmt::Clusters { span, .. }
            | DestinationStmt::Apply(ast::Apply { span, .. })
            | DestinationStmt::Error(span) => *span,
        };
        if !self.statement(span, Block::Destination) {
            return;
        }
        match stmt {
            DestinationStmt::Port {
                protocol, target, ..
            } => {
                if let Some(protocol) = protocol {
                    self.emit(protocol.span, Node::Enum);
                }
                if let Some(PortRef::Name(name)) = target {
                    self.emit(name.span, Node::PortName);
                }
            }
            DestinationStmt::Select {
                selector,
                namespace,
                ..
            } => {
                self.selector(selector, true);
                self.namespace(namespace.as_ref());
            }
            DestinationStmt::Clusters { clusters, .. } => self.clusters(clusters),
            DestinationStmt::Apply(apply) => self.apply(apply),
            DestinationStmt::Host { .. } | DestinationStmt::Error(_) => {}
        }
    }

    fn policy(&mut self, policy: &'a ast::Policy) {
        self.emit(policy.name.span, Node::ItemName(ItemTag::Policy));
        self.emit(policy.kind.span, Node::PolicyKind(&policy.kind));
        let kind = PolicyKind::from_name(&policy.kind.text);
        match &policy.body {
            PolicyBody::Short(value) => self.value(value),
            PolicyBody::Block { fields, .. } => {
                for field in fields {
                    if !self.statement(field.span, Block::Policy(kind)) {
                        continue;
                    }
                    self.emit(
                        field.name.span,
                        Node::Field {
                            kind,
                            name: &field.name,
                        },
                    );
                    self.field_args(&field.args);
                }
            }
            PolicyBody::Error(_) => {}
        }
    }

    fn field_args(&mut self, args: &'a FieldArgs) {
        match args {
            FieldArgs::Values(values) => {
                for value in values {
                    self.value(value);
                }
            }
            FieldArgs::Target(target) => self.target(target),
            FieldArgs::Allow { account, .. } => {
                self.emit(account.name.span, Node::ServiceAccount);
                self.namespace(account.namespace.as_ref());
            }
            FieldArgs::Mapping { from, to } => {
                self.value(from);
                for value in to {
                    self.value(value);
                }
            }
            FieldArgs::Flag | FieldArgs::Header { .. } | FieldArgs::Unknown | FieldArgs::Error => {}
        }
    }

    /// Words among values come from fixed sets (`on 5xx, reset`, `prefer same-zone`).
    fn value(&mut self, value: &'a Value) {
        if matches!(value.kind, ValueKind::Ident(_) | ValueKind::Word(_)) {
            self.emit(value.span, Node::Enum);
        }
    }

    fn table_stmt(&mut self, table: &'a Name, stmt: &'a TableStmt) {
        let span = match stmt {
            TableStmt::Hosts { span, .. }
            | TableStmt::Weight { span, .. }
            | TableStmt::Apply(ast::Apply { span, .. })
            | TableStmt::Error(span) => *span,
            TableStmt::Expose(expose) => expose.span(),
            TableStmt::Route(route) => route.span,
        };
        if !self.statement(span, Block::Table) {
            return;
        }
        match stmt {
            TableStmt::Expose(Expose::Gateway { gateways, .. }) => {
                for gateway in gateways {
                    self.emit(gateway.span, Node::ItemRef(ItemTag::Gateway, gateway));
                }
            }
            TableStmt::Expose(Expose::Workloads {
                selector,
                namespace,
                ..
            }) => {
                self.selector(selector, false);
                self.namespace(namespace.as_ref());
            }
            TableStmt::Apply(apply) => self.apply(apply),
            TableStmt::Route(route) => {
                self.emit(route.name.span, Node::RouteName { table });
                for stmt in &route.body {
                    self.route_stmt(stmt);
                }
            }
            TableStmt::Expose(Expose::Mesh { .. })
            | TableStmt::Hosts { .. }
            | TableStmt::Weight { .. }
            | TableStmt::Error(_) => {}
        }
    }

    fn route_stmt(&mut self, stmt: &'a RouteStmt) {
        let span = match stmt {
            RouteStmt::Match { span, .. }
            | RouteStmt::To { span, .. }
            | RouteStmt::Redirect { span, .. }
            | RouteStmt::Respond { span, .. }
            | RouteStmt::Delegate { span, .. }
            | RouteStmt::Rewrite { span, .. }
            | RouteStmt::Apply(ast::Apply { span, .. })
            | RouteStmt::Error(span) => *span,
        };
        if !self.statement(span, Block::Route) {
            return;
        }
        match stmt {
            RouteStmt::Match { matchers, .. } => {
                for matcher in matchers {
                    if let Matcher::Method { methods, .. } = matcher {
                        for method in methods {
                            self.emit(method.span, Node::Enum);
                        }
                    }
                }
            }
            RouteStmt::To { targets, .. } => {
                for target in targets {
                    self.target(target);
                }
            }
            RouteStmt::Delegate { tables, .. } => {
                for table in tables {
                    self.emit(table.span, Node::ItemRef(ItemTag::Routes, table));
                }
            }
            RouteStmt::Apply(apply) => self.apply(apply),
            RouteStmt::Redirect { .. }
            | RouteStmt::Respond { .. }
            | RouteStmt::Rewrite { .. }
            | RouteStmt::Error(_) => {}
        }
    }

    fn test_stmt(&mut self, stmt: &'a TestStmt) {
        let span = match stmt {
            TestStmt::Request { span, .. }
            | TestStmt::ExpectRoute { span, .. }
            | TestStmt::ExpectTo { span, .. }
            | TestStmt::ExpectPolicy { span, .. }
            | TestStmt::ExpectNoRoute { span }
            | TestStmt::Error(span) => *span,
        };
        if !self.statement(span, Block::Test) {
            return;
        }
        match stmt {
            TestStmt::Request {
                method,
                via_gateway,
                ..
            } => {
                self.emit(method.span, Node::Enum);
                if let Some(gateway) = via_gateway {
                    self.emit(gateway.span, Node::ItemRef(ItemTag::Gateway, gateway));
                }
            }
            TestStmt::ExpectRoute { table, route, .. } => {
                self.emit(table.span, Node::ItemRef(ItemTag::Routes, table));
                self.emit(route.span, Node::RouteRef { table, route });
            }
            TestStmt::ExpectTo { target, .. } => self.target(target),
            TestStmt::ExpectPolicy { policy, .. } => {
                self.emit(policy.span, Node::ItemRef(ItemTag::Policy, policy));
            }
            TestStmt::ExpectNoRoute { .. } | TestStmt::Error(_) => {}
        }
    }

    fn target(&mut self, target: &'a Target) {
        if !self.wants(target.span()) {
            return;
        }
        (self.visit)(target.span(), Node::Target(target));
        match target {
            Target::Service {
                service,
                port,
                subset,
                cluster,
                ..
            } => {
                self.emit(service.name.span, Node::Service(service));
                self.namespace(service.namespace.as_ref());
                if let Some(port) = port {
                    self.emit(port.span(), Node::ServicePort { service, port });
                }
                if let Some(subset) = subset {
                    self.selector(subset, false);
                }
                if let Some(cluster) = cluster {
                    self.emit(cluster.span, Node::Cluster(cluster));
                }
            }
            Target::Destination { name, .. } => {
                self.emit(name.span, Node::ItemRef(ItemTag::Destination, name));
            }
        }
    }

    fn apply(&mut self, apply: &'a ast::Apply) {
        for policy in &apply.policies {
            self.emit(policy.span, Node::ItemRef(ItemTag::Policy, policy));
        }
    }

    fn clusters(&mut self, clusters: &'a [Name]) {
        for cluster in clusters {
            self.emit(cluster.span, Node::Cluster(cluster));
        }
    }

    fn namespace(&mut self, namespace: Option<&'a Name>) {
        if let Some(namespace) = namespace {
            self.emit(namespace.span, Node::Namespace(namespace));
        }
    }

    fn selector(&mut self, selector: &'a Selector, services: bool) {
        for label in &selector.labels {
            self.emit(label.key.span, Node::LabelKey { label, services });
            self.emit(label.value.span, Node::LabelValue { label, services });
        }
    }
}

/// The innermost node of `item` containing the item-relative token `token`: names win over
/// the statements that hold them.
pub(super) fn node_at(item: &ast::Item, token: u32) -> Option<(Span, Node<'_>)> {
    let mut best: Option<(Span, Node<'_>)> = None;
    walk(
        item,
        Some(Span::new(token, token + 1)),
        &mut |span, node| {
            let size = span.end - span.start;
            // Later nodes are nested in earlier ones, so ties go to the later (inner) node.
            if best.is_none_or(|(b, _)| size <= b.end - b.start) {
                best = Some((span, node));
            }
        },
    );
    best
}
