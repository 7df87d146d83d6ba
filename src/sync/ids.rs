//! Salesforce ids, e-mail syntax, the DeleteOld glob: small pure helpers.

/// Normalises a Salesforce id to its 18-character form: a 15-character id
/// gets its 3-character checksum (doc/dev/PROTOCOL.md); an 18-character
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

/// Converts a Salesforce datetime to OTRS's `YYYY-MM-DD hh:mm:ss` form in
/// UTC; anything else gives `None` (the value is then used as it is).
///
/// No field types reach the planner, so a value counts as a datetime when
/// it has the Salesforce datetime shape exactly and is a real date and
/// time: `YYYY-MM-DDThh:mm:ss`, optionally `.` and 1 to 9 fraction digits
/// (dropped: OTRS keeps seconds), then `Z` (SOAP), or an offset `+hhmm` /
/// `-hhmm` / `+hh:mm` (REST sends `+0000`), which is applied. Dates
/// (`2024-01-02`), times and other text are not datetimes.
pub fn sf_datetime_to_otrs(value: &str) -> Option<String> {
    let (y, mo, d, secs) = civil(sf_datetime_to_epoch(value)?)?;
    Some(format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// Seconds since 1970-01-01 UTC of a Salesforce datetime (the shapes of
/// [`sf_datetime_to_otrs`]), or `None` when `value` is not one.
pub fn sf_datetime_to_epoch(value: &str) -> Option<i64> {
    let b = value.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = b.get(from..to)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        rest = &rest[1 + n..];
    }
    let two = |p: &[u8]| -> Option<i64> {
        p.iter()
            .all(u8::is_ascii_digit)
            .then(|| i64::from(p[0] - b'0') * 10 + i64::from(p[1] - b'0'))
    };
    let offset_minutes = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (h, m) = (two(&[*h1, *h2])?, two(&[*m1, *m2])?);
            if h > 14 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset_minutes * 60;
    civil(utc).map(|_| utc)
}

/// A UTC instant as Salesforce writes it in SOQL and SOAP:
/// `YYYY-MM-DDThh:mm:ssZ`.
pub fn epoch_to_sf_datetime(utc: i64) -> String {
    let (y, mo, d, secs) = civil(utc).unwrap_or((1970, 1, 1, 0));
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Date and second of the day of a UTC instant in years 0 to 9999.
fn civil(utc: i64) -> Option<(i64, i64, i64, i64)> {
    let (y, mo, d) = civil_from_days(utc.div_euclid(86_400));
    (0..=9999)
        .contains(&y)
        .then(|| (y, mo, d, utc.rem_euclid(86_400)))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    #[test]
    fn salesforce_datetimes_become_otrs_utc_datetimes() {
        for (sf, otrs) in [
            ("2024-01-02T03:04:05.000Z", "2024-01-02 03:04:05"),
            ("2024-01-02T03:04:05.000+0000", "2024-01-02 03:04:05"),
            ("2024-01-02T03:04:05Z", "2024-01-02 03:04:05"),
            ("2024-01-02T03:04:05.5+00:00", "2024-01-02 03:04:05"),
            ("2024-01-01T01:30:00.000+0200", "2023-12-31 23:30:00"),
            ("2024-02-28T23:00:00.000-0130", "2024-02-29 00:30:00"),
            ("2023-02-28T23:00:00.000-0130", "2023-03-01 00:30:00"),
            ("1999-12-31T23:59:59.999999999Z", "1999-12-31 23:59:59"),
            ("2000-02-29T00:00:00.000Z", "2000-02-29 00:00:00"),
        ] {
            assert_eq!(sf_datetime_to_otrs(sf).as_deref(), Some(otrs), "{sf}");
        }
        for not in [
            "2024-01-02",
            "03:04:05.000Z",
            "2024-01-02 03:04:05",
            "2024-01-02T03:04:05",
            "2024-01-02T03:04:05.000",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05.000ZZ",
            "2024-01-02T03:04:05.000+000",
            "2024-01-02T03:04:05.000+1500",
            "2024-13-02T03:04:05.000Z",
            "2023-02-29T03:04:05.000Z",
            "2024-01-02T24:00:00.000Z",
            "2024-01-02T03:60:05.000Z",
            "2024-01-02T03:04:60.000Z",
            "2024-01-0xT03:04:05.000Z",
            "+024-01-02T03:04:05.000Z",
            "0000-01-01T00:00:00.000+0100",
            " 2024-01-02T03:04:05.000Z",
            "2024-01-02T03:04:05.0000000000Z",
            "Acme 2024",
        ] {
            assert_eq!(sf_datetime_to_otrs(not), None, "{not}");
        }
    }
}
