//! QC records added to one running gateway (`add_qc_records`, `/__mock/add-qc-records`).

mod common;

use common::*;
use hyper::Method;
use rizzitgo_mock_gateway::{ErrorStyle, MockGateway, MockGatewayBuilder, seed};
use serde_json::{Value, json};

const LATE: &str = "2026-07-01 08:00:00";

/// A gateway started on 2026-06-30: its recent seeded records (completed in the first hour of
/// 2026-06-30, -28, …, 2026-05-22) lie among June's, after 2026-05-01 and before [`LATE`].
async fn on_june_30(builder: MockGatewayBuilder) -> (MockGateway, Client, String) {
    start(builder.today("2026-06-30")).await
}

/// The recent seeded records completed in June 2026, for a gateway of [`on_june_30`]: 06-30 back to
/// 06-02, every other day.
const RECENT_IN_JUNE: u64 = 15;

async fn page(c: &Client, t: &str, body: Value) -> (Vec<Value>, u64) {
    let data = c.call(QC_PAGE, t, &body).await.ok();
    (
        data["list"].as_array().unwrap().clone(),
        data["total"].as_u64().unwrap(),
    )
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|r| r["goodsId"].as_str().unwrap())
        .collect()
}

/// Every record, page by page (100 per page).
async fn all(c: &Client, t: &str, filter: Value) -> Vec<Value> {
    let mut out = Vec::new();
    for page_no in 1.. {
        let mut body = filter.clone();
        body["pageNo"] = json!(page_no);
        body["pageSize"] = json!(100);
        let (list, total) = page(c, t, body).await;
        if list.is_empty() {
            assert_eq!(out.len() as u64, total);
            return out;
        }
        out.extend(list);
    }
    unreachable!()
}

fn assert_ordered(list: &[Value]) {
    for w in list.windows(2) {
        let key = |r: &Value| {
            (
                std::cmp::Reverse(r["completionTime"].as_str().unwrap().to_owned()),
                r["goodsId"].as_str().unwrap().to_owned(),
            )
        };
        assert!(key(&w[0]) < key(&w[1]), "{} then {}", w[0], w[1]);
    }
}

#[tokio::test]
async fn added_records_join_totals_and_order() {
    let (gw, c, t) = on_june_30(MockGateway::builder()).await;
    let added = gw.add_qc_records(3, LATE).unwrap();
    assert_eq!(added, ["700000001", "700000002", "700000003"]);
    let (list, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 5})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT + 3);
    // Completed after every seeded record: first, by goodsId among equal times.
    assert_eq!(&ids(&list)[..3], ["700000001", "700000002", "700000003"]);
    assert!(list[3]["completionTime"].as_str().unwrap() < LATE);
    assert_eq!(
        list[0],
        json!({
            "goodsId": "700000001",
            "qcPathList": ["https://example.com/qc/extra-700000001.jpg"],
            "length": "11", "width": "6", "height": "3", "weight": "137", "volume": "198",
            "completionTime": LATE,
        })
    );

    // More records, some in the middle of the seeded ones, some tied with the first batch,
    // some earlier than everything: the listing stays complete and ordered.
    assert_eq!(
        gw.add_qc_records(2, "2026-06-15 16:00:00").unwrap().len(),
        2
    );
    gw.add_qc_records(2, LATE).unwrap();
    gw.add_qc_records(1, "2026-05-01 00:00:00").unwrap();
    gw.add_qc_records(0, LATE).unwrap();
    let list = all(&c, &t, json!({})).await;
    assert_eq!(list.len() as u64, seed::QC_RECORD_COUNT + 8);
    assert_ordered(&list);
    assert_eq!(
        &ids(&list)[..5],
        [
            "700000001",
            "700000002",
            "700000003",
            "700000006",
            "700000007"
        ]
    );
    assert_eq!(ids(&list).last(), Some(&"700000008"));
    // Ties with seeded 800100 (2026-06-15 16:00:00, source 2): goodsId order.
    let tied: Vec<&str> = list
        .iter()
        .filter(|r| r["completionTime"] == "2026-06-15 16:00:00")
        .map(|r| r["goodsId"].as_str().unwrap())
        .collect();
    assert_eq!(tied, ["700000004", "700000005", "800100"]);
}

#[tokio::test]
async fn records_added_between_two_page_fetches_shift_the_pages() {
    let (gw, c, t) = on_june_30(MockGateway::builder()).await;
    let (first, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 10})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT);
    gw.add_qc_records(3, LATE).unwrap();
    let (second, total) = page(&c, &t, json!({"pageNo": 2, "pageSize": 10})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT + 3);
    // The last three of the old page 1 are now the first three of page 2.
    assert_eq!(&second[..3], &first[7..]);
}

