//! Every operation once through the built binary, the input and output forms, `token`,
//! `completions` and `--mock`.

mod common;

use common::{Creds, DEMO, assert_no_secret, rizzitgo};
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::{Operation, operation::Auth};

/// (subcommand, SDK operation, args, a JSON pointer into the output and its expected value)
const CASES: &[(&str, &str, &[&str], &str, &str)] = &[
    (
        "goods-detail",
        "goods_detail",
        &["--goods-id", "123456", "--source", "1"],
        "/price",
        "\"99.00\"",
    ),
    (
        "goods-qc-detail",
        "goods_qc_detail",
        &["--goods-id", "123456", "--source", "1"],
        "/completionTime",
        "\"2026-06-02 18:30:00\"",
    ),
    (
        "goods-qc-images",
        "goods_qc_images",
        &["--goods-id", "123456", "--source", "1"],
        "/0",
        "\"https://example.com/qc/1.jpg\"",
    ),
    (
        "goods-qc-page",
        "goods_qc_page",
        &[
            "--page-no",
            "1",
            "--page-size",
            "10",
            "--completion-time",
            "2026-06-01 00:00:00",
            "2026-06-02 23:59:59",
        ],
        "/total",
        "1",
    ),
    (
        "search-goods-by-image",
        "search_goods_by_image",
        &[
            "--images-url",
            "https://example.com/img/query.jpg",
            "--page",
            "1",
            "--source",
            "1",
        ],
        "/totalCount",
        "100",
    ),
    (
        "parse-goods-url",
        "parse_goods_url",
        &["--search-url", seed::TMALL_URL],
        "/goodsId",
        "\"768650559131\"",
    ),
    (
        "redeem-coupon",
        "redeem_coupon",
        &[
            "--code",
            seed::REDEEM_CODE_10_USD_OFF,
            "--email",
            seed::MEMBER_EMAIL,
        ],
        "/prize",
        "\"$10 OFF\"",
    ),
];

