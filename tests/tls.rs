//! The SDK's TLS stack is its own client's business: an application that builds its own plain
//! reqwest client first, in the same process, gets no panic, and the SDK installs nothing
//! process-wide. Its own test binary: it inspects process-wide state.

mod common;

use rizzitgo_mock_gateway::ErrorStyle;

#[tokio::test]
async fn an_application_client_built_first_works_and_nothing_is_installed_process_wide() {
    // The application's own client, before the SDK's (reqwest 0.13 with rustls-no-provider
    // panics here when the SDK relied on a process-wide provider).
    let own = reqwest::Client::new();
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    common::call(&client, "goods_detail").await.unwrap();
    // The SDK also reaches https endpoints: its client is built with TLS.
    rizzitgo_open_api::Client::builder()
        .base_url("https://api.rizzitgo.com")
        .client_id("id")
        .client_secret("secret")
        .tenant_id("1")
        .build()
        .unwrap();
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "the SDK must not install a process-wide crypto provider"
    );
    // And the application's client still works, on plain HTTP too.
    let answer = own
        .get(format!("{}/__mock/credentials", gateway.url()))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    // Built after the SDK's, too.
    reqwest::Client::new();
}
