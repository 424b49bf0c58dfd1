//! The formatter: one canonical layout for `.route` files.
//!
//! It re-emits every token exactly as written and changes only the space between tokens and
//! where comments sit, so formatting can never change meaning: the syntax tree of the output
//! equals the input's, spans included (spans count tokens, not bytes). Layout: items at
//! column 0 separated by one blank line, two-space indentation, one statement per line, single
//! blank lines between statements kept, comments kept on their own line or at the end of the
//! line they followed. Files with syntax errors are not formatted.

use crate::syntax::ast::{self, Span};
use crate::syntax::{Parse, TextRange, parse};

const INDENT: &str = "  ";
/// Statements longer than this break after their top-level commas.
const MAX_WIDTH: usize = 100;

/// Formats a file, or `None` when it has syntax errors (the tree would not say what was meant).
pub fn format_source(text: &str) -> Option<String> {
    let parse = parse(text);
    if !parse.errors.is_empty() {
        return None;
    }
    Some(Formatter::new(text, &parse).run())
}

/// Where a line break goes before a token, as decided from the syntax tree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    None,
    /// The token starts an item.
    Item,
    /// The token starts a statement.
    Statement,
}

struct Formatter<'a> {
    text: &'a str,
    parse: &'a Parse,
    /// For every token: the break before it.
    breaks: Vec<Break>,
    /// For every token: the index of the last token of the statement it starts, if it starts one.
    statement_end: Vec<Option<usize>>,
    out: String,
    depth: usize,
    /// Extra indentation of continuation lines of a long statement.
    continuation: bool,
    /// The last line written is a comment on its own line.
    after_comment: bool,
}

impl<'a> Formatter<'a> {
    fn new(text: &'a str, parse: &'a Parse) -> Self {
        let mut breaks = vec![Break::None; parse.tokens.len()];
        let mut statement_end = vec![None; parse.tokens.len()];
        for item in &parse.items {
            let base = item.first_token as usize;
            let mut mark = |span: Span, kind: Break| {
                let start = base + span.start as usize;
                if span.end > span.start && start < breaks.len() {
                    breaks[start] = kind;
                    statement_end[start] = Some(base + span.end as usize - 1);
                }
            };
            mark(item.item.span, Break::Item);
            for span in statement_spans(&item.item) {
                mark(span, Break::Statement);
            }
        }
        Formatter {
            text,
            parse,
            breaks,
            statement_end,
            out: String::new(),
            depth: 0,
            continuation: false,
            after_comment: false,
        }
    }

