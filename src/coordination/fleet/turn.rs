//! The fleet limiter's turn to ask Redis: one caller of a replica at a time, handed to the
//! highest waiting lane first and in order within a lane, so that a replica's interactive call
//! does not queue behind its own batch.

use crate::limiter::Priority;
use crate::sync::lock;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// One holder at a time (the fleet limiter's turn to ask Redis), handed to the highest waiting
/// lane first, in order within a lane.
#[derive(Default)]
pub(crate) struct Turn(Mutex<TurnState>);

#[derive(Default)]
struct TurnState {
    busy: bool,
    waiters: [VecDeque<oneshot::Sender<Held>>; 3],
}

/// The turn, while held; passed on when dropped (also when it is dropped unread in the channel
/// of a waiter that gave up).
pub(crate) struct Held(Arc<Turn>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.pass();
    }
}

impl Turn {
    /// Waits for the turn in `priority`'s lane, behind its waiters (`front`: before them, for a
    /// holder that stepped aside).
    pub(crate) async fn take(self: &Arc<Self>, priority: Priority, front: bool) -> Held {
        let receiver = {
            let mut state = lock(&self.0);
            if !state.busy {
                state.busy = true;
                return Held(Arc::clone(self));
            }
            let (sender, receiver) = oneshot::channel();
            let lane = &mut state.waiters[priority as usize];
            if front {
                lane.push_front(sender);
            } else {
                lane.push_back(sender);
            }
            receiver
        };
        match receiver.await {
            Ok(held) => held,
            // Never: a waiter's sender is only dropped by sending it the turn.
            Err(_) => Box::pin(self.take(priority, front)).await,
        }
    }

    /// Whether a caller of a higher lane than `priority` waits.
    pub(crate) fn higher_waiting(&self, priority: Priority) -> bool {
        let state = lock(&self.0);
        state.waiters[..priority as usize]
            .iter()
            .any(|lane| lane.iter().any(|w| !w.is_closed()))
    }

    /// Hands the turn to the next waiter, or frees it.
    fn pass(self: &Arc<Self>) {
        loop {
            let next = {
                let mut state = lock(&self.0);
                match state.waiters.iter_mut().find_map(VecDeque::pop_front) {
                    Some(next) => next,
                    None => {
                        state.busy = false;
                        return;
                    }
                }
            };
            // Sent outside the lock: a refused turn (its waiter gave up) comes back here,
            // and is not dropped (which would pass it again from within).
            match next.send(Held(Arc::clone(self))) {
                Ok(()) => return,
                Err(refused) => std::mem::forget(refused),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_turn_goes_to_the_highest_lane_and_survives_waiters_that_gave_up() {
        let turn = Arc::new(Turn::default());
        let held = turn.take(Priority::Normal, false).await;
        let background = tokio::spawn({
            let turn = Arc::clone(&turn);
            async move { drop(turn.take(Priority::Background, false).await) }
        });
        let gave_up = {
            let turn = Arc::clone(&turn);
            tokio::spawn(async move { drop(turn.take(Priority::Interactive, false).await) })
        };
        gave_up.abort();
        let interactive = {
            let turn = Arc::clone(&turn);
            tokio::spawn(async move { turn.take(Priority::Interactive, false).await })
        };
        // Both waiting (the aborted one may or may not have queued).
        while !turn.higher_waiting(Priority::Background) {
            tokio::task::yield_now().await;
        }
        assert!(!turn.higher_waiting(Priority::Interactive));
        drop(held);
        let second = interactive.await.unwrap();
        assert!(!background.is_finished(), "the interactive lane first");
        drop(second);
        background.await.unwrap();
        // Free again.
        drop(turn.take(Priority::Background, false).await);
    }
}
