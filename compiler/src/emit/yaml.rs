//! The YAML writer of [`crate::emit`]: the bytes `serde_saphyr` writes with its default options,
//! without its cost per scalar.
//!
//! serde-saphyr decides for every string whether it needs quotes through several scans and an
//! allocation or two, and most of the emission time went there. This writer lays out only what
//! the resource model needs, exactly as serde-saphyr does: block mappings indented by two
//! spaces, block sequences with their dashes at their key's column (as `kubectl get -o yaml`),
//! externally tagged enums as one-key mappings, `{}` and `[]` for empty collections. A string
//! is written as it is when a scan of its bytes proves that serde-saphyr would write it
//! plain ([`is_plain`]); any other scalar (quoted, escaped, a block scalar, a float) is written
//! by serde-saphyr itself as a document of its own, and its continuation lines moved under the
//! key or dash it belongs to. A shape this writer does not lay out (a sequence in a sequence, a
//! struct or tuple variant, a key that is not a plain string, ...) makes it give up, and
//! serde-saphyr writes the whole document instead: the output never depends on which of the
//! two wrote it.

use std::fmt;

use bytes::{BufMut, BytesMut};
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

/// Appends `value` as one YAML document: byte for byte what `serde_saphyr::to_fmt_writer`
/// appends.
pub fn append<T: Serialize>(out: &mut BytesMut, value: &T) -> Result<(), serde_saphyr::ser::Error> {
    let start = out.len();
    if write(out, value).is_ok() {
        return Ok(());
    }
    out.truncate(start);
    serde_saphyr::to_fmt_writer(out, value)
}

/// The fast path of [`append`]; on [`GaveUp`] `out` holds part of a document.
fn write<T: Serialize>(out: &mut BytesMut, value: &T) -> Result<(), GaveUp> {
    value.serialize(&mut Writer {
        out,
        slot: Slot::Root,
    })
}

/// serde-saphyr folds a longer single-line string into a `>` block scalar.
const FOLD_WIDTH: usize = 80;

/// Byte classes of [`is_plain`].
mod class {
    /// Printable ASCII that is plain anywhere after the first byte. Zero, and every other
    /// class is not: the classes of a string's bytes or-ed together are zero if all are plain.
    pub const PLAIN: u8 = 0;
    /// Control characters, DEL and every byte of a non-ASCII character.
    pub const NEVER: u8 = 1;
    /// Plain in a value unless after `:` (`: ` separates a key from its value) or at the end.
    pub const SPACE: u8 = 2;
    /// Plain in a value unless after a space (` #` starts a comment).
    pub const HASH: u8 = 3;
    /// `:,[]{}`: plain in a value (`:` unless at the end); serde-saphyr quotes keys with them.
    pub const VALUE: u8 = 4;
}

const CLASSES: [u8; 256] = {
    let mut classes = [class::NEVER; 256];
    let mut byte = b' ';
    while byte < 0x7f {
        classes[byte as usize] = match byte {
            b' ' => class::SPACE,
            b'#' => class::HASH,
            b':' | b',' | b'[' | b']' | b'{' | b'}' => class::VALUE,
            _ => class::PLAIN,
        };
        byte += 1;
    }
    classes
};

/// Whether serde-saphyr writes `text` as it is, as a value or (`key`) as a mapping key.
///
/// A conservative test: true only for printable ASCII that starts with a letter or `/` (so it
/// cannot start with an indicator or read as a number, date or document marker), is short
/// enough not to be folded, cannot start a comment or end a key early, and is none of the
/// [`KEYWORDS`]. Keys may hold only [`class::PLAIN`] bytes. When it says false, serde-saphyr
/// decides.
fn is_plain(text: &str, key: bool) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if bytes.len() > FOLD_WIDTH || !(first.is_ascii_alphabetic() || first == b'/') {
        return false;
    }
    // Names, hosts and paths: every byte plain wherever it stands. The classes are or-ed
    // rather than tested byte by byte: a loop without an exit takes fewer instructions, and
    // nearly every string is plain to its end.
    let names_only = bytes.iter().fold(class::PLAIN, |classes, &byte| {
        classes | CLASSES[usize::from(byte)]
    }) == class::PLAIN;
    if !names_only && (key || !separators_are_plain(bytes)) {
        return false;
    }
    !is_keyword(bytes)
}

/// Whether the spaces, `#` and `:` of a value that holds no control or non-ASCII character
/// leave it plain.
fn separators_are_plain(bytes: &[u8]) -> bool {
    let mut previous = 0;
    for &byte in bytes {
        let plain = match CLASSES[usize::from(byte)] {
            class::PLAIN | class::VALUE => true,
            class::SPACE => previous != b':',
            class::HASH => previous != b' ',
            _ => false,
        };
        if !plain {
            return false;
        }
        previous = byte;
    }
    !matches!(previous, b' ' | b':')
}

/// Words that YAML 1.1 or 1.2 reads as a boolean, null or float, in any case.
const KEYWORDS: [&[u8]; 11] = [
    b"null", b"true", b"false", b"yes", b"no", b"y", b"n", b"on", b"off", b"nan", b"inf",
];

fn is_keyword(bytes: &[u8]) -> bool {
    bytes.len() <= 5
        && matches!(
            bytes.first().map(u8::to_ascii_lowercase),
            Some(b'n' | b't' | b'f' | b'y' | b'o' | b'i')
        )
        && KEYWORDS.iter().any(|word| bytes.eq_ignore_ascii_case(word))
}

