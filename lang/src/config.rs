//! `route.toml`, the project file: the default namespace of generated resources, where the
//! inventory is, where `routec build` writes, and which kubeconfig context reaches the
//! management cluster (format: the "route.toml" section of the language reference).
//!
//! This module owns the [`Config`] model and its loader [`parse_config`], which rejects
//! unknown keys, wrong types and invalid values with one [`ConfigError`] at a 1-based line
//! and column. Paths are kept as written (relative to the project root); resolving and
//! reading them is the caller's job, since this crate does no I/O.

use std::fmt;
use std::ops::Range;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::check::dns_label_problem;
use crate::source_error::SourceError;

/// The inventory file used when `route.toml` names none.
pub const DEFAULT_INVENTORY: &str = "inventory.yaml";
/// The output directory used when `route.toml` names none.
pub const DEFAULT_OUT: &str = "out";

/// A loaded and validated `route.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Config {
    pub project: Project,
    pub build: Build,
    pub cluster: ManagementCluster,
}

/// `[project]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Project {
    /// The project's identity on the cluster (`routec apply --prune` deletes only what carries
    /// it); a DNS-1123 label. Defaults to the project folder's name where one is needed.
    pub name: Option<String>,
    /// The namespace of generated resources when a file says no `namespace`; a DNS-1123 label.
    pub namespace: String,
    /// The inventory files, in the order written (at least one).
    pub inventory: Vec<String>,
}

/// `[build]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Build {
    /// Where `routec build` writes.
    pub out: String,
}

/// `[cluster]`: how to reach the management cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ManagementCluster {
    /// The kubeconfig context; `None` means the current context.
    pub context: Option<String>,
}

/// Why `route.toml` was rejected.
pub type ConfigError = SourceError;

/// Parses and validates the text of `route.toml`.
pub fn parse_config(text: &str) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        error_at(
            text,
            err.span(),
            crate::inventory::suggest_for_unknown_field(err.message()),
        )
    })?;

    // A missing `[project]` is reported here rather than by serde, whose "missing field
    // `project`" would not say that a table is needed nor what goes in it.
    let Some(project) = raw.project else {
        return Err(ConfigError::new(
            1,
            1,
            "missing table `[project]`, expected at least `namespace = \"...\"` in it",
        ));
    };

    let namespace = project.namespace;
    dns_label(text, &namespace, "namespace")?;
    let name = match project.name {
        None => None,
        Some(name) => {
            dns_label(text, &name, "project name")?;
            Some(name.into_inner())
        }
    };

    let inventory = match project.inventory {
        None => vec![DEFAULT_INVENTORY.to_owned()],
        Some(list) => {
            let span = list.span();
            let files = list.into_inner().0;
            check_inventory_files(&files).map_err(|why| error_at(text, Some(span), why))?;
            files
        }
    };

    let out = match raw.build.out {
        None => DEFAULT_OUT.to_owned(),
        Some(out) => non_empty(
            text,
            out,
            "`out` must not be empty, expected a directory such as \"out\"",
        )?,
    };

    let context = raw
        .cluster
        .context
        .map(|context| {
            non_empty(
                text,
                context,
                "`context` must not be empty, expected a kubeconfig context name \
                 (or no `context` for the current one)",
            )
        })
        .transpose()?;

    Ok(Config {
        project: Project {
            name,
            namespace: namespace.into_inner(),
            inventory,
        },
        build: Build { out },
        cluster: ManagementCluster { context },
    })
}

/// `value`, a name Kubernetes will carry, must be a DNS-1123 label; `what` it is names it in
/// the error.
fn dns_label(text: &str, value: &Spanned<String>, what: &str) -> Result<(), ConfigError> {
    match dns_label_problem(value.get_ref()) {
        None => Ok(()),
        Some(why) => Err(error_at(
            text,
            Some(value.span()),
            format!("invalid {what} `{}`: {why}", value.get_ref()),
        )),
    }
}

fn non_empty(text: &str, value: Spanned<String>, message: &str) -> Result<String, ConfigError> {
    if value.get_ref().trim().is_empty() {
        Err(error_at(text, Some(value.span()), message.to_owned()))
    } else {
        Ok(value.into_inner())
    }
}

fn check_inventory_files(files: &[String]) -> Result<(), String> {
    if files.is_empty() {
        return Err("`inventory` is an empty list, expected at least one file".to_owned());
    }
    if files.iter().any(|file| file.trim().is_empty()) {
        return Err("`inventory` names an empty file name".to_owned());
    }
    for (i, file) in files.iter().enumerate() {
        if files[..i].contains(file) {
            return Err(format!("`inventory` lists {file:?} twice"));
        }
    }
    Ok(())
}

fn error_at(text: &str, span: Option<Range<usize>>, message: String) -> ConfigError {
    ConfigError::at_offset(text, span.map(|span| span.start), message)
}

// The shape of the file, with spans kept for the values validated after deserializing.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    project: Option<RawProject>,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    cluster: RawCluster,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Option<Spanned<String>>,
    namespace: Spanned<String>,
    inventory: Option<Spanned<FileList>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    out: Option<Spanned<String>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCluster {
    context: Option<Spanned<String>>,
}

/// `inventory = "a.yaml"` or `inventory = ["a.yaml", "b.json"]`. Written by hand rather than
/// `#[serde(untagged)]`, whose error ("data did not match any variant") says nothing useful.
struct FileList(Vec<String>);

