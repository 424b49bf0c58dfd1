//! Completion: what may be written at the cursor.
//!
//! The line being typed rarely parses, so the context comes from the tokens before the cursor,
//! never from the tree: the braces say which block the cursor is in (the innermost unmatched
//! `{` and the header before it: `route NAME {`, `policy NAME = KIND {`…), the last statement
//! keyword of that block says which statement, and the last few tokens say which part of it.
//! Token ranges come from the cached parse, so nothing is re-lexed; the backward scan stops at
//! the start of the top-level item, so the work is bounded by the item being edited.
//!
//! Names come from the item index, the summary queries and the inventory index, all cached.
//! Candidates are filtered by the text typed so far (as loosely as editors filter) and cut at
//! [`COMPLETION_LIMIT`].

use std::collections::BTreeSet;

use super::classify::Block;
use super::docs::{self, Keyword};
use super::{TextRange, clamp, fuzzy_match, slice};
use crate::check::{
    FieldType, PolicyKind, PolicyLevel, destination_backends, destination_ports, gateway_clusters,
    policy_kind, table_summary,
};
use crate::db::{
    Db, Item, ItemIndex, ItemTag, Project, SourceFile, file_namespace, item_index, parse_file,
};
use crate::inventory::{InventoryIndex, LabelIndex, Protocol, infer_protocol};
use crate::syntax::Parse;
use crate::syntax::literal::{is_identifier, quote};

/// The most items one request returns. A list this long may have been cut: the editor should
/// ask again as the user types (LSP `isIncomplete`).
pub const COMPLETION_LIMIT: usize = 200;

/// What a completion item is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Gateway,
    Destination,
    Policy,
    Table,
    /// A route, as `TABLE.ROUTE`.
    Route,
    Cluster,
    Namespace,
    Service,
    Port,
    LabelKey,
    LabelValue,
    PolicyKind,
    Field,
    /// A value from a fixed set (a method, a protocol, a retry condition…) or the inventory
    /// (a service account, a region).
    Value,
    /// A template; its `insert_text` uses the LSP snippet syntax (`${1:name}`, `$0`).
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What replaces `replace` when it is not the label; a snippet for [`CompletionKind::Snippet`].
    pub insert_text: Option<String>,
    /// The text the item replaces: the word (or string contents) around the cursor.
    pub replace: TextRange,
}

/// The completions at `offset` in `file`.
pub fn completions(
    db: &dyn Db,
    project: Project,
    file: SourceFile,
    offset: u32,
) -> Vec<CompletionItem> {
    let text = file.text(db);
    let parse = parse_file(db, file);
    let offset = clamp(text, offset);
    let Some(cursor) = Cursor::new(text, parse, offset) else {
        return Vec::new();
    };
    let cx = Ctx {
        db,
        project,
        index: item_index(db, project),
        inventory: project.inventory(db).index(db),
        namespace: file_namespace(db, project, file),
    };
    let mut acc = Acc {
        query: cursor.query,
        replace: cursor.replace,
        string: cursor.string,
        items: Vec::new(),
    };
    complete(&cx, &cursor, &mut acc);
    acc.items
}

// ---------------------------------------------------------------------------------------------
// Where the cursor is

/// The cursor's context, from the tokens before it.
struct Cursor<'t> {
    /// What has been typed of the word (or string) being completed.
    query: &'t str,
    replace: TextRange,
    /// Inside a string literal: `Some(closed)`.
    string: Option<bool>,
    block: Block,
    /// The name in the block's header (`destination NAME {`).
    block_name: Option<&'t str>,
    /// The block's tokens before the cursor, at the block's own level; a nested block that is
    /// closed before the cursor stands as one `}`.
    seq: Vec<&'t str>,
}

/// Tokens after which a statement keyword is an argument, not the start of a statement
/// (`delegate to`, `expect to`, `expose to`).
const CONTINUATION: &[&str] = &[
    ",", "=", "!=", "~", ":", ".", "@", "->", "delegate", "expect", "expose",
];

