//! What parsing a part costs calamine, measured as quick-xml 0.42 reads it
//! with calamine 0.38's settings (`xml_reader`: empty elements expanded,
//! end names and comments unchecked, text untrimmed).
//!
//! quick-xml reads one event whole into a buffer that doubles as it grows,
//! and calamine copies it: a start or end tag from `<` to the `>` outside
//! quotes, a text run to the next `<` (with its `&…;` references), a
//! comment to `-->`, a CDATA section to `]]>`, a processing instruction to
//! `?>`, a DOCTYPE to the `>` after its internal subset. calamine gathers
//! more than one event into one string for a cell, a shared string or a
//! defined name, from a `t`, `v`, `is`, `si` or `definedName` start tag
//! to the end tag of the same name; quick-xml keeps the names of the open
//! elements; calamine keeps one value per definition (style, font, number
//! format, defined name, sheet, relationship), and clones a font name and
//! a number format into every style. [`XmlScan`] follows the bytes as
//! quick-xml does, in constant memory, and refuses a part where one of
//! these passes its bound (`super::MAX_XML_EVENT_BYTES` and siblings).
//!
//! It never measures less than quick-xml reads: where it is unsure
//! (a name too long to keep, a bang it does not know) it keeps counting.
//! It stops where quick-xml stops for good: at the end of an event that is
//! not UTF-8, which ends a binary entry (a picture) after a few bytes.

use std::io::{self, Write};

use super::{
    too_deep, too_large_element, too_many_definitions, MAX_DEFINITIONS, MAX_DEFINITIONS_BYTES,
    MAX_XML_DEPTH, MAX_XML_EVENT_BYTES,
};
use crate::table::FilesError;

/// What calamine keeps for the whole workbook, summed over its parts.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Definitions {
    pub elements: u64,
    pub bytes: u64,
}

/// Where the scan is, as quick-xml would be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Text,
    /// After `<`.
    Open,
    /// After `<!`.
    Bang,
    /// A start or end tag; its `>` ends it outside quotes.
    Tag,
    Pi,
    /// quick-xml takes `<!-` for a comment.
    Comment,
    /// quick-xml takes `<![` for a CDATA section.
    CData,
    /// quick-xml takes `<!D` and `<!d` for a DOCTYPE.
    Doctype,
    /// quick-xml stopped reading this part.
    Done,
}

/// Scans one part; see the module.
pub(super) struct XmlScan {
    state: State,
    /// Bytes of the part read.
    at: u64,
    /// Bytes of the current event.
    event: u64,
    /// The two bytes before the current one, the latest low.
    last: u16,
    utf8: Utf8,
    tag: Tag,
    dtd: Dtd,
    open: Open,
    values: Values,
    definitions: Definitions,
    /// The longest `name` and `numFmt` tags of this part: what a style
    /// clones (a font's name, a format code) is no longer.
    longest_name: u64,
    longest_format: u64,
    pub refused: Option<FilesError>,
}

impl XmlScan {
    pub fn new(definitions: Definitions) -> XmlScan {
        XmlScan {
            state: State::Text,
            at: 0,
            event: 0,
            last: 0,
            utf8: Utf8::default(),
            tag: Tag::default(),
            dtd: Dtd::default(),
            open: Open::default(),
            values: Values::default(),
            definitions,
            longest_name: 0,
            longest_format: 0,
            refused: None,
        }
    }

    /// At the end of the part: a value still open is kept to the end.
    pub fn finish(mut self) -> Result<Definitions, FilesError> {
        if self.state != State::Done && self.values.is_open() && self.values.keeps {
            let region = self.at.saturating_sub(self.values.start);
            self.keep(0, region)?;
        }
        Ok(self.definitions)
    }

    fn byte(&mut self, b: u8) -> Result<(), FilesError> {
        self.utf8.byte(b);
        if self.at == 1 && matches!((self.last as u8, b), (0xFE, 0xFF) | (0xFF, 0xFE)) {
            self.utf8 = Utf8::default(); // a UTF-16 byte order mark, skipped
        }
        if self.state == State::Text && b == b'<' {
            self.markup_starts();
        } else {
            self.event += 1;
            // Counting this byte, before a `>` ends the event or the value.
            self.check_sizes(1)?;
            self.markup_byte(b)?;
        }
        self.at += 1;
        self.last = (self.last << 8) | u16::from(b);
        self.check_sizes(0)
    }

    fn markup_byte(&mut self, b: u8) -> Result<(), FilesError> {
        match self.state {
            State::Text | State::Done => {}
            State::Open => self.opened(b)?,
            State::Bang => self.bang(b)?,
            State::Tag => self.tag_byte(b)?,
            State::Pi if b == b'>' && self.last as u8 == b'?' => self.markup_ends()?,
            State::Comment if b == b'>' && self.event >= 7 && self.last == 0x2D2D => {
                self.markup_ends()?;
            }
            State::CData if b == b'>' && self.last == 0x5D5D => self.markup_ends()?,
            State::Doctype if self.dtd.ends(b) => self.markup_ends()?,
            State::Pi | State::Comment | State::CData | State::Doctype => {}
        }
        Ok(())
    }