#[tokio::test(flavor = "multi_thread")]
async fn every_business_operation_has_a_subcommand_that_calls_it_once() {
    let business: Vec<&str> = Operation::all()
        .iter()
        .filter(|op| op.auth == Auth::Bearer)
        .map(|op| op.name)
        .collect();
    let tested: Vec<&str> = CASES.iter().map(|case| case.1).collect();
    assert_eq!(tested, business, "every business operation has a case here");

    let gateway = MockGateway::start().await.unwrap();
    for (command, operation, args, pointer, expected) in CASES {
        gateway.reset_stats();
        let mut all = vec![*command];
        all.extend_from_slice(args);
        let run = rizzitgo(Some(&gateway), Some(&DEMO), &all, None).await;
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        let output = run.json();
        let value = output
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{command}: {output}"));
        assert_eq!(value.to_string(), *expected, "{command}: {output}");
        let path = Operation::find(operation).unwrap().path;
        assert_eq!(
            gateway.stats().endpoint(path),
            1,
            "{command}: one call of {path}"
        );
        assert_no_secret(&run, Some(&gateway));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn all_streams_every_page_as_one_json_array_or_one_table() {
    let gateway = MockGateway::start().await.unwrap();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-qc-page", "--all", "--page-size", "20"],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.json();
    let records = records.as_array().expect("an array of records");
    assert_eq!(records.len() as u64, seed::QC_RECORD_COUNT);
    // Every seeded record (74) in pages of 20.
    assert_eq!(
        gateway.stats().endpoint("/open-api/goods/qc-page") as u64,
        seed::QC_RECORD_COUNT.div_ceil(20)
    );

    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &[
            "search-goods-by-image",
            "--all",
            "--images-url",
            "https://example.com/img/query.jpg",
            "--source",
            "2",
            "-o",
            "table",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // A header, then one row per result of source 2.
    assert_eq!(
        lines.len() as u64,
        1 + seed::IMAGE_SEARCH_TOTALS[1],
        "{}",
        run.stdout
    );
    assert!(lines[0].contains("goodsId"), "{}", lines[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_request_can_come_whole_from_stdin_or_a_file() {
    let gateway = MockGateway::start().await.unwrap();
    let body = r#"{"goodsId": "123456", "source": 1}"#;
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--json-body", "-"],
        Some(body),
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["goodsTitle"], "Sample Goods");

    let file = std::env::temp_dir().join(format!("rizzitgo-cli-body-{}.json", std::process::id()));
    std::fs::write(&file, body).unwrap();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-qc-images", "--json-body", file.to_str().unwrap()],
        None,
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.json().as_array().is_some_and(|a| !a.is_empty()));

    // A body that breaks the spec gets the SDK's message naming the field; nothing is sent.
    gateway.reset_stats();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--json-body", "-"],
        Some(r#"{"goodsId": "123456", "source": "taobao"}"#),
    )
    .await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("(field `source`)"), "{}", run.stderr);
    assert!(run.stderr.contains("check --source"), "{}", run.stderr);
    assert_eq!(gateway.stats().endpoint("/open-api/goods/detail"), 0);

    // Not JSON, or flags and a body at once: usage errors.
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--json-body", "-"],
        Some("goodsId=1"),
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("stdin is not JSON"), "{}", run.stderr);
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--json-body", "-", "--source", "1"],
        Some(body),
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_required_field_is_named_by_the_sdk() {
    let gateway = MockGateway::start().await.unwrap();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--source", "1"],
        None,
    )
    .await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("(field `goodsId`)"), "{}", run.stderr);
    assert!(run.stderr.contains("--goods-id"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_record_prints_as_a_field_value_table() {
    let gateway = MockGateway::start().await.unwrap();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &[
            "goods-detail",
            "--goods-id",
            "123456",
            "--source",
            "1",
            "--output",
            "table",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["field", "value"]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["price", "99.00"]),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn token_shows_scopes_and_lifetime_but_not_the_token() {
    let gateway = MockGateway::start().await.unwrap();
    let run = rizzitgo(Some(&gateway), Some(&DEMO), &["token"], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = run.json();
    assert_eq!(shown["clientId"], seed::CLIENT_ID);
    assert_eq!(shown["scopes"], serde_json::json!(seed::ALL_SCOPES));
    assert_eq!(shown["expiresIn"], seed::DEFAULT_TOKEN_TTL_SECS);
    let remaining = shown["remainingSeconds"].as_u64().unwrap();
    assert!(
        remaining <= seed::DEFAULT_TOKEN_TTL_SECS && remaining > 0,
        "{shown}"
    );
    assert!(shown.get("accessToken").is_none(), "{shown}");
    assert_no_secret(&run, Some(&gateway));
    assert_eq!(gateway.stats().token_requests, 1);

    // --show-token prints the real token: revoking it from stdin works once.
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["token", "--show-token"],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let token = run.json()["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    for expected in [true, false] {
        let run = rizzitgo(
            Some(&gateway),
            Some(&DEMO),
            &["token", "revoke", "--token-stdin"],
            Some(&token),
        )
        .await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.json()["revoked"], expected);
        assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));
    }

    // Without a token given: a new one is issued, then revoked.
    let run = rizzitgo(Some(&gateway), Some(&DEMO), &["token", "revoke"], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["revoked"], true);
    assert_no_secret(&run, Some(&gateway));
}

#[tokio::test(flavor = "multi_thread")]
async fn mock_runs_a_command_with_no_credentials() {
    let run = rizzitgo(
        None,
        None,
        &[
            "--mock",
            "goods-detail",
            "--goods-id",
            "123456",
            "--source",
            "1",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let goods = run.json();
    assert_eq!(goods["goodsTitle"], "Sample Goods");
    assert_eq!(goods["price"], "99.00");
    assert!(run.stderr.contains("http://127.0.0.1:"), "{}", run.stderr);
    assert!(run.stderr.contains("demo credentials"), "{}", run.stderr);
    assert_no_secret(&run, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn mock_uses_the_credentials_that_are_set() {
    // A wrong secret fails as on a real gateway, instead of the demo secret standing in.
    let wrong = Creds {
        client_secret: "wrong-secret",
        ..DEMO
    };
    let run = rizzitgo(None, Some(&wrong), &["--mock", "token"], None).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "with the credentials of RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET, RIZZITGO_TENANT_ID"
        ),
        "{}",
        run.stderr
    );
    assert_no_secret(&run, None);

    // The mock's second application, as set: its client id and its one scope.
    let other = Creds {
        client_id: seed::OTHER_CLIENT_ID,
        client_secret: seed::OTHER_CLIENT_SECRET,
        tenant_id: seed::OTHER_TENANT_ID,
    };
    let run = rizzitgo(None, Some(&other), &["--mock", "token"], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = run.json();
    assert_eq!(shown["clientId"], seed::OTHER_CLIENT_ID);
    assert_eq!(
        shown["scopes"],
        serde_json::json!([seed::SCOPE_GOODS_DETAIL])
    );
    assert_no_secret(&run, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let run = rizzitgo(None, None, &["completions", shell], None).await;
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for command in CASES.iter().map(|case| case.0).chain(["token"]) {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_lists_the_exit_codes() {
    let run = rizzitgo(None, None, &["--help"], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Exit codes:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("7   rate limited (429)"),
        "{}",
        run.stdout
    );
}
