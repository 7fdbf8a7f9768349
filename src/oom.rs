//! Running out of memory is a typed error, not an abort.
//!
//! Rust aborts the process when an allocation fails.  claw's global
//! allocator (installed by `main.rs`) answers instead, as for any other typed
//! error: in JSON mode one envelope on stdout with `error.kind`
//! `"out_of_memory"`, in text mode one line on stderr; then it exits 1.
//! Nothing is allocated on that path.  Code that handles a failed allocation
//! itself (`try_reserve`) runs inside [`fallible`], where the allocator
//! returns the failure to it as usual.
//!
//! Every reply is built in full before its first byte is written, so the
//! envelope is never appended to a half-printed answer.

/// The `error.kind` of the envelope written when memory runs out.
pub const KIND: &str = "out_of_memory";

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// The system allocator, with failures reported as typed errors.
pub struct Allocator;

thread_local! {
    static FALLIBLE: Cell<u32> = const { Cell::new(0) };
}

static JSON: AtomicBool = AtomicBool::new(false);
static COMMAND: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static COMMAND_LEN: AtomicUsize = AtomicUsize::new(0);

/// Say how an out-of-memory answer must look: the output mode and the
/// command it answers for.
pub fn set_context(json: bool, command: &'static str) {
    JSON.store(json, Ordering::Relaxed);
    COMMAND_LEN.store(0, Ordering::Release);
    COMMAND.store(command.as_ptr().cast_mut(), Ordering::Release);
    COMMAND_LEN.store(command.len(), Ordering::Release);
}

/// Run `f` with allocation failures returned to it (for `try_reserve`).
pub fn fallible<T>(f: impl FnOnce() -> T) -> T {
    FALLIBLE.with(|c| c.set(c.get() + 1));
    let result = f();
    FALLIBLE.with(|c| c.set(c.get() - 1));
    result
}

fn check(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() && FALLIBLE.try_with(|c| c.get()).unwrap_or(0) == 0 {
        report(size);
    }
    ptr
}

// SAFETY: every call is forwarded unchanged to `System`; only a null result
// is inspected.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `layout` obligations pass through to `System`.
        check(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `layout` obligations pass through to `System`.
        check(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller's obligations pass through.
        check(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
}

/// A fixed buffer for building the answer without allocating.
struct Buf {
    bytes: [u8; 512],
    len: usize,
}

impl Buf {
    fn push(&mut self, s: &[u8]) {
        let n = s.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s[..n]);
        self.len += n;
    }

    fn num(&mut self, mut n: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut i = digits.len();
        while n > 0 || digits.len() - i < width.max(1) {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.push(&digits[i..]);
    }
}

fn report(size: usize) -> ! {
    // Two threads may run out at once: the first answers, the others wait
    // for its `_exit`.
    static REPORTING: AtomicBool = AtomicBool::new(false);
    if REPORTING.swap(true, Ordering::AcqRel) {
        loop {
            // SAFETY: sleeping touches no memory.
            unsafe { libc::pause() };
        }
    }
    let mut b = Buf { bytes: [0; 512], len: 0 };
    let json = JSON.load(Ordering::Relaxed);
    if json {
        let len = COMMAND_LEN.load(Ordering::Acquire);
        let ptr = COMMAND.load(Ordering::Acquire);
        let command = if ptr.is_null() || len == 0 {
            b"claw" as &[u8]
        } else {
            // SAFETY: `set_context` stores the pointer and length of a `&'static str`.
            unsafe { std::slice::from_raw_parts(ptr, len) }
        };
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (year, month, day, h, m, s) = crate::output::civil(secs as i64);
        b.push(b"{\"timestamp\": \"");
        b.num(year as u64, 4);
        for (sep, v) in [(b"-", month), (b"-", day), (b"T", h), (b":", m), (b":", s)] {
            b.push(sep);
            b.num(v as u64, 2);
        }
        b.push(b"Z\", \"command\": \"");
        b.push(command);
        b.push(b"\", \"exit_code\": 1, \"output_format\": \"json\", \"schema_version\": \"1.0\", ");
        b.push(b"\"error\": {\"kind\": \"");
        b.push(KIND.as_bytes());
        b.push(b"\", \"message\": \"memory allocation of ");
        b.num(size as u64, 1);
        b.push(b" bytes failed\", \"retryable\": true}}\n");
    } else {
        b.push(b"error: out of memory: memory allocation of ");
        b.num(size as u64, 1);
        b.push(b" bytes failed\n");
    }
    let fd = if json { 1 } else { 2 };
    let mut done = 0;
    while done < b.len {
        // SAFETY: writes initialised bytes of a live buffer.
        let n = unsafe { libc::write(fd, b.bytes[done..b.len].as_ptr().cast(), b.len - done) };
        if n <= 0 {
            break;
        }
        done += n as usize;
    }
    // SAFETY: ends the process at once, without running anything that could allocate.
    unsafe { libc::_exit(1) }
}
