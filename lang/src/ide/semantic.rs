//! Semantic tokens: a colour class for every token of a file, from the tokens themselves
//! (strings, numbers, comments, operators) and from the tree (what each name is).
//!
//! Words the tree does not name are keywords when the language has such a keyword: in a
//! statement that did not parse, the keywords keep their colour while the rest stays plain.

use super::classify::{Node, walk};
use super::{TextRange, docs, slice};
use crate::db::{Db, ItemTag, SourceFile, parse_file};

/// The colour class of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SemanticKind {
    Keyword,
    /// A policy kind (`retry`).
    Type,
    /// A policy field or a label key.
    Property,
    /// A word from a fixed set: an HTTP method, a protocol, a retry condition, a locality.
    EnumMember,
    Gateway,
    Destination,
    Policy,
    Table,
    Route,
    Cluster,
    Namespace,
    Service,
    /// Other names: service accounts, named ports.
    Variable,
    String,
    Number,
    Comment,
    Operator,
}

/// Modifiers of a token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SemanticModifiers {
    /// The name being defined (an item's or a route's name).
    pub declaration: bool,
    /// A `##` documentation comment.
    pub documentation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: SemanticKind,
    pub modifiers: SemanticModifiers,
}

/// Every token of `file` that has a colour class, in order; tokens never overlap.
pub fn semantic_tokens(db: &dyn Db, file: SourceFile) -> Vec<SemanticToken> {
    let text = file.text(db);
    let parse = parse_file(db, file);

    // What the tree says, by absolute token index.
    let mut named: Vec<Option<(SemanticKind, bool)>> = vec![None; parse.tokens.len()];
    for parsed in &parse.items {
        walk(&parsed.item, None, &mut |span, node| {
            let Some(class) = class_of(node) else {
                return;
            };
            // Names are single tokens; longer spans (statements, targets) are not coloured.
            if span.end == span.start + 1
                && let Some(slot) = named.get_mut((parsed.first_token + span.start) as usize)
            {
                *slot = Some(class);
            }
        });
    }

    let mut out = Vec::with_capacity(parse.tokens.len() + parse.comments.len());
    let mut comments = parse.comments.iter().peekable();
    for (index, &range) in parse.tokens.iter().enumerate() {
        while let Some(comment) = comments.next_if(|c| c.range.start < range.start) {
            out.push(comment_token(comment.range, comment.doc));
        }
        let class = named.get(index).copied().flatten();
        let (kind, declaration) = match class {
            Some(class) => class,
            None => match lexical_kind(slice(text, range)) {
                Some(kind) => (kind, false),
                None => continue,
            },
        };
        out.push(SemanticToken {
            range,
            kind,
            modifiers: SemanticModifiers {
                declaration,
                documentation: false,
            },
        });
    }
    out.extend(comments.map(|c| comment_token(c.range, c.doc)));
    out
}

fn comment_token(range: TextRange, doc: bool) -> SemanticToken {
    SemanticToken {
        range,
        kind: SemanticKind::Comment,
        modifiers: SemanticModifiers {
            declaration: false,
            documentation: doc,
        },
    }
}

/// The class of a name, and whether it is a declaration.
fn class_of(node: Node<'_>) -> Option<(SemanticKind, bool)> {
    let item = |tag: ItemTag| match tag {
        ItemTag::Gateway => SemanticKind::Gateway,
        ItemTag::Destination => SemanticKind::Destination,
        ItemTag::Policy => SemanticKind::Policy,
        ItemTag::Routes => SemanticKind::Table,
        // A test's name is its string.
        ItemTag::Test => SemanticKind::String,
    };
    Some(match node {
        Node::ItemName(tag) => (item(tag), true),
        Node::ItemRef(tag, _) => (item(tag), false),
        Node::RouteName { .. } => (SemanticKind::Route, true),
        Node::RouteRef { .. } => (SemanticKind::Route, false),
        Node::Namespace(_) => (SemanticKind::Namespace, false),
        Node::Cluster(_) => (SemanticKind::Cluster, false),
        Node::Service(_) => (SemanticKind::Service, false),
        Node::ServicePort { port, .. } => match port {
            crate::syntax::ast::PortRef::Number(_) => (SemanticKind::Number, false),
            crate::syntax::ast::PortRef::Name(_) => (SemanticKind::Variable, false),
        },
        Node::PortName | Node::ServiceAccount => (SemanticKind::Variable, false),
        Node::LabelKey { .. } => (SemanticKind::Property, false),
        Node::PolicyKind(_) => (SemanticKind::Type, false),
        Node::Field { .. } => (SemanticKind::Property, false),
        Node::Enum => (SemanticKind::EnumMember, false),
        Node::LabelValue { .. } | Node::Statement(_) | Node::Target(_) => return None,
    })
}

/// The class of a token the tree does not name, from its text.
fn lexical_kind(token: &str) -> Option<SemanticKind> {
    let first = token.chars().next()?;
    Some(match first {
        '"' => SemanticKind::String,
        '0'..='9' => SemanticKind::Number,
        _ if first.is_ascii_alphabetic() || first == '_' => {
            // Other words are names the tree did not recognise (in a broken statement).
            return docs::is_keyword(token).then_some(SemanticKind::Keyword);
        }
        _ if matches!(token, "=" | "!=" | "~" | "->" | "@") => SemanticKind::Operator,
        _ => return None,
    })
}
