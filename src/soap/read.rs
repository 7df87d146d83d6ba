//! A small, hostile-input-safe XML tree over borrowed input.
//!
//! The tree is an arena of nodes linked by index (no per-node vectors);
//! names and, where no escape had to be resolved, text borrow the input.
//! Refused: invalid UTF-8, NUL bytes, DOCTYPE (and with it every entity
//! declaration), unknown entity references, nesting deeper than
//! [`MAX_DEPTH`], more than 64 attributes on an element or 64 namespace
//! declarations in a document (both would make lookups quadratic),
//! unbalanced or truncated documents, several roots.

use super::{ENVELOPE_NS, MAX_DEPTH, XSI_NS};
use crate::error::{Error, ErrorKind, Result};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::borrow::Cow;

const NONE: u32 = u32::MAX;
/// Most attributes one element may have.
pub(crate) const MAX_ATTRIBUTES: usize = 64;
/// Most namespace declarations one document may have (Salesforce uses
/// four or five, all on the envelope).
pub(crate) const MAX_NAMESPACE_DECLS: usize = 64;

/// What an `xsi:type` attribute said, by its local part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XsiType {
    None,
    SObject,
    QueryResult,
    Address,
    Location,
    Boolean,
    Integer,
    Decimal,
    Other,
}

impl XsiType {
    pub(crate) fn from_value(v: &[u8]) -> XsiType {
        let local = match v.iter().rposition(|b| *b == b':') {
            Some(i) => &v[i + 1..],
            None => v,
        };
        match local {
            b"sObject" => XsiType::SObject,
            b"QueryResult" => XsiType::QueryResult,
            b"address" => XsiType::Address,
            b"location" => XsiType::Location,
            b"boolean" => XsiType::Boolean,
            b"int" | b"long" | b"short" | b"byte" | b"integer" | b"unsignedInt"
            | b"unsignedLong" | b"unsignedShort" => XsiType::Integer,
            b"double" | b"float" | b"decimal" => XsiType::Decimal,
            _ => XsiType::Other,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Node<'a> {
    /// Local name (prefix stripped).
    pub name: &'a str,
    /// In the SOAP envelope namespace.
    pub env: bool,
    pub nil: bool,
    pub xsi_type: XsiType,
    /// Concatenated character data (meaningful for leaves only).
    pub text: Cow<'a, str>,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
}

/// A parsed document; node 0 is the root element.
pub(crate) struct Doc<'a> {
    nodes: Vec<Node<'a>>,
}

/// Index of a node in its [`Doc`].
pub(crate) type Id = u32;

pub(crate) fn protocol(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Protocol, msg)
}

/// Says in a few words what a body that is not the expected XML looks like.
pub(crate) fn describe_body(body: &[u8]) -> &'static str {
    crate::error::BodyLooks::of(body).words()
}

