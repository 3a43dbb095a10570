//! `POST /open-api/goods/search-by-images` (guide 7.5).

use serde_json::{Value, json};

use crate::data::dataset;
use crate::envelope::ApiError;
use crate::seed::{self, codes, messages};
use crate::validate::{Body, check_source, req_int, req_str};

/// Fixed page size of image search (the guide's `size`).
const PAGE_SIZE: usize = 20;

/// Image extensions the mock accepts (guide: "common image extensions such as .jpg/.png").
const IMAGE_EXTENSIONS: [&str; 6] = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"];

/// The results do not depend on the image (except [`seed::IMAGE_URL_NO_MATCH`]); they depend
/// on the source. With future fields on, the second result of page 1 has `goodsSource` 9.
pub(super) fn by_image(body: &Body, future: bool) -> Result<Value, ApiError> {
    let url = req_str(body, "imagesUrl")?;
    let page = req_int(body, "page")?;
    if page < 1 {
        return Err(ApiError::bad_request("page must be at least 1"));
    }
    let source = check_source(req_int(body, "source")?)?;
    // Every parameter check (400) before the business one (an http(s) URL that is no image).
    check_image_url(url)?;
    let all: &[_] = if url == seed::IMAGE_URL_NO_MATCH {
        &[]
    } else {
        &dataset().search[(source - 1) as usize]
    };
    let start = (page as usize - 1) * PAGE_SIZE;
    let goods: Vec<Value> = all
        .iter()
        .enumerate()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|(i, g)| {
            let goods_source = if future && i == 1 { 9 } else { g.source };
            g.to_json(goods_source)
        })
        .collect();
    Ok(json!({
        "goodsList": goods,
        "page": page,
        "size": PAGE_SIZE,
        "totalPage": all.len().div_ceil(PAGE_SIZE),
        "totalCount": all.len(),
    }))
}

/// Two tiers: not an http(s) URL at all is a parameter error (400, as the spec's pattern
/// says); an http(s) URL whose path is not an image is the service's business error. Both
/// carry the guide's message.
fn check_image_url(url: &str) -> Result<(), ApiError> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .filter(|r| !r.is_empty() && !r.chars().any(char::is_whitespace))
        .ok_or_else(|| ApiError::bad_request(messages::IMAGE_URL_INVALID))?;
    let without_query = rest.split(['?', '#']).next().unwrap_or("");
    let is_image = without_query.split_once('/').is_some_and(|(host, path)| {
        !host.is_empty() && IMAGE_EXTENSIONS.iter().any(|e| path.ends_with(e))
    });
    if is_image {
        Ok(())
    } else {
        Err(ApiError::new(
            codes::IMAGE_URL_INVALID,
            messages::IMAGE_URL_INVALID,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_urls() {
        assert!(check_image_url("https://example.com/img/query.jpg").is_ok());
        assert!(check_image_url("HTTP://example.com/a/b.PNG?x=1").is_ok());
        assert_eq!(
            check_image_url("ftp://example.com/a.jpg").unwrap_err().code,
            400
        );
        assert_eq!(check_image_url("").unwrap_err().code, 400);
        assert_eq!(
            check_image_url("https://example.com/a.txt")
                .unwrap_err()
                .code,
            codes::IMAGE_URL_INVALID
        );
        assert!(check_image_url("https://example.com/.jpg?").is_ok());
        assert!(check_image_url("https:///a.jpg").is_err());
    }
}
