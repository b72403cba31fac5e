//! A background program the suite started, stopped with its whole process group on drop.

use std::fs::File;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

/// A running daemon: its own process group, stdout and stderr in a log file.
///
/// It is started through `setpriv --pdeathsig KILL`, so it dies with the test
/// thread even when the test binary is killed before `Drop` can run.
#[derive(Debug)]
pub struct Daemon {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Daemon {
    /// Starts `program args` with its output in `log`.
    pub fn start(name: &str, program: &str, args: &[&str], log: &Path) -> Daemon {
        let out = File::create(log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let err = out.try_clone().expect("clone log handle");
        let child = Command::new("setpriv")
            .args(["--pdeathsig", "KILL", "--", program])
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name} ({program}): {e}"));
        Daemon { name: name.to_owned(), child, log: log.to_owned() }
    }

    /// The process id (also the process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the daemon has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `ready` holds, failing with the daemon's log if it exits or
    /// takes longer than `limit`.
    pub fn wait_until(&mut self, what: &str, limit: Duration, ready: impl FnMut(&Daemon) -> bool) {
        if let Err(log) = self.wait_for(what, limit, ready) {
            panic!("{log}");
        }
    }

    /// Waits until `ready` holds; `Err` with what happened and the daemon's log if
    /// it exits first or takes longer than `limit`.
    pub fn wait_for(
        &mut self,
        what: &str,
        limit: Duration,
        mut ready: impl FnMut(&Daemon) -> bool,
    ) -> Result<(), String> {
        let start = Instant::now();
        loop {
            if ready(self) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{} exited ({status}) before {what}; its log:\n{}", self.name, self.log()));
            }
            if start.elapsed() > limit {
                return Err(format!("{} not {what} after {limit:?}; its log:\n{}", self.name, self.log()));
            }
            sleep(Duration::from_millis(25));
        }
    }

    /// Stops the process group: SIGTERM, then SIGKILL after two seconds.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let group = Pid::from_raw(self.child.id() as i32);
        let _ = killpg(group, Signal::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                // Also anything left in the group.
                let _ = killpg(group, Signal::SIGKILL);
                return;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// Runs a program to completion, failing the test with its output when it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