impl<'t> Cursor<'t> {
    fn new(text: &'t str, parse: &Parse, offset: u32) -> Option<Cursor<'t>> {
        // Nothing to complete in a comment (at its end, the user is still typing it).
        let comment = parse.comments.partition_point(|c| c.range.end < offset);
        if parse
            .comments
            .get(comment)
            .is_some_and(|c| c.range.start < offset)
        {
            return None;
        }

        let (query, replace, string, before) = match string_at(text, parse, offset) {
            Some((index, range, closed)) => {
                let content = range.start + 1;
                let end = if closed { range.end - 1 } else { offset };
                let query = slice(text, TextRange::new(content, offset));
                (
                    query,
                    TextRange::new(content, end.max(offset)),
                    Some(closed),
                    index,
                )
            }
            None => {
                let start = word_start(text, offset);
                let end = word_end(text, offset);
                let before = parse.tokens.partition_point(|t| t.end <= start);
                let query = slice(text, TextRange::new(start, offset));
                (query, TextRange::new(start, end), None, before)
            }
        };

        // The scan stops at the start of the top-level item (or junk) the cursor follows.
        let chunk = parse
            .items
            .partition_point(|item| (item.first_token as usize) < before);
        let limit = chunk
            .checked_sub(1)
            .and_then(|i| parse.items.get(i))
            .map_or(0, |item| item.first_token as usize);
        let token = |i: usize| parse.tokens.get(i).map_or("", |&t| slice(text, t));

        let mut reversed = Vec::new();
        let mut depth = 0usize;
        let mut open = None;
        let mut i = before.min(parse.tokens.len());
        while i > limit {
            i -= 1;
            match token(i) {
                "}" => {
                    if depth == 0 {
                        reversed.push("}");
                    }
                    depth += 1;
                }
                "{" if depth == 0 => {
                    open = Some(i);
                    break;
                }
                "{" => depth -= 1,
                t if depth == 0 => reversed.push(t),
                _ => {}
            }
        }
        reversed.reverse();

        let (block, block_name) = match open {
            None => (Block::TopLevel, None),
            Some(open) => {
                // The header before the `{`, within the item.
                let header = |k: usize| open.checked_sub(k).filter(|&j| j >= limit).map(&token);
                block_of(header(3), header(2), header(1))?
            }
        };
        Some(Cursor {
            query,
            replace,
            string,
            block,
            block_name,
            seq: reversed,
        })
    }

    /// The statement the cursor is in: its keyword (if it starts with one) and its tokens, and
    /// the keywords of the statements before it in the block.
    fn statement(&self) -> Statement<'_, 't> {
        let mut current = 0;
        let mut depth = 0usize;
        let mut written = Vec::new();
        let mut keyword = None;
        for (i, &t) in self.seq.iter().enumerate() {
            match t {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                "}" => {
                    current = i + 1;
                    keyword = None;
                    depth = 0;
                }
                _ if depth == 0
                    && is_statement_keyword(self.block, t)
                    && (i == 0
                        || !self
                            .seq
                            .get(i - 1)
                            .is_some_and(|p| CONTINUATION.contains(p))) =>
                {
                    current = i;
                    keyword = Some(t);
                    written.push(t);
                }
                _ => {}
            }
        }
        Statement {
            keyword,
            toks: self.seq.get(current..).unwrap_or(&[]),
            written,
        }
    }
}

/// The current statement.
struct Statement<'c, 't> {
    keyword: Option<&'t str>,
    /// From the keyword (or the start of the statement) to the cursor.
    toks: &'c [&'t str],
    /// The keywords of every statement of the block before the cursor, this one included.
    written: Vec<&'t str>,
}

impl<'t> Statement<'_, 't> {
    fn last(&self) -> Option<&'t str> {
        self.toks.last().copied()
    }

    /// The tokens after the keyword.
    fn args(&self) -> &[&'t str] {
        self.toks.get(1..).unwrap_or(&[])
    }
}

/// The string token around `offset`: its index, range and whether it is closed.
fn string_at(text: &str, parse: &Parse, offset: u32) -> Option<(usize, TextRange, bool)> {
    let index = parse.tokens.partition_point(|t| t.end < offset);
    let range = *parse.tokens.get(index)?;
    let raw = slice(text, range);
    if !raw.starts_with('"') || range.start >= offset {
        return None;
    }
    // Closed when it ends with a quote that no backslash escapes.
    let body = raw.get(1..).unwrap_or("");
    let closed = body
        .strip_suffix('"')
        .is_some_and(|inner| inner.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0);
    let inside = if closed {
        offset < range.end
    } else {
        offset <= range.end
    };
    inside.then_some((index, range, closed))
}

/// Word characters: names are kebab-case, and `NAME.NAMESPACE` / `TABLE.ROUTE` are completed
/// as one word.
fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn word_start(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = offset as usize;
    while at > 0 && bytes.get(at - 1).copied().is_some_and(is_word_char) {
        at -= 1;
    }
    u32::try_from(at).unwrap_or(offset)
}

fn word_end(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = offset as usize;
    while bytes.get(at).copied().is_some_and(is_word_char) {
        at += 1;
    }
    u32::try_from(at).unwrap_or(offset)
}

/// The block a `{` opens, from the three tokens before it.
fn block_of<'t>(
    third: Option<&'t str>,
    second: Option<&'t str>,
    first: Option<&'t str>,
) -> Option<(Block, Option<&'t str>)> {
    let item = |word: &str| match word {
        "gateway" => Some(Block::Gateway),
        "destination" => Some(Block::Destination),
        "routes" => Some(Block::Table),
        "route" => Some(Block::Route),
        "test" => Some(Block::Test),
        _ => None,
    };
    if let Some(block) = second.and_then(item) {
        return Some((block, first));
    }
    if let Some(block) = first.and_then(item) {
        return Some((block, None));
    }
    match (third, second, first) {
        (Some(name), Some("="), Some(kind)) => {
            Some((Block::Policy(PolicyKind::from_name(kind)), Some(name)))
        }
        _ => None,
    }
}

fn is_statement_keyword(block: Block, word: &str) -> bool {
    match block {
        Block::Policy(Some(kind)) => kind.field(word).is_some(),
        Block::Policy(None) => false,
        _ => docs::statement(block, word).is_some(),
    }
}

