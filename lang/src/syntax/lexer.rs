//! Text → tokens. Lexing never fails: characters that start no token become [`Token::Error`],
//! malformed numbers become [`Token::BadNumber`], and strings are always [`Token::Str`], even
//! unterminated or with bad escapes (their problems come from [`string_value`]). Comments are
//! tokens here, so the language server can colour them; the parser drops them.
//!
//! Tokens carry no data at all: a token's text is its range in the source, and the value of a
//! number is read from its text ([`number`]) by the parser, so a token is one byte and a large
//! file's tokens stay small. Keywords are contextual, so every word is one [`Token::Ident`] and
//! the parser matches on the text.

use logos::Logos;

use super::TextRange;
use super::ast::CompactString;

/// A token kind.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Token {
    /// Every word, keywords included: `reviews`, `per-try-timeout`, `GET`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_-]*")]
    Ident,
    /// `9080`.
    Int,
    /// `250ms`, `1h30m`.
    Duration,
    /// `12.5%`.
    Percent,
    /// A word that starts with a digit and is not a number or a duration: `5xx`.
    ///
    /// Every token that starts with a digit is matched here and classified by `number`.
    #[regex(r"[0-9][0-9A-Za-z_.]*%?", |lex| number(lex.slice()).token())]
    Word,
    /// A string literal, quotes included; it may lack its closing quote (see `string_value`).
    ///
    /// A string ends at the end of its line, so a missing quote does not swallow the file.
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*\\?"?"#)]
    Str,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token(":")]
    Colon,
    #[token("=")]
    Eq,
    #[token("!=")]
    NotEq,
    #[token("~")]
    Tilde,
    #[token("->")]
    Arrow,
    #[token("@")]
    At,
    /// `# ...` up to the end of the line. (Greedy on purpose: a comment ends at the newline.)
    #[regex(r"#([^#\r\n][^\r\n]*)?", allow_greedy = true)]
    Comment,
    /// `## ...`: documentation of the item below.
    #[regex(r"##[^\r\n]*", allow_greedy = true)]
    DocComment,
    /// Something that starts with a digit but is not a valid number, duration or percentage.
    BadNumber,
    /// Characters that start no token. A single-quoted run (`'x'`) is one error, not three.
    #[regex(r"'[^'\r\n]*'?")]
    Error,
}

/// What a token that starts with a digit is, with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Number {
    Int(u64),
    /// In milliseconds.
    Duration(u64),
    /// In thousandths of a percent.
    Percent(u64),
    /// Not a number: `5xx`.
    Word,
    Bad(NumberProblem),
}

impl Number {
    fn token(self) -> Token {
        match self {
            Number::Int(_) => Token::Int,
            Number::Duration(_) => Token::Duration,
            Number::Percent(_) => Token::Percent,
            Number::Word => Token::Word,
            Number::Bad(_) => Token::BadNumber,
        }
    }
}

/// Why a [`Token::BadNumber`] is bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumberProblem {
    /// Does not fit in 64 bits (in milliseconds or thousandths of a percent for those).
    TooLarge,
    /// A percentage with more than three decimals.
    TooPrecise,
    /// Neither an integer, a duration, a percentage nor a word: `1.5s`, `30m1h`, `1.2.3`.
    Malformed,
}

impl Token {
    /// Comments are not seen by the parser.
    pub fn is_trivia(self) -> bool {
        matches!(self, Token::Comment | Token::DocComment)
    }
}

/// Lexes a whole text, token by token. Never fails: see the module documentation.
///
/// Adjacent invalid characters are merged into one [`Token::Error`], so `$$$` is one error.
/// An iterator, not a vector: the parser keeps its own form of each token, and a file of
/// millions of tokens should not exist twice in memory.
pub fn lex(text: &str) -> impl Iterator<Item = (Token, TextRange)> + '_ {
    let mut tokens = Token::lexer(text)
        .spanned()
        .map(|(token, span)| {
            let range = TextRange::new(offset(span.start), offset(span.end));
            (token.unwrap_or(Token::Error), range)
        })
        .peekable();
    std::iter::from_fn(move || {
        let (token, mut range) = tokens.next()?;
        if token == Token::Error {
            while let Some(&(Token::Error, next)) = tokens.peek()
                && next.start == range.end
            {
                range.end = next.end;
                tokens.next();
            }
        }
        Some((token, range))
    })
}

/// Byte offsets are `u32` everywhere; a text beyond 4 GiB saturates instead of wrapping.
pub(super) fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A token as the parser sees it: its kind, its text and where it stands on its line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'s> {
    pub kind: Token,
    pub text: &'s str,
    /// Byte column of the token on its line.
    pub column: u32,
    /// Nothing but whitespace precedes the token on its line.
    pub first_on_line: bool,
}