    /// Reads the ASCII bytes at the start of `buf` that change nothing but
    /// the sizes (and quotes), within the bounds, and returns how many: in
    /// a text up to `<`; in a comment, CDATA section or processing
    /// instruction up to a `>` after `--`, `]]` or `?`; in a start tag
    /// past its name up to its `>`; in a name up to a blank, quote or
    /// `>`; in a quoted string up to its quote. The hot path:
    /// [`Self::byte`] reads the others (and the first two bytes of a part:
    /// a byte order mark).
    fn quiet(&mut self, buf: &[u8]) -> usize {
        let region = match self.values.is_open() {
            true => self.at - self.values.start,
            false => 0,
        };
        let room = MAX_XML_EVENT_BYTES.saturating_sub(self.event.max(region));
        if self.at < 2 || self.utf8.need > 0 || room == 0 {
            return 0;
        }
        let buf = buf
            .get(..usize::try_from(room).unwrap_or(usize::MAX))
            .unwrap_or(buf);
        let tag = &mut self.tag;
        let quote = tag.quote;
        let found = match self.state {
            State::Text => until(buf, |b| b == b'<'),
            State::Comment => until_end(buf, self.last, 0xFFFF, 0x2D2D), // `--`
            State::CData => until_end(buf, self.last, 0xFFFF, 0x5D5D),   // `]]`
            State::Pi => until_end(buf, self.last, 0x00FF, 0x003F),      // `?`
            State::Doctype if self.dtd.quote != 0 && self.dtd.in_string() => {
                until(buf, |b| b == self.dtd.quote)
            }
            State::Tag if tag.end => until(buf, |b| b == quote || quote == 0 && ends_value(b)),
            State::Tag if tag.named => until(buf, |b| tag.quoted(b)),
            State::Tag if quote != 0 => until(buf, |b| b == quote || is_blank(b)),
            State::Tag => until(buf, |b| ends_value(b) || is_blank(b)),
            _ => return 0,
        };
        let run = buf.get(..found.unwrap_or(buf.len())).unwrap_or_default();
        self.skip(run);
        run.len()
    }

    /// Bytes [`Self::quiet`] found.
    fn skip(&mut self, run: &[u8]) {
        if self.state == State::Tag {
            self.tag.run(run);
        }
        let n = run.len() as u64;
        self.at += n;
        self.event += n;
        let two = run.len().saturating_sub(2);
        for &b in run.get(two..).unwrap_or_default() {
            self.last = (self.last << 8) | u16::from(b);
        }
    }

    /// The event and the open value, `ahead` bytes past `self.at`.
    fn check_sizes(&self, ahead: u64) -> Result<(), FilesError> {
        let region = match self.values.is_open() {
            true => self.at + ahead - self.values.start,
            false => 0,
        };
        if self.state != State::Done && self.event.max(region) > MAX_XML_EVENT_BYTES {
            return Err(too_large_element());
        }
        Ok(())
    }

    /// A `<` after text: the text ends (quick-xml stops if it was not
    /// UTF-8), markup starts.
    fn markup_starts(&mut self) {
        if self.utf8.invalid {
            self.state = State::Done;
            return;
        }
        self.utf8.invalid = false;
        self.event = 1;
        self.tag.reset(self.at);
        self.state = State::Open;
    }

    fn opened(&mut self, b: u8) -> Result<(), FilesError> {
        match b {
            b'!' => self.state = State::Bang,
            b'?' => self.state = State::Pi,
            b'/' => {
                self.tag.end = true;
                self.state = State::Tag;
            }
            _ => {
                self.state = State::Tag;
                self.tag_byte(b)?;
            }
        }
        Ok(())
    }

    fn bang(&mut self, b: u8) -> Result<(), FilesError> {
        match b {
            b'[' => self.state = State::CData,
            b'-' => self.state = State::Comment,
            b'D' | b'd' => {
                self.dtd = Dtd::default();
                self.state = State::Doctype;
            }
            // quick-xml refuses the part here; reading on only measures more.
            _ => {
                self.state = State::Tag;
                self.tag_byte(b)?;
            }
        }
        Ok(())
    }

    fn tag_byte(&mut self, b: u8) -> Result<(), FilesError> {
        if b == b'>' && self.tag.quote == 0 {
            return self.markup_ends();
        }
        self.tag.byte(b);
        Ok(())
    }

    /// The `>` that ends a markup event: a tag is counted, then text starts.
    fn markup_ends(&mut self) -> Result<(), FilesError> {
        if self.utf8.invalid {
            self.state = State::Done;
            return Ok(());
        }
        if self.state == State::Tag {
            self.tag_ends()?;
        }
        self.event = 0;
        self.state = State::Text;
        Ok(())
    }

