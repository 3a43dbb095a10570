//! `POST /open-api/goods/search-url-parse` (guide 7.6). A parse attempt always answers code 0;
//! an unrecognised link answers `success: false`, `goodsSource` 4.

use serde_json::{Value, json};

use crate::envelope::ApiError;
use crate::seed;
use crate::validate::{Body, opt_str, req_str};

/// A recognised goods link.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    goods_id: String,
    source: i64,
    source_name: &'static str,
    detail_url: String,
}

pub(super) fn parse(body: &Body) -> Result<Value, ApiError> {
    let raw = req_str(body, "searchUrl")?;
    if raw.is_empty() {
        return Err(ApiError::bad_request("searchUrl is required"));
    }
    let rno = opt_str(body, "rno")?.map(str::trim).unwrap_or("");
    let cleaned = clean(raw);
    Ok(match recognise(&cleaned) {
        Some(p) => {
            let mut target = format!(
                "{}?goodsId={}&source={}",
                seed::SHARE_LINK_BASE,
                p.goods_id,
                p.source
            );
            if !rno.is_empty() {
                target.push_str("&rno=");
                target.extend(form_urlencoded::byte_serialize(rno.as_bytes()));
            }
            json!({
                "goodsId": p.goods_id,
                "goodsSource": p.source,
                "goodsSourceName": p.source_name,
                "goodsDetailUrl": p.detail_url,
                "targetGoodsDetailUrl": target,
                "success": true,
                "searchUrl": cleaned,
            })
        }
        None => json!({
            "goodsId": "",
            "goodsSource": 4,
            "goodsSourceName": "",
            "goodsDetailUrl": "",
            "targetGoodsDetailUrl": "",
            "success": false,
            "searchUrl": cleaned,
        }),
    })
}

/// Strips whitespace and non-ASCII characters (Chinese text and full-width punctuation of
/// pasted share texts), then starts at the first `http://` / `https://`.
fn clean(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let lower = kept.to_ascii_lowercase();
    match lower
        .find("http://")
        .into_iter()
        .chain(lower.find("https://"))
        .min()
    {
        Some(start) => kept[start..].to_owned(),
        None => kept,
    }
}

fn recognise(url: &str) -> Option<Parsed> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    // Offsets into `url` keep the original case of query values.
    let offset = url.len() - rest.len();
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..host_end].rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let after_host = &url[offset + host_end..];
    let (path, query) = match after_host.split('#').next().unwrap_or("").split_once('?') {
        Some((p, q)) => (p, q),
        None => (after_host.split('#').next().unwrap_or(""), ""),
    };
    let on = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));

    if on("tmall.com") || on("tmall.hk") || on("taobao.com") {
        let id = digits(query_param(query, "id")?)?;
        let detail_url = if on("taobao.com") {
            format!("https://item.taobao.com/item.htm?id={id}")
        } else {
            format!("https://detail.tmall.com/item.htm?id={id}")
        };
        return Some(taobao(id, detail_url));
    }
    if host == "m.tb.cn" {
        // Short links cannot be resolved offline: the mock knows one.
        let short = format!("https://m.tb.cn{}", path.trim_end_matches('/'));
        return (short == seed::TAOBAO_SHORT_LINK).then(|| {
            let id = seed::TMALL_GOODS_ID.to_owned();
            let detail_url = format!("https://item.taobao.com/item.htm?id={id}");
            taobao(id, detail_url)
        });
    }
    if on("1688.com") {
        let file = path.strip_prefix("/offer/")?.strip_suffix(".html")?;
        let id = digits(file).filter(|id| id.len() == file.len())?;
        return Some(Parsed {
            detail_url: format!("https://detail.1688.com/offer/{id}.html"),
            goods_id: id,
            source: 2,
            source_name: "alibaba",
        });
    }
    if on("weidian.com") {
        let id = digits(query_param(query, "itemID")?)?;
        return Some(Parsed {
            detail_url: format!("https://weidian.com/item.html?itemID={id}"),
            goods_id: id,
            source: 3,
            source_name: "weidian",
        });
    }
    None
}

fn taobao(goods_id: String, detail_url: String) -> Parsed {
    Parsed {
        goods_id,
        source: 1,
        source_name: "taobao",
        detail_url,
    }
}

/// A query parameter's raw value; the name matches case-insensitively (`itemID` / `itemId`).
fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The leading digits of a value (pasted text may run into the id once spaces are gone).
fn digits(value: &str) -> Option<String> {
    let id: String = value.chars().take_while(char::is_ascii_digit).collect();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_pasted_text() {
        assert_eq!(
            clean("【淘宝】 https://item.taobao.com/item.htm?id=1 点击链接"),
            "https://item.taobao.com/item.htm?id=1"
        );
        assert_eq!(clean("  https://a.b/c "), "https://a.b/c");
    }

    #[test]
    fn recognises_platforms() {
        let t = recognise("https://detail.tmall.com/item.htm?id=768650559131").unwrap();
        assert_eq!((t.goods_id.as_str(), t.source), ("768650559131", 1));
        assert_eq!(
            t.detail_url,
            "https://detail.tmall.com/item.htm?id=768650559131"
        );
        let a = recognise("https://detail.1688.com/offer/610947572360.html?spm=x").unwrap();
        assert_eq!(
            (a.goods_id.as_str(), a.source, a.source_name),
            ("610947572360", 2, "alibaba")
        );
        let w = recognise("https://weidian.com/item.html?itemID=7221483920&p=1").unwrap();
        assert_eq!((w.goods_id.as_str(), w.source), ("7221483920", 3));
        assert!(recognise("https://example.com/item?id=1").is_none());
        assert!(recognise("https://item.taobao.com/item.htm?x=1").is_none());
        assert!(recognise("https://nottaobao.com/item.htm?id=1").is_none());
        assert_eq!(
            recognise(seed::TAOBAO_SHORT_LINK).unwrap().goods_id,
            seed::TMALL_GOODS_ID
        );
    }
}