// ---------------------------------------------------------------------------------------------
// What to offer

struct Ctx<'db> {
    db: &'db dyn Db,
    project: Project,
    index: &'db ItemIndex<'db>,
    inventory: &'db InventoryIndex,
    /// The file's namespace: the default namespace of service targets.
    namespace: &'db str,
}

/// The items so far, filtered by what has been typed.
struct Acc<'t> {
    query: &'t str,
    replace: TextRange,
    string: Option<bool>,
    items: Vec<CompletionItem>,
}

impl Acc<'_> {
    /// Adds an item unless it does not match the query or the list is full; the caller fills
    /// in the rest, so details are computed only for items that are kept.
    fn offer(&mut self, label: &str, kind: CompletionKind) -> Option<&mut CompletionItem> {
        if self.full() || !fuzzy_match(self.query, label) {
            return None;
        }
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind,
            detail: None,
            documentation: None,
            insert_text: None,
            replace: self.replace,
        });
        self.items.last_mut()
    }

    fn full(&self) -> bool {
        self.items.len() >= COMPLETION_LIMIT
    }

    fn keyword(&mut self, word: &str) {
        if let Some(item) = self.offer(word, CompletionKind::Keyword)
            && let Some(doc) = docs::word(word.split(' ').next().unwrap_or(word))
        {
            item.detail = Some(doc.syntax.to_owned());
            item.documentation = Some(doc.doc.to_owned());
        }
    }

    fn documented(&mut self, keyword: &Keyword) {
        if let Some(item) = self.offer(keyword.word, CompletionKind::Keyword) {
            item.detail = Some(keyword.syntax.to_owned());
            item.documentation = Some(keyword.doc.to_owned());
        }
    }

    fn values<'a>(&mut self, values: impl IntoIterator<Item = &'a str>, exclude: &[&str]) {
        for value in values {
            if !exclude.contains(&value) {
                self.offer(value, CompletionKind::Value);
            }
        }
    }

    /// A value written as a string: quoted unless the cursor is already in a string (then
    /// closed if the string is not).
    fn string_value(&mut self, value: &str, kind: CompletionKind) -> Option<&mut CompletionItem> {
        let insert = match self.string {
            Some(true) => None,
            Some(false) => Some(format!("{value}\"")),
            None => Some(quote(value)),
        };
        let item = self.offer(value, kind)?;
        item.insert_text = insert;
        Some(item)
    }
}

/// Whether the statement may be complete (offer the block's keywords too) or expects more.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Operand,
    Any,
}

fn complete(cx: &Ctx<'_>, cursor: &Cursor<'_>, acc: &mut Acc<'_>) {
    let stmt = cursor.statement();
    if let Some(labels) = open_selector(stmt.toks) {
        let services = cursor.block == Block::Destination && stmt.keyword == Some("select");
        selector(cx, acc, labels, services);
        return;
    }
    if cursor.string.is_some() {
        // Strings are free text, except the regions of a failover mapping.
        if let Block::Policy(Some(PolicyKind::Failover)) = cursor.block
            && stmt.keyword == Some("from")
        {
            regions(cx, acc);
        }
        return;
    }
    let next = match (cursor.block, stmt.keyword) {
        (Block::TopLevel, _) => top_level(cx, acc, stmt.toks),
        (_, None) => Next::Any,
        (Block::Gateway, Some(keyword)) => gateway(cx, acc, keyword, &stmt),
        (Block::Destination, Some(keyword)) => destination(cx, acc, cursor, keyword, &stmt),
        (Block::Table, Some(keyword)) => table(cx, acc, keyword, &stmt),
        (Block::Route, Some(keyword)) => route(cx, acc, keyword, &stmt),
        (Block::Test, Some(keyword)) => test(cx, acc, keyword, &stmt),
        (Block::Policy(kind), Some(field)) => match kind.and_then(|k| k.field(field)) {
            Some(spec) => policy_field(cx, acc, spec.ty, &stmt),
            None => Next::Any,
        },
    };
    if next == Next::Any && cursor.block != Block::TopLevel {
        statements(acc, cursor.block, &stmt.written);
    }
}

/// The statements that may start here: the block's keywords (those allowed once, only if not
/// written yet), or a policy's fields.
fn statements(acc: &mut Acc<'_>, block: Block, written: &[&str]) {
    if let Block::Policy(kind) = block {
        let Some(kind) = kind else { return };
        for spec in kind.fields() {
            if !spec.repeat && written.contains(&spec.name) {
                continue;
            }
            if let Some(item) = acc.offer(spec.name, CompletionKind::Field) {
                let required = if spec.required { " · required" } else { "" };
                item.detail = Some(format!("{}{required}", spec.ty.describe()));
                item.documentation = Some(format!("{}\n\n`{}`", spec.doc, spec.example));
            }
        }
        return;
    }
    // A route has one action.
    const ACTIONS: [&str; 4] = ["to", "redirect", "respond", "delegate"];
    let has_action = block == Block::Route && written.iter().any(|w| ACTIONS.contains(w));
    for keyword in docs::statements(block) {
        let repeated = keyword.once && written.contains(&keyword.word);
        if repeated || (has_action && ACTIONS.contains(&keyword.word)) {
            continue;
        }
        acc.documented(keyword);
    }
    if block == Block::Table {
        snippet(
            acc,
            "route",
            "route ${1:name} {\n  match path prefix \"${2:/}\"\n  to $0\n}",
        );
    }
}