#[tokio::test]
async fn filters_include_or_exclude_added_records() {
    let (gw, c, t) = on_june_30(MockGateway::builder()).await;
    gw.add_qc_records(4, "2026-06-30 23:00:00").unwrap();
    let june = json!(["2026-06-01 00:00:00", "2026-06-30 23:59:59"]);
    let (_, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "completionTime": june}),
    )
    .await;
    assert_eq!(total, seed::QC_JUNE_2026_COUNT + RECENT_IN_JUNE + 4);
    // Inclusive bounds: exactly the added ones.
    let exact = json!(["2026-06-30 23:00:00", "2026-06-30 23:00:00"]);
    let (list, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "completionTime": exact}),
    )
    .await;
    assert_eq!(total, 4);
    assert_eq!(
        ids(&list),
        ["700000001", "700000002", "700000003", "700000004"]
    );
    // createTime equals completionTime.
    let (_, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "createTime": exact}),
    )
    .await;
    assert_eq!(total, 4);
    // Excluded: the guide's 7.4 query (June 1–2) and a range ending just before.
    let (list, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10,
               "completionTime": ["2026-06-01 00:00:00", "2026-06-02 23:59:59"]}),
    )
    .await;
    // The guide's record, and the recent one of 2026-06-02 (this gateway started on 06-30).
    assert_eq!((total, ids(&list)), (2, vec![seed::GOODS_ID, "9100000014"]));
    let (list, _) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 100,
               "completionTime": ["2026-06-01 00:00:00", "2026-06-30 22:59:59"]}),
    )
    .await;
    assert_eq!(list.len() as u64, seed::QC_JUNE_2026_COUNT + RECENT_IN_JUNE);
    assert!(ids(&list).iter().all(|id| !id.starts_with("70000000")));
    // Source and goodsId filters.
    let (_, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 1, "source": 1})).await;
    let (_, seeded_source_1) = {
        let (gw2, c2, t2) = on_june_30(MockGateway::builder()).await;
        let r = page(&c2, &t2, json!({"pageNo": 1, "pageSize": 1, "source": 1})).await;
        drop(gw2);
        r
    };
    assert_eq!(total, seeded_source_1 + 4);
    let (_, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 1, "source": 2})).await;
    assert!(total < seed::QC_RECORD_COUNT);
    let (list, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "goodsId": "700000003"}),
    )
    .await;
    assert_eq!((total, ids(&list)), (1, vec!["700000003"]));
    let (_, total) = page(
        &c,
        &t,
        json!({"pageNo": 1, "pageSize": 10, "goodsId": "700000003", "source": 3}),
    )
    .await;
    assert_eq!(total, 0);
}

#[tokio::test]
async fn qc_detail_and_images_answer_added_goods() {
    let (gw, c, t) = on_june_30(MockGateway::builder()).await;
    let id = gw.add_qc_records(2, LATE).unwrap().pop().unwrap();
    let key = json!({"goodsId": id, "source": 1});
    let detail = c.call(QC_DETAIL, &t, &key).await.ok();
    assert_eq!(detail["goodsId"], id.as_str());
    assert_eq!(detail["completionTime"], LATE);
    let photo = format!("https://example.com/qc/extra-{id}.jpg");
    assert_eq!(detail["qcPathList"], json!([photo]));
    assert_eq!(
        c.call(QC_IMAGES, &t, &key).await.ok(),
        json!([format!("https://example.com/qc/extra-{id}.jpg")])
    );
    // Another source, or an id not added yet: unknown goods.
    for key in [
        json!({"goodsId": id, "source": 2}),
        json!({"goodsId": "700000003", "source": 1}),
    ] {
        c.call(QC_DETAIL, &t, &key)
            .await
            .assert_error(200, seed::codes::GOODS_NOT_EXISTS);
        c.call(QC_IMAGES, &t, &key)
            .await
            .assert_error(200, seed::codes::GOODS_NOT_EXISTS);
    }
    // Seeded goods are unchanged.
    assert_eq!(
        c.call(QC_DETAIL, &t, &goods()).await.ok()["completionTime"],
        "2026-06-02 18:30:00"
    );
    let key = json!({"goodsId": seed::GOODS_WITHOUT_QC_ID, "source": 1});
    assert!(c.call(QC_DETAIL, &t, &key).await.ok().is_null());
}

#[tokio::test]
async fn rust_api_refuses_bad_input_without_adding() {
    let gw = MockGateway::start().await.unwrap();
    for bad in [
        "",
        "2026-06-30",
        "2026-06-30T23:00:00",
        "2026-13-01 00:00:00",
        "2026-02-30 00:00:00",
        "2026-06-30 24:00:00",
        "2026/06/30 23:00:00",
    ] {
        let err = gw.add_qc_records(1, bad).unwrap_err();
        assert!(err.contains("completionTime"), "{err}");
    }
    assert!(gw.add_qc_records(100_000_000, LATE).is_err());
    assert!(gw.add_qc_records(usize::MAX, LATE).is_err());
    // Nothing was added by the refused calls: the counter starts at 1.
    assert_eq!(gw.add_qc_records(1, LATE).unwrap(), ["700000001"]);
}

async fn admin(c: &Client, body: &str) -> Resp {
    c.send(
        Method::POST,
        "/__mock/add-qc-records",
        &[("content-type", "application/json")],
        body,
    )
    .await
}

