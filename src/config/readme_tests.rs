//! The README's Properties table must list exactly the properties of the table in
//! `properties.rs`, in order, with their defaults and descriptions, so the docs cannot drift.

use crate::config::Property;

/// The README, read at compile time so that editing it rebuilds this test.
const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));

/// The header and separator rows of the Properties table.
const HEADER: [&str; 2] = ["| property | default | meaning |", "|---|---|---|"];

/// Every table line under `## Properties`, up to the next `## ` heading.
fn properties_table() -> Vec<&'static str> {
    let start = README
        .find("\n## Properties\n")
        .expect("the README has a Properties section")
        + 1;
    let section = &README[start..];
    // Skip this section's own heading when looking for the next one.
    let end = section[1..].find("\n## ").map_or(section.len(), |i| i + 1);
    section[..end]
        .lines()
        .filter(|line| line.starts_with('|'))
        .collect()
}

/// The row the README should have for `p`: the default in code font, or `none` when unset.
fn expected_row(p: Property) -> String {
    let default = match p.default_text() {
        text if text.is_empty() => "none".to_owned(),
        text => format!("`{text}`"),
    };
    format!("| `{}` | {default} | {} |", p.key(), p.description())
}

#[test]
fn the_readme_lists_every_property_in_order_with_its_default_and_description() {
    let table = properties_table();
    assert_eq!(table.get(..2), Some(&HEADER[..]), "the table's header");
    let expected: Vec<String> = Property::ALL.into_iter().map(expected_row).collect();
    assert_eq!(table[2..], expected);
}