/// Checks the raw bytes before any XML parsing.
pub(crate) fn check_bytes(body: &[u8]) -> Result<&str> {
    let text = std::str::from_utf8(body).map_err(|e| {
        protocol(format!(
            "response is not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    // XML 1.0 allows no C0 control but tab, LF and CR; an ESC in a company
    // name would reach OTRS and terminals. Character references to them
    // are checked after unescaping (`refuse_controls`).
    if let Some(pos) = first_forbidden_control(body) {
        return Err(protocol(control_message(
            body[pos] as char,
            "at offset",
            pos,
        )));
    }
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(text))
}

/// Offset of the first C0 control byte other than tab, LF and CR.
fn first_forbidden_control(body: &[u8]) -> Option<usize> {
    let bad = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    // Whole chunks without an early exit: the compiler vectorizes the test.
    let mut offset = 0;
    for chunk in body.chunks(64) {
        if chunk.iter().fold(false, |any, &b| any | bad(b)) {
            return chunk.iter().position(|&b| bad(b)).map(|p| offset + p);
        }
        offset += chunk.len();
    }
    None
}

fn is_forbidden_control(c: char) -> bool {
    c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')
}

fn control_message(c: char, where_: &str, pos: usize) -> String {
    if c == '\0' {
        format!("response contains a NUL byte {where_} {pos}, which XML does not allow")
    } else {
        format!(
            "response contains the control character U+{:04X} {where_} {pos}, which XML does not allow",
            c as u32
        )
    }
}

/// Refuses unescaped text that holds a control character XML forbids
/// (it came in as a character reference such as `&#1;`).
pub(crate) fn refuse_controls(text: &str) -> Result<()> {
    match text.char_indices().find(|(_, c)| is_forbidden_control(*c)) {
        Some((pos, c)) => Err(protocol(control_message(
            c,
            "(as a character reference) in a text at",
            pos,
        ))),
        None => Ok(()),
    }
}

impl<'a> Doc<'a> {
    /// Parses `body` into a tree.
    pub(crate) fn parse(body: &'a [u8]) -> Result<Doc<'a>> {
        let text = check_bytes(body)?;
        let mut reader = NsReader::from_str(text);
        {
            let config = reader.config_mut();
            config.expand_empty_elements = true;
            config.check_end_names = true;
            config.trim_text(false);
        }
        let mut nodes: Vec<Node<'a>> = Vec::with_capacity(body.len() / 48 + 4);
        let mut stack: Vec<Id> = Vec::with_capacity(MAX_DEPTH);
        let mut root_done = false;
        let mut ns_decls = 0usize;
        let pos_err = |reader: &NsReader<&'a [u8]>, e: quick_xml::Error| {
            let at_end = matches!(e, quick_xml::Error::Syntax(_))
                && reader.buffer_position() >= text.len() as u64;
            let msg = match e {
                quick_xml::Error::Escape(inner) => format!(
                    "bad character or entity reference ({inner}); only the five predefined XML entities and numeric references are allowed"
                ),
                other => other.to_string(),
            };
            protocol(format!(
                "{} near byte {}: {msg}",
                if at_end {
                    "truncated XML"
                } else {
                    "malformed XML"
                },
                reader.error_position()
            ))
        };
        loop {
            let (in_env, event) = match reader.read_resolved_event() {
                Ok((ResolveResult::Bound(ns), ev)) => (ns.as_ref() == ENVELOPE_NS.as_bytes(), ev),
                Ok((_, ev)) => (false, ev),
                Err(e) => return Err(pos_err(&reader, e)),
            };
            match event {
                Event::Start(start) => {
                    if root_done {
                        return Err(protocol("malformed XML: more than one root element"));
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(protocol(format!(
                            "XML nested deeper than {MAX_DEPTH} elements; refused"
                        )));
                    }
                    let name: &'a str = intern_name(text, start.local_name().into_inner())
                        .ok_or_else(|| protocol("internal: element name not borrowed from the input"))?;
                    let mut nil = false;
                    let mut xsi_type = XsiType::None;
                    // Without duplicate checks (quadratic in the number of
                    // attributes); bounded instead.
                    for (i, attr) in start.attributes().with_checks(false).enumerate() {
                        if i >= MAX_ATTRIBUTES {
                            return Err(protocol(format!(
                                "an element has more than {MAX_ATTRIBUTES} attributes; refused"
                            )));
                        }
                        let attr = attr.map_err(|e| protocol(format!("malformed XML attribute: {e}")))?;
                        if attr.key.as_namespace_binding().is_some() {
                            // Namespace lookups scan every binding in scope:
                            // keep their number small.
                            ns_decls += 1;
                            if ns_decls > MAX_NAMESPACE_DECLS {
                                return Err(protocol(format!(
                                    "more than {MAX_NAMESPACE_DECLS} namespace declarations; refused"
                                )));
                            }
                            continue;
                        }
                        let (ns, local) = reader.resolve_attribute(attr.key);
                        // By URI; an undeclared `xsi:` prefix is taken to
                        // mean the usual namespace (lenient, like Salesforce).
                        let is_xsi = match ns {
                            ResolveResult::Bound(n) => n.as_ref() == XSI_NS.as_bytes(),
                            ResolveResult::Unknown(p) => p == b"xsi",
                            ResolveResult::Unbound => false,
                        };
                        if !is_xsi {
                            continue;
                        }
                        match local.as_ref() {
                            b"nil" => {
                                let v = attr.value.as_ref();
                                nil = v == b"true" || v == b"1";
                            }
                            b"type" => xsi_type = XsiType::from_value(attr.value.as_ref()),
                            _ => {}
                        }
                    }
                    let id = Id::try_from(nodes.len())
                        .ok()
                        .filter(|id| *id != NONE)
                        .ok_or_else(|| protocol("response has too many XML elements"))?;
                    nodes.push(Node {
                        name,
                        env: in_env,
                        nil,
                        xsi_type,
                        text: Cow::Borrowed(""),
                        first_child: NONE,
                        last_child: NONE,
                        next_sibling: NONE,
                    });
                    if let Some(&parent) = stack.last() {
                        let last = nodes[parent as usize].last_child;
                        if last == NONE {
                            nodes[parent as usize].first_child = id;
                        } else {
                            nodes[last as usize].next_sibling = id;
                        }
                        nodes[parent as usize].last_child = id;
                    }
                    stack.push(id);
                }
                Event::End(_) => {
                    stack.pop();
                    if stack.is_empty() {
                        root_done = true;
                    }
                }
                Event::Text(t) => {
                    let Some(&cur) = stack.last() else {
                        if t.iter().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        return Err(protocol("malformed XML: text outside the root element"));
                    };
                    let node = &mut nodes[cur as usize];
                    // Whitespace between child elements is layout.
                    if node.first_child != NONE && t.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    let piece = t.unescape().map_err(|e| pos_err(&reader, e))?;
                    refuse_controls(&piece)?;
                    append(&mut node.text, piece);
                }
                Event::CData(c) => {
                    let Some(&cur) = stack.last() else {
                        return Err(protocol("malformed XML: CDATA outside the root element"));
                    };
                    let piece = match c.into_inner() {
                        Cow::Borrowed(b) => Cow::Borrowed(
                            std::str::from_utf8(b).map_err(|_| protocol("CDATA is not UTF-8"))?,
                        ),
                        Cow::Owned(b) => Cow::Owned(
                            String::from_utf8(b).map_err(|_| protocol("CDATA is not UTF-8"))?,
                        ),
                    };
                    append(&mut nodes[cur as usize].text, piece);
                }
                Event::DocType(_) => {
                    return Err(protocol(
                        "DOCTYPE not allowed in a Salesforce response (entity declarations are refused)",
                    ))
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Empty(_) => {
                    // expand_empty_elements turns these into Start + End.
                    return Err(protocol("internal: unexpanded empty element"));
                }
                Event::Eof => break,
            }
        }
        if !stack.is_empty() {
            return Err(protocol(format!(
                "truncated XML: {} element(s) still open at the end (<{}> innermost)",
                stack.len(),
                stack.last().map(|i| nodes[*i as usize].name).unwrap_or("?")
            )));
        }
        if nodes.is_empty() {
            return Err(protocol(format!(
                "response holds no XML element (got {})",
                describe_body(body)
            )));
        }
        Ok(Doc { nodes })
    }

    pub(crate) fn node(&self, id: Id) -> &Node<'a> {
        &self.nodes[id as usize]
    }

    pub(crate) fn root(&self) -> Id {
        0
    }

    pub(crate) fn children(&self, id: Id) -> Children<'_, 'a> {
        Children {
            doc: self,
            next: self.nodes[id as usize].first_child,
        }
    }

    pub(crate) fn has_children(&self, id: Id) -> bool {
        self.nodes[id as usize].first_child != NONE
    }

    /// First child with local name `name`.
    pub(crate) fn child(&self, id: Id, name: &str) -> Option<Id> {
        self.children(id).find(|c| self.node(*c).name == name)
    }

    /// Text of the first child called `name`, unless nil or missing.
    pub(crate) fn child_text(&self, id: Id, name: &str) -> Option<&str> {
        self.child(id, name)
            .map(|c| self.node(c))
            .filter(|n| !n.nil)
            .map(|n| n.text.as_ref())
    }
}

/// Re-borrows `name` from the input `text` with the input's lifetime
/// (and without a second UTF-8 check: `get` only checks char boundaries).
/// `NsReader::from_str` hands out element names that are sub-slices of the
/// input, but its accessors tie them to the event; finding the same bytes
/// by address (no `unsafe`) gives them back the input's lifetime. `None`
/// if `name` does not lie inside `text`.
pub(crate) fn intern_name<'a>(text: &'a str, name: &[u8]) -> Option<&'a str> {
    let base = text.as_ptr() as usize;
    let p = name.as_ptr() as usize;
    if p >= base && p + name.len() <= base + text.len() {
        let start = p - base;
        text.get(start..start + name.len())
    } else {
        None
    }
}

fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

pub(crate) struct Children<'d, 'a> {
    doc: &'d Doc<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = Id;
    fn next(&mut self) -> Option<Id> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.doc.nodes[id as usize].next_sibling;
        Some(id)
    }
}