#[tokio::test]
async fn admin_endpoint_adds_and_refuses_bad_input() {
    let (gw, c, t) = on_june_30(MockGateway::builder().error_style(ErrorStyle::HttpStatus)).await;
    let r = admin(&c, r#"{"n":3,"completionTime":"2026-06-30 23:00:00"}"#).await;
    assert_eq!((r.status, r.json()), (200, json!({"ok": true})));
    let (list, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 3})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT + 3);
    assert_eq!(ids(&list), ["700000001", "700000002", "700000003"]);
    // n defaults to 1, like the other admin endpoints.
    let r = admin(&c, r#"{"completionTime":"2026-07-01 00:00:00"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (list, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 1})).await;
    assert_eq!(
        (total, ids(&list)),
        (seed::QC_RECORD_COUNT + 4, vec!["700000004"])
    );

    for bad in [
        "",
        "{}",
        "not json",
        "[1]",
        r#"{"n":3}"#,
        r#"{"n":3,"completionTime":null}"#,
        r#"{"n":3,"completionTime":20260630}"#,
        r#"{"n":3,"completionTime":"2026-06-30"}"#,
        r#"{"n":3,"completionTime":"2026-06-31 00:00:00"}"#,
        r#"{"n":-1,"completionTime":"2026-06-30 23:00:00"}"#,
        r#"{"n":1.5,"completionTime":"2026-06-30 23:00:00"}"#,
        r#"{"n":"3","completionTime":"2026-06-30 23:00:00"}"#,
        r#"{"n":100000000,"completionTime":"2026-06-30 23:00:00"}"#,
    ] {
        let r = admin(&c, bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(r.json()["error"].is_string(), "{bad}: {}", r.text);
    }
    let r = c.send(Method::GET, "/__mock/add-qc-records", &[], "").await;
    assert_eq!(r.status, 405);
    // Nothing more was added; admin calls are not recorded.
    let (_, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 1})).await;
    assert_eq!(total, seed::QC_RECORD_COUNT + 4);
    assert!(
        gw.stats()
            .requests
            .iter()
            .all(|r| !r.path.starts_with("/__mock"))
    );
}

#[tokio::test]
async fn gateways_do_not_share_added_records() {
    let (gw1, c1, t1) = on_june_30(MockGateway::builder()).await;
    let (gw2, c2, t2) = on_june_30(MockGateway::builder()).await;
    gw1.add_qc_records(5, LATE).unwrap();
    let (_, total1) = page(&c1, &t1, json!({"pageNo": 1, "pageSize": 1})).await;
    let (_, total2) = page(&c2, &t2, json!({"pageNo": 1, "pageSize": 1})).await;
    assert_eq!(total1, seed::QC_RECORD_COUNT + 5);
    assert_eq!(total2, seed::QC_RECORD_COUNT);
    c2.call(
        QC_DETAIL,
        &t2,
        &json!({"goodsId": "700000001", "source": 1}),
    )
    .await
    .assert_error(200, seed::codes::GOODS_NOT_EXISTS);
    // Each gateway has its own id counter.
    assert_eq!(gw2.add_qc_records(1, LATE).unwrap(), ["700000001"]);
    assert_eq!(gw1.add_qc_records(1, LATE).unwrap(), ["700000006"]);
    // A fresh gateway starts from the seeded data only.
    let (_gw3, c3, t3) = on_june_30(MockGateway::builder()).await;
    let (_, total3) = page(&c3, &t3, json!({"pageNo": 1, "pageSize": 1})).await;
    assert_eq!(total3, seed::QC_RECORD_COUNT);
}

#[tokio::test]
async fn one_hundred_thousand_records_page_correctly() {
    let (gw, c, t) = on_june_30(MockGateway::builder()).await;
    gw.add_qc_records(50_000, LATE).unwrap();
    gw.add_qc_records(50_000, "2026-05-01 00:00:00").unwrap();
    let n = 100_000 + seed::QC_RECORD_COUNT;
    let (first, total) = page(&c, &t, json!({"pageNo": 1, "pageSize": 100})).await;
    assert_eq!(total, n);
    assert_eq!(first[0]["goodsId"], "700000001");
    // The seeded records sit between the two batches.
    let (mid, _) = page(&c, &t, json!({"pageNo": 501, "pageSize": 100})).await;
    let seeded = seed::QC_RECORD_COUNT as usize;
    assert!(ids(&mid)[..seeded].iter().all(|id| id.len() != 9));
    assert_eq!(ids(&mid)[seeded], "700050001");
    assert_ordered(&mid);
    let (last, _) = page(&c, &t, json!({"pageNo": 1001, "pageSize": 100})).await;
    assert_eq!(last.len(), seeded);
    assert_eq!(ids(&last)[0], format!("7{:08}", 100_000 - seeded + 1));
    assert_eq!(ids(&last)[seeded - 1], "700100000");
    let (past, total) = page(&c, &t, json!({"pageNo": 1002, "pageSize": 100})).await;
    assert_eq!((past.len(), total), (0, n));
}
