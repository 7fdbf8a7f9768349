//! Running the built `claw`: a command without claw's environment
//! variables, what a run printed, the JSON envelope, and a deadline that
//! turns a hang into a failure.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_claw");

/// How long a run that should finish may take before it counts as a hang.
/// It guards against hangs; it measures no speed.
pub(crate) const DEADLINE: Duration = Duration::from_secs(60);

/// `claw`, inheriting none of the variables that change what it reads
/// (`CLAW_REFERENCE_DATA`, `CLAW_WORKSPACE`, `CLAW_ROUTING`): a test sets
/// the ones it means.
pub(crate) fn claw() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("CLAW_REFERENCE_DATA").env_remove("CLAW_WORKSPACE").env_remove("CLAW_ROUTING");
    cmd
}

/// [`claw`] run in `dir`.
pub(crate) fn claw_in(dir: &Path) -> Command {
    let mut cmd = claw();
    cmd.current_dir(dir);
    cmd
}

/// What a finished run printed, as text.
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().expect("an exit code, not a signal"),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        }
    }
}

impl Run {
    /// Run `cmd` to completion.
    pub(crate) fn of(cmd: &mut Command) -> Run {
        cmd.output().expect("run claw").into()
    }

    /// The one JSON envelope of a JSON-mode run (see [`envelope`]).
    pub(crate) fn json(&self) -> Value {
        parse_envelope(self.stdout.as_bytes(), self.stderr.as_bytes(), Some(self.code))
    }
}

/// The one JSON envelope of a JSON-mode run: nothing on stderr, one line on
/// stdout, and its `exit_code` the process's.
pub(crate) fn envelope(out: &Output) -> Value {
    parse_envelope(&out.stdout, &out.stderr, out.status.code())
}

fn parse_envelope(stdout: &[u8], stderr: &[u8], code: Option<i32>) -> Value {
    let text = String::from_utf8_lossy(stdout);
    assert!(stderr.is_empty(), "JSON mode wrote to stderr: {}", String::from_utf8_lossy(stderr));
    assert!(text.ends_with('\n') && text.matches('\n').count() == 1, "not one line: {text:?}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(v["exit_code"].as_i64(), code.map(i64::from), "the envelope's exit_code is the process's: {v}");
    v
}

/// Run `cmd` (stdin empty, stdout and stderr captured) to completion, or
/// fail the test if it is still running at the [`DEADLINE`].
pub(crate) fn finish(mut cmd: Command) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null()).spawn().expect("claw runs");
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let status = wait_or_kill(&mut child);
    let stdout = stdout.join().expect("the stdout reader finishes");
    let stderr = stderr.join().expect("the stderr reader finishes");
    Output { status, stdout, stderr }
}

/// Read `pipe` to its end on a thread of its own, so that neither pipe
/// fills while the other is read.
fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Wait for `child`; past the [`DEADLINE`], kill it and fail the test.
pub(crate) fn wait_or_kill(child: &mut Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for claw") {
            return status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("claw still running after {DEADLINE:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
