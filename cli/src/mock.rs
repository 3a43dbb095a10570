//! `--mock`: a client of the embedded mock gateway, as whom the environment says. Credentials
//! set in `RIZZITGO_*` are used (so a wrong secret fails as it would on a real gateway); the
//! mock's demo application fills in the ones not set. stderr says which is which.

use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::{ClientBuilder, env_vars};

/// Where each credential of a `--mock` run comes from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Sources {
    /// The variables that were set, in the order client id, secret, tenant id.
    pub(crate) from_env: Vec<&'static str>,
    /// The variables that were not, filled in from the mock's demo application.
    pub(crate) from_demo: Vec<&'static str>,
}

/// A builder for `gateway` with each credential from `lookup` when set (not blank), else from
/// the mock's demo application; `RIZZITGO_SCOPES` too, when set.
pub(crate) fn builder(
    gateway: &MockGateway,
    lookup: impl Fn(&str) -> Option<String>,
) -> (ClientBuilder, Sources) {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let mut builder = ClientBuilder::new().mock(gateway);
    let mut sources = Sources {
        from_env: Vec::new(),
        from_demo: Vec::new(),
    };
    for name in [
        env_vars::CLIENT_ID,
        env_vars::CLIENT_SECRET,
        env_vars::TENANT_ID,
    ] {
        let Some(value) = get(name) else {
            sources.from_demo.push(name);
            continue;
        };
        sources.from_env.push(name);
        builder = match name {
            env_vars::CLIENT_ID => builder.client_id(value),
            env_vars::CLIENT_SECRET => builder.client_secret(value),
            _ => builder.tenant_id(value),
        };
    }
    if let Some(scopes) = get(env_vars::SCOPES) {
        builder = builder.scopes(scopes.split_whitespace().map(str::to_owned));
    }
    (builder, sources)
}

impl Sources {
    /// The stderr line of a `--mock` run: which credentials it uses (never a secret's value).
    pub(crate) fn notice(&self, url: &str) -> String {
        let head = format!("using the embedded mock gateway at {url}");
        match (self.from_env.is_empty(), self.from_demo.is_empty()) {
            (true, _) => format!(
                "{head} with its demo credentials (no RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET \
                 or RIZZITGO_TENANT_ID set)"
            ),
            (false, true) => format!(
                "{head} with the credentials of {}",
                self.from_env.join(", ")
            ),
            (false, false) => format!(
                "{head} with {} from the environment and the demo application's {}",
                self.from_env.join(", "),
                self.from_demo.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(set: &[&str]) -> Sources {
        let all = [
            env_vars::CLIENT_ID,
            env_vars::CLIENT_SECRET,
            env_vars::TENANT_ID,
        ];
        Sources {
            from_env: all.into_iter().filter(|n| set.contains(n)).collect(),
            from_demo: all.into_iter().filter(|n| !set.contains(n)).collect(),
        }
    }

    #[tokio::test]
    async fn set_variables_win_and_blank_ones_count_as_unset() {
        let gateway = MockGateway::start().await.unwrap();
        let env = |name: &str| match name {
            env_vars::CLIENT_SECRET => Some("wrong-secret".to_owned()),
            env_vars::TENANT_ID => Some("  ".to_owned()),
            _ => None,
        };
        let (_, got) = builder(&gateway, env);
        assert_eq!(got, sources(&[env_vars::CLIENT_SECRET]));
        let (_, got) = builder(&gateway, |_| None);
        assert_eq!(got, sources(&[]));
    }

    #[test]
    fn the_notice_names_the_variables_never_their_values() {
        let url = "http://127.0.0.1:1";
        assert!(sources(&[]).notice(url).contains("demo credentials"));
        let all = sources(&[
            env_vars::CLIENT_ID,
            env_vars::CLIENT_SECRET,
            env_vars::TENANT_ID,
        ]);
        assert!(
            all.notice(url).ends_with(
                "with the credentials of RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET, \
                 RIZZITGO_TENANT_ID"
            ),
            "{}",
            all.notice(url)
        );
        let mixed = sources(&[env_vars::CLIENT_SECRET]).notice(url);
        assert!(
            mixed.ends_with(
                "with RIZZITGO_CLIENT_SECRET from the environment and the demo application's \
                 RIZZITGO_CLIENT_ID, RIZZITGO_TENANT_ID"
            ),
            "{mixed}"
        );
    }
}
