//! The one launcher of the fake for Rust tests (doc/dev/ARCHITECTURE.md,
//! "Finding the fake in tests"): starts the `fake-salesforce` binary on
//! `127.0.0.1:0`, reads its first stdout line (one JSON object: URLs,
//! credentials, CA file) and kills and reaps the process it started when
//! dropped. Test crates wrap it with their own helpers (client
//! configurations, control requests); none of them spawns the fake itself.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Path of the fake binary: `$FAKE_SALESFORCE_BIN`, else `fake-salesforce`
/// in the target directory of the running test executable
/// (`target/debug/deps/<test>` -> `target/debug/fake-salesforce`).
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FAKE_SALESFORCE_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .join("fake-salesforce")
}

/// A running fake org, started by [`Fake::start`] or [`Fake::start_with`].
pub struct Fake {
    child: Child,
    /// The first stdout line, decoded.
    pub info: Value,
}

impl Fake {
    /// Starts [`binary()`] with `args` (e.g. `--tls`, `--generate ...`);
    /// the fake's stderr goes to the test's stderr.
    pub fn start(args: &[&str]) -> Fake {
        Fake::start_with(&binary(), args, Stdio::inherit())
    }

    /// Starts `bin` with `args`, the fake's stderr going to `stderr`.
    /// Panics (after stopping the process) when the first line is not JSON.
    pub fn start_with(bin: &Path, args: &[&str], stderr: Stdio) -> Fake {
        assert!(
            bin.exists(),
            "{} is missing: run `cargo build -p fake-salesforce` first (or set FAKE_SALESFORCE_BIN)",
            bin.display()
        );
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let read = reader.read_line(&mut line);
        let info = match read.map(|_| serde_json::from_str::<Value>(line.trim())) {
            Ok(Ok(v)) if v.is_object() => v,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("fake's first line is not a JSON object ({other:?}): {line:?}");
            }
        };
        // Keep draining stdout so the fake never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
        });
        Fake { child, info }
    }

    /// A string of the first line; panics when it is missing.
    pub fn s(&self, key: &str) -> String {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("fake info has no {key}: {}", self.info))
            .to_string()
    }

    /// The port the fake listens on.
    pub fn port(&self) -> u16 {
        let url = self.s("instance_url");
        url.rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url}"))
    }

    /// The process id of the fake (the only process [`Drop`] kills).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