fn snippet(acc: &mut Acc<'_>, word: &str, body: &str) {
    if let Some(item) = acc.offer(&format!("{word} {{…}}"), CompletionKind::Snippet) {
        item.detail = Some(format!("a `{word}` block"));
        item.insert_text = Some(body.to_owned());
    }
}

/// Item headers: item keywords and templates, namespaces, policy kinds.
fn top_level(cx: &Ctx<'_>, acc: &mut Acc<'_>, toks: &[&str]) -> Next {
    match toks {
        [] | ["}"] => {
            for keyword in docs::statements(Block::TopLevel) {
                acc.documented(keyword);
            }
            for (word, body) in ITEM_SNIPPETS {
                snippet(acc, word, body);
            }
        }
        ["namespace"] => namespaces(cx, acc),
        ["policy", _, "="] => {
            for kind in PolicyKind::ALL {
                if let Some(item) = acc.offer(kind.name(), CompletionKind::PolicyKind) {
                    item.detail = Some(format!("{} policy", kind.level().adjective()));
                    item.documentation = Some(format!("{}\n\n`{}`", kind.doc(), kind.example()));
                }
            }
        }
        // A finished header-only item (`namespace x`, `policy slow = timeout 10s`) or junk:
        // the next item may start.
        ["namespace", _] | ["policy", _, "=", _, _, ..] => return top_level(cx, acc, &[]),
        [first, ..] if docs::statement(Block::TopLevel, first).is_none() => {
            return top_level(cx, acc, &[]);
        }
        _ => {}
    }
    Next::Operand
}

const ITEM_SNIPPETS: [(&str, &str); 5] = [
    (
        "gateway",
        "gateway ${1:name} {\n  cluster ${2:cluster}\n  workload (${3:istio} = \"${4:ingressgateway}\") in ${5:namespace}\n  listen ${6:80} http\n}\n",
    ),
    (
        "destination",
        "destination ${1:name} {\n  host \"${2:name.mesh.internal}\"\n  port ${3:80}\n  select (${4:app} = \"${5:name}\")\n}\n",
    ),
    ("policy", "policy ${1:name} = ${2:retry} {\n  $0\n}\n"),
    (
        "routes",
        "routes ${1:name} {\n  hosts \"${2:example.com}\"\n  expose on gateway ${3:gateway}\n\n  route ${4:name} {\n    match path prefix \"${5:/}\"\n    to $0\n  }\n}\n",
    ),
    (
        "test",
        "test \"${1:description}\" {\n  request ${2:GET} \"${3:http://example.com/}\"\n  expect $0\n}\n",
    ),
];

fn gateway(cx: &Ctx<'_>, acc: &mut Acc<'_>, keyword: &str, stmt: &Statement<'_, '_>) -> Next {
    match (keyword, stmt.args()) {
        ("cluster", args) => cluster_list(cx, acc, stmt, args),
        ("workload", _) => selector_tail(cx, acc, stmt),
        ("listen", [port]) if is_number(port) => {
            acc.values(["http", "https", "tcp"], &[]);
            Next::Operand
        }
        ("listen", [_, "https"]) => {
            acc.keyword("tls");
            Next::Operand
        }
        ("listen", [] | [_] | [_, "tls"]) => Next::Operand,
        _ => Next::Any,
    }
}

fn destination(
    cx: &Ctx<'_>,
    acc: &mut Acc<'_>,
    cursor: &Cursor<'_>,
    keyword: &str,
    stmt: &Statement<'_, '_>,
) -> Next {
    match (keyword, stmt.args()) {
        ("host", _) => string_list(stmt),
        ("port", [number]) if is_number(number) => {
            acc.values(Protocol::ALL.map(Protocol::as_str), &[]);
            Next::Any
        }
        ("port", [.., "->"]) => {
            backend_ports(cx, acc, cursor.block_name);
            Next::Operand
        }
        ("port", []) => Next::Operand,
        ("select", _) => selector_tail(cx, acc, stmt),
        ("clusters", args) => cluster_list(cx, acc, stmt, args),
        ("apply", args) => apply(cx, acc, stmt, args, PolicyLevel::Destination),
        _ => Next::Any,
    }
}

