//! Text edits that keep the files as people wrote them (no reformatting round trip).

use crate::Result;

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The lines of the top-level block `key:` of a YAML document (excluding the key line), as
/// (start, end) line indexes.
fn yaml_block(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let start = lines
        .iter()
        .position(|l| l.trim_end() == format!("{key}:"))?
        + 1;
    let end = lines[start..]
        .iter()
        .position(|l| !l.trim().is_empty() && indent(l) == 0 && !l.starts_with('#'))
        .map_or(lines.len(), |i| start + i);
    Some((start, end))
}

fn join(lines: &[String], original: &str) -> String {
    let mut text = lines.join("\n");
    if original.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Sets the spec's `info.version` to `version` (quoted: `1.5` unquoted would be a YAML number),
/// and turns "Guide v`<old>`" in the info block into "Guide v`<version>`".
pub fn set_info_version(spec: &str, version: &str, old_guide: &str) -> Result<String> {
    let lines: Vec<&str> = spec.lines().collect();
    let (start, end) = yaml_block(&lines, "info").ok_or("the spec has no top-level `info:`")?;
    let child = lines[start..end]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .ok_or("`info:` is empty")?;
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let at = (start..end)
        .find(|&i| indent(lines[i]) == child && lines[i].trim_start().starts_with("version:"))
        .ok_or("the spec has no `info.version`")?;
    out[at] = format!("{}version: \"{version}\"", " ".repeat(child));
    if old_guide != version {
        let (from, to) = (format!("Guide v{old_guide}"), format!("Guide v{version}"));
        for line in &mut out[start..end] {
            if line.contains(&from) {
                *line = line.replace(&from, &to);
            }
        }
    }
    Ok(join(&out, spec))
}

/// The `[package]` section's line range of a Cargo manifest.
fn package_section(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| l.trim() == "[package]")? + 1;
    let end = lines[start..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + i);
    Some((start, end))
}

fn toml_string_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .trim()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The `[package] version` of a Cargo manifest.
pub fn package_version(manifest: &str) -> Result<String> {
    let lines: Vec<&str> = manifest.lines().collect();
    let (start, end) = package_section(&lines).ok_or("Cargo.toml has no [package]")?;
    lines[start..end]
        .iter()
        .find_map(|l| toml_string_value(l, "version"))
        .ok_or_else(|| "Cargo.toml [package] has no literal version".to_owned())
}

/// Sets the `[package] version` and turns "guide v`<old>`" into "guide v`<new>`" in its
/// description.
pub fn set_package_version(
    manifest: &str,
    version: &str,
    old_guide: &str,
    new_guide: &str,
) -> Result<String> {
    let lines: Vec<&str> = manifest.lines().collect();
    let (start, end) = package_section(&lines).ok_or("Cargo.toml has no [package]")?;
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let at = (start..end)
        .find(|&i| toml_string_value(lines[i], "version").is_some())
        .ok_or("Cargo.toml [package] has no literal version")?;
    let old = toml_string_value(lines[at], "version").unwrap_or_default();
    out[at] = lines[at].replacen(&format!("\"{old}\""), &format!("\"{version}\""), 1);
    if old_guide != new_guide {
        for i in start..end {
            if toml_string_value(lines[i], "description").is_some() {
                out[i] = lines[i].replace(
                    &format!("guide v{old_guide}"),
                    &format!("guide v{new_guide}"),
                );
            }
        }
    }
    Ok(join(&out, manifest))
}

/// The name of the `[package]` of a manifest.
pub fn package_name(manifest: &str) -> Result<String> {
    let lines: Vec<&str> = manifest.lines().collect();
    let (start, end) = package_section(&lines).ok_or("Cargo.toml has no [package]")?;
    lines[start..end]
        .iter()
        .find_map(|l| toml_string_value(l, "name"))
        .ok_or_else(|| "Cargo.toml [package] has no name".to_owned())
}

/// Sets the version of `package` in a Cargo.lock (unchanged when it is not there).
pub fn set_lock_version(lock: &str, package: &str, version: &str) -> String {
    let lines: Vec<&str> = lock.lines().collect();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for i in 0..lines.len().saturating_sub(1) {
        if toml_string_value(lines[i], "name").as_deref() == Some(package)
            && toml_string_value(lines[i + 1], "version").is_some()
        {
            out[i + 1] = format!("version = \"{version}\"");
        }
    }
    join(&out, lock)
}

/// Sets the version requirement of the path dependency `package` (a `{ path = …, version = … }`
/// line) in a member's manifest, so that it still accepts the bumped crate; unchanged when the
/// manifest has no such line.
pub fn set_path_dependency_version(manifest: &str, package: &str, version: &str) -> String {
    let lines: Vec<&str> = manifest.lines().collect();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix(package) else {
            continue;
        };
        if !rest.trim_start().starts_with('=') || !rest.contains("path =") {
            continue;
        }
        if let Some(at) = line.find("version = \"") {
            let start = at + "version = \"".len();
            if let Some(len) = line[start..].find('"') {
                out[i] = format!("{}{version}{}", &line[..start], &line[start + len..]);
            }
        }
    }
    join(&out, manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_version_is_set_in_place() {
        let spec = "openapi: 3.0.3\ninfo:\n  title: T\n  version: \"1.4\"\n  description: |\n    Integration Guide v1.4 here.\n    version: not this\npaths: {}\n";
        let out = set_info_version(spec, "1.5", "1.4").unwrap();
        assert_eq!(
            out,
            "openapi: 3.0.3\ninfo:\n  title: T\n  version: \"1.5\"\n  description: |\n    Integration Guide v1.5 here.\n    version: not this\npaths: {}\n"
        );
        // serde_yaml's style: single quotes.
        let out = set_info_version("info:\n  version: '1.4'\n", "1.5", "1.4").unwrap();
        assert_eq!(out, "info:\n  version: \"1.5\"\n");
    }

    #[test]
    fn package_version_is_set_in_place() {
        let manifest = "[workspace]\nmembers = []\n\n[package]\nname = \"sdk\"\nversion = \"0.1.0\"\ndescription = \"SDK (guide v1.4)\"\n\n[dependencies]\nx = { version = \"1\" }\n";
        assert_eq!(package_version(manifest).unwrap(), "0.1.0");
        assert_eq!(package_name(manifest).unwrap(), "sdk");
        let out = set_package_version(manifest, "0.2.0", "1.4", "1.5").unwrap();
        assert!(out.contains("version = \"0.2.0\"\ndescription = \"SDK (guide v1.5)\""));
        assert!(out.contains("x = { version = \"1\" }"));
        let lock = "[[package]]\nname = \"sdk\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"sdk-codegen\"\nversion = \"0.1.0\"\n";
        let member = "[dependencies]\nsdk = { path = \"..\", version = \"0.1.0\", features = [\"a\"] }\nsdk-codegen = { path = \"../codegen\", version = \"0.1.0\" }\n";
        assert_eq!(
            set_path_dependency_version(member, "sdk", "0.2.0"),
            "[dependencies]\nsdk = { path = \"..\", version = \"0.2.0\", features = [\"a\"] }\nsdk-codegen = { path = \"../codegen\", version = \"0.1.0\" }\n"
        );
        assert_eq!(
            set_lock_version(lock, "sdk", "0.2.0"),
            "[[package]]\nname = \"sdk\"\nversion = \"0.2.0\"\n\n[[package]]\nname = \"sdk-codegen\"\nversion = \"0.1.0\"\n"
        );
    }
}