    fn tag_ends(&mut self) -> Result<(), FilesError> {
        let empty = !self.tag.end && self.last as u8 == b'/';
        if empty {
            self.tag.drop_slash();
        }
        if self.tag.end {
            self.open.pop();
            self.tag.name.len = self.tag.trimmed;
            return match self.values.close(self.tag.name.get(), self.at) {
                Some(kept) => self.keep(0, kept),
                None => Ok(()),
            };
        }
        self.open.push(self.tag.name.len, empty)?;
        let role = self.tag.local.get().map_or(Role::Other, role);
        if !empty && matches!(role, Role::Value | Role::DefinedName) {
            self.values.open(&self.tag);
        }
        self.count_definition(role)
    }

    /// A start tag of what calamine keeps one value for.
    fn count_definition(&mut self, role: Role) -> Result<(), FilesError> {
        let len = self.at - self.tag.start + 1;
        match role {
            Role::Value | Role::Other => return Ok(()),
            Role::Style => return self.keep(1, len + self.longest_name + self.longest_format),
            Role::FontName => self.longest_name = self.longest_name.max(len),
            Role::Format => self.longest_format = self.longest_format.max(len),
            Role::DefinedName => self.values.keeps |= self.values.is_open(),
            Role::Definition => {}
        }
        self.keep(1, len)
    }

    fn keep(&mut self, elements: u64, bytes: u64) -> Result<(), FilesError> {
        let d = &mut self.definitions;
        d.elements = d.elements.saturating_add(elements);
        d.bytes = d.bytes.saturating_add(bytes);
        if d.elements > MAX_DEFINITIONS || d.bytes > MAX_DEFINITIONS_BYTES {
            return Err(too_many_definitions());
        }
        Ok(())
    }
}

impl Write for XmlScan {
    /// Refuses (an error, the reason in `refused`) as soon as a bound is
    /// passed, so that the rest of the entry is not inflated.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some((&b, after)) = rest.split_first() {
            if self.state == State::Done {
                break;
            }
            let quiet = self.quiet(rest);
            if quiet > 0 {
                rest = rest.get(quiet..).unwrap_or_default();
                continue;
            }
            if let Err(e) = self.byte(b) {
                self.refused = Some(e);
                return Err(io::Error::other("XML limit"));
            }
            rest = after;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where the first byte that is not ASCII or that `stop`s is.
fn until(buf: &[u8], mut stop: impl FnMut(u8) -> bool) -> Option<usize> {
    for (i, &b) in buf.iter().enumerate() {
        if b >= 0x80 || stop(b) {
            return Some(i);
        }
    }
    None
}

/// Where the first `>` is whose two bytes before (`last` before `buf`),
/// `mask`ed, are `before`; or the first byte that is not ASCII.
fn until_end(buf: &[u8], mut last: u16, mask: u16, before: u16) -> Option<usize> {
    until(buf, |b| {
        let end = b == b'>' && last & mask == before;
        last = (last << 8) | u16::from(b);
        end
    })
}

/// The bytes that change a tag's state: its end and quotes.
fn ends_value(b: u8) -> bool {
    matches!(b, b'>' | b'"' | b'\'')
}

/// What an element is to calamine, by its local name.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Its content is gathered into one string (`read_string_with_bufs`,
    /// `read_value`).
    Value,
    /// A defined name, whose content is gathered and kept
    /// (`read_workbook`).
    DefinedName,
    /// A style (`read_styles`), into which the font's name and the number
    /// format are cloned.
    Style,
    /// A font's name, a number format: kept, and cloned into styles.
    FontName,
    Format,
    /// Another value kept: a font, fill or border, a sheet
    /// (`read_workbook`), a relationship (`read_relationships`).
    Definition,
    Other,
}

fn role(local: &[u8]) -> Role {
    match local {
        b"t" | b"v" | b"is" | b"si" => Role::Value,
        b"definedName" => Role::DefinedName,
        b"xf" => Role::Style,
        b"name" => Role::FontName,
        b"numFmt" => Role::Format,
        b"font" | b"fill" | b"border" | b"sheet" | b"Relationship" => Role::Definition,
        _ => Role::Other,
    }
}

// ---------------------------------------------------------------------------
// UTF-8, tags and their names.

/// Enough of UTF-8 to know an event is not: a byte that cannot be where
/// it is. It lets through what `str::from_utf8` refuses (overlong forms,
/// surrogates), which only makes the scan go on.
#[derive(Default)]
struct Utf8 {
    /// Continuation bytes still expected.
    need: u8,
    /// Since the current event started.
    invalid: bool,
}

impl Utf8 {
    fn byte(&mut self, b: u8) {
        if self.need > 0 {
            if b & 0xC0 == 0x80 {
                self.need -= 1;
                return;
            }
            self.invalid = true;
            self.need = 0;
        }
        match b {
            0x00..=0x7F => {}
            0xC0..=0xDF => self.need = 1,
            0xE0..=0xEF => self.need = 2,
            0xF0..=0xF7 => self.need = 3,
            _ => self.invalid = true,
        }
    }
}