fn table(cx: &Ctx<'_>, acc: &mut Acc<'_>, keyword: &str, stmt: &Statement<'_, '_>) -> Next {
    match (keyword, stmt.args()) {
        ("hosts", _) => string_list(stmt),
        ("expose", []) => {
            for word in ["on gateway", "to mesh", "to workloads"] {
                acc.keyword(word);
            }
            Next::Operand
        }
        ("expose", ["on"]) => {
            acc.keyword("gateway");
            Next::Operand
        }
        ("expose", ["on", "gateway", rest @ ..]) => match rest.last() {
            None | Some(&",") => {
                item_names(cx, acc, ItemTag::Gateway, rest, |_| true);
                Next::Operand
            }
            Some(_) => Next::Any,
        },
        ("expose", ["to"]) => {
            acc.keyword("mesh");
            acc.keyword("workloads");
            Next::Operand
        }
        ("expose", ["to", "workloads", ..]) => selector_tail(cx, acc, stmt),
        ("apply", args) => apply(cx, acc, stmt, args, PolicyLevel::Route),
        ("weight" | "route", [] | [_]) => Next::Operand,
        _ => Next::Any,
    }
}

fn route(cx: &Ctx<'_>, acc: &mut Acc<'_>, keyword: &str, stmt: &Statement<'_, '_>) -> Next {
    match (keyword, stmt.args()) {
        ("match", args) => matcher(acc, args),
        ("to", args) => target(cx, acc, last_segment(args)),
        ("redirect", args) => match args.last() {
            Some(&"code") => {
                acc.values(["301", "302", "303", "307", "308"], &[]);
                Next::Operand
            }
            Some(&("host" | "path")) => Next::Operand,
            _ => {
                for part in ["host", "path", "code"] {
                    if !args.contains(&part) {
                        acc.keyword(part);
                    }
                }
                if args.is_empty() {
                    Next::Operand
                } else {
                    Next::Any
                }
            }
        },
        ("respond", []) => Next::Operand,
        ("delegate", []) => {
            acc.keyword("to routes");
            Next::Operand
        }
        ("delegate", ["to"]) => {
            acc.keyword("routes");
            Next::Operand
        }
        ("delegate", ["to", "routes", rest @ ..]) => match rest.last() {
            None | Some(&",") => {
                // Only tables without hosts can be delegated to.
                item_names(cx, acc, ItemTag::Routes, rest, |item| {
                    table_summary(cx.db, item).hosts.is_empty()
                });
                Next::Operand
            }
            Some(_) => Next::Any,
        },
        ("rewrite", []) => {
            acc.keyword("prefix");
            acc.keyword("host");
            Next::Operand
        }
        ("rewrite", [_]) => Next::Operand,
        ("apply", args) => apply(cx, acc, stmt, args, PolicyLevel::Route),
        _ => Next::Any,
    }
}

/// `match M and M …`, at the matcher after the last `match` or `and`.
fn matcher(acc: &mut Acc<'_>, args: &[&str]) -> Next {
    let from = args.iter().rposition(|t| *t == "and").map_or(0, |i| i + 1);
    let current = args.get(from..).unwrap_or(&[]);
    match current {
        [] => {
            // At most one `path` and one `method` per `match`.
            for word in ["path", "header", "query", "method"] {
                if !(matches!(word, "path" | "method") && args.contains(&word)) {
                    acc.keyword(word);
                }
            }
            Next::Operand
        }
        ["path"] => {
            for word in ["prefix", "exact", "regex"] {
                acc.keyword(word);
            }
            Next::Operand
        }
        ["method", rest @ ..] if matches!(rest.last(), None | Some(&",")) => {
            acc.values(
                crate::check::ElemType::Method.choices().iter().copied(),
                rest,
            );
            Next::Operand
        }
        ["header", _] => {
            acc.keyword("present");
            Next::Operand
        }
        ["query", _] => Next::Operand,
        [.., last] if matches!(*last, "path" | "=" | "!=" | "~") || is_prefix_word(last) => {
            Next::Operand
        }
        ["header" | "query", _, ..] | ["path", _, _] | ["method", ..] => {
            acc.keyword("and");
            Next::Any
        }
        _ => Next::Operand,
    }
}

fn is_prefix_word(word: &str) -> bool {
    matches!(
        word,
        "prefix" | "exact" | "regex" | "header" | "query" | "method"
    )
}

fn test(cx: &Ctx<'_>, acc: &mut Acc<'_>, keyword: &str, stmt: &Statement<'_, '_>) -> Next {
    match (keyword, stmt.args()) {
        ("request", []) => {
            acc.values(
                crate::check::ElemType::Method.choices().iter().copied(),
                &[],
            );
            Next::Operand
        }
        ("request", [.., "via"]) => {
            acc.keyword("gateway");
            Next::Operand
        }
        ("request", [.., "via", "gateway"]) => {
            item_names(cx, acc, ItemTag::Gateway, &[], |_| true);
            Next::Operand
        }
        ("request", [.., "header" | "=" | "!="] | [_]) => Next::Operand,
        ("request", args) => {
            acc.keyword("header");
            if !args.contains(&"via") {
                acc.keyword("via gateway");
            }
            Next::Any
        }
        ("expect", []) => {
            for word in ["route", "to", "policy", "no route"] {
                acc.keyword(word);
            }
            Next::Operand
        }
        ("expect", ["route"]) => {
            routes(cx, acc);
            Next::Operand
        }
        ("expect", ["to", rest @ ..]) => target(cx, acc, rest),
        ("expect", ["policy"]) => {
            item_names(cx, acc, ItemTag::Policy, &[], |_| true);
            Next::Operand
        }
        ("expect", ["no"]) => {
            acc.keyword("route");
            Next::Operand
        }
        _ => Next::Any,
    }
}