/// Where the next value goes, which decides how it starts and how far its lines are indented.
#[derive(Clone, Copy)]
enum Slot {
    /// The document itself, at the start of a line.
    Root,
    /// After `key:`, the key at `key_column`.
    Value { key_column: usize },
    /// After `- `, the dash at `dash_column`.
    Item { dash_column: usize },
}

/// This writer does not lay out some part of the value (or the value's `Serialize` failed);
/// serde-saphyr writes the document, or reports the error, instead.
#[derive(Debug)]
struct GaveUp;

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a shape the resource YAML writer does not lay out")
    }
}

impl std::error::Error for GaveUp {}

impl ser::Error for GaveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GaveUp
    }
}

struct Writer<'a> {
    /// UTF-8 text: the writer appends only `str`s.
    out: &'a mut BytesMut,
    slot: Slot,
}

impl Writer<'_> {
    /// Writes a scalar that needs no quoting, and ends its line.
    fn scalar(&mut self, text: &str) {
        if let Slot::Value { .. } = self.slot {
            self.out.put_u8(b' ');
        }
        put_str(self.out, text);
        self.out.put_u8(b'\n');
    }

    /// Writes `value`, a scalar, as serde-saphyr writes it. serde-saphyr writes a scalar that is
    /// a document of its own as it writes it anywhere else, except that the lines of a block
    /// scalar after its header are indented from column 0 rather than from the key or dash:
    /// they are moved there.
    fn delegated_scalar<T: Serialize>(&mut self, value: &T) -> Result<(), GaveUp> {
        let column = match self.slot {
            Slot::Root => 0,
            Slot::Value { key_column } => {
                self.out.put_u8(b' ');
                key_column
            }
            Slot::Item { dash_column } => dash_column,
        };
        let start = self.out.len();
        serde_saphyr::to_fmt_writer(self.out, value).map_err(|_| GaveUp)?;
        // Lines are found by their `\n` bytes, which no other UTF-8 character contains.
        let written = &self.out[start..];
        let end = written
            .iter()
            .rposition(|&b| b != b'\n')
            .map_or(0, |last| last + 1);
        if column > 0 && written[..end].contains(&b'\n') {
            let rendered = written.to_vec();
            self.out.truncate(start);
            let mut lines = rendered.split_inclusive(|&b| b == b'\n');
            self.out.extend_from_slice(lines.next().unwrap_or_default());
            for line in lines {
                // Blank lines of a block scalar carry no indentation.
                if line != b"\n" {
                    indent(self.out, column);
                }
                self.out.extend_from_slice(line);
            }
        }
        Ok(())
    }

    fn string(&mut self, text: &str) -> Result<(), GaveUp> {
        if is_plain(text, false) {
            self.scalar(text);
            Ok(())
        } else {
            self.delegated_scalar(&text)
        }
    }

    fn integer(&mut self, value: impl itoa::Integer) {
        self.scalar(itoa::Buffer::new().format(value));
    }

    /// Writes `key:` for a key at `column`; after a dash, the line is already there.
    fn key(&mut self, key: &str, column: usize, after_dash: bool) -> Result<(), GaveUp> {
        if !is_plain(key, true) {
            return Err(GaveUp);
        }
        self.plain_key(key, column, after_dash);
        Ok(())
    }

    /// [`Self::key`] for a key known to be plain.
    ///
    /// Inlined, so that a struct's field name, a constant where serde's derive writes it, is
    /// copied without a call to `memcpy`: it runs for every line of a build's output.
    #[inline(always)]
    fn plain_key(&mut self, key: &str, column: usize, after_dash: bool) {
        if !after_dash {
            indent(self.out, column);
        }
        put_str(self.out, key);
        self.out.put_u8(b':');
        self.slot = Slot::Value { key_column: column };
    }
}

/// `Serializer` methods for shapes this writer does not write: they give up, and the value is
/// left to serde-saphyr.
macro_rules! give_up {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, GaveUp> {
            Err(GaveUp)
        })*
    };
}

impl<'a, 'w> Serializer for &'a mut Writer<'w> {
    type Ok = ();
    type Error = GaveUp;
    type SerializeSeq = SeqWriter<'a, 'w>;
    type SerializeTuple = Impossible<(), GaveUp>;
    type SerializeTupleStruct = Impossible<(), GaveUp>;
    type SerializeTupleVariant = Impossible<(), GaveUp>;
    type SerializeMap = MapWriter<'a, 'w>;
    type SerializeStruct = MapWriter<'a, 'w>;
    type SerializeStructVariant = Impossible<(), GaveUp>;

