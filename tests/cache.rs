//! The response cache over real HTTP against the mock gateway, on the client's manual clock:
//! lifetimes from the spec, expiry exactly at the lifetime, isolation between clients and
//! tenants, what is never stored, stale answers through an outage, per-call control, bounds.

mod common;

use futures_util::TryStreamExt;
use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::clock::ManualClock;
use rizzitgo_open_api::types::{GoodsRequest, ImageSearchRequest};
use rizzitgo_open_api::{CacheConfig, CacheControl, Client, ErrorKind, RetryPolicy, ServedFrom};
use std::sync::Arc;
use std::time::Duration;

const DETAIL: &str = "/open-api/goods/detail";
const QC_DETAIL: &str = "/open-api/goods/qc-detail";
const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

fn goods(id: &str) -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id(id).source(1)
}

async fn setup(config: CacheConfig) -> (MockGateway, Client, Arc<ManualClock>) {
    let gateway = MockGateway::start().await.unwrap();
    let (builder, clock) = common::manual_builder(&gateway);
    let client = builder.cache(config).build().unwrap();
    (gateway, client, clock)
}

/// Where the answer of a goods-detail call came from.
async fn detail_from(client: &Client, id: &str) -> ServedFrom {
    let answer = client
        .goods_detail(goods(id))
        .with_response()
        .await
        .unwrap();
    answer.metadata().served_from()
}

#[tokio::test]
async fn an_answer_is_reused_for_its_lifetime_and_not_a_millisecond_longer() {
    let (gateway, client, clock) = setup(CacheConfig::new()).await;
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    clock.advance(60 * SECOND - MS);
    let hit = client
        .goods_detail(goods(seed::GOODS_ID))
        .with_response()
        .await
        .unwrap();
    assert_eq!(hit.metadata().served_from(), ServedFrom::Cache);
    assert_eq!(hit.metadata().age(), Some(60 * SECOND - MS));
    assert_eq!(hit.metadata().attempts(), 0);
    assert_eq!(hit.data().price.as_deref(), Some("99.00"));
    assert_eq!(gateway.stats().endpoint(DETAIL), 1);
    // Exactly at the spec's 60 s: expired.
    clock.advance(MS);
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
}

#[tokio::test]
async fn an_answer_without_a_record_lives_its_shorter_lifetime() {
    let (gateway, client, clock) = setup(CacheConfig::new()).await;
    let qc = |id: &'static str| {
        let client = client.clone();
        async move {
            let answer = client
                .goods_qc_detail(goods(id))
                .with_response()
                .await
                .unwrap();
            (answer.data().is_some(), answer.metadata().served_from())
        }
    };
    assert_eq!(
        qc(seed::GOODS_WITHOUT_QC_ID).await,
        (false, ServedFrom::Gateway)
    );
    assert_eq!(qc(seed::GOODS_ID).await, (true, ServedFrom::Gateway));
    clock.advance(59 * SECOND);
    assert_eq!(
        qc(seed::GOODS_WITHOUT_QC_ID).await,
        (false, ServedFrom::Cache)
    );
    clock.advance(SECOND);
    // 60 s: the answer without a record is gone, the record itself lives 10 min.
    assert_eq!(
        qc(seed::GOODS_WITHOUT_QC_ID).await,
        (false, ServedFrom::Gateway)
    );
    clock.advance(539 * SECOND);
    assert_eq!(qc(seed::GOODS_ID).await, (true, ServedFrom::Cache));
    assert_eq!(gateway.stats().endpoint(QC_DETAIL), 3);
}