/// The arguments of a policy field, by the field's type.
fn policy_field(cx: &Ctx<'_>, acc: &mut Acc<'_>, ty: FieldType, stmt: &Statement<'_, '_>) -> Next {
    let args = stmt.args();
    match ty {
        FieldType::List(_) => {
            if matches!(args.last(), None | Some(&",")) {
                acc.values(ty.choices().iter().copied(), args);
                Next::Operand
            } else {
                Next::Any
            }
        }
        FieldType::HeaderRule => match args {
            [] => {
                acc.values(ty.choices().iter().copied(), &[]);
                Next::Operand
            }
            [_] | ["set", _] => Next::Operand,
            _ => Next::Any,
        },
        FieldType::Principal => match args {
            [] => {
                acc.keyword("service-account");
                Next::Operand
            }
            [_] => {
                service_accounts(cx, acc);
                Next::Operand
            }
            _ => Next::Any,
        },
        FieldType::Target => target(cx, acc, args),
        FieldType::RegionMapping => match args.last() {
            None | Some(&("to" | ",")) => {
                regions(cx, acc);
                Next::Operand
            }
            Some(_) if args.len() == 1 => {
                acc.keyword("to");
                Next::Operand
            }
            Some(_) => Next::Any,
        },
        FieldType::Flag => Next::Any,
        FieldType::Int { .. }
        | FieldType::Status
        | FieldType::Duration { .. }
        | FieldType::Percent { .. } => {
            if args.is_empty() {
                Next::Operand
            } else {
                Next::Any
            }
        }
    }
}

/// One target of a `to` list: `service NAME[.NS][:PORT] [(LABELS)] [@CLUSTER] [weight N]` or
/// `destination NAME[:PORT] [weight N]`.
fn target(cx: &Ctx<'_>, acc: &mut Acc<'_>, toks: &[&str]) -> Next {
    match toks {
        [] => {
            acc.keyword("service");
            acc.keyword("destination");
            Next::Operand
        }
        ["service"] => {
            services(cx, acc);
            Next::Operand
        }
        ["destination"] => {
            item_names(cx, acc, ItemTag::Destination, &[], |_| true);
            Next::Operand
        }
        ["destination", name, ":"] => {
            if let Some(item) = cx.index.get(ItemTag::Destination, name) {
                for port in destination_ports(cx.db, item) {
                    acc.offer(&port.to_string(), CompletionKind::Port);
                }
            }
            Next::Operand
        }
        ["service", rest @ ..] => match rest.last() {
            Some(&":") => {
                let service = rest.get(..rest.len() - 1).unwrap_or(&[]);
                service_ports(cx, acc, service);
                Next::Operand
            }
            Some(&"@") => {
                clusters(cx, acc, &[]);
                Next::Operand
            }
            Some(&"weight") => Next::Operand,
            _ => {
                acc.keyword("weight");
                Next::Any
            }
        },
        [.., "weight"] => Next::Operand,
        ["destination", ..] => {
            acc.keyword("weight");
            Next::Any
        }
        _ => Next::Any,
    }
}

/// The tokens after the last top-level `,` of a list.
fn last_segment<'a, 't>(toks: &'a [&'t str]) -> &'a [&'t str] {
    let mut depth = 0usize;
    let mut start = 0;
    for (i, &t) in toks.iter().enumerate() {
        match t {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "," if depth == 0 => start = i + 1,
            _ => {}
        }
    }
    toks.get(start..).unwrap_or(&[])
}

/// The tokens after a `(` not closed before the cursor, if any.
fn open_selector<'a, 't>(toks: &'a [&'t str]) -> Option<&'a [&'t str]> {
    let mut open = None;
    for (i, &t) in toks.iter().enumerate() {
        match t {
            "(" => open = Some(i),
            ")" => open = None,
            _ => {}
        }
    }
    toks.get(open? + 1..)
}

/// Inside `( … )`: label keys that exist in the inventory (on services for `select`, on
/// workloads everywhere else), then the values seen for the key.
fn selector(cx: &Ctx<'_>, acc: &mut Acc<'_>, labels: &[&str], services: bool) {
    if services {
        label_completions(acc, cx.inventory.service_labels(), labels);
    } else {
        label_completions(acc, cx.inventory.workload_labels(), labels);
    }
}

fn label_completions<R: Copy + Ord>(acc: &mut Acc<'_>, index: &LabelIndex<R>, labels: &[&str]) {
    match last_segment(labels) {
        [] => {
            let written: Vec<&str> = labels
                .windows(2)
                .filter(|w| w.get(1) == Some(&"="))
                .filter_map(|w| w.first().map(|k| unquote(k)))
                .collect();
            for key in index.keys() {
                if written.contains(&key) {
                    continue;
                }
                // Keys that are not identifiers (`app.kubernetes.io/name`) need quotes.
                let insert = match acc.string {
                    None if !is_identifier(key) => Some(quote(key)),
                    Some(false) => Some(format!("{key}\"")),
                    _ => None,
                };
                if let Some(item) = acc.offer(key, CompletionKind::LabelKey) {
                    item.insert_text = insert;
                }
            }
        }
        [key, "="] => {
            for value in index.values(unquote(key)) {
                acc.string_value(value, CompletionKind::LabelValue);
            }
        }
        _ => {}
    }
}

