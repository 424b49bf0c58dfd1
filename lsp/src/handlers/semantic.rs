//! `textDocument/semanticTokens/full`: `route_lang::ide::semantic_tokens`, encoded as LSP's
//! relative, UTF-16 token stream.
//!
//! The legend uses LSP's standard token types so that every theme colours them: item kinds map
//! to type-like types (a gateway is an `interface`, a destination a `struct`), policies and
//! routes to `function` and `method`, as in [`super::symbols`] and [`super::completion`].

use route_lang::ide::{self, SemanticKind, SemanticModifiers, TextRange};
use tower_lsp_server::ls_types::{
    Position, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, SemanticTokensResult,
};

use crate::convert::Lines;
use crate::state::Snapshot;

/// The token types, in the order of [`type_index`].
fn types() -> Vec<SemanticTokenType> {
    vec![
        SemanticTokenType::KEYWORD,
        SemanticTokenType::TYPE,
        SemanticTokenType::PROPERTY,
        SemanticTokenType::ENUM_MEMBER,
        SemanticTokenType::INTERFACE,
        SemanticTokenType::STRUCT,
        SemanticTokenType::FUNCTION,
        SemanticTokenType::CLASS,
        SemanticTokenType::METHOD,
        SemanticTokenType::ENUM,
        SemanticTokenType::NAMESPACE,
        SemanticTokenType::TYPE_PARAMETER,
        SemanticTokenType::VARIABLE,
        SemanticTokenType::STRING,
        SemanticTokenType::NUMBER,
        SemanticTokenType::COMMENT,
        SemanticTokenType::OPERATOR,
    ]
}

fn type_index(kind: SemanticKind) -> u32 {
    match kind {
        SemanticKind::Keyword => 0,
        SemanticKind::Type => 1,
        SemanticKind::Property => 2,
        SemanticKind::EnumMember => 3,
        SemanticKind::Gateway => 4,
        SemanticKind::Destination => 5,
        SemanticKind::Policy => 6,
        SemanticKind::Table => 7,
        SemanticKind::Route => 8,
        SemanticKind::Cluster => 9,
        SemanticKind::Namespace => 10,
        SemanticKind::Service => 11,
        SemanticKind::Variable => 12,
        SemanticKind::String => 13,
        SemanticKind::Number => 14,
        SemanticKind::Comment => 15,
        SemanticKind::Operator => 16,
    }
}

/// The modifiers, as bits in this order.
fn modifiers() -> Vec<SemanticTokenModifier> {
    vec![
        SemanticTokenModifier::DECLARATION,
        SemanticTokenModifier::DOCUMENTATION,
    ]
}

fn modifier_bits(modifiers: SemanticModifiers) -> u32 {
    u32::from(modifiers.declaration) | (u32::from(modifiers.documentation) << 1)
}

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: types(),
        token_modifiers: modifiers(),
    }
}

pub fn semantic_tokens(snapshot: &Snapshot) -> Option<SemanticTokensResult> {
    let lines = snapshot.lines(snapshot.file);
    let mut data = Vec::new();
    let mut previous = Position::new(0, 0);
    for token in ide::semantic_tokens(&snapshot.db, snapshot.file) {
        for (start, length) in single_lines(&lines, token.range) {
            let delta_line = start.line - previous.line;
            let delta_start = if delta_line == 0 {
                start.character - previous.character
            } else {
                start.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: type_index(token.kind),
                token_modifiers_bitset: modifier_bits(token.modifiers),
            });
            previous = start;
        }
    }
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}

/// A range as pieces of single lines (start and UTF-16 length): LSP tokens cannot span lines
/// unless the client says so, and none of ours should, but a comment or a broken string is
/// cheap to split.
fn single_lines(lines: &Lines<'_>, range: TextRange) -> Vec<(Position, u32)> {
    let start = lines.position(range.start);
    let end = lines.position(range.end);
    (start.line..=end.line)
        .filter_map(|line| {
            let from = if line == start.line {
                start.character
            } else {
                0
            };
            let to = if line == end.line {
                end.character
            } else {
                lines
                    .position(lines.offset(Position::new(line, u32::MAX)))
                    .character
            };
            (to > from).then(|| (Position::new(line, from), to - from))
        })
        .collect()
}
