//! A small, strict XML reader into a tree (local names only, as the server
//! matches by local name) and the escaping used by every writer.

use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Clone, Debug, Default)]
pub struct Elem {
    /// local name (prefix stripped)
    pub name: String,
    /// attributes by local name (prefix stripped), value unescaped
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Elem>,
    pub text: String,
}

impl Elem {
    pub fn child(&self, name: &str) -> Option<&Elem> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.attr("nil"), Some("true") | Some("1"))
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rfind(':') {
        Some(i) => s[i + 1..].to_string(),
        None => s.into_owned(),
    }
}

/// Parses a whole document. Rejects DOCTYPE declarations, undefined entities,
/// mismatched or unclosed tags, text outside the root.
pub fn parse(input: &[u8]) -> Result<Elem, String> {
    let text =
        std::str::from_utf8(input).map_err(|_| "request body is not valid UTF-8".to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("XML parse error at byte {}: {e}", reader.error_position()))?;
        match ev {
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                let _ = s;
                return Err("content after the document element".into());
            }
            Event::Start(s) => {
                stack.push(start_elem(&s)?);
            }
            Event::Empty(s) => {
                let e = start_elem(&s)?;
                match stack.last_mut() {
                    Some(p) => p.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::End(_) => {
                let e = stack.pop().ok_or("unexpected end tag")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|e| format!("bad character data: {e}"))?;
                match stack.last_mut() {
                    Some(p) => p.text.push_str(&s),
                    None => {
                        if !s.trim().is_empty() {
                            return Err("text outside the document element".into());
                        }
                    }
                }
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                match stack.last_mut() {
                    Some(p) => p.text.push_str(&s),
                    None => return Err("CDATA outside the document element".into()),
                }
            }
            Event::DocType(_) => return Err("DOCTYPE is not allowed".into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("unexpected end of document (unclosed element)".into());
    }
    root.ok_or_else(|| "empty document".to_string())
}

fn start_elem(s: &quick_xml::events::BytesStart) -> Result<Elem, String> {
    let mut e = Elem {
        name: local(s.name().as_ref()),
        ..Default::default()
    };
    for a in s.attributes() {
        let a = a.map_err(|e| format!("bad attribute: {e}"))?;
        let key = a.key.as_ref();
        if key.starts_with(b"xmlns") {
            continue;
        }
        let v = a
            .unescape_value()
            .map_err(|e| format!("bad attribute value: {e}"))?;
        e.attrs.push((local(key), v.into_owned()));
    }
    Ok(e)
}

/// Appends `s` escaped for element text and attribute values.
pub fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    escape_into(&mut o, s);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_names_strict_syntax() {
        let e = parse(br#"<?xml version="1.0"?><soap:Envelope xmlns:soap="x"><soap:Body><q:query xmlns:q="y"><c-gensym9 xsi:type="xsd:string">SELECT &amp; x</c-gensym9></q:query></soap:Body></soap:Envelope>"#).unwrap();
        assert_eq!(e.name, "Envelope");
        let q = &e.child("Body").unwrap().children[0];
        assert_eq!(q.name, "query");
        assert_eq!(q.children[0].text, "SELECT & x");
        assert_eq!(q.children[0].attr("type"), Some("xsd:string"));
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>x & y</a>").is_err());
        assert!(parse(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").is_err());
        assert!(parse(b"<a><b>").is_err());
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a&b<c>'\""), "a&amp;b&lt;c&gt;&apos;&quot;");
    }
}