/// After a selector: `in NAMESPACE`.
fn selector_tail(cx: &Ctx<'_>, acc: &mut Acc<'_>, stmt: &Statement<'_, '_>) -> Next {
    match stmt.last() {
        Some(")") => {
            acc.keyword("in");
            Next::Any
        }
        Some("in") => {
            namespaces(cx, acc);
            Next::Operand
        }
        Some(_) if stmt.toks.contains(&"in") => Next::Any,
        _ => Next::Operand,
    }
}

/// `cluster a, b`: the clusters not listed yet.
fn cluster_list(cx: &Ctx<'_>, acc: &mut Acc<'_>, stmt: &Statement<'_, '_>, args: &[&str]) -> Next {
    if matches!(stmt.last(), Some(",")) || args.is_empty() {
        clusters(cx, acc, args);
        Next::Operand
    } else {
        Next::Any
    }
}

/// `hosts "a", "b"`: nothing to offer, but a new statement may follow a complete list.
fn string_list(stmt: &Statement<'_, '_>) -> Next {
    match stmt.last() {
        Some(last) if last.starts_with('"') => Next::Any,
        _ => Next::Operand,
    }
}

/// `apply a, b`: the policies of the right level not applied yet (and those whose kind is
/// unknown, which the checker reports).
fn apply(
    cx: &Ctx<'_>,
    acc: &mut Acc<'_>,
    stmt: &Statement<'_, '_>,
    args: &[&str],
    level: PolicyLevel,
) -> Next {
    if matches!(stmt.last(), Some("apply" | ",")) {
        item_names(cx, acc, ItemTag::Policy, args, |item| {
            policy_kind(cx.db, item).is_none_or(|kind| kind.level() == level)
        });
        Next::Operand
    } else {
        Next::Any
    }
}

fn item_names<'db>(
    cx: &Ctx<'db>,
    acc: &mut Acc<'_>,
    tag: ItemTag,
    exclude: &[&str],
    keep: impl Fn(Item<'db>) -> bool,
) {
    let kind = match tag {
        ItemTag::Gateway => CompletionKind::Gateway,
        ItemTag::Destination => CompletionKind::Destination,
        ItemTag::Policy => CompletionKind::Policy,
        ItemTag::Routes | ItemTag::Test => CompletionKind::Table,
    };
    for item in cx.index.all(tag) {
        let name = item.name(cx.db);
        if exclude.contains(&name.as_str()) || !fuzzy_match(acc.query, name) || !keep(item) {
            continue;
        }
        let Some(entry) = acc.offer(name, kind) else {
            break;
        };
        entry.detail = item_detail(cx, tag, item);
        entry.documentation = item.doc(cx.db).clone();
    }
}

/// One line about an item, from its summary.
fn item_detail<'db>(cx: &Ctx<'db>, tag: ItemTag, item: Item<'db>) -> Option<String> {
    let db = cx.db;
    match tag {
        ItemTag::Gateway => Some(gateway_clusters(db, item).join(", ")),
        ItemTag::Destination => {
            let clusters = &destination_backends(db, cx.project, item).clusters;
            Some(if clusters.is_empty() {
                "no backends".to_owned()
            } else {
                clusters.join(", ")
            })
        }
        ItemTag::Policy => policy_kind(db, item)
            .map(|kind| format!("{} · {}", kind.name(), kind.level().adjective())),
        ItemTag::Routes => {
            let hosts = &table_summary(db, item).hosts;
            Some(if hosts.is_empty() {
                "delegated table".to_owned()
            } else {
                hosts.join(", ")
            })
        }
        ItemTag::Test => None,
    }
}

/// `TABLE.ROUTE` for every route of every table.
fn routes(cx: &Ctx<'_>, acc: &mut Acc<'_>) {
    for table in cx.index.all(ItemTag::Routes) {
        let name = table.name(cx.db);
        for route in &table_summary(cx.db, table).routes {
            let label = format!("{name}.{route}");
            if acc.full() {
                return;
            }
            acc.offer(&label, CompletionKind::Route);
        }
    }
}

fn clusters(cx: &Ctx<'_>, acc: &mut Acc<'_>, exclude: &[&str]) {
    for name in cx.inventory.cluster_names() {
        if exclude.contains(&name) {
            continue;
        }
        let Some(item) = acc.offer(name, CompletionKind::Cluster) else {
            continue;
        };
        if let Some(cluster) = cx.inventory.cluster(name) {
            let locality: Vec<&str> = [&cluster.region, &cluster.zone]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            item.detail = (!locality.is_empty()).then(|| locality.join(" · "));
        }
    }
}