    fn serialize_bool(self, v: bool) -> Result<(), GaveUp> {
        self.scalar(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), GaveUp> {
        self.integer(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), GaveUp> {
        self.delegated_scalar(&v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), GaveUp> {
        self.delegated_scalar(&v)
    }

    fn serialize_char(self, v: char) -> Result<(), GaveUp> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), GaveUp> {
        self.string(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), GaveUp> {
        Err(GaveUp)
    }

    fn serialize_none(self) -> Result<(), GaveUp> {
        self.scalar("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), GaveUp> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), GaveUp> {
        self.scalar("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), GaveUp> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), GaveUp> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), GaveUp> {
        // serde-saphyr's style wrappers (`FlowSeq`, `LitStr`, ...) are newtypes of these names.
        if name.starts_with("__yaml") {
            return Err(GaveUp);
        }
        value.serialize(self)
    }

    /// `variant: value`, a mapping of one key: on the next line, one level deeper, after a
    /// key; on the dash's line in a sequence.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), GaveUp> {
        let (column, after_dash) = match self.slot {
            Slot::Root => return Err(GaveUp),
            Slot::Value { key_column } => {
                self.out.put_u8(b'\n');
                (key_column + 2, false)
            }
            Slot::Item { dash_column } => (dash_column + 2, true),
        };
        self.key(variant, column, after_dash)?;
        value.serialize(self)
    }

    /// A block sequence after a key, its dashes at the key's column.
    fn serialize_seq(self, _: Option<usize>) -> Result<SeqWriter<'a, 'w>, GaveUp> {
        match self.slot {
            Slot::Value { key_column } => Ok(SeqWriter {
                dash_column: key_column,
                empty: true,
                writer: self,
            }),
            Slot::Root | Slot::Item { .. } => Err(GaveUp),
        }
    }

    give_up! {
        serialize_tuple(usize) -> Impossible<(), GaveUp>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), GaveUp>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), GaveUp>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), GaveUp>;
    }

    /// A block mapping: at column 0 for the document, on the next line one level deeper after
    /// a key, and its first key on the dash's line in a sequence.
    fn serialize_map(self, _: Option<usize>) -> Result<MapWriter<'a, 'w>, GaveUp> {
        let (key_column, start) = match self.slot {
            Slot::Root => (0, MapStart::LineStart),
            Slot::Value { key_column } => (key_column + 2, MapStart::AfterKey),
            Slot::Item { dash_column } => (dash_column + 2, MapStart::AfterDash),
        };
        Ok(MapWriter {
            key_column,
            start: Some(start),
            writer: self,
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapWriter<'a, 'w>, GaveUp> {
        self.serialize_map(None)
    }
}

/// Appends `text`: the writer appends nothing but `str`s, so its output is UTF-8.
#[inline(always)]
fn put_str(out: &mut BytesMut, text: &str) {
    out.extend_from_slice(text.as_bytes());
}

/// Appends `column` spaces. Up to 64 of them (every line of the resources' documents) are
/// written as 64, a copy of constant size that needs no call, and the surplus cut off.
#[inline(always)]
fn indent(out: &mut BytesMut, column: usize) {
    const SPACES: &str = "                                                                ";
    if column <= SPACES.len() {
        let end = out.len() + column;
        put_str(out, SPACES);
        out.truncate(end);
        return;
    }
    let mut left = column;
    while left > 0 {
        let n = left.min(SPACES.len());
        put_str(out, &SPACES[..n]);
        left -= n;
    }
}

struct SeqWriter<'a, 'w> {
    writer: &'a mut Writer<'w>,
    dash_column: usize,
    empty: bool,
}

impl SerializeSeq for SeqWriter<'_, '_> {
    type Ok = ();
    type Error = GaveUp;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), GaveUp> {
        if self.empty {
            self.writer.out.put_u8(b'\n');
            self.empty = false;
        }
        indent(self.writer.out, self.dash_column);
        put_str(self.writer.out, "- ");
        self.writer.slot = Slot::Item {
            dash_column: self.dash_column,
        };
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), GaveUp> {
        if self.empty {
            put_str(self.writer.out, " []\n");
        }
        Ok(())
    }
}

/// How the first entry of a mapping starts.
#[derive(Clone, Copy)]
enum MapStart {
    /// At the start of a line: the document.
    LineStart,
    /// After `key:`: the entries start on the next line.
    AfterKey,
    /// After `- `: the first key stays on the dash's line.
    AfterDash,
}

struct MapWriter<'a, 'w> {
    writer: &'a mut Writer<'w>,
    key_column: usize,
    /// Until the first key is written.
    start: Option<MapStart>,
}

impl MapWriter<'_, '_> {
    /// Starts an entry: ends the line of the mapping's key before its first entry, and says
    /// whether the entry's key follows a dash on the same line.
    #[inline(always)]
    fn start_entry(&mut self) -> bool {
        match self.start.take() {
            Some(MapStart::AfterKey) => {
                self.writer.out.put_u8(b'\n');
                false
            }
            Some(MapStart::AfterDash) => true,
            Some(MapStart::LineStart) | None => false,
        }
    }
}

impl SerializeMap for MapWriter<'_, '_> {
    type Ok = ();
    type Error = GaveUp;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), GaveUp> {
        key.serialize(KeyWriter(self))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), GaveUp> {
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), GaveUp> {
        match self.start {
            None => {}
            Some(MapStart::AfterKey) => put_str(self.writer.out, " {}\n"),
            Some(MapStart::LineStart | MapStart::AfterDash) => put_str(self.writer.out, "{}\n"),
        }
        Ok(())
    }
}

impl SerializeStruct for MapWriter<'_, '_> {
    type Ok = ();
    type Error = GaveUp;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), GaveUp> {
        // A field name of the resource model is a CRD property name, all of which are plain
        // (a test checks the schemas'): testing each of the hundreds of thousands of them
        // written in a large build was a sixth of the writer's time.
        debug_assert!(is_plain(key, true), "field `{key}` needs quoting");
        let after_dash = self.start_entry();
        self.writer.plain_key(key, self.key_column, after_dash);
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), GaveUp> {
        SerializeMap::end(self)
    }
}

/// Writes a mapping key that is a string; any other key gives up.
struct KeyWriter<'m, 'a, 'w>(&'m mut MapWriter<'a, 'w>);

