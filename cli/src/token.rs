//! `rizzitgo token`: do the credentials work, which scopes do they get, for how long? And
//! `rizzitgo token revoke`. The token itself is shown only with `--show-token`.

use crate::config::Session;
use crate::failure::Failure;
use crate::output::Output;
use clap::{ArgMatches, Command};
use rizzitgo_open_api::SecretToken;
use serde_json::{Value, json};
use std::io::Read;

pub(crate) const NAME: &str = "token";
const REVOKE: &str = "revoke";
const SHOW_TOKEN: &str = "show-token";
const TOKEN_STDIN: &str = "token-stdin";

pub(crate) fn command() -> Command {
    Command::new(NAME)
        .about("Fetch a token: show the scopes granted and its remaining lifetime")
        .long_about(
            "Fetch a new access token with the configured credentials and show the client, the \
             scopes the gateway granted and the token's remaining lifetime. The token itself is \
             not shown unless --show-token is given.",
        )
        .arg(crate::switch(
            SHOW_TOKEN,
            "Also print the access token itself (it is a secret: anyone holding it can call the API)",
        ))
        .subcommand(
            Command::new(REVOKE)
                .about("Revoke a token: a new one (to check revocation works), or one read from stdin")
                .arg(crate::switch(
                    TOKEN_STDIN,
                    "Revoke the token read from stdin (kept out of the shell history and process list)",
                )),
        )
}

pub(crate) async fn run(
    session: &Session,
    matches: &ArgMatches,
    out: &Output,
) -> Result<(), Failure> {
    let client = session.client();
    if let Some((REVOKE, revoke)) = matches.subcommand() {
        let token = if revoke.get_flag(TOKEN_STDIN) {
            read_token()?
        } else {
            client.issue_token().await?.token().clone()
        };
        let revoked = client.revoke(&token).await?;
        return out.value(&json!({ "revoked": revoked }), None);
    }
    let issued = client.issue_token().await?;
    let mut shown = json!({
        "baseUrl": client.base_url(),
        "clientId": client.client_id(),
        "tenantId": client.tenant_id(),
        "tokenType": issued.token_type(),
        "scopes": issued.scopes(),
        "expiresIn": issued.lifetime().as_secs(),
        "remainingSeconds": issued.remaining().as_secs(),
    });
    if matches.get_flag(SHOW_TOKEN)
        && let Value::Object(fields) = &mut shown
    {
        fields.insert("accessToken".into(), issued.token().expose().into());
    }
    out.value(&shown, None)
}

fn read_token() -> Result<SecretToken, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Usage(format!("--token-stdin: cannot read stdin: {e}")))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Failure::Usage("--token-stdin: stdin holds no token".into()));
    }
    Ok(SecretToken::new(token))
}