fn namespaces(cx: &Ctx<'_>, acc: &mut Acc<'_>) {
    for name in cx.inventory.namespace_names() {
        if let Some(item) = acc.offer(name, CompletionKind::Namespace) {
            let clusters: Vec<&str> = cx
                .inventory
                .clusters_with_namespace(name)
                .map(|c| c.name.as_str())
                .collect();
            item.detail = Some(clusters.join(", "));
        }
    }
}

/// Every service as `name.namespace`, the file's namespace first, with its ports and clusters.
fn services(cx: &Ctx<'_>, acc: &mut Acc<'_>) {
    let inventory = cx.inventory;
    let own = cx.namespace;
    let namespaces = std::iter::once(own)
        .filter(|ns| inventory.has_namespace(ns))
        .chain(inventory.namespace_names().filter(|&ns| ns != own));
    for namespace in namespaces {
        for name in inventory.service_names_in(namespace) {
            if acc.full() {
                return;
            }
            let label = format!("{name}.{namespace}");
            if let Some(item) = acc.offer(&label, CompletionKind::Service) {
                item.detail = Some(service_detail(inventory, namespace, name));
            }
        }
    }
}

/// `9080/http · cluster-1, cluster-2`: the service's ports (by name, else protocol) and the
/// clusters it runs in.
fn service_detail(inventory: &InventoryIndex, namespace: &str, name: &str) -> String {
    let mut ports: Vec<String> = Vec::new();
    let mut clusters: Vec<&str> = Vec::new();
    for &at in inventory.services_named(namespace, name) {
        let Some(entry) = inventory.resolve_service(at) else {
            continue;
        };
        clusters.push(&entry.cluster.name);
        for port in &entry.service.ports {
            let shown = match &port.name {
                Some(port_name) => format!("{}/{port_name}", port.port),
                None => format!("{}/{}", port.port, infer_protocol(port)),
            };
            if !ports.contains(&shown) {
                ports.push(shown);
            }
        }
    }
    format!("{} · {}", ports.join(", "), clusters.join(", "))
}

/// The ports of `NAME[.NAMESPACE]` (the tokens before the `:`), by number.
fn service_ports(cx: &Ctx<'_>, acc: &mut Acc<'_>, service: &[&str]) {
    let (name, namespace) = match service {
        [name] => (*name, cx.namespace),
        [name, ".", namespace] => (*name, *namespace),
        _ => return,
    };
    let mut seen = BTreeSet::new();
    for &at in cx.inventory.services_named(namespace, name) {
        let Some(entry) = cx.inventory.resolve_service(at) else {
            continue;
        };
        for port in &entry.service.ports {
            if !seen.insert(port.port) {
                continue;
            }
            if let Some(item) = acc.offer(&port.port.to_string(), CompletionKind::Port) {
                let protocol = infer_protocol(port);
                item.detail = Some(match &port.name {
                    Some(port_name) => format!("{port_name} · {protocol}"),
                    None => protocol.to_string(),
                });
            }
        }
    }
}

/// `port N -> |`: the ports of the services the destination selects, by name and number.
fn backend_ports(cx: &Ctx<'_>, acc: &mut Acc<'_>, destination: Option<&str>) {
    let Some(item) = destination.and_then(|name| cx.index.get(ItemTag::Destination, name)) else {
        return;
    };
    let mut seen = BTreeSet::new();
    for backend in &destination_backends(cx.db, cx.project, item).services {
        let Some(entry) = cx.inventory.resolve_service(backend.at) else {
            continue;
        };
        for port in &entry.service.ports {
            let number = port.port.to_string();
            for label in port.name.iter().chain([&number]) {
                if seen.insert(label.clone())
                    && let Some(item) = acc.offer(label, CompletionKind::Port)
                {
                    item.detail = Some(format!("{}.{}", backend.name, backend.namespace));
                }
            }
        }
    }
}

/// `allow service-account |`: every service account as `name.namespace`.
fn service_accounts(cx: &Ctx<'_>, acc: &mut Acc<'_>) {
    let inventory = cx.inventory;
    let mut accounts = BTreeSet::new();
    for cluster in inventory.cluster_names() {
        for namespace in inventory.namespaces_in(cluster) {
            for account in inventory.service_accounts(cluster, namespace) {
                accounts.insert(format!("{account}.{namespace}"));
            }
        }
    }
    for account in &accounts {
        if let Some(item) = acc.offer(account, CompletionKind::Value) {
            item.detail = Some("service account".to_owned());
        }
    }
}

/// The regions of the inventory's clusters, as strings.
fn regions(cx: &Ctx<'_>, acc: &mut Acc<'_>) {
    let regions: BTreeSet<&str> = cx
        .inventory
        .inventory()
        .clusters
        .iter()
        .filter_map(|c| c.region.as_deref())
        .collect();
    for region in regions {
        if let Some(item) = acc.string_value(region, CompletionKind::Value) {
            item.detail = Some("region".to_owned());
        }
    }
}

fn is_number(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_digit())
}

fn unquote(token: &str) -> &str {
    token
        .strip_prefix('"')
        .map_or(token, |t| t.strip_suffix('"').unwrap_or(t))
}