impl<'de> Deserialize<'de> for FileList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileListVisitor;

        impl<'de> Visitor<'de> for FileListVisitor {
            type Value = FileList;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a file name or a list of file names")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<FileList, E> {
                Ok(FileList(vec![v.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FileList, A::Error> {
                let mut files = Vec::new();
                while let Some(file) = seq.next_element::<String>()? {
                    files.push(file);
                }
                Ok(FileList(files))
            }
        }

        deserializer.deserialize_any(FileListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOKINFO: &str = include_str!("../../examples/bookinfo/route.toml");

    fn err(text: &str) -> ConfigError {
        parse_config(text).expect_err("should be rejected")
    }

    #[test]
    fn the_bookinfo_example_loads() {
        let config = parse_config(BOOKINFO).expect("valid");
        assert_eq!(
            config,
            Config {
                project: Project {
                    name: Some("bookinfo".into()),
                    namespace: "bookinfo".into(),
                    inventory: vec!["inventory.yaml".into()],
                },
                build: Build { out: "out".into() },
                cluster: ManagementCluster { context: None },
            }
        );
    }

    #[test]
    fn only_the_namespace_is_required() {
        let config = parse_config("[project]\nnamespace = \"shop\"\n").expect("valid");
        assert_eq!(config.project.inventory, [DEFAULT_INVENTORY]);
        assert_eq!(config.build.out, DEFAULT_OUT);
        assert_eq!(config.cluster.context, None);
    }

    #[test]
    fn inventory_may_be_a_list_and_cluster_names_a_context() {
        let text = "\
[project]
namespace = \"shop\"
inventory = [\"east.yaml\", \"west.json\"]
[build]
out = \"generated\"
[cluster]
context = \"mgmt\"
";
        let config = parse_config(text).expect("valid");
        assert_eq!(config.project.inventory, ["east.yaml", "west.json"]);
        assert_eq!(config.build.out, "generated");
        assert_eq!(config.cluster.context.as_deref(), Some("mgmt"));
    }

    #[test]
    fn a_typo_in_a_key_is_rejected_at_its_line() {
        let e = err("[project]\nnamespace = \"shop\"\ninventroy = \"inv.yaml\"\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(
            e.message,
            "unknown field `inventroy`, expected one of `name`, `namespace`, `inventory` \
             (did you mean `inventory`?)"
        );
        assert!(
            e.to_string()
                .starts_with("line 3, column 1: unknown field `inventroy`")
        );

        let e = err("[project]\nnamespace = \"shop\"\n[buld]\nout = \"x\"\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unknown field `buld`"), "{}", e.message);
        assert!(
            e.message.ends_with("(did you mean `build`?)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn missing_and_mistyped_values_say_what_was_expected() {
        let e = err("[build]\nout = \"out\"\n");
        assert_eq!((e.line, e.column), (1, 1));
        assert!(
            e.message.starts_with("missing table `[project]`"),
            "{}",
            e.message
        );

        let e = err("[project]\ninventory = \"inv.yaml\"\n");
        assert_eq!(e.line, 1);
        assert_eq!(e.message, "missing field `namespace`");

        let e = err("[project]\nnamespace = 7\n");
        assert_eq!((e.line, e.column), (2, 13));
        assert!(e.message.contains("expected a string"), "{}", e.message);

        let e = err("[project]\nnamespace = \"shop\"\ninventory = 3\n");
        assert_eq!((e.line, e.column), (3, 13));
        assert!(
            e.message
                .contains("expected a file name or a list of file names"),
            "{}",
            e.message
        );

        let e = err("[project]\nnamespace = \"shop\"\ninventory = []\n");
        assert_eq!((e.line, e.column), (3, 13));
        assert_eq!(
            e.message,
            "`inventory` is an empty list, expected at least one file"
        );

        let e = err("[project]\nnamespace = \"shop\"\ninventory = [\"a.yaml\", \"a.yaml\"]\n");
        assert_eq!(e.message, "`inventory` lists \"a.yaml\" twice");

        let e = err("[project]\nnamespace = \"shop\"\n[build]\nout = \"\"\n");
        assert_eq!((e.line, e.column), (4, 7));

        let e = err("[project]\nnamespace = \"shop\"\n[cluster]\ncontext = \" \"\n");
        assert_eq!((e.line, e.column), (4, 11));
    }

    #[test]
    fn the_namespace_must_be_a_dns_label() {
        for (namespace, why) in [
            ("Book_Info", "Kubernetes names are lowercase"),
            (
                "book_info",
                "`_` is not allowed: Kubernetes names hold lowercase letters, digits and `-`",
            ),
            (
                "-shop",
                "Kubernetes names start and end with a letter or digit",
            ),
            ("", "it is empty"),
        ] {
            let e = err(&format!("[project]\nnamespace = \"{namespace}\"\n"));
            assert_eq!((e.line, e.column), (2, 13), "{namespace:?}");
            assert_eq!(e.message, format!("invalid namespace `{namespace}`: {why}"));
        }
        let long = "a".repeat(64);
        assert!(
            err(&format!("[project]\nnamespace = \"{long}\"\n"))
                .message
                .contains("it has 64 characters")
        );
        assert!(parse_config(&format!("[project]\nnamespace = \"{}\"\n", &long[1..])).is_ok());
        assert!(parse_config("[project]\nnamespace = \"team-1\"\n").is_ok());
    }

    #[test]
    fn the_project_name_must_be_a_dns_label() {
        let e = err("[project]\nnamespace = \"shop\"\nname = \"Shop\"\n");
        assert_eq!((e.line, e.column), (3, 8));
        assert_eq!(
            e.message,
            "invalid project name `Shop`: Kubernetes names are lowercase"
        );
        assert!(parse_config("[project]\nnamespace = \"shop\"\nname = \"shop-2\"\n").is_ok());
    }

    #[test]
    fn syntax_errors_point_into_the_text_in_characters() {
        let e = err("[project]\nnamespace = \"é\" x\n");
        assert_eq!((e.line, e.column), (2, 17));
    }
}
