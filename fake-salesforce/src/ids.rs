//! Salesforce record ids: 15-character case-sensitive base-62 ids and the
//! 18-character form with the case checksum (see doc/dev/PROTOCOL.md).

const CHECKSUM_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The three checksum characters of a 15-character id.
pub fn checksum(id15: &str) -> String {
    let bytes = id15.as_bytes();
    let mut out = String::with_capacity(3);
    for chunk in 0..3 {
        let mut n = 0usize;
        for j in 0..5 {
            if let Some(b) = bytes.get(chunk * 5 + j) {
                if b.is_ascii_uppercase() {
                    n |= 1 << j;
                }
            }
        }
        out.push(CHECKSUM_ALPHABET[n] as char);
    }
    out
}

/// True when every character is an ASCII letter or digit.
fn is_alnum(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Normalises a 15- or 18-character id to 18 characters. Returns None when the
/// text is not a well-formed id (wrong length, bad characters, or an 18-char id
/// whose checksum does not match its first 15 characters case-insensitively).
pub fn to18(id: &str) -> Option<String> {
    if !is_alnum(id) {
        return None;
    }
    match id.len() {
        15 => Some(format!("{id}{}", checksum(id))),
        18 => {
            let sum = checksum(&id[..15]);
            if sum.eq_ignore_ascii_case(&id[15..]) {
                Some(format!("{}{}", &id[..15], sum))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Builds the 18-char id for key prefix `prefix` (3 chars), a 2-char pod marker
/// and a sequence number.
pub fn make_id(prefix: &str, seq: u64) -> String {
    let mut digits = [b'0'; 10];
    let mut n = seq;
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    // prefix (3) + pod "5g" (2) + 10 base-62 digits = 15
    let mut id15 = String::with_capacity(18);
    id15.push_str(prefix);
    id15.push_str("5g");
    // digits is ASCII by construction
    id15.push_str(std::str::from_utf8(&digits).unwrap_or("0000000000"));
    let sum = checksum(&id15);
    id15.push_str(&sum);
    id15
}

/// A random-looking 15-char body for tokens and locators.
pub fn base62_char(n: u64) -> char {
    BASE62[(n % 62) as usize] as char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        assert_eq!(checksum("001000000000000"), "AAA");
        assert_eq!(checksum("AaaAABbbBBCccCC"), "ZZZ");
        assert_eq!(checksum("ABCDEFGHIJKLMNO"), "555");
        assert_eq!(checksum("AAaAAbbBBBCcCCC"), "123");
        assert_eq!(checksum("70130000001tcyI"), "AAQ");
        assert_eq!(checksum("a0BA0000000L2ZC"), "MA0");
        assert_eq!(checksum("005i0000002MUqL"), "AAW");
        assert_eq!(checksum("00DA0000000YpZ4"), "MAK");
    }

    #[test]
    fn normalise() {
        assert_eq!(
            to18("00DA0000000YpZ4").as_deref(),
            Some("00DA0000000YpZ4MAK")
        );
        assert_eq!(
            to18("00DA0000000YpZ4mak").as_deref(),
            Some("00DA0000000YpZ4MAK")
        );
        assert_eq!(to18("00DA0000000YpZ4AAA"), None);
        assert_eq!(to18("abc"), None);
        let id = make_id("001", 123_456);
        assert_eq!(id.len(), 18);
        assert_eq!(to18(&id).as_deref(), Some(id.as_str()));
    }
}