#[tokio::test]
async fn one_client_or_tenant_never_sees_anothers_answer() {
    let gateway = MockGateway::start().await.unwrap();
    let first = common::builder(&gateway)
        .cache(CacheConfig::new())
        .build()
        .unwrap();
    assert_eq!(
        detail_from(&first, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    // The same application in another tenant: its own request, refused by the gateway.
    let other_tenant = common::builder(&gateway)
        .tenant_id(seed::OTHER_TENANT_ID)
        .cache(CacheConfig::new())
        .build()
        .unwrap();
    let refused = other_tenant
        .goods_detail(goods(seed::GOODS_ID))
        .await
        .unwrap_err();
    assert!(refused.is_api(), "{refused}");
    // Another application: its own request too.
    let other_client = Client::builder()
        .base_url(gateway.url())
        .client_id(seed::OTHER_CLIENT_ID)
        .client_secret(seed::OTHER_CLIENT_SECRET)
        .tenant_id(seed::OTHER_TENANT_ID)
        .cache(CacheConfig::new())
        .build()
        .unwrap();
    assert_eq!(
        detail_from(&other_client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    // The other tenant's token was refused before any detail request: two detail requests.
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
    // The first client's clones share its cache.
    assert_eq!(
        detail_from(&first.clone(), seed::GOODS_ID).await,
        ServedFrom::Cache
    );
}

#[tokio::test]
async fn failures_are_never_stored() {
    let (gateway, client, _clock) = setup(CacheConfig::new()).await;
    for failure in [
        Failure::http(503),
        Failure::http(429),
        Failure::code(1_008_005_000, "goods does not exist"),
    ] {
        gateway.fail_next(1, failure);
        client
            .goods_detail(goods(seed::GOODS_ID))
            .retry_policy(RetryPolicy::none())
            .await
            .unwrap_err();
    }
    gateway.drop_next(1, rizzitgo_mock_gateway::DropPoint::BeforeProcessing);
    client
        .goods_detail(goods(seed::GOODS_ID))
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Cache
    );
    assert_eq!(gateway.stats().endpoint(DETAIL), 5);
}

#[tokio::test]
async fn stale_answers_keep_a_storefront_up_through_an_outage() {
    let config = CacheConfig::new().stale_if_error(Duration::from_secs(600));
    let (gateway, client, clock) = setup(config).await;
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    clock.advance(61 * SECOND);
    // The gateway is down: every attempt gets a 503.
    gateway.fail_next(100, Failure::http(503));
    let stale = client
        .goods_detail(goods(seed::GOODS_ID))
        .retry_policy(RetryPolicy::none())
        .with_response()
        .await
        .unwrap();
    assert_eq!(stale.metadata().served_from(), ServedFrom::Stale);
    assert_eq!(stale.metadata().age(), Some(61 * SECOND));
    assert_eq!(stale.data().goods_id.as_deref(), Some(seed::GOODS_ID));
    assert_eq!(
        gateway.stats().endpoint(DETAIL),
        2,
        "the call still tried the gateway"
    );
    // A refusal of the request itself is not an outage: no stale answer for it.
    gateway.clear_faults();
    gateway.fail_next(1, Failure::http(403));
    let refused = client
        .goods_detail(goods(seed::GOODS_ID))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    // Past the window, the outage is the caller's to see.
    clock.advance(600 * SECOND);
    gateway.fail_next(100, Failure::http(503));
    let error = client
        .goods_detail(goods(seed::GOODS_ID))
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(error.is_server_error(), "{error}");
}

#[tokio::test]
async fn a_call_chooses_bypass_refresh_or_a_maximum_age() {
    let (gateway, client, clock) = setup(CacheConfig::new()).await;
    let from = |control: CacheControl| {
        let client = client.clone();
        async move {
            let answer = client
                .goods_detail(goods(seed::GOODS_ID))
                .cache(control)
                .with_response()
                .await
                .unwrap();
            answer.metadata().served_from()
        }
    };
    assert_eq!(from(CacheControl::Bypass).await, ServedFrom::Gateway);
    assert_eq!(
        from(CacheControl::Use).await,
        ServedFrom::Gateway,
        "bypass stored nothing"
    );
    clock.advance(10 * SECOND);
    assert_eq!(
        from(CacheControl::MaxAge(5 * SECOND)).await,
        ServedFrom::Gateway
    );
    // That answer was stored: 0 s old now.
    assert_eq!(
        from(CacheControl::MaxAge(5 * SECOND)).await,
        ServedFrom::Cache
    );
    assert_eq!(from(CacheControl::Refresh).await, ServedFrom::Gateway);
    assert_eq!(from(CacheControl::Bypass).await, ServedFrom::Gateway);
    assert_eq!(from(CacheControl::Use).await, ServedFrom::Cache);
    assert_eq!(gateway.stats().endpoint(DETAIL), 5);
}

#[tokio::test]
async fn the_builder_overrides_a_lifetime_and_zero_turns_it_off() {
    let config = CacheConfig::new()
        .lifetime("goods_detail", Duration::ZERO)
        .lifetime("parse_goods_url", Duration::from_secs(5));
    let (gateway, client, _clock) = setup(config).await;
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(
        detail_from(&client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
}

#[tokio::test]
async fn a_configuration_that_makes_no_sense_is_a_config_error_naming_it() {
    let gateway = MockGateway::start().await.unwrap();
    for (config, named) in [
        (CacheConfig::new().max_entries(0), "max_entries"),
        (CacheConfig::new().max_bytes(0), "max_bytes"),
        (CacheConfig::new().max_entry_bytes(0), "max_entry_bytes"),
        (
            CacheConfig::new().lifetime("goods_stock", SECOND),
            "goods_stock",
        ),
        (
            CacheConfig::new().lifetime("redeem_coupon", SECOND),
            "redeem_coupon",
        ),
    ] {
        let error = common::builder(&gateway).cache(config).build().unwrap_err();
        assert!(error.is_config(), "{error}");
        assert!(error.to_string().contains(named), "{error}");
    }
}

#[tokio::test]
async fn the_cache_holds_no_more_entries_than_its_bound() {
    let (gateway, client, _clock) = setup(CacheConfig::new().max_entries(8)).await;
    let hits: Vec<_> = client
        .search_goods_by_image_stream(
            ImageSearchRequest::builder()
                .images_url("https://example.com/img/query.jpg")
                .source(1),
        )
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = hits
        .iter()
        .filter(|hit| hit.goods_source == Some(1))
        .filter_map(|hit| hit.goods_id.clone())
        .take(40)
        .collect();
    assert_eq!(ids.len(), 40);
    for id in &ids {
        let _ = client.goods_detail(goods(id)).await;
    }
    gateway.reset_stats();
    for id in &ids {
        let _ = client.goods_detail(goods(id)).await;
    }
    let sent = gateway.stats().endpoint(DETAIL);
    assert!(
        sent >= 40 - 8,
        "at most 8 of 40 answers kept, {} served",
        40 - sent
    );
}
