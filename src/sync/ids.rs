//! Salesforce ids, e-mail syntax, the DeleteOld glob: small pure helpers.

/// Normalises a Salesforce id to its 18-character form: a 15-character id
/// gets its 3-character checksum (protocol reference §9); an 18-character
/// id is returned as given. Anything else (wrong length, a character that
/// is not ASCII alphanumeric) gives `None`.
pub fn to_id18(id: &str) -> Option<String> {
    let id = id.trim();
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match id.len() {
        18 => Some(id.to_string()),
        15 => {
            const MAP: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
            let mut out = String::with_capacity(18);
            out.push_str(id);
            for chunk in id.as_bytes().chunks(5) {
                let mut n = 0usize;
                for (j, b) in chunk.iter().enumerate() {
                    if b.is_ascii_uppercase() {
                        n |= 1 << j;
                    }
                }
                out.push(MAP[n] as char);
            }
            Some(out)
        }
        _ => None,
    }
}

/// A string hashed and compared ASCII case-insensitively, without
/// allocating a lower-cased copy (OTRS compares ids, logins, e-mails and
/// company names case-insensitively).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ci<'a>(pub &'a str);

impl PartialEq for Ci<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Ci<'_> {}

impl std::hash::Hash for Ci<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut buf = [0u8; 64];
        for chunk in self.0.as_bytes().chunks(64) {
            for (b, c) in buf.iter_mut().zip(chunk) {
                *b = c.to_ascii_lowercase();
            }
            state.write(&buf[..chunk.len()]);
        }
        state.write_u8(0xff);
    }
}

/// Whether a CustomerID looks like a Salesforce Account id (prefix `001`,
/// 15 or 18 alphanumeric characters). Only such memberships are ever
/// removed by the sync; others were added by hand and stay.
pub fn looks_like_account_id(id: &str) -> bool {
    (id.len() == 15 || id.len() == 18)
        && id.starts_with("001")
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `text` matches the DeleteOld glob: `*` = any run of characters
/// (also none), `?` = exactly one character, everything else literal,
/// compared ASCII case-insensitively (OTRS compares ids and logins
/// case-insensitively). The whole text must match (the original used a
/// substring search, so "00*" also matched "X00Y").
pub fn glob_match(glob: &str, text: &str) -> bool {
    if glob.is_ascii() && text.is_ascii() {
        return glob_match_units(glob.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a.eq_ignore_ascii_case(b)
        });
    }
    let p: Vec<char> = glob.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob_match_units(&p, &t, '*', '?', |a, b| a.eq_ignore_ascii_case(b))
}

/// Star-backtracking glob match over bytes or chars: O(len(glob) x
/// len(text)) worst case, linear for the usual "prefix*".
fn glob_match_units<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    star_unit: T,
    any_unit: T,
    eq: impl Fn(&T, &T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_unit || (p[pi] != star_unit && eq(&p[pi], &t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_unit {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == star_unit)
}

/// E-mail syntax as OTRS's CheckEmail sees it (Email::Valid plus no `..`
/// and no `.@`), without the DNS and site-configured parts: one `@`, a
/// dot-atom local part, a domain of at least two dot-separated labels of
/// letters, digits and inner hyphens. Quoted local parts, address
/// literals and non-ASCII addresses are refused.
pub fn email_syntax_ok(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.len() > 253 {
        return false;
    }
    const ATEXT: &[u8] = b"!#$%&'*+-/=?^_`{|}~";
    let local_ok = local.split('.').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || ATEXT.contains(&b))
    });
    if !local_ok {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let tld_ok = labels
        .last()
        .is_some_and(|t| !t.bytes().all(|b| b.is_ascii_digit()));
    labels_ok && tld_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id18_checksum_matches_the_reference_vectors() {
        for (id15, tail) in [
            ("001000000000000", "AAA"),
            ("AaaAABbbBBCccCC", "ZZZ"),
            ("ABCDEFGHIJKLMNO", "555"),
            ("AAaAAbbBBBCcCCC", "123"),
            ("70130000001tcyI", "AAQ"),
            ("a0BA0000000L2ZC", "MA0"),
            ("005i0000002MUqL", "AAW"),
            ("00DA0000000YpZ4", "MAK"),
            ("0068000000gOoDL", "AA0"),
        ] {
            assert_eq!(to_id18(id15).unwrap(), format!("{id15}{tail}"));
        }
        assert_eq!(to_id18("001000000000000AAA").unwrap(), "001000000000000AAA");
        assert_eq!(to_id18("00100000000000"), None);
        assert_eq!(to_id18("001000000000-00"), None);
        assert_eq!(to_id18(""), None);
    }

    #[test]
    fn ci_hashes_and_compares_case_insensitively() {
        use std::collections::HashSet;
        let long = "A".repeat(70);
        let set: HashSet<Ci> = [Ci("Jo@Acme.COM"), Ci(&long)].into_iter().collect();
        assert!(set.contains(&Ci("jo@acme.com")));
        assert!(set.contains(&Ci(&"a".repeat(70))));
        assert!(!set.contains(&Ci("jo@acme.co")));
        assert!(!set.contains(&Ci(&"a".repeat(69))));
    }

    #[test]
    fn account_id_shape() {
        assert!(looks_like_account_id("001000000000000"));
        assert!(looks_like_account_id("001000000000000AAA"));
        assert!(!looks_like_account_id("003000000000000AAA"));
        assert!(!looks_like_account_id("001ACME"));
        assert!(!looks_like_account_id("1"));
    }

    #[test]
    fn glob_is_anchored_with_star_and_question_mark() {
        assert!(glob_match("00*", "001000000000000AAA"));
        assert!(!glob_match("00*", "X001"));
        assert!(glob_match("*", ""));
        assert!(glob_match("0?1*", "001x"));
        assert!(!glob_match("0?1", "0011"));
        assert!(glob_match("*@ACME.com", "jo@acme.COM"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(!glob_match("", "x"));
        assert!(glob_match("", ""));
        assert!(glob_match("*ü?", "xÜy") == "ü".eq_ignore_ascii_case("Ü"));
        assert!(glob_match("*ü?", "xüy"));
        assert!(!glob_match("*ü?", "xüyz"));
    }

    #[test]
    fn email_syntax() {
        for ok in [
            "jo@acme.com",
            "jo.doe+x@mail.acme.co.uk",
            "o'brien@acme.ie",
            "a@b-c.de",
        ] {
            assert!(email_syntax_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "jo",
            "jo@",
            "@acme.com",
            "jo@acme",
            "jo..x@acme.com",
            "jo.@acme.com",
            ".jo@acme.com",
            "jo doe@acme.com",
            "jo@-acme.com",
            "jo@acme..com",
            "jo@acme.123",
            "jö@acme.com",
            "a@b@c.com",
            "\"jo\"@acme.com",
        ] {
            assert!(!email_syntax_ok(bad), "{bad}");
        }
    }
}
