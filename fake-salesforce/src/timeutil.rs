//! Calendar arithmetic without a date crate: UTC only, which is all the wire
//! formats need.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) for days since the epoch.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ` for epoch milliseconds (the SOAP form).
pub fn format_datetime(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let secs = rem / 1000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        rem % 1000
    )
}

/// `YYYY-MM-DD` for epoch milliseconds.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD` to days since the epoch.
pub fn parse_date_days(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = num(&s[0..4])?;
    let m = num(&s[5..7])? as u32;
    let d = num(&s[8..10])? as u32;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // reject 2023-02-30 and friends
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    Some(days)
}

/// Parses the XML Schema / SOQL datetime forms: `YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM|+HHMM)`,
/// also without zone (taken as UTC). Returns epoch milliseconds.
pub fn parse_datetime(s: &str) -> Option<i64> {
    if s.len() < 19 {
        return None;
    }
    let days = parse_date_days(s.get(0..10)?)?;
    let b = s.as_bytes();
    if b[10] != b'T' && b[10] != b't' && b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hh = num(&s[11..13])?;
    let mi = num(&s[14..16])?;
    let ss = num(&s[17..19])?;
    if hh > 23 || mi > 59 || ss > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if end == 0 {
            return None;
        }
        let digits = &frac[..end];
        let mut ms_digits: String = digits.chars().take(3).collect();
        while ms_digits.len() < 3 {
            ms_digits.push('0');
        }
        millis = num(&ms_digits)?;
        rest = &frac[end..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if body.len() != 4 {
                return None;
            }
            let oh = num(&body[0..2])?;
            let om = num(&body[2..4])?;
            sign * (oh * 60 + om)
        }
    };
    Some(((days * 86_400 + hh * 3600 + mi * 60 + ss) - offset_min * 60) * 1000 + millis)
}

/// The REST form of a stored SOAP datetime: `…000+0000` instead of `…000Z`.
pub fn rest_datetime(soap: &str) -> String {
    match soap.strip_suffix('Z') {
        Some(s) => format!("{s}+0000"),
        None => soap.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let ms = parse_datetime("2024-02-29T23:59:58.123Z").unwrap();
        assert_eq!(format_datetime(ms), "2024-02-29T23:59:58.123Z");
        assert_eq!(
            parse_datetime("2024-03-01T01:00:00+02:00").unwrap(),
            parse_datetime("2024-02-29T23:00:00Z").unwrap()
        );
        assert_eq!(parse_date_days("2023-02-30"), None);
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(
            rest_datetime("2024-01-01T00:00:00.000Z"),
            "2024-01-01T00:00:00.000+0000"
        );
    }
}
