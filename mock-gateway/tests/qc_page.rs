//! Paginated QC query (guide 7.4).

mod common;

use std::collections::HashSet;

use common::*;
use rizzitgo_mock_gateway::{MockGateway, seed};
use serde_json::{Value, json};

#[tokio::test]
async fn guide_example_query_answers_the_guide_record() {
    let (_gw, c, t) = setup().await;
    let data = c
        .call(
            QC_PAGE,
            &t,
            &json!({
                "pageNo": 1,
                "pageSize": 10,
                "completionTime": ["2026-06-01 00:00:00", "2026-06-02 23:59:59"]
            }),
        )
        .await
        .ok();
    assert_eq!(data["total"], 1);
    let list = data["list"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    // Same fields as 7.2 (the 7.4 example shows one photo; the mock keeps 7.2's two).
    assert_eq!(list[0]["goodsId"], "123456");
    assert_eq!(list[0]["completionTime"], "2026-06-02 18:30:00");
    assert_eq!(list[0]["volume"], "6000");
}

async fn page(c: &Client, t: &str, body: Value) -> (Vec<Value>, u64) {
    let data = c.call(QC_PAGE, t, &body).await.ok();
    (
        data["list"].as_array().unwrap().clone(),
        data["total"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn pages_cover_every_record_once_latest_first() {
    let (_gw, c, t) = setup().await;
    let mut seen = Vec::new();
    for page_no in 1..=8 {
        let (list, total) = page(&c, &t, json!({"pageNo": page_no, "pageSize": 10})).await;
        assert_eq!(total, seed::QC_RECORD_COUNT);
        let expected = if page_no < 8 { 10 } else { 4 };
        assert_eq!(list.len(), expected, "page {page_no}");
        seen.extend(list);
    }
    let (past_end, total) = page(&c, &t, json!({"pageNo": 9, "pageSize": 10})).await;
    assert!(past_end.is_empty());
    assert_eq!(total, seed::QC_RECORD_COUNT);
    let times: Vec<&str> = seen
        .iter()
        .map(|r| r["completionTime"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "latest completion first");
    let june = times.iter().filter(|t| t.starts_with("2026-06-")).count();
    assert_eq!(june as u64, seed::QC_JUNE_2026_COUNT);
    let unique: HashSet<String> = seen.iter().map(|r| r.to_string()).collect();
    assert_eq!(unique.len() as u64, seed::QC_RECORD_COUNT);
    let (all, _) = page(&c, &t, json!({"pageNo": 1, "pageSize": 100})).await;
    assert_eq!(all, seen);
}

#[tokio::test]
async fn filters_combine() {
    let (_gw, c, t) = setup().await;
    let (list, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 100, "goodsId": seed::QC_MULTI_GOODS_ID}),
    )
    .await;
    assert_eq!((list.len(), total), (3, 3));
    let (_, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 100, "goodsId": seed::QC_MULTI_GOODS_ID, "source": 1}),
    )
    .await;
    assert_eq!(total, 0);
    // Inclusive bounds: exactly the 2026-06-15 16:00:00 record.
    let (list, total) = page(
        &c,
        &t,
        json!({
            "pageNo": 1, "pageSize": 100, "goodsId": seed::QC_MULTI_GOODS_ID,
            "completionTime": ["2026-06-15 16:00:00", "2026-06-15 16:00:00"]
        }),
    )
    .await;
    assert_eq!(total, 1);
    assert_eq!(list[0]["completionTime"], "2026-06-15 16:00:00");
    // createTime: 123456 was created 2026-06-01 10:00:00, the day before anything else.
    let (list, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 100, "createTime": ["2026-06-01 00:00:00", "2026-06-01 23:59:59"]}),
    )
    .await;
    assert_eq!(total, 1);
    assert_eq!(list[0]["goodsId"], "123456");
    // Per-source totals add up.
    let mut sum = 0;
    for source in 1..=3 {
        let (_, total) = page(
            &c,
            &t,
            json!({"pageNo": 1, "pageSize": 1, "source": source}),
        )
        .await;
        assert!(total > 0);
        sum += total;
    }
    assert_eq!(sum, seed::QC_RECORD_COUNT);
    // A reversed range matches nothing.
    let (_, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "completionTime": ["2026-06-30 00:00:00", "2026-06-01 00:00:00"]}),
    )
    .await;
    assert_eq!(total, 0);
}

