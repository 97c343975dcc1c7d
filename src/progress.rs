//! Progress for long builds, shown only when stderr is a terminal and the
//! build is not quiet. Stages report through plain atomics so rendering
//! threads never wait on the display.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

static ENABLED: AtomicBool = AtomicBool::new(false);
static TOTAL: AtomicUsize = AtomicUsize::new(0);
static STAGE: Mutex<&'static str> = Mutex::new("");

/// Turns progress display on when stderr is a terminal.
pub fn enable(quiet: bool) {
    ENABLED.store(!quiet && std::io::stderr().is_terminal(), Ordering::Relaxed);
}

pub fn start(stage: &'static str, total: usize) {
    TOTAL.store(total, Ordering::Relaxed);
    *STAGE.lock().unwrap_or_else(|p| p.into_inner()) = stage;
}

/// Counts one unit of work; redraws every 2,000 units.
pub fn tick(done: &AtomicUsize) {
    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
    if n.is_multiple_of(2000) && ENABLED.load(Ordering::Relaxed) {
        let stage = *STAGE.lock().unwrap_or_else(|p| p.into_inner());
        let total = TOTAL.load(Ordering::Relaxed);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{stage}: {n}/{total}");
        let _ = err.flush();
    }
}

pub fn finish() {
    if ENABLED.load(Ordering::Relaxed) {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
}
