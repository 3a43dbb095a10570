//! Image search (guide 7.5) and URL parsing (guide 7.6).

mod common;

use std::collections::HashSet;

use common::*;
use rizzitgo_mock_gateway::{ErrorStyle, seed};
use serde_json::{Value, json};

fn search_body(page: i64, source: i64) -> Value {
    json!({"imagesUrl": "https://example.com/img/query.jpg", "page": page, "source": source})
}

#[tokio::test]
async fn guide_example_search_answers_the_guide_shape() {
    let (_gw, c, t) = setup().await;
    let data = c.call(SEARCH, &t, &search_body(1, 1)).await.ok();
    assert_eq!(data["page"], 1);
    assert_eq!(data["size"], 20);
    assert_eq!(data["totalPage"], 5);
    assert_eq!(data["totalCount"], 100);
    let list = data["goodsList"].as_array().unwrap();
    assert_eq!(list.len(), 20);
    assert_eq!(
        list[0],
        json!({
            "goodsId": "123456",
            "goodsTitle": "Sample Goods",
            "goodsDetailUrl": "https://example.com/item/123456",
            "goodsPicUrl": "https://example.com/img/123456.jpg",
            "goodsSource": 1,
            "price": "99.00",
            "priceInCents": 9900,
            "originPriceInCents": 9900,
            "salesCount": "532",
            "hasDiscount": true,
            "discountPriceInCents": 8900
        })
    );
}

#[tokio::test]
async fn pages_through_every_source() {
    let (_gw, c, t) = setup().await;
    for (source, total) in [(1i64, 100u64), (2, 45), (3, 41)] {
        assert_eq!(seed::IMAGE_SEARCH_TOTALS[(source - 1) as usize], total);
        let pages = total.div_ceil(20);
        let mut ids = HashSet::new();
        for page in 1..=pages as i64 + 1 {
            let data = c.call(SEARCH, &t, &search_body(page, source)).await.ok();
            assert_eq!(data["totalCount"], total);
            assert_eq!(data["totalPage"], pages);
            assert_eq!(data["page"], page);
            for g in data["goodsList"].as_array().unwrap() {
                assert_eq!(g["goodsSource"], source);
                // Each result has a detail record.
                assert!(ids.insert(g["goodsId"].as_str().unwrap().to_owned()));
            }
        }
        assert_eq!(ids.len() as u64, total);
        let any = ids.iter().next().unwrap();
        c.call(DETAIL, &t, &json!({"goodsId": any, "source": source}))
            .await
            .ok();
    }
}