/// A file's tokens with the comments set aside: the kind and byte range of each, which is
/// what a parse keeps. The parser's [`Tok`]s are made from them one item at a time
/// ([`Tokens::toks`]), so that a large file's tokens never all exist in that larger form.
#[derive(Debug)]
pub(super) struct Tokens<'s> {
    pub text: &'s str,
    pub kinds: Vec<Token>,
    pub ranges: Vec<TextRange>,
}

impl<'s> Tokens<'s> {
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn kind(&self, at: usize) -> Option<Token> {
        self.kinds.get(at).copied()
    }

    /// The text of token `at`; empty past the end.
    pub fn text(&self, at: usize) -> &'s str {
        self.ranges
            .get(at)
            .and_then(|r| self.text.get(r.start as usize..r.end as usize))
            .unwrap_or("")
    }

    /// The byte range of token `at`; empty past the end.
    pub fn range(&self, at: usize) -> TextRange {
        self.ranges.get(at).copied().unwrap_or_default()
    }

    /// Where token `at` stands on its line: its [`Tok::column`] and [`Tok::first_on_line`],
    /// found without making the tokens before it.
    pub fn place(&self, at: usize) -> (u32, bool) {
        let start = self.range(at).start as usize;
        let line_start = self.line_start(start);
        let first_on_line = self
            .previous_start(at)
            .is_none_or(|previous| previous < line_start);
        (offset(start.saturating_sub(line_start)), first_on_line)
    }

    /// The offset of the start of the line that holds offset `at`.
    fn line_start(&self, at: usize) -> usize {
        self.text
            .as_bytes()
            .get(..at)
            .and_then(|before| memchr::memrchr(b'\n', before))
            .map_or(0, |newline| newline + 1)
    }

    /// The start of the token before token `at`.
    fn previous_start(&self, at: usize) -> Option<usize> {
        at.checked_sub(1)
            .and_then(|i| self.ranges.get(i))
            .map(|r| r.start as usize)
    }

    /// The tokens `run` as the parser sees them, with their place on their line, into `out`
    /// (cleared first).
    pub fn toks(&self, run: std::ops::Range<usize>, out: &mut Vec<Tok<'s>>) {
        out.clear();
        let run = run.start.min(self.len())..run.end.min(self.len());
        let (Some(kinds), Some(ranges)) =
            (self.kinds.get(run.clone()), self.ranges.get(run.clone()))
        else {
            return;
        };
        let Some(first) = ranges.first() else {
            return;
        };
        out.reserve(kinds.len());
        let bytes = self.text.as_bytes();
        let first = first.start as usize;
        let mut line_start = self.line_start(first);
        let mut previous_start = self.previous_start(run.start);
        let mut previous_end = first;
        for (&kind, range) in kinds.iter().zip(ranges) {
            let (start, end) = (range.start as usize, range.end as usize);
            if let Some(newline) = bytes
                .get(previous_end..start)
                // A gap is a few bytes: a plain scan beats memchr's setup there.
                .and_then(|gap| gap.iter().rposition(|&byte| byte == b'\n'))
            {
                line_start = previous_end + newline + 1;
            }
            out.push(Tok {
                kind,
                text: self.text.get(start..end).unwrap_or(""),
                column: offset(start.saturating_sub(line_start)),
                first_on_line: previous_start.is_none_or(|previous| previous < line_start),
            });
            previous_start = Some(start);
            previous_end = end;
        }
    }
}

/// Tokens are equal when their kind and text are: the grammar matches on those, never on the
/// layout.
impl PartialEq for Tok<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.text == other.text
    }
}

/// The value of an `Int`, `Duration` or `Percent` token: the lexer classified its text so, so
/// reading it again gives the value.
pub(super) fn number_value(text: &str) -> u64 {
    match number(text) {
        Number::Int(value) | Number::Duration(value) | Number::Percent(value) => value,
        Number::Word | Number::Bad(_) => 0,
    }
}

/// Classifies the text of a token that starts with a digit, and reads its value.
pub fn number(text: &str) -> Number {
    if let Some(body) = text.strip_suffix('%') {
        return match percent(body) {
            Ok(value) => Number::Percent(value),
            Err(problem) => Number::Bad(problem),
        };
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u64>() {
            Ok(value) => Number::Int(value),
            // Only digits, so the one way to fail is overflow.
            Err(_) => Number::Bad(NumberProblem::TooLarge),
        };
    }
    if text.contains('.') {
        return Number::Bad(NumberProblem::Malformed);
    }
    match duration(text) {
        Some(Ok(ms)) => Number::Duration(ms),
        Some(Err(problem)) => Number::Bad(problem),
        None => Number::Word,
    }
}

