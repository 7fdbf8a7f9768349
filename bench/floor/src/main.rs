//! The practical floor for `claw route` over a large inventory: the least
//! work that still looks at every byte the way a router must.
//!
//!   route-floor PROMPT DIR
//!
//! For `DIR/commands_snapshot.json` and `DIR/tools_snapshot.json`, one thread
//! per file:
//! * map the file (no copy);
//! * lowercase it 64 KiB at a time into one reused buffer;
//! * find every occurrence of every prompt token in one multi-pattern pass
//!   (aho-corasick's packed Teddy searcher);
//! * count the quotes that delimit fields.
//!
//! It prints the totals (so no work can be optimized away).  It does not
//! validate the JSON, parse entries, credit hits to entries or rank anything:
//! it is a floor, not a router.

use std::fs::File;
use std::os::fd::AsRawFd;

use aho_corasick::packed::{Config, Searcher};

const BLOCK: usize = 64 * 1024;

fn tokens(prompt: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for t in prompt.split(|c: char| c == '/' || c == '-' || c.is_whitespace()) {
        let t = t.to_lowercase().into_bytes();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The file's bytes, mapped read-only.
struct Map {
    ptr: *mut libc::c_void,
    len: usize,
}

impl Map {
    fn new(file: &File) -> std::io::Result<Map> {
        let len = file.metadata()?.len() as usize;
        if len == 0 {
            return Ok(Map { ptr: std::ptr::null_mut(), len });
        }
        // SAFETY: a fresh read-only private mapping of an open file.
        let ptr =
            unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_PRIVATE, file.as_raw_fd(), 0) };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Map { ptr, len })
    }

    fn bytes(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the mapping is `len` bytes and lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: unmapping what `new` mapped.
            unsafe { libc::munmap(self.ptr, self.len) };
        }
    }
}

/// (token occurrences, quotes) in one file.
fn pass(path: &std::path::Path, tokens: &[Vec<u8>]) -> std::io::Result<(u64, u64)> {
    let file = File::open(path)?;
    let map = Map::new(&file)?;
    let text = map.bytes();
    let mut builder = Config::new().builder();
    builder.extend(tokens);
    let searcher: Option<Searcher> = builder.build();
    let longest = tokens.iter().map(Vec::len).max().unwrap_or(1);
    let mut low = vec![0u8; BLOCK + longest];
    let (mut hits, mut quotes) = (0u64, 0u64);
    let mut at = 0;
    while at < text.len() {
        let end = (at + BLOCK).min(text.len());
        let window = &text[at..(end + longest - 1).min(text.len())];
        let low = &mut low[..window.len()];
        for (d, s) in low.iter_mut().zip(window) {
            *d = s.to_ascii_lowercase();
        }
        quotes += text[at..end].iter().filter(|&&b| b == b'"').count() as u64;
        if let Some(searcher) = &searcher {
            let mut from = 0;
            while let Some(m) = searcher.find_in(&*low, aho_corasick::Span::from(from..low.len())) {
                if m.start() >= end - at {
                    break;
                }
                hits += 1;
                from = m.start() + 1;
            }
        }
        at = end;
    }
    Ok((hits, quotes))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, prompt, dir] = args.as_slice() else {
        eprintln!("usage: route-floor PROMPT DIR");
        std::process::exit(2);
    };
    let tokens = tokens(prompt);
    let dir = std::path::Path::new(dir);
    let results = std::thread::scope(|s| {
        let files = ["commands_snapshot.json", "tools_snapshot.json"];
        let tokens = &tokens;
        let handles: Vec<_> = files.into_iter().map(|f| s.spawn(move || pass(&dir.join(f), tokens))).collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect::<Vec<_>>()
    });
    let (mut hits, mut quotes) = (0, 0);
    for r in results {
        match r {
            Ok((h, q)) => {
                hits += h;
                quotes += q;
            }
            Err(e) => {
                eprintln!("route-floor: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{} tokens, {hits} hits, {quotes} quotes", tokens.len());
}
