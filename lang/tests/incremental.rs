//! Incrementality, proven by the queries salsa executes: an edit inside one item re-checks
//! only that item; whitespace and comment edits re-check nothing. The database is the
//! language server's, which also re-parses only the edited item.

mod support;

use std::sync::Arc;

use route_lang::config::parse_config;
use route_lang::db::{
    Database, InventoryInput, Project, SourceFile, file_items, name_of, parse_file,
    project_diagnostics,
};
use route_lang::diagnostic::Diagnostic;
use route_lang::inventory::parse_inventory;
use salsa::Setter;

const INVENTORY: &str = include_str!("data/check/inventory.yaml");

/// A 50-item project in one file: a gateway, 4 destinations, 10 policies, 35 route tables.
fn project_text() -> String {
    let mut text = String::from(
        "gateway ingress {\n  cluster cluster-1\n  workload (istio = \"ingressgateway\") in gloo-mesh-gateways\n  listen 80 http\n}\n\n",
    );
    for d in 0..4 {
        text.push_str(&format!(
            "destination dest-{d} {{\n  host \"dest-{d}.mesh.internal\"\n  port 9080\n  select (app = \"reviews\") in bookinfo\n}}\n\n"
        ));
    }
    for p in 0..10 {
        text.push_str(&format!("policy timeout-{p} = timeout {}s\n\n", p + 1));
    }
    for t in 0..35 {
        text.push_str(&format!(
            "routes table-{t} {{\n  hosts \"t{t}.example.com\"\n  expose on gateway ingress\n  apply timeout-{}\n  route main {{\n    match path prefix \"/t{t}\"\n    to service reviews:9080\n  }}\n}}\n\n",
            t % 10
        ));
    }
    text
}

struct Fixture {
    db: Database,
    log: route_lang::db::ExecutionLog,
    file: SourceFile,
    project: Project,
}

fn fixture() -> Fixture {
    let (db, log) = Database::with_execution_log();
    let db = db.reusing_parses();
    let config = parse_config(support::DEFAULT_CONFIG).expect("config");
    let inventory = parse_inventory("inventory.yaml", INVENTORY).expect("inventory");
    let file = SourceFile::new(&db, "main.route".to_owned(), project_text());
    let inventory = InventoryInput::new(&db, inventory);
    let project = Project::new(&db, vec![file], config, inventory);
    let diagnostics = project_diagnostics(&db, project);
    assert!(
        diagnostics.is_empty(),
        "the fixture must be clean: {diagnostics:#?}"
    );
    let executed = log.take();
    assert_eq!(
        count(&executed, "check_item"),
        50,
        "first run checks every item"
    );
    Fixture {
        db,
        log,
        file,
        project,
    }
}

fn count(executed: &[String], query: &str) -> usize {
    executed
        .iter()
        .filter(|e| e.starts_with(&format!("{query}(")))
        .count()
}

/// The project's diagnostics, and the queries that computing them executed since the last
/// time the log was read.
fn recheck(fx: &Fixture) -> (Vec<Diagnostic>, Vec<String>) {
    let diagnostics = project_diagnostics(&fx.db, fx.project);
    (diagnostics, fx.log.take())
}

fn edit(fx: &mut Fixture, from: &str, to: &str) {
    let text = fx.file.text(&fx.db).replacen(from, to, 1);
    fx.file.set_text(&mut fx.db).to(text);
}

#[test]
fn editing_one_route_rechecks_only_its_table() {
    let mut fx = fixture();
    edit(&mut fx, "prefix \"/t17\"", "prefix \"/t17/v2\"");
    let (diagnostics, executed) = recheck(&fx);
    assert!(diagnostics.is_empty());
    assert_eq!(count(&executed, "parse_file"), 1, "{executed:#?}");
    assert_eq!(
        count(&executed, "check_item"),
        1,
        "only table-17 is re-checked: {executed:#?}"
    );

    // The re-checked item is the edited one: a mistake there is reported there.
    edit(
        &mut fx,
        "to service reviews:9080\n  }\n}\n\nroutes table-18",
        "to service reveiws:9080\n  }\n}\n\nroutes table-18",
    );
    let (diagnostics, executed) = recheck(&fx);
    assert_eq!(count(&executed, "check_item"), 1, "{executed:#?}");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let text = fx.file.text(&fx.db);
    let table_17 = text.find("routes table-17").expect("table 17") as u32;
    let table_18 = text.find("routes table-18").expect("table 18") as u32;
    let at = diagnostics[0].primary.range.start;
    assert!(table_17 < at && at < table_18, "the error is in table-17");
    assert_eq!(diagnostics[0].code.as_str(), "E0203");
}

#[test]
fn whitespace_and_comment_edits_recheck_nothing() {
    let mut fx = fixture();
    edit(
        &mut fx,
        "  route main {\n    match path prefix \"/t3\"",
        "\n\n  # a comment\n  route   main {\n\n    match path   prefix \"/t3\"   ",
    );
    edit(
        &mut fx,
        "gateway ingress {",
        "## The ingress.\n\n\ngateway ingress {",
    );
    let (diagnostics, executed) = recheck(&fx);
    assert!(diagnostics.is_empty());
    assert_eq!(count(&executed, "parse_file"), 1, "{executed:#?}");
    for query in [
        "check_item",
        "table_summary",
        "policy_kind",
        "gateway_clusters",
        "destination_backends",
        "destination_ports",
        "item_index",
        "project_checks",
    ] {
        assert_eq!(
            count(&executed, query),
            0,
            "{query} must not re-run: {executed:#?}"
        );
    }
}