/// `12.5` → 12_500 (thousandths of a percent).
fn percent(body: &str) -> Result<u64, NumberProblem> {
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (body.contains('.') && !digits(fraction)) {
        return Err(NumberProblem::Malformed);
    }
    if fraction.len() > 3 {
        return Err(NumberProblem::TooPrecise);
    }
    let whole: u64 = whole.parse().map_err(|_| NumberProblem::TooLarge)?;
    // Pad the fraction to three digits: `.5` is 500 thousandths.
    let mut thousandths = 0u64;
    for i in 0..3 {
        let digit = fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| u64::from(b - b'0'));
        thousandths = thousandths * 10 + digit;
    }
    whole
        .checked_mul(1000)
        .and_then(|v| v.checked_add(thousandths))
        .ok_or(NumberProblem::TooLarge)
}

/// `1h30m` → `Some(Ok(5_400_000))`. `None` when the text is not made of number-unit pairs at
/// all (a word such as `5xx`); an error when it is, but the units repeat or are out of order.
fn duration(text: &str) -> Option<Result<u64, NumberProblem>> {
    let mut rest = text;
    let mut total: Option<u64> = Some(0);
    // Units must go from the largest to the smallest, each at most once: `1h30m`, not `30m1h`.
    let mut last_rank = u8::MAX;
    let mut in_order = true;
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(digits_end);
        let unit_end = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        if digits.is_empty() {
            return None;
        }
        let (rank, scale) = match unit {
            "h" => (3, 3_600_000),
            "m" => (2, 60_000),
            "s" => (1, 1_000),
            "ms" => (0, 1),
            _ => return None,
        };
        in_order &= rank < last_rank;
        last_rank = rank;
        let amount = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale));
        total = total.and_then(|t| amount.and_then(|a| t.checked_add(a)));
        rest = next;
    }
    Some(match total {
        _ if !in_order => Err(NumberProblem::Malformed),
        Some(ms) => Ok(ms),
        None => Err(NumberProblem::TooLarge),
    })
}

/// A problem inside a string literal, with its byte range relative to the literal's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct StringProblem {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// The body of a closed string literal without escapes, which is its value (most strings):
/// the lexer lets no `"` into a string but the closing one.
pub(super) fn plain_string(raw: &str) -> Option<&str> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!body.contains('\\')).then_some(body)
}