#[tokio::test]
async fn no_match_image_finds_nothing() {
    let (_gw, c, t) = setup().await;
    let data = c
        .call(
            SEARCH,
            &t,
            &json!({"imagesUrl": seed::IMAGE_URL_NO_MATCH, "page": 1, "source": 1}),
        )
        .await
        .ok();
    assert_eq!(data["goodsList"], json!([]));
    assert_eq!(
        (data["totalCount"].as_u64(), data["totalPage"].as_u64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn image_url_rules() {
    let (_gw, c, t) = styled(ErrorStyle::HttpStatus).await;
    for ok in [
        "https://example.com/a.jpeg",
        "http://example.com/a/b.PNG",
        "https://example.com/a.gif?w=100",
        "https://example.com/a.webp",
        "https://example.com/a.bmp#x",
    ] {
        c.call(
            SEARCH,
            &t,
            &json!({"imagesUrl": ok, "page": 1, "source": 2}),
        )
        .await
        .ok();
    }
    // Not an http(s) URL: a parameter error.
    for bad in [
        "",
        "example.com/a.jpg",
        "ftp://example.com/a.jpg",
        "https://exa mple.com/a.jpg",
    ] {
        let r = c
            .call(
                SEARCH,
                &t,
                &json!({"imagesUrl": bad, "page": 1, "source": 1}),
            )
            .await;
        r.assert_error(400, 400);
        assert_eq!(r.msg(), "The image URL format is invalid");
    }
    // An http(s) URL that is not an image: the service's business error.
    for bad in [
        "https://example.com/a.txt",
        "https://example.com/",
        "https://example.com/jpg",
    ] {
        let r = c
            .call(
                SEARCH,
                &t,
                &json!({"imagesUrl": bad, "page": 1, "source": 1}),
            )
            .await;
        r.assert_error(200, seed::codes::IMAGE_URL_INVALID);
        assert_eq!(r.msg(), "The image URL format is invalid");
    }
    for bad in [
        json!({"page": 1, "source": 1}),
        json!({"imagesUrl": "https://example.com/a.jpg", "page": 0, "source": 1}),
        json!({"imagesUrl": "https://example.com/a.jpg", "source": 1}),
        json!({"imagesUrl": "https://example.com/a.jpg", "page": 1}),
        json!({"imagesUrl": "https://example.com/a.jpg", "page": 1, "source": 9}),
    ] {
        c.call(SEARCH, &t, &bad).await.assert_error(400, 400);
    }
}

#[tokio::test]
async fn url_parse_answers_the_guide_example_exactly() {
    let (_gw, c, t) = setup().await;
    let r = c
        .call(
            URL_PARSE,
            &t,
            &json!({"searchUrl": "https://detail.tmall.com/item.htm?id=768650559131", "rno": "ABC123"}),
        )
        .await;
    assert_eq!(
        r.json(),
        json!({
          "code": 0,
          "data": {
            "goodsId": "768650559131",
            "goodsSource": 1,
            "goodsSourceName": "taobao",
            "goodsDetailUrl": "https://detail.tmall.com/item.htm?id=768650559131",
            "targetGoodsDetailUrl": "https://www.rizzitgo.com/detailPage?goodsId=768650559131&source=1&rno=ABC123",
            "success": true,
            "searchUrl": "https://detail.tmall.com/item.htm?id=768650559131"
          },
          "msg": ""
        })
    );
}

async fn parse(c: &Client, t: &str, body: Value) -> Value {
    c.call(URL_PARSE, t, &body).await.ok()
}

#[tokio::test]
async fn url_parse_platforms_noise_and_failures() {
    let (_gw, c, t) = setup().await;
    let d = parse(
        &c,
        &t,
        json!({"searchUrl": "【淘宝】 https://item.taobao.com/item.htm?spm=a1z&id=612345678901 点击链接直接打开"}),
    )
    .await;
    assert_eq!(d["success"], true);
    assert_eq!(d["goodsId"], "612345678901");
    assert_eq!(d["goodsSource"], 1);
    assert_eq!(d["goodsSourceName"], "taobao");
    assert_eq!(
        d["searchUrl"],
        "https://item.taobao.com/item.htm?spm=a1z&id=612345678901"
    );
    assert_eq!(
        d["goodsDetailUrl"],
        "https://item.taobao.com/item.htm?id=612345678901"
    );
    // No rno: no rno parameter.
    assert_eq!(
        d["targetGoodsDetailUrl"],
        "https://www.rizzitgo.com/detailPage?goodsId=612345678901&source=1"
    );

    let d = parse(
        &c,
        &t,
        json!({"searchUrl": "https://detail.1688.com/offer/610947572360.html?spm=b", "rno": ""}),
    )
    .await;
    assert_eq!(
        (
            d["goodsId"].as_str(),
            d["goodsSource"].as_i64(),
            d["goodsSourceName"].as_str()
        ),
        (Some("610947572360"), Some(2), Some("alibaba"))
    );
    assert_eq!(
        d["goodsDetailUrl"],
        "https://detail.1688.com/offer/610947572360.html"
    );
    assert_eq!(
        d["targetGoodsDetailUrl"],
        "https://www.rizzitgo.com/detailPage?goodsId=610947572360&source=2"
    );

    let d = parse(
        &c,
        &t,
        json!({"searchUrl": "https://weidian.com/item.html?itemID=7221483920", "rno": "R 1"}),
    )
    .await;
    assert_eq!(
        (
            d["goodsId"].as_str(),
            d["goodsSource"].as_i64(),
            d["goodsSourceName"].as_str()
        ),
        (Some("7221483920"), Some(3), Some("weidian"))
    );
    assert_eq!(
        d["targetGoodsDetailUrl"],
        "https://www.rizzitgo.com/detailPage?goodsId=7221483920&source=3&rno=R+1"
    );

    let d = parse(&c, &t, json!({"searchUrl": seed::TAOBAO_SHORT_LINK})).await;
    assert_eq!(
        (d["goodsId"].as_str(), d["success"].as_bool()),
        (Some(seed::TMALL_GOODS_ID), Some(true))
    );

    for unknown in [
        "https://www.amazon.com/dp/B000000",
        "https://item.taobao.com/item.htm?spm=1",
        "https://m.tb.cn/h.unknown",
        "复制这段话",
        " ",
    ] {
        let d = parse(&c, &t, json!({"searchUrl": unknown, "rno": "ABC123"})).await;
        assert_eq!(d["success"], false, "{unknown}");
        assert_eq!(d["goodsSource"], 4);
        assert_eq!(d["goodsId"], "");
        assert_eq!(d["targetGoodsDetailUrl"], "");
    }
    let d = parse(
        &c,
        &t,
        json!({"searchUrl": "看看 https://www.amazon.com/dp/B0 "}),
    )
    .await;
    assert_eq!(d["searchUrl"], "https://www.amazon.com/dp/B0");

    for bad in [
        json!({}),
        json!({"searchUrl": ""}),
        json!({"searchUrl": 5}),
        json!({"searchUrl": "x", "rno": 1}),
        json!({"searchUrl": "x", "rno": null}),
    ] {
        c.call(URL_PARSE, &t, &bad).await.assert_error(200, 400);
    }
}