impl Serializer for KeyWriter<'_, '_, '_> {
    type Ok = ();
    type Error = GaveUp;
    type SerializeSeq = Impossible<(), GaveUp>;
    type SerializeTuple = Impossible<(), GaveUp>;
    type SerializeTupleStruct = Impossible<(), GaveUp>;
    type SerializeTupleVariant = Impossible<(), GaveUp>;
    type SerializeMap = Impossible<(), GaveUp>;
    type SerializeStruct = Impossible<(), GaveUp>;
    type SerializeStructVariant = Impossible<(), GaveUp>;

    fn serialize_str(self, v: &str) -> Result<(), GaveUp> {
        let after_dash = self.0.start_entry();
        self.0.writer.key(v, self.0.key_column, after_dash)
    }

    give_up! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Impossible<(), GaveUp>;
        serialize_tuple(usize) -> Impossible<(), GaveUp>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), GaveUp>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), GaveUp>;
        serialize_map(Option<usize>) -> Impossible<(), GaveUp>;
        serialize_struct(&'static str, usize) -> Impossible<(), GaveUp>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), GaveUp>;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), GaveUp> {
        Err(GaveUp)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), GaveUp> {
        Err(GaveUp)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), GaveUp> {
        Err(GaveUp)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use compact_str::CompactString;

    use proptest::prelude::*;
    use proptest::{collection, option, sample};

    use super::*;
    use crate::resources::*;

    /// serde-saphyr's document for `value`, and that `append` writes the same bytes.
    fn assert_same<T: Serialize>(value: &T) -> String {
        let expected = serde_saphyr::to_string(value).expect("serde-saphyr writes it");
        let mut written = BytesMut::from("kept\n");
        append(&mut written, value).expect("append writes it");
        assert_eq!(
            written.strip_prefix(b"kept\n"),
            Some(expected.as_bytes()),
            "{}",
            String::from_utf8_lossy(&written)
        );
        expected
    }

    /// Like [`assert_same`], and the fast path wrote it all alone.
    fn assert_written_without_serde_saphyr<T: Serialize>(value: &T) {
        let expected = assert_same(value);
        let mut written = BytesMut::new();
        assert!(write(&mut written, value).is_ok(), "gave up on\n{expected}");
        assert_eq!(written, expected.as_bytes());
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<CompactString, CompactString> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: Some("bookinfo".into()),
            labels: labels(&[("app.kubernetes.io/managed-by", "routec"), ("tier", "web")]),
            annotations: labels(&[("routec.dev/source", "routes/shop.route:12")]),
        }
    }

    fn reference(name: &str) -> ObjectReference {
        ObjectReference {
            name: name.into(),
            namespace: Some("bookinfo".into()),
            cluster: Some("cluster-1".into()),
        }
    }

    fn selector(name: &str) -> ObjectSelector {
        ObjectSelector {
            labels: labels(&[("app", name)]),
            name: Some(name.into()),
            namespace: Some("bookinfo".into()),
            cluster: Some("cluster-1".into()),
            workspace: Some("shop".into()),
        }
    }

    fn destination(name: &str, port: PortSelector) -> DestinationReference {
        DestinationReference {
            reference: reference(name),
            kind: Some(DestinationKind::Service),
            port: Some(port),
            subset: labels(&[("version", "v2")]),
            weight: Some(50),
        }
    }

    fn route(name: &str, action: HttpAction) -> HttpRoute {
        HttpRoute {
            name: name.into(),
            labels: labels(&[("retry", "standard")]),
            matchers: vec![
                HttpRequestMatcher {
                    uri: Some(StringMatch::Prefix("/api/v1".into())),
                    headers: vec![HeaderMatcher {
                        name: "x-canary".into(),
                        value: Some("^(on|yes)$".into()),
                        regex: true,
                        invert_match: true,
                    }],
                    query_parameters: vec![QueryParameterMatcher {
                        name: "user".into(),
                        value: "jason".into(),
                        regex: false,
                    }],
                    method: Some("GET".into()),
                },
                HttpRequestMatcher::default(),
            ],
            action,
        }
    }

    fn routes() -> Vec<HttpRoute> {
        vec![
            route(
                "forward",
                HttpAction::ForwardTo(ForwardToAction {
                    destinations: vec![
                        destination("reviews", PortSelector::Number(9080)),
                        destination("ratings", PortSelector::Name("http".into())),
                    ],
                    path_rewrite: Some("/".into()),
                    host_rewrite: Some("reviews.internal".into()),
                }),
            ),
            route(
                "redirect",
                HttpAction::Redirect(RedirectAction {
                    host_redirect: Some("www.example.com".into()),
                    path_redirect: Some("/new".into()),
                    response_code: Some(RedirectResponseCode::PermanentRedirect),
                }),
            ),
            route(
                "respond",
                HttpAction::DirectResponse(DirectResponseAction {
                    status: 404,
                    body: Some("not here".into()),
                }),
            ),
            route(
                "delegate",
                HttpAction::Delegate(DelegateAction {
                    route_tables: vec![selector("child"), ObjectSelector::default()],
                    sort_method: Some(SortMethod::TableWeight),
                }),
            ),
        ]
    }

    fn route_selectors() -> Vec<RouteSelector> {
        vec![
            RouteSelector::Route(RouteLabelSelector {
                labels: labels(&[("retry", "standard")]),
                namespace: Some("bookinfo".into()),
                cluster: None,
                workspace: None,
            }),
            RouteSelector::Route(RouteLabelSelector::default()),
            RouteSelector::WithDestinations(DestinationSelector {
                kind: Some(DestinationKind::VirtualDestination),
                selector: Some(selector("reviews")),
                port: Some(PortSelector::Number(80)),
            }),
        ]
    }

    fn destination_selectors() -> Vec<DestinationSelector> {
        vec![
            DestinationSelector {
                kind: Some(DestinationKind::Service),
                selector: Some(selector("reviews")),
                port: Some(PortSelector::Name("grpc".into())),
            },
            DestinationSelector::default(),
        ]
    }

    /// One resource of every kind, every field set, and the empty collections Gloo needs.
    fn every_kind() -> Vec<Resource> {
        let workload = WorkloadSelector {
            selector: Some(selector("gateway")),
            kind: Some(WorkloadKind::Kube),
            port: Some(PortSelector::Number(8443)),
        };
        vec![
            Object {
                metadata: meta("table"),
                spec: RouteTableSpec {
                    hosts: vec!["shop.example.com".into(), "shop".into()],
                    virtual_gateways: vec![reference("north")],
                    workload_selectors: vec![WorkloadSelector::default(), workload.clone()],
                    weight: Some(-3),
                    http: routes(),
                },
            }
            .into(),
            Object {
                metadata: meta("gateway"),
                spec: VirtualGatewaySpec {
                    workloads: vec![workload],
                    listeners: vec![
                        Listener {
                            protocol: ListenerProtocol::Http {},
                            port: PortSelector::Number(80),
                            tls: None,
                        },
                        Listener {
                            protocol: ListenerProtocol::Tcp {},
                            port: PortSelector::Name("https".into()),
                            tls: Some(ListenerTls {
                                mode: Some(TlsMode::Simple),
                                secret_name: Some("shop-cert".into()),
                            }),
                        },
                    ],
                },
            }
            .into(),
            Object {
                metadata: meta("destination"),
                spec: VirtualDestinationSpec {
                    hosts: vec!["reviews.global".into()],
                    services: vec![selector("reviews"), ObjectSelector::default()],
                    ports: vec![VirtualDestinationPort {
                        number: 80,
                        protocol: Protocol::Http,
                        target_port: Some(PortSelector::Name("http".into())),
                    }],
                },
            }
            .into(),
            Object {
                metadata: meta("retry"),
                spec: RetryTimeoutPolicySpec {
                    apply_to_routes: route_selectors(),
                    config: RetryTimeoutConfig {
                        retries: Some(RetryPolicy {
                            attempts: Some(3),
                            per_try_timeout: Some("2s".into()),
                            retry_on: Some("connect-failure,reset".into()),
                        }),
                        request_timeout: Some("15s".into()),
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("empty-retry"),
                spec: RetryTimeoutPolicySpec::default(),
            }
            .into(),
            Object {
                metadata: meta("fault"),
                spec: FaultInjectionPolicySpec {
                    apply_to_routes: route_selectors(),
                    config: FaultInjectionConfig {
                        delay: Some(FaultDelay {
                            fixed_delay: "1.5s".into(),
                            percentage: Some(12.5),
                        }),
                        abort: Some(FaultAbort {
                            http_status: 503,
                            percentage: Some(100.0),
                        }),
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("failover"),
                spec: FailoverPolicySpec {
                    apply_to_destinations: destination_selectors(),
                    config: FailoverConfig {
                        locality_mappings: vec![LocalityMapping {
                            from: Locality {
                                region: "us-east".into(),
                                zone: Some("us-east-1".into()),
                                sub_zone: Some("a".into()),
                            },
                            to: vec![WeightedLocality {
                                region: "us-west".into(),
                                zone: None,
                                sub_zone: None,
                                weight: Some(100),
                            }],
                        }],
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("outlier"),
                spec: OutlierDetectionPolicySpec {
                    apply_to_destinations: destination_selectors(),
                    config: OutlierDetectionConfig {
                        consecutive_errors: Some(5),
                        interval: Some("10s".into()),
                        base_ejection_time: Some("30s".into()),
                        max_ejection_percent: Some(50),
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("cors"),
                spec: CorsPolicySpec {
                    apply_to_routes: route_selectors(),
                    config: CorsConfig {
                        allow_origins: vec![
                            StringMatch::Exact("https://shop.example.com".into()),
                            StringMatch::Regex("https://.*[.]example[.]com".into()),
                        ],
                        allow_methods: vec!["GET".into(), "POST".into()],
                        allow_headers: vec!["content-type".into()],
                        expose_headers: vec!["x-request-id".into()],
                        max_age: Some("1h".into()),
                        allow_credentials: Some(true),
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("access"),
                spec: AccessPolicySpec {
                    apply_to_destinations: destination_selectors(),
                    config: AccessPolicyConfig {
                        authn: Some(PeerAuthentication {
                            tls_mode: Some(PeerTlsMode::Strict),
                        }),
                        authz: Some(Authorization {
                            allowed_clients: vec![IdentitySelector {
                                service_account_selector: selector("productpage"),
                            }],
                        }),
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("headers"),
                spec: HeaderManipulationPolicySpec {
                    apply_to_routes: route_selectors(),
                    config: HeaderManipulationConfig {
                        append_request_headers: labels(&[("x-team", "shop")]),
                        remove_request_headers: vec!["cookie".into()],
                        append_response_headers: labels(&[("cache-control", "no-store")]),
                        remove_response_headers: vec!["server".into()],
                    },
                },
            }
            .into(),
            Object {
                metadata: meta("mirror"),
                spec: MirrorPolicySpec {
                    apply_to_routes: route_selectors(),
                    config: MirrorConfig {
                        destination: destination("shadow", PortSelector::Number(8080)),
                        percentage: Some(0.5),
                    },
                },
            }
            .into(),
        ]
    }

    #[test]
    fn every_shape_of_the_resource_model_is_laid_out_as_serde_saphyr_does() {
        for resource in every_kind() {
            assert_written_without_serde_saphyr(&resource);
        }
        assert_written_without_serde_saphyr(&Object {
            metadata: ObjectMeta::default(),
            spec: RouteTableSpec::default(),
        });
    }

    /// The writer takes struct field names for plain keys without testing them (a debug
    /// assertion aside): the resource model's fields are the envelope's and the properties of
    /// the schemas its output must validate against, so every one of those must be plain.
    #[test]
    fn every_field_name_of_the_schemas_is_a_plain_key() {
        fn properties(schema: &serde_json::Value, names: &mut Vec<String>) {
            match schema {
                serde_json::Value::Object(object) => {
                    if let Some(serde_json::Value::Object(fields)) = object.get("properties") {
                        names.extend(fields.keys().cloned());
                    }
                    object.values().for_each(|value| properties(value, names));
                }
                serde_json::Value::Array(values) => {
                    values.iter().for_each(|value| properties(value, names));
                }
                _ => {}
            }
        }
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
        let mut names: Vec<String> = ["apiVersion", "kind", "metadata", "spec"]
            .map(String::from)
            .into();
        let mut schemas = 0;
        for entry in std::fs::read_dir(&folder).expect("the schemas are there") {
            let path = entry.expect("a folder entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("a readable schema");
                let schema = serde_json::from_str(&text).expect("a JSON schema");
                properties(&schema, &mut names);
                schemas += 1;
            }
        }
        assert!(
            schemas >= 10 && names.len() > 100,
            "{schemas} schemas, {names:?}"
        );
        let quoted: Vec<&String> = names.iter().filter(|name| !is_plain(name, true)).collect();
        assert!(
            quoted.is_empty(),
            "field names that need quoting: {quoted:?}"
        );
        assert!(!is_plain("on", true) && !is_plain("a b", true));
    }

    /// Strings that serde-saphyr quotes, escapes, folds or writes as block scalars, or that
    /// come close to it.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "true",
        "True",
        "FALSE",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "N",
        "null",
        "Null",
        "NULL",
        "~",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "+.inf",
        ".inf",
        ".NaN",
        "1",
        "-1",
        "+1",
        "1e3",
        "1E+3",
        "0x1f",
        "0o7",
        "0b101",
        "1_000",
        "1.5",
        "1.",
        ".5",
        "09",
        "1:20",
        "12:30:45",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "<<",
        "=",
        "---",
        "...",
        "--- a",
        "---a",
        "-",
        "- a",
        "-a",
        "?",
        "? a",
        "?a",
        ":",
        ":a",
        "a:",
        "a: b",
        "a:b",
        "http://x",
        "a #b",
        "a#b",
        "#a",
        "!a",
        "&a",
        "*a",
        "@a",
        "`a",
        "'a",
        "\"a",
        "a'b",
        "a\"b",
        "%a",
        "|a",
        ">a",
        "[a]",
        "{a}",
        "a,b",
        "a]",
        ",a",
        ".",
        "#",
        "/",
        "a\\b",
        " a",
        "a ",
        "a  b",
        "é",
        "字",
        "aé",
        "\u{7f}",
        "a\u{85}b",
        "\u{feff}a",
        "a\u{2028}b",
        "a\tb",
        "\t",
        "a\0b",
        "\u{1b}",
        "a\nb",
        "a\n",
        "a\n\n",
        "\n",
        "\n\n",
        " a\nb",
        "a\r\nb",
        "a\n  b\n\n c  \n",
        "|\n",
        "-\n-",
        "a very long line of words that goes on and on past the eighty columns after which \
         serde-saphyr folds it",
        "a_very_long_line_without_spaces_that_goes_on_and_on_past_the_eighty_columns_and_more",
        "a very long line: with a colon-space that goes on and on past the eighty columns after",
        "a very long line with trailing spaces that goes on and on past the eighty columns    ",
        "a very long line with   runs of    spaces and   é unicode past the eighty columns, twice \
         over so it wraps more than once, with a tab\tin it and more words to end with",
    ];

    #[test]
    fn tricky_scalars_as_values_items_and_keys_are_written_as_serde_saphyr_writes_them() {
        for &text in TRICKY {
            let owned = CompactString::from(text);
            let resource: Resource = Object {
                metadata: ObjectMeta {
                    name: owned.clone(),
                    namespace: Some(owned.clone()),
                    labels: labels(&[("app", text)]),
                    annotations: labels(&[(text, "value")]),
                },
                spec: RouteTableSpec {
                    hosts: vec![owned.clone(), "b".into()],
                    http: vec![HttpRoute {
                        name: owned.clone(),
                        labels: BTreeMap::new(),
                        matchers: vec![HttpRequestMatcher {
                            uri: Some(StringMatch::Regex(owned.clone())),
                            ..HttpRequestMatcher::default()
                        }],
                        action: HttpAction::DirectResponse(DirectResponseAction {
                            status: 200,
                            body: Some(owned.clone()),
                        }),
                    }],
                    ..RouteTableSpec::default()
                },
            }
            .into();
            assert_same(&resource);
        }
    }

    #[test]
    fn the_plain_test_is_never_wrong_about_a_tricky_string() {
        for &text in TRICKY {
            if is_plain(text, false) {
                let written = serde_saphyr::to_string(&text).expect("writes");
                assert_eq!(written, format!("{text}\n"), "value {text:?}");
            }
            if is_plain(text, true) {
                let written =
                    serde_saphyr::to_string(&[(text, 1)].into_iter().collect::<BTreeMap<_, _>>())
                        .expect("writes");
                assert_eq!(written, format!("{text}: 1\n"), "key {text:?}");
            }
        }
    }

    /// Shapes outside the resource model, for which serde-saphyr writes the document.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Unusual {
        nested: Vec<Vec<String>>,
        numbered: BTreeMap<u32, String>,
        variant: Shape,
        long_key: BTreeMap<String, u8>,
        literal: serde_saphyr::LitStr<'static>,
    }

    #[derive(Serialize)]
    enum Shape {
        Square { side: f32 },
    }

    #[test]
    fn shapes_outside_the_resource_model_are_left_to_serde_saphyr() {
        let unusual = Unusual {
            nested: vec![vec!["a".into()], vec![]],
            numbered: [(1, "one".into())].into(),
            variant: Shape::Square { side: 2.5 },
            long_key: [("k".repeat(1100), 1)].into(),
            literal: serde_saphyr::LitStr("text"),
        };
        assert!(write(&mut BytesMut::new(), &unusual).is_err());
        assert_same(&unusual);
        assert_same(&vec![1, 2]);
        assert_same(&"top\nlevel");
    }

    fn any_text() -> impl Strategy<Value = CompactString> {
        prop_oneof![
            4 => "[a-z][a-z0-9.-]{0,20}",
            2 => sample::select(TRICKY).prop_map(str::to_owned),
            2 => "[ -~]{0,12}",
            1 => "[ -~\\t\\n\\r\\x00-\\x1f\\u{85}\\u{a0}\\u{2028}\\u{feff}é字]{0,12}",
            1 => "[a-z :#\\-]{60,200}",
            1 => "( {0,2}[a-z#: -]{0,10}\\n){1,4}[a-z ]{0,5}\\n{0,3}",
        ]
        .prop_map(CompactString::from)
    }

    fn any_key() -> impl Strategy<Value = CompactString> {
        prop_oneof![4 => "[a-z][a-z0-9./-]{0,15}".prop_map(CompactString::from), 1 => any_text()]
    }

    fn any_map() -> impl Strategy<Value = BTreeMap<CompactString, CompactString>> {
        collection::btree_map(any_key(), any_text(), 0..3)
    }

    fn any_number() -> impl Strategy<Value = f64> {
        prop_oneof![
            0.0..100.0f64,
            Just(0.0),
            Just(-0.0),
            Just(1e300),
            Just(1.5e-7)
        ]
    }

    fn any_port() -> impl Strategy<Value = PortSelector> {
        prop_oneof![
            any::<u32>().prop_map(PortSelector::Number),
            any_text().prop_map(PortSelector::Name)
        ]
    }

    fn any_string_match() -> impl Strategy<Value = StringMatch> {
        prop_oneof![
            any_text().prop_map(StringMatch::Exact),
            any_text().prop_map(StringMatch::Prefix),
            any_text().prop_map(StringMatch::Regex)
        ]
    }

    fn any_reference() -> impl Strategy<Value = ObjectReference> {
        (any_text(), option::of(any_text()), option::of(any_text())).prop_map(
            |(name, namespace, cluster)| ObjectReference {
                name,
                namespace,
                cluster,
            },
        )
    }

    fn any_selector() -> impl Strategy<Value = ObjectSelector> {
        (any_map(), option::of(any_text()), option::of(any_text())).prop_map(
            |(labels, name, cluster)| ObjectSelector {
                labels,
                name,
                namespace: None,
                cluster,
                workspace: None,
            },
        )
    }

    fn any_destination() -> impl Strategy<Value = DestinationReference> {
        (
            any_reference(),
            option::of(any_port()),
            any_map(),
            option::of(any::<u32>()),
        )
            .prop_map(|(reference, port, subset, weight)| DestinationReference {
                reference,
                kind: Some(DestinationKind::ExternalService),
                port,
                subset,
                weight,
            })
    }

    fn any_matcher() -> impl Strategy<Value = HttpRequestMatcher> {
        (
            option::of(any_string_match()),
            collection::vec((any_text(), option::of(any_text()), any::<bool>()), 0..2),
            collection::vec((any_text(), any_text()), 0..2),
            option::of(any_text()),
        )
            .prop_map(|(uri, headers, query, method)| HttpRequestMatcher {
                uri,
                headers: headers
                    .into_iter()
                    .map(|(name, value, regex)| HeaderMatcher {
                        name,
                        value,
                        regex,
                        invert_match: !regex,
                    })
                    .collect(),
                query_parameters: query
                    .into_iter()
                    .map(|(name, value)| QueryParameterMatcher {
                        name,
                        value,
                        regex: true,
                    })
                    .collect(),
                method,
            })
    }

    fn any_action() -> impl Strategy<Value = HttpAction> {
        prop_oneof![
            (
                collection::vec(any_destination(), 0..3),
                option::of(any_text())
            )
                .prop_map(|(destinations, path_rewrite)| HttpAction::ForwardTo(
                    ForwardToAction {
                        destinations,
                        path_rewrite,
                        host_rewrite: None,
                    }
                )),
            (option::of(any_text()), option::of(any_text())).prop_map(
                |(host_redirect, path_redirect)| {
                    HttpAction::Redirect(RedirectAction {
                        host_redirect,
                        path_redirect,
                        response_code: Some(RedirectResponseCode::SeeOther),
                    })
                }
            ),
            (any::<u32>(), option::of(any_text())).prop_map(|(status, body)| {
                HttpAction::DirectResponse(DirectResponseAction { status, body })
            }),
            collection::vec(any_selector(), 0..2).prop_map(|route_tables| {
                HttpAction::Delegate(DelegateAction {
                    route_tables,
                    sort_method: None,
                })
            }),
        ]
    }

    fn any_route() -> impl Strategy<Value = HttpRoute> {
        (
            any_text(),
            any_map(),
            collection::vec(any_matcher(), 0..3),
            any_action(),
        )
            .prop_map(|(name, labels, matchers, action)| HttpRoute {
                name,
                labels,
                matchers,
                action,
            })
    }

    fn any_route_selector() -> impl Strategy<Value = RouteSelector> {
        prop_oneof![
            (any_map(), option::of(any_text())).prop_map(|(labels, namespace)| {
                RouteSelector::Route(RouteLabelSelector {
                    labels,
                    namespace,
                    ..RouteLabelSelector::default()
                })
            }),
            (option::of(any_selector()), option::of(any_port())).prop_map(|(selector, port)| {
                RouteSelector::WithDestinations(DestinationSelector {
                    kind: None,
                    selector,
                    port,
                })
            }),
        ]
    }

    fn any_meta() -> impl Strategy<Value = ObjectMeta> {
        (any_text(), option::of(any_text()), any_map(), any_map()).prop_map(
            |(name, namespace, labels, annotations)| ObjectMeta {
                name,
                namespace,
                labels,
                annotations,
            },
        )
    }

    fn any_texts() -> impl Strategy<Value = Vec<CompactString>> {
        collection::vec(any_text(), 0..3)
    }

    fn any_resource() -> impl Strategy<Value = Resource> {
        prop_oneof![
            (
                any_meta(),
                any_texts(),
                collection::vec(any_reference(), 0..2),
                collection::vec(option::of(any_selector()), 0..2),
                option::of(any::<i32>()),
                collection::vec(any_route(), 0..3),
            )
                .prop_map(|(metadata, hosts, gateways, workloads, weight, http)| {
                    Resource::from(Object {
                        metadata,
                        spec: RouteTableSpec {
                            hosts,
                            virtual_gateways: gateways,
                            workload_selectors: workloads
                                .into_iter()
                                .map(|selector| WorkloadSelector {
                                    selector,
                                    ..WorkloadSelector::default()
                                })
                                .collect(),
                            weight,
                            http,
                        },
                    })
                }),
            (
                any_meta(),
                collection::vec((any::<bool>(), any_port(), option::of(any_text())), 0..3)
            )
                .prop_map(|(metadata, listeners)| {
                    Resource::from(Object {
                        metadata,
                        spec: VirtualGatewaySpec {
                            workloads: Vec::new(),
                            listeners: listeners
                                .into_iter()
                                .map(|(http, port, secret_name)| Listener {
                                    protocol: if http {
                                        ListenerProtocol::Http {}
                                    } else {
                                        ListenerProtocol::Tcp {}
                                    },
                                    port,
                                    tls: secret_name.map(|secret_name| ListenerTls {
                                        mode: None,
                                        secret_name: Some(secret_name),
                                    }),
                                })
                                .collect(),
                        },
                    })
                }),
            (
                any_meta(),
                any_texts(),
                collection::vec(any_selector(), 0..2),
                collection::vec((any::<u32>(), option::of(any_port())), 0..2)
            )
                .prop_map(|(metadata, hosts, services, ports)| {
                    Resource::from(Object {
                        metadata,
                        spec: VirtualDestinationSpec {
                            hosts,
                            services,
                            ports: ports
                                .into_iter()
                                .map(|(number, target_port)| VirtualDestinationPort {
                                    number,
                                    protocol: Protocol::Http2,
                                    target_port,
                                })
                                .collect(),
                        },
                    })
                }),
            (
                any_meta(),
                collection::vec(any_route_selector(), 0..3),
                option::of((any_text(), option::of(any_number()))),
                option::of(any_number())
            )
                .prop_map(|(metadata, apply_to_routes, delay, abort)| {
                    Resource::from(Object {
                        metadata,
                        spec: FaultInjectionPolicySpec {
                            apply_to_routes,
                            config: FaultInjectionConfig {
                                delay: delay.map(|(fixed_delay, percentage)| FaultDelay {
                                    fixed_delay,
                                    percentage,
                                }),
                                abort: abort.map(|percentage| FaultAbort {
                                    http_status: 503,
                                    percentage: Some(percentage),
                                }),
                            },
                        },
                    })
                }),
            (
                any_meta(),
                collection::vec(any_string_match(), 0..3),
                any_texts(),
                option::of(any_text()),
                option::of(any::<bool>())
            )
                .prop_map(
                    |(metadata, allow_origins, allow_methods, max_age, credentials)| {
                        Resource::from(Object {
                            metadata,
                            spec: CorsPolicySpec {
                                apply_to_routes: Vec::new(),
                                config: CorsConfig {
                                    allow_origins,
                                    allow_methods: allow_methods.clone(),
                                    allow_headers: allow_methods,
                                    expose_headers: Vec::new(),
                                    max_age,
                                    allow_credentials: credentials,
                                },
                            },
                        })
                    }
                ),
            (any_meta(), any_map(), any_texts(), any_map()).prop_map(
                |(metadata, add, remove, response)| {
                    Resource::from(Object {
                        metadata,
                        spec: HeaderManipulationPolicySpec {
                            apply_to_routes: Vec::new(),
                            config: HeaderManipulationConfig {
                                append_request_headers: add,
                                remove_request_headers: remove.clone(),
                                append_response_headers: response,
                                remove_response_headers: remove,
                            },
                        },
                    })
                }
            ),
            (any_meta(), any_destination(), option::of(any_number())).prop_map(
                |(metadata, destination, percentage)| {
                    Resource::from(Object {
                        metadata,
                        spec: MirrorPolicySpec {
                            apply_to_routes: Vec::new(),
                            config: MirrorConfig {
                                destination,
                                percentage,
                            },
                        },
                    })
                }
            ),
        ]
    }

    proptest! {
        #[test]
        fn random_resources_are_written_as_serde_saphyr_writes_them(resource in any_resource()) {
            let written = assert_same(&resource);
            let read: Resource = serde_saphyr::from_str(&written).expect("the YAML reads back");
            prop_assert_eq!(read, resource);
        }
    }
}
