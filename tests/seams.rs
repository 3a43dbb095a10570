//! The seams behind fleet mode, without Redis: a `TokenStore` shared by several clients of one
//! process, and a `RateLimiter` of the caller's own, against the mock gateway.

mod common;

use rizzitgo_mock_gateway::{ErrorStyle, Failure};
use rizzitgo_open_api::limiter::{Permit, PermitFuture, RateLimiter, ReleaseFuture};
use rizzitgo_open_api::store::MemoryTokenStore;
use rizzitgo_open_api::{Client, RetryPolicy};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::task::JoinSet;

#[tokio::test]
async fn clients_sharing_a_memory_store_fetch_one_token_between_them() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let store = Arc::new(MemoryTokenStore::new());
    let clients: Vec<Client> = (0..4)
        .map(|_| {
            common::builder(&gateway)
                .token_store(store.clone())
                .build()
                .unwrap()
        })
        .collect();
    let mut calls = JoinSet::new();
    for client in &clients {
        for _ in 0..50 {
            let client = client.clone();
            calls.spawn(async move { common::call(&client, "goods_detail").await });
        }
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(gateway.stats().token_requests, 1);

    // A token the gateway dropped is replaced once for all of them.
    gateway.expire_all_tokens();
    gateway.reset_stats();
    for client in &clients {
        common::call(client, "goods_detail").await.unwrap();
    }
    assert_eq!(gateway.stats().token_requests, 1);
}

/// Counts what the client asks of it.
#[derive(Debug, Default)]
struct Counting {
    acquired: AtomicUsize,
    answered: AtomicUsize,
    unanswered: AtomicUsize,
}

impl RateLimiter for Counting {
    fn acquire(&self) -> PermitFuture<'_> {
        let n = self.acquired.fetch_add(1, Ordering::AcqRel);
        Box::pin(std::future::ready(Permit::lease(n.to_string())))
    }

    fn release(&self, permit: Permit, answered: bool) -> ReleaseFuture<'_> {
        assert!(permit.lease_id().is_some());
        let counter = if answered {
            &self.answered
        } else {
            &self.unanswered
        };
        counter.fetch_add(1, Ordering::AcqRel);
        Box::pin(std::future::ready(()))
    }
}

#[tokio::test]
async fn a_rate_limiter_of_ones_own_admits_and_hears_back_about_every_attempt() {
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    let limiter = Arc::new(Counting::default());
    let (builder, _clock) = common::manual_builder(&gateway);
    let client = builder
        .rate_limiter(limiter.clone())
        .retry_policy(RetryPolicy::standard())
        .build()
        .unwrap();
    gateway.fail_next(1, Failure::http(503));
    common::call(&client, "goods_detail").await.unwrap();
    // Two attempts of the business call (the token request is not limited).
    assert_eq!(gateway.stats().endpoint(common::path_of("goods_detail")), 2);
    assert_eq!(limiter.acquired.load(Ordering::Acquire), 2);
    assert_eq!(limiter.answered.load(Ordering::Acquire), 2);
    assert_eq!(limiter.unanswered.load(Ordering::Acquire), 0);
}
