//! `routec explain CODE` and `routec explain --list`: the long explanation of a diagnostic
//! code, with an example and its fix, or the list of every code.

use std::io::{self, Write};

use route_lang::codes::Code;
use route_lang::explain::explain;
use route_lang::suggest::did_you_mean;

use super::{Console, Exit};

/// Paragraphs are wrapped to this width, the width of a narrow terminal.
const WIDTH: usize = 80;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code, as printed in diagnostics: E0203 (case does not matter)
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its title
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

pub fn run(args: &ExplainArgs, console: &mut Console) -> io::Result<Exit> {
    let Some(text) = args.code.as_deref().filter(|_| !args.list) else {
        return list(console);
    };
    let Some(code) = Code::parse(text) else {
        let wanted = text.trim().to_ascii_uppercase();
        let hint = match did_you_mean(&wanted, Code::ALL.iter().map(|c| c.as_str())) {
            Some(best) => format!("did you mean `{best}`? "),
            None => String::new(),
        };
        console.error(format_args!(
            "unknown code `{text}`; {hint}`routec explain --list` lists every code"
        ))?;
        return Ok(Exit::BadInput);
    };

    let explanation = explain(code);
    let out = &mut console.out;
    writeln!(
        out,
        "{} ({}): {}\n",
        code.as_str(),
        code.severity().as_str(),
        code.title()
    )?;
    for line in wrap(explanation.summary, WIDTH) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "\nFor example:\n")?;
    write_indented(out, explanation.example)?;
    writeln!(out, "\nFixed:\n")?;
    write_indented(out, explanation.fix)?;
    Ok(Exit::Success)
}

fn list(console: &mut Console) -> io::Result<Exit> {
    for &code in Code::ALL {
        writeln!(
            console.out,
            "{}  {:<7}  {}",
            code.as_str(),
            code.severity().as_str(),
            code.title()
        )?;
    }
    Ok(Exit::Success)
}

/// Source snippets are indented by four spaces, as code blocks are in Markdown.
fn write_indented(out: &mut impl Write, snippet: &str) -> io::Result<()> {
    for line in snippet.lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// Greedy word wrap; words longer than `width` get a line of their own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("  ", 7), Vec::<String>::new());
    }
}
