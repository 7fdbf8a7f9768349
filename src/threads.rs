//! Two pieces of work on two threads when the system grants a second one,
//! else both on the calling thread: a thread that cannot be spawned (thread
//! or memory limits) slows claw down but never fails it.

use std::sync::Mutex;

/// Run `side` and `here`, in parallel where possible; returns both results.
pub(crate) fn both<A: Send, B>(side: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    // The closure waits in a slot so that it is still ours if the spawn fails.
    let slot = Mutex::new(Some(side));
    let take = || slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    let (side_result, here_result) = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, || take().map(|f| f()));
        let here_result = here();
        let side_result = match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => None,
        };
        (side_result, here_result)
    });
    let side_result = side_result.or_else(|| take().map(|f| f()));
    (side_result.expect("the side task runs exactly once, on a thread or here"), here_result)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_results_come_back() {
        let (a, b) = super::both(|| (1..=10).sum::<u32>(), || "here");
        assert_eq!((a, b), (55, "here"));
    }
}