/// The longest name kept; longer ones never match (the scan counts on).
const NAME_BYTES: usize = 64;

/// A name's first [`NAME_BYTES`] bytes and its length.
#[derive(Clone, Copy, PartialEq)]
struct Name {
    bytes: [u8; NAME_BYTES],
    len: u64,
}

impl Default for Name {
    fn default() -> Name {
        Name {
            bytes: [0; NAME_BYTES],
            len: 0,
        }
    }
}

impl Name {
    fn push(&mut self, b: u8) {
        if let Some(slot) = usize::try_from(self.len)
            .ok()
            .and_then(|i| self.bytes.get_mut(i))
        {
            *slot = b;
        }
        self.len = self.len.saturating_add(1);
    }

    fn extend(&mut self, run: &[u8]) {
        let at = usize::try_from(self.len).map_or(NAME_BYTES, |n| n.min(NAME_BYTES));
        let n = run.len().min(NAME_BYTES - at);
        if let (Some(to), Some(from)) = (self.bytes.get_mut(at..at + n), run.get(..n)) {
            to.copy_from_slice(from);
        }
        self.len = self.len.saturating_add(run.len() as u64);
    }

    /// The name, or nothing if it is too long to be kept.
    fn get(&self) -> Option<&[u8]> {
        self.bytes.get(..usize::try_from(self.len).ok()?)
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The tag being read, named as quick-xml names it: a start tag by its
/// bytes up to the first blank (`/` of an empty element left out), an end
/// tag by all its bytes, trailing blanks left out; the local name is what
/// follows the first `:`.
#[derive(Default)]
struct Tag {
    end: bool,
    /// Where its `<` is in the part.
    start: u64,
    name: Name,
    local: Name,
    /// Length of the end tag's bytes up to the last that is not blank.
    trimmed: u64,
    /// A blank ended the start tag's name.
    named: bool,
    colon: bool,
    quote: u8,
}

impl Tag {
    /// Past the name of a start tag: true at its `>`; a quote opens or
    /// closes a quoted value.
    fn quoted(&mut self, b: u8) -> bool {
        match (self.quote, b) {
            (0, b'>') => return true,
            (0, b'"' | b'\'') => self.quote = b,
            (q, _) if q == b => self.quote = 0,
            _ => {}
        }
        false
    }

    /// Bytes that change no state, ASCII: part of the name, or not.
    fn run(&mut self, run: &[u8]) {
        if self.end {
            let before = self.name.len;
            self.name.extend(run);
            if let Some(i) = run.iter().rposition(|&b| !is_blank(b)) {
                self.trimmed = before + i as u64 + 1;
            }
        } else if !self.named {
            self.name.extend(run);
            match run.iter().position(|&b| b == b':') {
                Some(i) if !self.colon => {
                    self.colon = true;
                    self.local.len = 0;
                    self.local.extend(run.get(i + 1..).unwrap_or_default());
                }
                _ => self.local.extend(run),
            }
        }
    }

    /// A new tag whose `<` is at `start` (the name bytes are left: only
    /// the lengths say what is there).
    fn reset(&mut self, start: u64) {
        self.end = false;
        self.start = start;
        self.name.len = 0;
        self.local.len = 0;
        self.trimmed = 0;
        self.named = false;
        self.colon = false;
        self.quote = 0;
    }

    fn byte(&mut self, b: u8) {
        match (self.quote, b) {
            (0, b'"' | b'\'') => self.quote = b,
            (q, _) if q == b => self.quote = 0,
            _ => {}
        }
        if self.end {
            self.name.push(b);
            if !is_blank(b) {
                self.trimmed = self.name.len;
            }
        } else if !self.named {
            self.name_byte(b);
        }
    }

    fn name_byte(&mut self, b: u8) {
        if is_blank(b) {
            self.named = true;
            return;
        }
        self.name.push(b);
        if b == b':' && !self.colon {
            self.colon = true;
            self.local.len = 0;
        } else {
            self.local.push(b);
        }
    }

    /// An empty element's `/` was read as part of its name if no blank
    /// came before it.
    fn drop_slash(&mut self) {
        if !self.named {
            self.name.len -= 1;
            if self.local.len > 0 {
                self.local.len -= 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// What stays open across events.

/// Open elements, as quick-xml keeps them (8 bytes and the name each).
struct Open {
    depth: usize,
    names: [u64; MAX_XML_DEPTH as usize],
    total: u64,
}

impl Default for Open {
    fn default() -> Open {
        Open {
            depth: 0,
            names: [0; MAX_XML_DEPTH as usize],
            total: 0,
        }
    }
}

impl Open {
    /// An empty element is opened and closed at once.
    fn push(&mut self, name: u64, empty: bool) -> Result<(), FilesError> {
        let Some(slot) = self.names.get_mut(self.depth) else {
            return Err(too_deep());
        };
        if self.total.saturating_add(name) > MAX_XML_EVENT_BYTES {
            return Err(too_large_element());
        }
        if !empty {
            *slot = name;
            self.total += name;
            self.depth += 1;
        }
        Ok(())
    }

    fn pop(&mut self) {
        if let Some(d) = self.depth.checked_sub(1) {
            self.depth = d;
            self.total -= self.names.get(d).copied().unwrap_or(0);
        }
    }
}

/// Open elements whose content calamine gathers, innermost last. calamine
/// stops at the first end tag of the same name; this closes one only when
/// it is innermost, so never earlier. Past four levels, or with a name too
/// long to keep, it stays open to the end of the part.
#[derive(Default)]
struct Values {
    names: [Name; 4],
    len: usize,
    stuck: bool,
    /// Where the outermost starts.
    start: u64,
    /// A defined name is inside: calamine keeps the content.
    keeps: bool,
}

impl Values {
    fn is_open(&self) -> bool {
        self.len > 0 || self.stuck
    }

    fn open(&mut self, tag: &Tag) {
        if !self.is_open() {
            self.start = tag.start;
            self.keeps = false;
        }
        self.keeps |= tag.local.get() == Some(b"definedName");
        let fits = tag.name.get().is_some();
        match self.names.get_mut(self.len) {
            Some(slot) if fits => {
                *slot = tag.name;
                self.len += 1;
            }
            _ => self.stuck = true,
        }
    }

    /// An end tag named `name` whose `>` is at `at`: the bytes calamine
    /// keeps if it closes the outermost and a defined name is inside.
    fn close(&mut self, name: Option<&[u8]>, at: u64) -> Option<u64> {
        let top = self.len.checked_sub(1)?;
        if self.stuck || name.is_none() || self.names.get(top).and_then(Name::get) != name {
            return None;
        }
        self.len = top;
        (top == 0 && self.keeps).then(|| at - self.start + 1)
    }
}

// ---------------------------------------------------------------------------
// The DOCTYPE, as quick-xml's `DtdParser` ends it.

#[derive(Default, Clone, Copy, PartialEq)]
enum DtdState {
    /// Before `[`; `quote` open or 0.
    #[default]
    Before,
    Subset,
    /// After `<` in the subset: up to 9 bytes decide what follows.
    Markup,
    Comment,
    Pi,
    ElementDecl,
    /// `<!ENTITY`, `<!ATTLIST`, `<!NOTATION`: `>` ends it outside quotes.
    Quoted,
    After,
}

#[derive(Default)]
struct Dtd {
    state: DtdState,
    quote: u8,
    markup: [u8; 9],
    len: usize,
    /// `-` just before, two at most.
    dashes: u8,
    /// `?` just before.
    question: bool,
}

impl Dtd {
    /// In a quoted string, where only its quote matters.
    fn in_string(&self) -> bool {
        matches!(self.state, DtdState::Before | DtdState::Quoted)
    }

    /// Reads `b`; true at the `>` that ends the DOCTYPE.
    fn ends(&mut self, b: u8) -> bool {
        let (dashes, question) = (self.dashes, self.question);
        self.dashes = if b == b'-' { (dashes + 1).min(2) } else { 0 };
        self.question = b == b'?';
        match self.state {
            DtdState::Before => return self.before(b),
            DtdState::Subset => self.subset(b),
            DtdState::Markup => self.markup(b),
            DtdState::Comment if b == b'>' && dashes == 2 => self.state = DtdState::Subset,
            DtdState::Pi if b == b'>' && question => self.state = DtdState::Subset,
            DtdState::ElementDecl if b == b'>' => self.state = DtdState::Subset,
            DtdState::Quoted => self.quoted_byte(b),
            DtdState::After => return b == b'>',
            _ => {}
        }
        false
    }

    fn before(&mut self, b: u8) -> bool {
        match (self.quote, b) {
            (0, b'"' | b'\'') => self.quote = b,
            (0, b'[') => self.state = DtdState::Subset,
            (0, b'>') => return true,
            (q, _) if q == b => self.quote = 0,
            _ => {}
        }
        false
    }

    fn subset(&mut self, b: u8) {
        match b {
            b']' => self.state = DtdState::After,
            b'<' => {
                self.state = DtdState::Markup;
                self.len = 0;
            }
            _ => {}
        }
    }

    fn markup(&mut self, b: u8) {
        if let Some(slot) = self.markup.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
        let seen = self.markup.get(..self.len).unwrap_or_default();
        self.state = match seen {
            b"?" => {
                self.question = false; // this `?` does not end the instruction
                DtdState::Pi
            }
            b"!--" => {
                self.dashes = 0;
                DtdState::Comment
            }
            b"!ELEMENT" => DtdState::ElementDecl,
            b"!ENTITY" | b"!ATTLIST" | b"!NOTATION" => {
                self.quote = 0;
                DtdState::Quoted
            }
            _ if b == b'>' => DtdState::Subset,
            _ if self.len == self.markup.len() => DtdState::ElementDecl,
            _ => DtdState::Markup,
        };
    }

    fn quoted_byte(&mut self, b: u8) {
        match (self.quote, b) {
            (0, b'"' | b'\'') => self.quote = b,
            (0, b'>') => self.state = DtdState::Subset,
            (q, _) if q == b => self.quote = 0,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::MIB;
    use super::*;
    use proptest::prelude::*;

    const MAX: usize = MAX_XML_EVENT_BYTES as usize;

    /// Scans `parts` written one after the other.
    fn scan_parts(parts: &[&[u8]]) -> Result<Definitions, FilesError> {
        let mut s = XmlScan::new(Definitions::default());
        for part in parts {
            if s.write_all(part).is_err() {
                return Err(s.refused.take().unwrap());
            }
        }
        s.finish()
    }

    fn scan(xml: &[u8]) -> Result<Definitions, FilesError> {
        scan_parts(&[xml])
    }

    fn refused(r: Result<Definitions, FilesError>, what: &str) -> bool {
        matches!(r, Err(FilesError::ArchiveLimit { what: w, .. }) if w.contains(what))
    }

    fn element(r: Result<Definitions, FilesError>) -> bool {
        refused(r, "phần tử XML")
    }

    /// An event of each kind, `n` bytes long in all, holding what ends a
    /// naive scan early: it is measured whole, as quick-xml reads it.
    fn event(open: &str, fill: &str, close: &str, n: usize) -> Vec<u8> {
        let inner = n - open.len() - close.len();
        let body = fill.repeat(inner / fill.len() + 1);
        [open.as_bytes(), &body.as_bytes()[..inner], close.as_bytes()].concat()
    }

    const KINDS: [(&str, &str, &str); 6] = [
        ("", "text 'a' \"b\" > c ", ""),
        ("<![CDATA[", "<c>]] > ]>] ", "]]>"),
        ("<!--", "<c> - -> -- > ", "-->"),
        ("<a x=\"", "> 'y' <b/> ", "\">"),
        ("<?pi ", "> ? > <b/> ", "?>"),
        ("<!DOCTYPE x \"", "> ] [ <!-- ", "\">"),
    ];

    #[test]
    fn each_event_is_measured_whole() {
        for (open, fill, close) in KINDS {
            let at_bound = event(open, fill, close, MAX);
            let doc = |e: &[u8]| [b"<r>".as_slice(), e, b"</r>"].concat();
            assert!(scan(&doc(&at_bound)).is_ok(), "{open}");
            let past = event(open, fill, close, MAX + 1);
            assert!(element(scan(&doc(&past))), "{open}");
        }
    }

    #[test]
    fn a_start_tag_of_a_part_is_measured_from_its_first_byte() {
        let at_bound = event("<a x=\"", "y", "\"/>", MAX);
        assert!(scan(&at_bound).is_ok());
        assert!(element(scan(&event("<a x=\"", "y", "\"/>", MAX + 1))));
    }

    /// Any split of the bytes between writes gives the same answer.
    #[test]
    fn splits_do_not_matter() {
        let doc = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "]>"><!-- ]> --><?p ]> ?>]><r a='>"'><![CDATA[<x>]]><!----><t>a&amp;b</t ><x:t>c</x:t><b/></r>"#;
        let whole = scan(doc).unwrap();
        for at in 0..doc.len() {
            let (a, b) = doc.split_at(at);
            let split = scan_parts(&[a, b]).unwrap();
            assert_eq!(split.elements, whole.elements, "split at {at}");
        }
        let one_by_one: Vec<&[u8]> = doc.chunks(1).collect();
        assert!(scan_parts(&one_by_one).is_ok());
    }

    /// A DOCTYPE ends where quick-xml ends it: after its internal subset,
    /// whose quotes, comments and instructions may hold `]` and `>`.
    /// What follows is read as markup again (here: elements nested past
    /// the depth bound), what is inside is not.
    #[test]
    fn a_doctype_ends_after_its_subset() {
        let nested = "<a>".repeat(MAX_XML_DEPTH as usize + 1);
        let subset = r#"<!DOCTYPE x SYSTEM "a>b" [ <!ENTITY e "]>"> <!ATTLIST a b CDATA '>'> <!-- ]> --> <?p ]> ?> <!ELEMENT a ANY> <!x> ]>"#;
        let after = format!("{subset}{nested}");
        assert!(refused(scan(after.as_bytes()), "độ sâu"));
        let inside = format!("<!DOCTYPE x [ <!-- {nested} --> ]>");
        assert!(scan(inside.as_bytes()).is_ok());
        let quoted = format!("<!DOCTYPE x [ <!ENTITY e '{nested}'> ]>");
        assert!(scan(quoted.as_bytes()).is_ok());
        // `<?>` does not end a processing instruction inside the subset.
        let pi = format!("<!DOCTYPE x [ <?> {nested} ?> ]>");
        assert!(scan(pi.as_bytes()).is_ok());
    }

    #[test]
    fn the_delimiters_are_quick_xml_s() {
        let nested = "<a>".repeat(MAX_XML_DEPTH as usize + 1);
        // Each of these ends its event just before `nested`.
        for end in [
            "<!---->",
            "<!-x-->",
            "<![]]>",
            "<?>",
            "<a'>'>",
            "<!DOCTYPE>",
        ] {
            let doc = format!("{end}{nested}");
            assert!(refused(scan(doc.as_bytes()), "độ sâu"), "{end}");
        }
        // None of these ends: `nested` is inside.
        for open in ["<!-->", "<!--->", "<![CDATA[]>", "<a \">"] {
            let doc = format!("{open}{nested}");
            assert!(scan(doc.as_bytes()).is_ok(), "{open}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let depth = MAX_XML_DEPTH as usize;
        assert!(scan("<a>".repeat(depth).as_bytes()).is_ok());
        let empty = format!("{}<b/>", "<a>".repeat(depth - 1));
        assert!(scan(empty.as_bytes()).is_ok());
        let empty_past = format!("{}<b/>", "<a>".repeat(depth));
        assert!(refused(scan(empty_past.as_bytes()), "độ sâu"));
        let closed = "<a></a>".repeat(10 * depth);
        assert!(scan(closed.as_bytes()).is_ok());
        // The names quick-xml keeps for the open elements count together.
        let name = "n".repeat(MAX / 3 + 1);
        let two = format!("<{name}><{name}>");
        assert!(scan(two.as_bytes()).is_ok());
        let three = format!("{two}<{name}>");
        assert!(element(scan(three.as_bytes())));
        let reopened = format!("{two}</x><{name}>");
        assert!(scan(reopened.as_bytes()).is_ok());
    }

    /// calamine gathers a `<t>` into one string whatever events it holds.
    #[test]
    fn a_value_is_measured_to_its_end_tag() {
        let small = "ab<x/>".repeat(MAX / 6 + 1);
        for (open, close) in [
            ("<t>", "</t>"),
            ("<x:v a='1'>", "</x:v >"),
            ("<si>", "</si>"),
        ] {
            let doc = format!("{open}{small}{close}");
            assert!(element(scan(doc.as_bytes())), "{open}");
        }
        // Not a value, or closed: fine.
        assert!(scan(format!("<tt>{small}</tt>").as_bytes()).is_ok());
        assert!(scan(format!("<t/>{small}").as_bytes()).is_ok());
        let many = "<t>abc</t>".repeat(MAX / 10 + 1);
        assert!(scan(format!("<si>a</si>{many}").as_bytes()).is_ok());
        // Ends that calamine does not take for the end: the value goes on.
        for end in ["</y:t>", "</t x>", "</ t>", "</T>"] {
            let doc = format!("<t>a{end}{small}");
            assert!(element(scan(doc.as_bytes())), "{end}");
        }
        // An inner end of the outer name does not close the inner one.
        let doc = format!("<si><t>a</si>{small}</t></si>");
        assert!(element(scan(doc.as_bytes())));
    }

    /// The value's bytes count to the `>` of its end tag (found by the
    /// fuzzer: a comment in `<is><t>` one byte over the bound was read).
    #[test]
    fn a_value_counts_its_closing_bracket() {
        let wrap = "<is><t></t></is>".len();
        for kind in [("<!--", "-->"), ("", ""), ("<![CDATA[", "]]>")] {
            let around = kind.0.len() + kind.1.len() + wrap;
            let value = |len: usize| {
                let inner = format!("{}{}{}", kind.0, "x".repeat(len - around), kind.1);
                format!("<is><t>{inner}</t></is>")
            };
            assert!(scan(value(MAX).as_bytes()).is_ok(), "{kind:?} at the bound");
            assert!(element(scan(value(MAX + 1).as_bytes())), "{kind:?} over it");
        }
    }

    /// quick-xml stops at the end of an event that is not UTF-8; a UTF-16
    /// byte order mark is skipped.
    #[test]
    fn the_scan_stops_where_quick_xml_does() {
        let comment = event("<!--", "x", "-->", MAX + 1);
        let after = |head: &[u8]| [head, comment.as_slice()].concat();
        assert!(scan(&after(b"\x89PNG\r\n\x1a\n")).is_ok());
        assert!(scan(&after(b"<a x='\xff'>")).is_ok());
        assert!(scan(&after(b"text \xc3<b>")).is_ok());
        for valid in [
            &b"\xff\xfe"[..],
            b"\xfe\xff",
            b"\xef\xbb\xbf",
            b"caf\xc3\xa9 ",
        ] {
            assert!(element(scan(&after(valid))), "{valid:?}");
        }
        // The event that is not UTF-8 is measured whole all the same.
        let mut bad = event("<!--", "x", "-->", MAX + 1);
        bad[4] = 0xFF;
        assert!(element(scan(&bad)));
        let split = [b"caf\xc3".as_slice(), b"\xa9 ", &comment];
        assert!(element(scan_parts(&split)));
    }

    /// Where a scan ends up, to compare two.
    fn summary(s: &XmlScan) -> (State, u64, u64, usize, u64, usize, bool, u64, u64) {
        let (o, v, d) = (&s.open, &s.values, &s.definitions);
        let sizes = (s.state, s.at, s.event);
        (
            sizes.0, sizes.1, sizes.2, o.depth, o.total, v.len, v.stuck, d.elements, d.bytes,
        )
    }

    /// Bits of XML that change the scan's state, and bytes that are not
    /// UTF-8.
    fn tokens() -> impl Strategy<Value = Vec<u8>> {
        let token = prop_oneof![
            Just(&b"<"[..]),
            Just(&b">"[..]),
            Just(&b"\""[..]),
            Just(&b"'"[..]),
            Just(&b"/"[..]),
            Just(&b" "[..]),
            Just(&b"\n"[..]),
            Just(&b"-"[..]),
            Just(&b"]"[..]),
            Just(&b"["[..]),
            Just(&b"?"[..]),
            Just(&b"!"[..]),
            Just(&b":"[..]),
            Just(&b"t"[..]),
            Just(&b"v"[..]),
            Just(&b"si"[..]),
            Just(&b"xf"[..]),
            Just(&b"name"[..]),
            Just(&b"definedName"[..]),
            Just(&b"<!--"[..]),
            Just(&b"-->"[..]),
            Just(&b"<![CDATA["[..]),
            Just(&b"]]>"[..]),
            Just(&b"<?"[..]),
            Just(&b"?>"[..]),
            Just(&b"<!DOCTYPE"[..]),
            Just(&b"<!ENTITY"[..]),
            Just(&b"<!ELEMENT"[..]),
            Just(&b"\xc3\xa9"[..]),
            Just(&b"\xc3"[..]),
            Just(&b"\xff"[..]),
            Just(&b"\xfe"[..]),
            Just(&b"abc"[..]),
        ];
        proptest::collection::vec(token, 0..200).prop_map(|t| t.concat())
    }

    /// Writes in runs (the fast path) end up where bytes one at a time
    /// through `byte` (the slow path) do, however the runs are split.
    #[test]
    fn runs_and_single_bytes_agree() {
        use proptest::test_runner::{Config, TestRunner};
        let case = (tokens(), proptest::collection::vec(0usize..300, 0..4));
        let mut runner = TestRunner::new(Config::with_cases(2_000));
        let result = runner.run(&case, |(doc, cuts)| {
            let mut slow = XmlScan::new(Definitions::default());
            for &b in &doc {
                if slow.state == State::Done || slow.byte(b).is_err() {
                    break;
                }
            }
            let mut fast = XmlScan::new(Definitions::default());
            let mut rest = doc.as_slice();
            for cut in cuts {
                let (a, b) = rest.split_at(cut.min(rest.len()));
                let _ = fast.write(a);
                rest = b;
            }
            let _ = fast.write(rest);
            prop_assert_eq!(
                summary(&fast),
                summary(&slow),
                "{:?}",
                String::from_utf8_lossy(&doc)
            );
            Ok(())
        });
        result.unwrap();
    }

    #[test]
    fn definitions_are_counted() {
        let xfs = "<xf numFmtId='1'/>".repeat(10);
        let d = scan(format!("<cellXfs>{xfs}</cellXfs>").as_bytes()).unwrap();
        assert_eq!((d.elements, d.bytes), (10, 180));
        // A style counts the longest font name and format code before it.
        let font = "<font><name val='Arial'/></font>";
        let d = scan(format!("{font}<numFmt formatCode='0.0'/><xf/>").as_bytes()).unwrap();
        assert_eq!(d.elements, 4);
        assert_eq!(d.bytes, 6 + 19 + 26 + (5 + 19 + 26));
        // A defined name counts its content, however many events it holds.
        let d = scan(b"<definedName name='a'>x<!-- y -->z</definedName>").unwrap();
        assert_eq!((d.elements, d.bytes), (1, 22 + 48));
        let d = scan(b"<Relationship Id='r1'/><sheet name='S'/><other/>").unwrap();
        assert_eq!(d.elements, 2);
    }

    #[test]
    fn definitions_are_bounded() {
        let n = MAX_DEFINITIONS as usize + 1;
        let many = "<xf/>".repeat(n);
        assert!(refused(scan(many.as_bytes()), "định nghĩa"));
        // A long font name cloned into every style.
        let name = "n".repeat(MIB as usize);
        let clones = format!("<name val='{name}'/>{}", "<xf/>".repeat(16));
        assert!(refused(scan(clones.as_bytes()), "định nghĩa"));
        let d = scan(format!("<name val='{name}'/>{}", "<xf/>".repeat(14)).as_bytes());
        assert!(d.is_ok());
    }
}