#[tokio::test]
async fn page_request_validation() {
    let (_gw, c, t) = setup().await;
    for bad in [
        json!({"pageSize": 10}),
        json!({"pageNo": 1}),
        json!({"pageNo": 0, "pageSize": 10}),
        json!({"pageNo": 1, "pageSize": 0}),
        json!({"pageNo": 1, "pageSize": 101}),
        json!({"pageNo": "1", "pageSize": 10}),
        json!({"pageNo": 1, "pageSize": 10, "source": 5}),
        json!({"pageNo": 1, "pageSize": 10, "completionTime": ["2026-06-01 00:00:00"]}),
        json!({"pageNo": 1, "pageSize": 10, "completionTime": ["2026-06-01", "2026-06-02"]}),
        json!({"pageNo": 1, "pageSize": 10, "createTime": ["a", "b", "c"]}),
        json!({"pageNo": 1, "pageSize": 10, "createTime": "2026-06-01 00:00:00"}),
        json!({"pageNo": 1, "pageSize": 10, "goodsId": 5}),
        // Explicit nulls are rejected: omit optional fields instead.
        json!({"pageNo": 1, "pageSize": 10, "goodsId": null}),
        json!({"pageNo": 1, "pageSize": 10, "completionTime": null}),
    ] {
        c.call(QC_PAGE, &t, &bad).await.assert_error(200, 400);
    }
    let (list, _) = page(&c, &t, json!({"pageNo": 1, "pageSize": 100})).await;
    assert_eq!(list.len() as u64, seed::QC_RECORD_COUNT);
}

/// The completion dates (`yyyy-MM-dd`) of every record completed in `range`.
async fn dates(c: &Client, t: &str, range: [&str; 2]) -> Vec<String> {
    let body = json!({"pageNo": 1, "pageSize": 100, "completionTime": range});
    let (list, total) = page(c, t, body).await;
    assert_eq!(list.len() as u64, total);
    list.iter()
        .map(|r| r["completionTime"].as_str().unwrap()[..10].to_owned())
        .collect()
}

#[tokio::test]
async fn recent_records_follow_the_gateway_start_date() {
    let (_gw, c, t) = start(MockGateway::builder().today("2026-12-07")).await;
    let december = dates(&c, &t, ["2026-12-01 00:00:00", "2026-12-31 23:59:59"]).await;
    assert_eq!(
        december,
        ["2026-12-07", "2026-12-05", "2026-12-03", "2026-12-01"]
    );
    let november = dates(&c, &t, ["2026-11-01 00:00:00", "2026-11-30 23:59:59"]).await;
    assert_eq!(november.len(), 15);
    assert_eq!(
        (november[0].as_str(), november[14].as_str()),
        ("2026-11-29", "2026-11-01")
    );
    let october = dates(&c, &t, ["2026-10-01 00:00:00", "2026-10-31 23:59:59"]).await;
    assert_eq!(october, ["2026-10-30"]);
    // Each on its own catalog goods, whose QC detail is that record.
    let newest = c
        .call(
            QC_DETAIL,
            &t,
            &json!({"goodsId": "9100000000", "source": 1}),
        )
        .await
        .ok();
    assert!(
        newest["completionTime"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-07 00:")
    );
    // June 2026 keeps exactly the guide's records.
    let june = dates(&c, &t, ["2026-06-01 00:00:00", "2026-06-30 23:59:59"]).await;
    assert_eq!(june.len() as u64, seed::QC_JUNE_2026_COUNT);
}

#[tokio::test]
async fn by_default_recent_records_end_today() {
    let (_gw, c, t) = setup().await;
    let (list, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 1})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT);
    // Completed at midnight today (UTC+8): after June 2026 on any machine running this.
    let newest = list[0]["completionTime"].as_str().unwrap();
    assert!(
        newest.ends_with(" 00:00:00") && newest > "2026-07",
        "{newest}"
    );
    assert_eq!(list[0]["goodsId"], seed::CATALOG_FIRST_ID.to_string());
}

#[tokio::test]
async fn start_refuses_a_date_that_is_not_real() {
    for bad in ["2026-02-29", "2026-12-7", "yesterday", ""] {
        let error = MockGateway::builder().today(bad).start().await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{bad}");
        assert!(error.to_string().contains("today"), "{error}");
    }
}