#[test]
fn a_route_to_a_destination_is_rechecked_only_when_its_ports_change() {
    let mut fx = fixture();
    edit(
        &mut fx,
        "prefix \"/t5\"\n    to service reviews:9080",
        "prefix \"/t5\"\n    to destination dest-0:9080",
    );
    assert!(recheck(&fx).0.is_empty());

    // The host is none of a target's business: only the destination is checked again.
    edit(&mut fx, "dest-0.mesh.internal", "dest-zero.mesh.internal");
    let (diagnostics, executed) = recheck(&fx);
    assert!(diagnostics.is_empty());
    assert_eq!(count(&executed, "destination_ports"), 1, "{executed:#?}");
    assert_eq!(count(&executed, "check_item"), 1, "{executed:#?}");

    // Its port is: table-5 is checked again and finds its port gone (and the destination
    // finds its backends without the new one).
    edit(
        &mut fx,
        "dest-zero.mesh.internal\"\n  port 9080",
        "dest-zero.mesh.internal\"\n  port 9090",
    );
    let (diagnostics, executed) = recheck(&fx);
    assert_eq!(count(&executed, "check_item"), 2, "{executed:#?}");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0504", "E0204"], "{diagnostics:#?}");
}

#[test]
fn editing_the_inventory_rechecks_items_but_not_parses() {
    let mut fx = fixture();
    let inventory = parse_inventory(
        "inventory.yaml",
        &INVENTORY.replace("name: reviews\n", "name: reviews-v9\n"),
    )
    .expect("inventory");
    fx.project.inventory(&fx.db).replace(&mut fx.db, inventory);
    let (diagnostics, executed) = recheck(&fx);
    assert_eq!(count(&executed, "parse_file"), 0, "{executed:#?}");
    assert!(
        diagnostics.iter().any(|d| d.code.as_str() == "E0203"),
        "{diagnostics:#?}"
    );
}

/// The name and tree of every item of the fixture's file, as parsed in the current revision.
fn trees(fx: &Fixture) -> Vec<(String, Arc<route_lang::syntax::ast::Item>)> {
    parse_file(&fx.db, fx.file)
        .items
        .iter()
        .map(|parsed| {
            (
                name_of(&parsed.item).text.to_string(),
                Arc::clone(&parsed.item),
            )
        })
        .collect()
}

#[test]
fn editing_one_route_reparses_only_its_table() {
    let mut fx = fixture();
    let before = trees(&fx);
    edit(&mut fx, "prefix \"/t17\"", "prefix \"/t17/v2\"");
    assert!(project_diagnostics(&fx.db, fx.project).is_empty());
    let after = trees(&fx);
    assert_eq!(before.len(), after.len());
    let reparsed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|((_, old), (_, new))| !Arc::ptr_eq(old, new))
        .map(|((name, _), _)| name.as_str())
        .collect();
    assert_eq!(reparsed, ["table-17"]);
    // The tracked items hold the parse's trees, so their checks see the same pointers.
    for (item, (_, tree)) in file_items(&fx.db, fx.file).iter().zip(&after) {
        assert!(Arc::ptr_eq(item.syntax(&fx.db), tree));
    }
}

#[test]
fn syntax_errors_stay_reported_while_other_items_are_edited() {
    let mut fx = fixture();
    edit(
        &mut fx,
        "  apply timeout-3\n",
        "  apply timeout-3\n  bogus\n",
    );
    let broken = project_diagnostics(&fx.db, fx.project);
    assert_eq!(broken.len(), 1, "{broken:#?}");
    // Lines added above the broken table move it; its error moves with it.
    edit(&mut fx, "prefix \"/t1\"", "prefix \"/t1\"\n\n\n");
    let moved = project_diagnostics(&fx.db, fx.project);
    assert_eq!(moved.len(), 1, "{moved:#?}");
    assert_eq!(moved[0].code, broken[0].code);
    assert_eq!(
        moved[0].primary.range.start,
        broken[0].primary.range.start + 3
    );
    edit(&mut fx, "  bogus\n", "");
    assert!(project_diagnostics(&fx.db, fx.project).is_empty());
}

/// What route-lsp does for an open document: keeping its lexing before the first edit changes
/// nothing the queries return, and the edit reparses the edited table only.
#[test]
fn a_file_whose_lexing_is_kept_reparses_only_the_edited_table() {
    let mut fx = fixture();
    let before = trees(&fx);
    let parses = fx.db.parses().expect("the fixture reuses parses");
    parses.keep_lexing(fx.file);
    edit(&mut fx, "prefix \"/t17\"", "prefix \"/t17/v2\"");
    assert!(project_diagnostics(&fx.db, fx.project).is_empty());
    let text = fx.file.text(&fx.db).clone();
    assert!(*parse_file(&fx.db, fx.file) == route_lang::syntax::parse(&text));
    let reparsed: Vec<String> = before
        .iter()
        .zip(trees(&fx))
        .filter(|((_, old), (_, new))| !Arc::ptr_eq(old, new))
        .map(|((name, _), _)| name.clone())
        .collect();
    assert_eq!(reparsed, ["table-17"]);
}
