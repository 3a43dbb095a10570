//! Goods detail, QC detail and QC images (guide 7.1–7.3).

mod common;

use common::*;
use rizzitgo_mock_gateway::{ErrorStyle, seed};
use serde_json::json;

#[tokio::test]
async fn goods_detail_answers_the_guide_example_exactly() {
    let (_gw, c, t) = setup().await;
    let r = c
        .call(DETAIL, &t, &json!({"goodsId": "123456", "source": 1}))
        .await;
    assert_eq!(
        r.json(),
        json!({
          "code": 0,
          "data": {
            "goodsId": "123456",
            "goodsTitle": "Sample Goods",
            "goodsDetailUrl": "https://example.com/item/123456",
            "goodsPicUrl": "https://example.com/img/123456.jpg",
            "price": "99.00",
            "priceInCents": 9900,
            "orginalPrice": "129.00",
            "stockNum": "1000",
            "salesCount": "532",
            "goodsImageUrlList": [
              "https://example.com/img/1.jpg",
              "https://example.com/img/2.jpg"
            ],
            "postFee": "0.00",
            "goodsSource": 1
          },
          "msg": ""
        })
    );
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json"),
        "{:?}",
        r.headers
    );
}

#[tokio::test]
async fn qc_detail_and_images_answer_the_guide_examples_exactly() {
    let (_gw, c, t) = setup().await;
    let body = json!({"goodsId": "123456", "source": 1});
    assert_eq!(
        c.call(QC_DETAIL, &t, &body).await.json(),
        json!({
          "code": 0,
          "data": {
            "goodsId": "123456",
            "qcPathList": [
              "https://example.com/qc/1.jpg",
              "https://example.com/qc/2.jpg"
            ],
            "length": "30",
            "width": "20",
            "height": "10",
            "weight": "500",
            "volume": "6000",
            "completionTime": "2026-06-02 18:30:00"
          },
          "msg": ""
        })
    );
    assert_eq!(
        c.call(QC_IMAGES, &t, &body).await.json(),
        json!({
          "code": 0,
          "data": ["https://example.com/qc/1.jpg", "https://example.com/qc/2.jpg"],
          "msg": ""
        })
    );
}

#[tokio::test]
async fn goods_are_keyed_by_id_and_source() {
    let (_gw, c, t) = setup().await;
    for path in [DETAIL, QC_DETAIL, QC_IMAGES] {
        let r = c
            .call(path, &t, &json!({"goodsId": "123456", "source": 2}))
            .await;
        r.assert_error(200, seed::codes::GOODS_NOT_EXISTS);
        assert_eq!(r.msg(), "Goods does not exist");
        let r = c
            .call(
                path,
                &t,
                &json!({"goodsId": seed::UNKNOWN_GOODS_ID, "source": 1}),
            )
            .await;
        r.assert_error(200, seed::codes::GOODS_NOT_EXISTS);
    }
    let tmall = c
        .call(
            DETAIL,
            &t,
            &json!({"goodsId": seed::TMALL_GOODS_ID, "source": 1}),
        )
        .await
        .ok();
    assert_eq!(tmall["goodsDetailUrl"], seed::TMALL_URL);
}

#[tokio::test]
async fn goods_without_qc_answer_null_and_empty() {
    let (_gw, c, t) = setup().await;
    let body = json!({"goodsId": seed::GOODS_WITHOUT_QC_ID, "source": 1});
    c.call(DETAIL, &t, &body).await.ok();
    assert!(c.call(QC_DETAIL, &t, &body).await.ok().is_null());
    assert_eq!(c.call(QC_IMAGES, &t, &body).await.ok(), json!([]));
}

#[tokio::test]
async fn qc_detail_is_the_latest_record() {
    let (_gw, c, t) = setup().await;
    let body = json!({"goodsId": seed::QC_MULTI_GOODS_ID, "source": seed::QC_MULTI_GOODS_SOURCE});
    let d = c.call(QC_DETAIL, &t, &body).await.ok();
    assert_eq!(d["completionTime"], "2026-06-20 16:00:00");
    assert_eq!(d["qcPathList"].as_array().unwrap().len(), 3);
    let images = c.call(QC_IMAGES, &t, &body).await.ok();
    assert_eq!(images, d["qcPathList"]);
}

#[tokio::test]
async fn goods_request_validation() {
    let (_gw, c, t) = styled(ErrorStyle::HttpStatus).await;
    for path in [DETAIL, QC_DETAIL, QC_IMAGES] {
        for bad in [
            json!({"goodsId": "0", "source": 1}),
            json!({"goodsId": "", "source": 1}),
            json!({"source": 1}),
            json!({"goodsId": null, "source": 1}),
            json!({"goodsId": 123456, "source": 1}),
            json!({"goodsId": "123456"}),
            json!({"goodsId": "123456", "source": 0}),
            json!({"goodsId": "123456", "source": 4}),
            json!({"goodsId": "123456", "source": "1"}),
            json!({"goodsId": "123456", "source": 1.5}),
        ] {
            let r = c.call(path, &t, &bad).await;
            r.assert_error(400, 400);
        }
        // Unknown fields are ignored, like Jackson's default.
        c.call(
            path,
            &t,
            &json!({"goodsId": "123456", "source": 1, "extra": true}),
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn the_synthetic_catalog_answers_goods_detail_for_its_range_only() {
    let (_gw, c, t) = setup().await;
    let detail = |id: u64, source: i64| json!({"goodsId": id.to_string(), "source": source});
    let first = seed::CATALOG_FIRST_ID;
    let last = first + seed::CATALOG_SIZE - 1;
    for id in [first, first + 4242, last] {
        let goods = c.call(DETAIL, &t, &detail(id, 1)).await.ok();
        assert_eq!(goods["goodsId"], id.to_string());
        assert_eq!(goods["goodsSource"], 1);
        assert!(goods["priceInCents"].as_i64().unwrap() > 0);
    }
    for (id, source) in [(last + 1, 1), (first - 1, 1), (first, 2)] {
        let r = c.call(DETAIL, &t, &detail(id, source)).await;
        r.assert_error(200, seed::codes::GOODS_NOT_EXISTS);
    }
}
