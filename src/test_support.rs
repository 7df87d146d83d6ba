//! Helpers for the unit tests: a seeded random source and random edits of
//! valid payloads (the decoders' property tests feed them).

/// xorshift64: deterministic, so a failing input is found again by the
/// same test run.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One to `max_edits` random edits of `body`: one of `specials`
    /// inserted, a short run removed, a byte replaced (mostly by ASCII), the
    /// rest cut off, or a piece of the body copied elsewhere.
    pub fn mutate(&mut self, body: &mut Vec<u8>, max_edits: usize, specials: &[&[u8]]) {
        for _ in 0..1 + self.below(max_edits.max(1)) {
            if body.is_empty() {
                return;
            }
            let at = self.below(body.len());
            match self.below(8) {
                0 | 1 if !specials.is_empty() => {
                    let s = specials[self.below(specials.len())];
                    body.splice(at..at, s.iter().copied());
                }
                2 | 3 => {
                    let end = (at + 1 + self.below(12)).min(body.len());
                    body.drain(at..end);
                }
                4 => body[at] = self.next() as u8,
                5 => body.truncate(at),
                6 => {
                    let from = self.below(body.len());
                    let end = (from + 1 + self.below(40)).min(body.len());
                    let piece = body[from..end].to_vec();
                    body.splice(at..at, piece);
                }
                _ => body[at] = (self.next() % 128) as u8,
            }
        }
    }
}