/// The value of a string literal (quotes included in `raw`), and its problems.
///
/// Invalid escapes are kept as written, so the value is still what the author most likely
/// meant (a regex such as `"\d+"` keeps its backslash).
pub(super) fn string_value(raw: &str) -> (CompactString, Vec<StringProblem>) {
    if let Some(body) = plain_string(raw) {
        return (CompactString::new(body), Vec::new());
    }
    let mut value = CompactString::with_capacity(raw.len());
    let mut problems = Vec::new();
    let body = raw.strip_prefix('"').unwrap_or(raw);
    let base = raw.len() - body.len();
    let mut chars = body.char_indices().peekable();
    let mut terminated = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                terminated = true;
                break;
            }
            '\\' => {
                let Some((j, escaped)) = chars.next() else {
                    // A backslash right before the end of the line: the string is unterminated,
                    // which is reported below.
                    value.push('\\');
                    break;
                };
                match escaped {
                    '"' => value.push('"'),
                    '\\' => value.push('\\'),
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'u' => {
                        // `\u{` hex digits `}`, all on this line of the string.
                        let mut end = j + 1;
                        let mut digits = String::new();
                        let mut closed = false;
                        if let Some(&(k, '{')) = chars.peek() {
                            chars.next();
                            end = k + 1;
                            while let Some(&(k, d)) = chars.peek() {
                                if d == '"' {
                                    break;
                                }
                                chars.next();
                                end = k + d.len_utf8();
                                if d == '}' {
                                    closed = true;
                                    break;
                                }
                                digits.push(d);
                            }
                        }
                        let decoded = (closed && (1..=6).contains(&digits.len()))
                            .then(|| u32::from_str_radix(&digits, 16).ok())
                            .flatten()
                            .and_then(char::from_u32);
                        match decoded {
                            Some(ch) => value.push(ch),
                            None => {
                                let written = body.get(i..end).unwrap_or("\\u");
                                value.push_str(written);
                                problems.push(StringProblem {
                                    start: base + i,
                                    end: base + end,
                                    message: format!(
                                        "invalid unicode escape `{written}`: expected `\\u{{...}}` \
                                         with 1 to 6 hex digits naming a unicode scalar value"
                                    ),
                                });
                            }
                        }
                    }
                    other => {
                        value.push('\\');
                        value.push(other);
                        let end = j + other.len_utf8();
                        problems.push(StringProblem {
                            start: base + i,
                            end: base + end,
                            message: format!(
                                "invalid escape `\\{other}` in a string: the escapes are `\\\"`, \
                                 `\\\\`, `\\n`, `\\t` and `\\u{{...}}`"
                            ),
                        });
                    }
                }
            }
            other => value.push(other),
        }
    }
    if !terminated {
        problems.push(StringProblem {
            start: 0,
            end: raw.len(),
            message: "unterminated string: expected a closing `\"` before the end of the line"
                .to_string(),
        });
    }
    (value, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        lex(text).map(|(t, _)| t).collect()
    }

    fn numbers_of(text: &str) -> Vec<Number> {
        lex(text)
            .map(|(token, range)| {
                let slice = &text[range.start as usize..range.end as usize];
                let value = number(slice);
                assert_eq!(value.token(), token, "{slice}");
                value
            })
            .collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(numbers_of("9080"), [Number::Int(9080)]);
        assert_eq!(
            numbers_of("250ms 2s 1m 1h 1h30m"),
            [
                Number::Duration(250),
                Number::Duration(2_000),
                Number::Duration(60_000),
                Number::Duration(3_600_000),
                Number::Duration(5_400_000),
            ]
        );
        assert_eq!(
            numbers_of("10% 12.5% 0.001%"),
            [
                Number::Percent(10_000),
                Number::Percent(12_500),
                Number::Percent(1)
            ]
        );
        assert_eq!(numbers_of("5xx 4xx"), [Number::Word, Number::Word]);
        assert_eq!(
            numbers_of("99999999999999999999 99999999999999999h"),
            [Number::Bad(NumberProblem::TooLarge); 2]
        );
        assert_eq!(
            numbers_of("1.2345%"),
            [Number::Bad(NumberProblem::TooPrecise)]
        );
        assert_eq!(
            numbers_of("30m1h 1.5s 1.%"),
            [Number::Bad(NumberProblem::Malformed); 3]
        );
        assert_eq!(
            kinds("9080->http"),
            [Token::Int, Token::Arrow, Token::Ident]
        );
    }

    /// An item's tokens made on their own have the layout they have among the whole file's.
    #[test]
    fn toks_of_a_run_are_the_toks_of_the_file() {
        let text = "gateway a {  # note\n  cluster c1, c2\n\tlisten 80\n}\n\n  x \"s\" y\n";
        let mut kinds = Vec::new();
        let mut ranges = Vec::new();
        for (kind, range) in lex(text).filter(|(kind, _)| !kind.is_trivia()) {
            kinds.push(kind);
            ranges.push(range);
        }
        let tokens = Tokens {
            text,
            kinds,
            ranges,
        };
        let mut whole = Vec::new();
        tokens.toks(0..tokens.len(), &mut whole);
        let layout = |toks: &[Tok<'_>]| -> Vec<(String, u32, bool)> {
            toks.iter()
                .map(|t| (t.text.to_string(), t.column, t.first_on_line))
                .collect()
        };
        assert_eq!(
            layout(&whole[..5]),
            [
                ("gateway".to_string(), 0, true),
                ("a".to_string(), 8, false),
                ("{".to_string(), 10, false),
                ("cluster".to_string(), 2, true),
                ("c1".to_string(), 10, false),
            ]
        );
        let mut one = Vec::new();
        for start in 0..tokens.len() {
            for end in start..=tokens.len() {
                tokens.toks(start..end, &mut one);
                assert_eq!(layout(&one), layout(&whole[start..end]), "{start}..{end}");
            }
        }
    }

    /// The parser keeps a form of every token of a file while it parses it.
    #[test]
    fn tokens_are_small() {
        assert_eq!(size_of::<Token>(), 1);
        assert_eq!(size_of::<Tok<'_>>(), 24);
    }

    #[test]
    fn strings() {
        assert_eq!(string_value(r#""a b""#), ("a b".into(), Vec::new()));
        assert_eq!(
            string_value(r#""""#),
            (CompactString::default(), Vec::new())
        );
        assert_eq!(string_value(r#""\"""#).0, "\"");
        assert_eq!(
            string_value(r#""a\"b\\c\n\t\u{1F600}""#).0,
            "a\"b\\c\n\t\u{1F600}"
        );
        let (value, problems) = string_value(r#""\d+\u{zz}""#);
        assert_eq!(value, r"\d+\u{zz}");
        assert_eq!(problems.len(), 2);
        let (value, problems) = string_value("\"open");
        assert_eq!(value, "open");
        assert_eq!(problems.len(), 1);
        assert_eq!(kinds("\"open\nnext"), [Token::Str, Token::Ident]);
    }

    #[test]
    fn errors_merge_and_comments() {
        assert_eq!(kinds("a $$$ b"), [Token::Ident, Token::Error, Token::Ident]);
        assert_eq!(
            kinds("# c\n## d\n#"),
            [Token::Comment, Token::DocComment, Token::Comment]
        );
        assert_eq!(
            kinds("!= ! -> -"),
            [Token::NotEq, Token::Error, Token::Arrow, Token::Error]
        );
    }
}