    fn token_text(&self, index: usize) -> &'a str {
        self.parse
            .tokens
            .get(index)
            .and_then(|r| self.text.get(r.start as usize..r.end as usize))
            .unwrap_or("")
    }

    fn run(mut self) -> String {
        let mut comments = self.parse.comments.iter().peekable();
        let mut statement_limit: Option<usize> = None;
        let mut long_statement = false;
        let mut paren_depth = 0usize;
        for index in 0..self.parse.tokens.len() {
            // Comments that come before this token.
            while let Some(comment) = comments.next_if(|c| c.next_token as usize <= index) {
                let above_item = self.breaks[index] == Break::Item;
                self.comment(comment.range, comment.trailing, above_item);
            }
            let token = self.token_text(index);
            match self.breaks[index] {
                Break::Item => {
                    // A comment block directly above an item belongs to it.
                    let attached = self.after_comment && !self.blank_line_before(index);
                    if !self.out.is_empty() && !attached {
                        self.end_line();
                        self.out.push('\n');
                    }
                    self.depth = 0;
                }
                Break::Statement => {
                    self.new_line();
                    if self.blank_line_before(index) && !self.last_line_opens_block() {
                        self.out.push('\n');
                    }
                    self.indent();
                }
                Break::None => {}
            }
            if let Some(end) = self.statement_end[index] {
                statement_limit = Some(end);
                long_statement = self.statement_width(index, end) > MAX_WIDTH;
                self.continuation = false;
            }
            if token == "}" {
                self.depth = self.depth.saturating_sub(1);
                self.new_line();
                self.indent();
            } else if self.breaks[index] == Break::None && index > 0 {
                let previous = self.token_text(index - 1);
                if previous == "," && long_statement && paren_depth == 0 {
                    self.continuation = true;
                    self.new_line();
                    self.indent();
                } else if space_between(previous, token) && !self.at_line_start() {
                    self.out.push(' ');
                }
            }
            self.out.push_str(token);
            self.after_comment = false;
            match token {
                "{" => self.depth += 1,
                "(" => paren_depth += 1,
                ")" => paren_depth = paren_depth.saturating_sub(1),
                _ => {}
            }
            if statement_limit == Some(index) {
                statement_limit = None;
                long_statement = false;
                self.continuation = false;
            }
        }
        for comment in comments {
            self.comment(comment.range, comment.trailing, false);
        }
        self.end_line();
        self.out
    }

    /// Writes a comment: at the end of the current line when it followed a token on its line,
    /// else on a line of its own at the depth of what follows (a comment above `}` is written
    /// before the brace is processed, so it stays inside the block).
    ///
    /// The first comment of a block above an item is separated from the previous item by a
    /// blank line, like the item itself.
    fn comment(&mut self, range: TextRange, trailing: bool, above_item: bool) {
        let text = self
            .text
            .get(range.start as usize..range.end as usize)
            .unwrap_or("#")
            .trim_end();
        if trailing && !self.at_line_start() {
            self.out.push(' ');
            self.out.push_str(text);
            self.new_line();
            return;
        }
        if !self.out.is_empty() {
            self.new_line();
            let separate = if above_item && !self.after_comment {
                true
            } else {
                self.blank_line_before_offset(range.start)
            };
            if separate && !self.last_line_opens_block() {
                self.out.push('\n');
            }
        }
        if above_item {
            self.depth = 0;
        }
        self.indent();
        self.out.push_str(text);
        self.new_line();
        self.after_comment = true;
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n') || self.out.ends_with(' ')
    }

    fn new_line(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn end_line(&mut self) {
        self.new_line();
    }

    fn indent(&mut self) {
        if !self.out.ends_with('\n') && !self.out.is_empty() {
            return;
        }
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
        if self.continuation {
            self.out.push_str(INDENT);
            self.out.push_str(INDENT);
        }
    }

    fn last_line_opens_block(&self) -> bool {
        self.out.trim_end_matches('\n').ends_with('{')
    }

    /// Whether the source has an empty line between the previous token and this one.
    fn blank_line_before(&self, index: usize) -> bool {
        self.parse
            .tokens
            .get(index)
            .is_some_and(|r| self.blank_line_before_offset(r.start))
    }

    fn blank_line_before_offset(&self, offset: u32) -> bool {
        let before = self.text.get(..offset as usize).unwrap_or("");
        let gap_start = before.trim_end_matches([' ', '\t', '\r', '\n']).len();
        before
            .get(gap_start..)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// The width of a statement written on one line.
    fn statement_width(&self, start: usize, end: usize) -> usize {
        let mut width = self.depth * INDENT.len();
        for index in start..=end.min(self.parse.tokens.len().saturating_sub(1)) {
            let token = self.token_text(index);
            if token == "{" {
                break;
            }
            if index > start && space_between(self.token_text(index - 1), token) {
                width += 1;
            }
            width += token.chars().count();
        }
        width
    }
}

/// Whether one space separates two adjacent tokens on a line.
fn space_between(previous: &str, next: &str) -> bool {
    !matches!(next, "," | ")" | "." | ":") && !matches!(previous, "(" | "." | ":" | "@")
}

/// The spans of every statement of an item, at every nesting level, in order.
fn statement_spans(item: &ast::Item) -> Vec<Span> {
    let mut spans = Vec::new();
    match &item.kind {
        ast::ItemKind::Gateway(g) => spans.extend(g.body.iter().map(|s| match s {
            ast::GatewayStmt::Cluster { span, .. }
            | ast::GatewayStmt::Workload { span, .. }
            | ast::GatewayStmt::Listen { span, .. }
            | ast::GatewayStmt::Error(span) => *span,
        })),
        ast::ItemKind::Destination(d) => spans.extend(d.body.iter().map(|s| match s {
            ast::DestinationStmt::Host { span, .. }
            | ast::DestinationStmt::Port { span, .. }
            | ast::DestinationStmt::Select { span, .. }
            | ast::DestinationStmt::Clusters { span, .. }
            | ast::DestinationStmt::Error(span) => *span,
            ast::DestinationStmt::Apply(apply) => apply.span,
        })),
        ast::ItemKind::Policy(p) => {
            if let ast::PolicyBody::Block { fields, .. } = &p.body {
                spans.extend(fields.iter().map(|f| f.span));
            }
        }
        ast::ItemKind::Routes(r) => {
            for stmt in &r.body {
                match stmt {
                    ast::TableStmt::Hosts { span, .. }
                    | ast::TableStmt::Weight { span, .. }
                    | ast::TableStmt::Error(span) => spans.push(*span),
                    ast::TableStmt::Expose(expose) => spans.push(expose.span()),
                    ast::TableStmt::Apply(apply) => spans.push(apply.span),
                    ast::TableStmt::Route(route) => {
                        spans.push(route.span);
                        spans.extend(route.body.iter().map(route_stmt_span));
                    }
                }
            }
        }
        ast::ItemKind::Test(t) => spans.extend(t.body.iter().map(|s| match s {
            ast::TestStmt::Request { span, .. }
            | ast::TestStmt::ExpectRoute { span, .. }
            | ast::TestStmt::ExpectTo { span, .. }
            | ast::TestStmt::ExpectPolicy { span, .. }
            | ast::TestStmt::ExpectNoRoute { span }
            | ast::TestStmt::Error(span) => *span,
        })),
        ast::ItemKind::Namespace(_) | ast::ItemKind::Error => {}
    }
    spans
}

fn route_stmt_span(stmt: &ast::RouteStmt) -> Span {
    match stmt {
        ast::RouteStmt::Match { span, .. }
        | ast::RouteStmt::To { span, .. }
        | ast::RouteStmt::Redirect { span, .. }
        | ast::RouteStmt::Respond { span, .. }
        | ast::RouteStmt::Delegate { span, .. }
        | ast::RouteStmt::Rewrite { span, .. }
        | ast::RouteStmt::Error(span) => *span,
        ast::RouteStmt::Apply(apply) => apply.span,
    }
}
