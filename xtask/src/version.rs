//! Guide versions (`1.4`), crate versions (`0.1.0`) and the semver level of a change.

use crate::Result;
use std::cmp::Ordering;

/// How much a change breaks users of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing a user could notice in the API.
    Patch,
    /// Something new; old code keeps compiling and working.
    Minor,
    /// Old code may stop compiling or working.
    Major,
}

impl Level {
    /// "minor", …
    pub fn name(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// Checks a guide version: numbers separated by dots, e.g. `1.5`.
pub fn check_guide(version: &str) -> Result<()> {
    if parts(version).is_some() {
        Ok(())
    } else {
        Err(format!(
            "`{version}` is not a guide version (numbers separated by dots, e.g. 1.5)"
        ))
    }
}

fn parts(version: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = version.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty() && p.len() <= 3)
}

/// Compares two guide versions numerically (`1.10` > `1.9`); invalid ones compare as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parts(a), parts(b)) {
        (Some(mut a), Some(mut b)) => {
            let len = a.len().max(b.len());
            a.resize(len, 0);
            b.resize(len, 0);
            a.cmp(&b)
        }
        _ => a.cmp(b),
    }
}

/// The crate version after a change of `level` (strict semver: major resets minor and patch).
pub fn bump_crate(version: &str, level: Level) -> Result<String> {
    let numbers: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .ok()
        .filter(|v: &Vec<u64>| v.len() == 3)
        .ok_or_else(|| format!("crate version `{version}` is not MAJOR.MINOR.PATCH"))?;
    let (major, minor, patch) = (numbers[0], numbers[1], numbers[2]);
    Ok(match level {
        Level::Major => format!("{}.0.0", major + 1),
        Level::Minor => format!("{major}.{}.0", minor + 1),
        Level::Patch => format!("{major}.{minor}.{}", patch + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_versions_compare_numerically() {
        assert_eq!(compare("1.10", "1.9"), Ordering::Greater);
        assert_eq!(compare("1.4", "1.4.0"), Ordering::Equal);
        assert_eq!(compare("1.4", "1.5"), Ordering::Less);
        assert!(check_guide("1.5").is_ok());
        assert!(check_guide("v1.5").is_err());
        assert!(check_guide("1.").is_err());
    }

    #[test]
    fn crate_versions_bump_by_level() {
        assert_eq!(bump_crate("0.1.0", Level::Minor).unwrap(), "0.2.0");
        assert_eq!(bump_crate("0.1.3", Level::Major).unwrap(), "1.0.0");
        assert_eq!(bump_crate("1.2.3", Level::Patch).unwrap(), "1.2.4");
        assert!(bump_crate("1.2", Level::Patch).is_err());
    }
}
