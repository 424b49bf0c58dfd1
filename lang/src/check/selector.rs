//! Label selectors: `(app = "reviews", version = "v1")` in a destination's `select`, a
//! gateway's `workload`, a target's subset and `expose to workloads`.
//!
//! The questions every selector check asks live here: the selector in the inventory's
//! `(key, value)` form and as it is written, label keys no service or workload carries (W0207),
//! and why a selector matches nothing (W0206) — a value that exists nowhere, or one the
//! candidates lack.

use std::collections::BTreeSet;

use crate::check::{Ctx, ItemDiagnostic, list_names};
use crate::codes::Code;
use crate::inventory::{LabelIndex, Labels};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Span};
use crate::syntax::literal::{bare_or_quoted, quote};

/// A selector in the inventory's form.
pub(super) fn selector_pairs(selector: &ast::Selector) -> Vec<(&str, &str)> {
    selector
        .labels
        .iter()
        .map(|label| (label.key.value.as_str(), label.value.value.as_str()))
        .collect()
}

/// `(app = "reviews", "app.kubernetes.io/part-of" = "shop")`, as it would be written.
pub(super) fn selector_text(selector: &ast::Selector) -> String {
    let labels: Vec<String> = selector
        .labels
        .iter()
        .map(|l| {
            format!(
                "{} = {}",
                bare_or_quoted(&l.key.value),
                quote(&l.value.value)
            )
        })
        .collect();
    format!("({})", labels.join(", "))
}

/// W0207 for every label key of `selector` that no `what` (service, workload) of the inventory
/// carries. Returns whether every key is known, so that callers do not also report the
/// selector as matching nothing.
pub(super) fn check_label_keys<R: Copy + Ord>(
    cx: &mut Ctx<'_>,
    selector: &ast::Selector,
    labels: &LabelIndex<R>,
    what: &str,
) -> bool {
    let mut all_known = true;
    for label in &selector.labels {
        let key = &label.key.value;
        if labels.has_key(key) {
            continue;
        }
        all_known = false;
        let keys: Vec<&str> = labels.keys().collect();
        let diagnostic = ItemDiagnostic::new(
            Code::UnknownLabelKey,
            label.key.span,
            format!("no {what} in the inventory has a label `{key}`"),
        );
        let diagnostic = match did_you_mean(key, keys.iter().copied()) {
            Some(best) => diagnostic
                .help(format!("did you mean `{best}`?"))
                .fix(label.key.span, bare_or_quoted(best)),
            None if keys.is_empty() => {
                diagnostic.help(format!("no {what} of the inventory has labels"))
            }
            None => diagnostic.help(format!("{what} label keys: {}", list_names(&keys))),
        };
        cx.emit(diagnostic);
    }
    all_known
}

/// A label whose key exists but whose value no item carries: the likely reason a selector
/// matches nothing.
pub(super) struct UnknownValue {
    message: String,
    fix: Option<(Span, String)>,
}

impl UnknownValue {
    /// Adds the explanation (and the fix, when a known value is close) to a diagnostic.
    pub(super) fn apply<'db>(self, diagnostic: ItemDiagnostic<'db>) -> ItemDiagnostic<'db> {
        let diagnostic = diagnostic.help(self.message);
        match self.fix {
            Some((span, replacement)) => diagnostic.fix(span, replacement),
            None => diagnostic,
        }
    }
}

/// The first label of `selector` whose value no `what` of the inventory carries under its key.
pub(super) fn unknown_value<R: Copy + Ord>(
    selector: &ast::Selector,
    labels: &LabelIndex<R>,
    what: &str,
) -> Option<UnknownValue> {
    selector.labels.iter().find_map(|label| {
        let key = &label.key.value;
        let value = &label.value.value;
        let values: Vec<&str> = labels.values(key).collect();
        if values.is_empty() || values.contains(&value.as_str()) {
            return None;
        }
        let mut message = format!("no {what} has `{key}` = `{value}`");
        let fix = match did_you_mean(value, values.iter().copied()) {
            Some(best) => {
                message.push_str(&format!("; did you mean `{best}`?"));
                Some((label.value.span, quote(best)))
            }
            None => {
                message.push_str(&format!("; values of `{key}`: {}", list_names(&values)));
                None
            }
        };
        Some(UnknownValue { message, fix })
    })
}

/// How to speak of the workloads a selector is matched against, when it matches none of them.
pub(super) struct PoolTexts {
    /// The W0206 message.
    pub message: String,
    /// "the workloads of `reviews.bookinfo`": the candidates, for help lines.
    pub described: String,
    /// Why there are no candidates at all, for when there are none.
    pub empty: String,
}

/// Checks a workload selector against the labels of the candidate workloads: keys no workload
/// of the inventory carries (W0207, with "did you mean"), else a selector that picks no
/// candidate (W0206, with the values the candidates do have). `texts` is called only for
/// W0206: most selectors match, and their messages would be formatted for nothing.
pub(super) fn check_workload_selector(
    cx: &mut Ctx<'_>,
    selector: &ast::Selector,
    workloads: &[&Labels],
    texts: impl FnOnce() -> PoolTexts,
) {
    let inventory = cx.inventory;
    if !check_label_keys(cx, selector, inventory.workload_labels(), "workload") {
        return;
    }
    let matches = |labels: &Labels| {
        selector
            .labels
            .iter()
            .all(|l| labels.get(l.key.value.as_str()).map(String::as_str) == Some(&l.value.value))
    };
    if workloads.iter().any(|w| matches(w)) {
        return;
    }
    let texts = texts();
    let diagnostic =
        ItemDiagnostic::new(Code::SelectorMatchesNothing, selector.span, texts.message);
    let diagnostic = if workloads.is_empty() {
        diagnostic.help(texts.empty)
    } else {
        explain_miss(diagnostic, selector, workloads, &texts.described)
    };
    cx.emit(diagnostic);
}

/// Says why a selector picks none of the candidates: the first label no candidate has (with
/// the values they do have), or that no single candidate carries every label.
fn explain_miss<'db>(
    diagnostic: ItemDiagnostic<'db>,
    selector: &ast::Selector,
    workloads: &[&Labels],
    described: &str,
) -> ItemDiagnostic<'db> {
    for label in &selector.labels {
        let key = &label.key.value;
        let values: BTreeSet<&str> = workloads
            .iter()
            .filter_map(|w| w.get(key.as_str()).map(String::as_str))
            .collect();
        if values.contains(label.value.value.as_str()) {
            continue;
        }
        if values.is_empty() {
            return diagnostic.help(format!("none of {described} has a label `{key}`"));
        }
        let shown = values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return match did_you_mean(&label.value.value, values.iter().copied()) {
            Some(best) => diagnostic
                .help(format!(
                    "did you mean `{best}`? {described} have `{key}` = {shown}"
                ))
                .fix(label.value.span, quote(best)),
            None => diagnostic.help(format!("{described} have `{key}` = {shown}")),
        };
    }
    diagnostic.help(format!(
        "no single one of {described} carries all of these labels"
    ))
}
