//! Values written back as source text, the way the lexer reads them: string literals that
//! read back to the same value, and words that may stay bare because they are identifiers.
//! Diagnostics (fixes, help lines) and editor features (completion, hover) write code with
//! these, so what they suggest always lexes.

/// `[A-Za-z_][A-Za-z0-9_-]*`, the language's identifiers (the lexer's `Ident` token).
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A string literal for `text`, escaped as the lexer reads it.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word as it must be written where an identifier or a string may stand (a label key, a
/// test name): bare when it is an identifier, quoted otherwise.
pub fn bare_or_quoted(text: &str) -> String {
    if is_identifier(text) {
        text.to_owned()
    } else {
        quote(text)
    }
}

#[cfg(test)]
mod tests {
    use super::{bare_or_quoted, is_identifier, quote};
    use crate::syntax::lexer::string_value;

    #[test]
    fn quotes_like_the_lexer_reads() {
        assert_eq!(quote("v1"), "\"v1\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("\u{7}"), "\"\\u{7}\"");
        assert_eq!(quote("a\nb\tc"), "\"a\\nb\\tc\"");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("app"));
        assert!(is_identifier("part-of_2"));
        assert!(!is_identifier("app.kubernetes.io/name"));
        assert!(!is_identifier("2app"));
        assert!(!is_identifier(""));
        assert_eq!(bare_or_quoted("app"), "app");
        assert_eq!(
            bare_or_quoted("app.kubernetes.io/name"),
            "\"app.kubernetes.io/name\""
        );
    }

    #[test]
    fn quoted_values_read_back_unchanged() {
        for value in [
            "plain",
            "a \"b\" c",
            "back\\slash",
            "tab\there",
            "bell\u{7}",
            "é",
        ] {
            let (read, problems) = string_value(&quote(value));
            assert_eq!(read, value);
            assert!(problems.is_empty(), "{value:?}");
        }
    }
}
