//! Names that become Kubernetes object names: item names and `namespace` statements must be
//! DNS-1123 labels, so that an invalid name is reported at the source instead of producing
//! YAML the API server rejects.

use crate::codes::Code;
use crate::db::{Db, ItemTag, SourceFile, parse_file};
use crate::diagnostic::{Diagnostic, Location};
use crate::syntax::ast;

use super::{Ctx, ItemDiagnostic};

/// The longest DNS-1123 label.
pub const MAX_NAME_LEN: usize = 63;

/// Why a name is not a DNS-1123 label, if it is not: what Kubernetes requires of the name of
/// a resource and of a namespace, whether it is written in a `.route` file or in `route.toml`.
pub fn dns_label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_owned());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "it has {} characters; Kubernetes names have at most {MAX_NAME_LEN}",
            name.len()
        ));
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("Kubernetes names are lowercase".to_owned());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "`{c}` is not allowed: Kubernetes names hold lowercase letters, digits and `-`"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("Kubernetes names start and end with a letter or digit".to_owned());
    }
    None
}

/// The closest valid name, for the fix.
fn repaired(name: &str) -> String {
    let lowered: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = lowered.trim_matches('-');
    trimmed
        .get(..MAX_NAME_LEN.min(trimmed.len()))
        .unwrap_or(trimmed)
        .trim_end_matches('-')
        .to_owned()
}

/// Checks the name of an item that becomes a resource.
pub(super) fn check_item_name(cx: &mut Ctx<'_>, tag: ItemTag, name: &ast::Name) {
    if tag == ItemTag::Test {
        return;
    }
    let Some(problem) = dns_label_problem(&name.text) else {
        return;
    };
    let code = if name.text.len() > MAX_NAME_LEN {
        Code::NameTooLong
    } else {
        Code::InvalidName
    };
    let fixed = repaired(&name.text);
    let mut diagnostic = ItemDiagnostic::new(
        code,
        name.span,
        format!(
            "{} name `{}` cannot name a Kubernetes resource: {problem}",
            tag.noun(),
            name.text
        ),
    );
    if dns_label_problem(&fixed).is_none() {
        diagnostic = diagnostic
            .help(format!("rename it to `{fixed}`"))
            .fix(name.span, fixed);
    } else {
        diagnostic =
            diagnostic.help("use lowercase letters, digits and `-`, at most 63 characters");
    }
    cx.emit(diagnostic);
}

/// `namespace` statements: at most one per file, before every item, naming a valid namespace.
pub fn namespace_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let parse = parse_file(db, file);
    let mut out = Vec::new();
    let mut seen_item = false;
    let mut first: Option<Location> = None;
    for parsed in &parse.items {
        let ast::ItemKind::Namespace(name) = &parsed.item.kind else {
            seen_item |= !matches!(parsed.item.kind, ast::ItemKind::Error);
            continue;
        };
        let location = Location {
            file,
            range: parse.range(parsed.first_token, parsed.item.span),
        };
        let error = |code: Code, message: String, help: &str| Diagnostic {
            code,
            severity: code.severity(),
            message,
            primary: location,
            labels: Vec::new(),
            help: Some(help.to_owned()),
            fix: None,
        };
        if let Some(earlier) = first {
            let mut d = error(
                Code::MisplacedNamespace,
                format!("a second `namespace` statement (`{}`)", name.text),
                "a file has one namespace: move the items that belong elsewhere into their own file",
            );
            d.labels.push(crate::diagnostic::Label {
                location: earlier,
                message: "the file's namespace is set here".to_owned(),
            });
            out.push(d);
        } else if seen_item {
            out.push(error(
                Code::MisplacedNamespace,
                format!("`namespace {}` comes after an item", name.text),
                "put the `namespace` statement first in the file: it applies to every item in it",
            ));
        }
        first.get_or_insert(location);
        if let Some(problem) = dns_label_problem(&name.text) {
            let code = if name.text.len() > MAX_NAME_LEN {
                Code::NameTooLong
            } else {
                Code::InvalidName
            };
            out.push(error(
                code,
                format!("`{}` is not a valid namespace: {problem}", name.text),
                "namespaces are lowercase letters, digits and `-`",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{dns_label_problem, repaired};

    #[test]
    fn dns_labels() {
        assert_eq!(dns_label_problem("reviews-v2"), None);
        assert!(dns_label_problem("Reviews").is_some());
        assert!(dns_label_problem("my_route").is_some());
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
        assert!(dns_label_problem("").is_some());
        assert!(dns_label_problem("-shop").is_some());
        assert_eq!(repaired("My_Route"), "my-route");
    }
}
