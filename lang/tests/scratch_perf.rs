use std::time::Instant;
use route_lang::config::parse_config;
use route_lang::db::{Database, InventoryInput, Project, SourceFile};
use route_lang::inventory::parse_inventory;
use route_lang::ide;
use salsa::Setter;

#[test]
fn perf() {
    let mut inv = String::from("clusters:\n");
    for c in 0..3 {
        inv.push_str(&format!("  - name: cluster-{c}\n    region: r{c}\n    namespaces:\n"));
        for n in 0..30 {
            inv.push_str(&format!("      - name: ns{n}\n        services:\n"));
            for s in 0..50 {
                inv.push_str(&format!("          - name: svc{s}\n            labels: {{app: svc{s}, tier: t{}}}\n            ports:\n              - {{name: http, port: 8080}}\n", s % 5));
            }
            inv.push_str("        workloads:\n");
            for s in 0..50 {
                inv.push_str(&format!("          - {{name: svc{s}, labels: {{app: svc{s}, version: v1}}}}\n"));
            }
        }
    }
    let inventory = parse_inventory("inv.yaml", &inv).unwrap();
    let mut db = Database::default();
    let mut files = Vec::new();
    let mut texts = Vec::new();
    for f in 0..10 {
        let mut text = String::new();
        for t in 0..10 {
            text.push_str(&format!("routes table-{f}-{t} {{\n  hosts \"h{f}-{t}.example.com\"\n  expose to mesh\n"));
            for r in 0..100 {
                text.push_str(&format!("  route r{r} {{\n    match path prefix \"/p{r}\"\n    to service svc{}.ns{}:8080\n  }}\n", r % 50, t));
            }
            text.push_str("}\n");
        }
        texts.push(text.clone());
        files.push(SourceFile::new(&db, format!("f{f}.route"), text));
    }
    let config = parse_config("[project]\nnamespace = \"ns0\"\n").unwrap();
    let inventory = InventoryInput::new(&db, inventory);
    let project = Project::new(&db, files.clone(), config, inventory);
    let t = Instant::now();
    let _ = route_lang::db::project_diagnostics(&db, project);
    println!("full check: {:?}", t.elapsed());
    let file = files[5];
    // Typing `to service s` in the middle of the file.
    let base = texts[5].clone();
    let at = base.find("  route r50 {").unwrap();
    let mut times = Vec::new();
    for (i, typed) in ["", "t", "to", "to ", "to s", "to se", "to ser", "to serv", "to servi", "to servic", "to service", "to service ", "to service s", "to service sv", "to service svc"].iter().enumerate() {
        let mut text = base.clone();
        text.insert_str(at, &format!("  route new{i} {{\n    {typed}"));
        // keep braces balanced after
        text.insert_str(at + format!("  route new{i} {{\n    {typed}").len(), "\n  }\n");
        file.set_text(&mut db).to(text.clone());
        let offset = (at + format!("  route new{i} {{\n    {typed}").len()) as u32;
        let t = Instant::now();
        let items = ide::completions(&db, project, file, offset);
        let el = t.elapsed();
        times.push(el);
        println!("completion {typed:?}: {} items in {el:?}", items.len());
        let t = Instant::now();
        let _ = route_lang::db::file_diagnostics(&db, project, file);
        println!("   diagnostics after edit: {:?}", t.elapsed());
    }
    let t = Instant::now();
    let _ = ide::completions(&db, project, file, (at + 4) as u32);
    println!("table-level completion: {:?}", t.elapsed());
    let text = file.text(&db).clone();
    let end = text.rfind("}").unwrap() as u32;
    let t = Instant::now();
    let n = ide::completions(&db, project, file, end).len();
    println!("completion before last brace: {n} {:?}", t.elapsed());
    let off = text.find("svc3.ns").unwrap() as u32 + 1;
    let t = Instant::now(); let h = ide::hover(&db, project, file, off); println!("hover {:?} {}", t.elapsed(), h.is_some());
    let off = text.find("table-5-3").unwrap() as u32 + 1;
    let t = Instant::now(); let r = ide::references(&db, project, file, off, true); println!("references {:?} {}", t.elapsed(), r.len());
    let t = Instant::now(); let r = ide::references(&db, project, file, off, true); println!("references again {:?} {}", t.elapsed(), r.len());
    let t = Instant::now(); let s = ide::semantic_tokens(&db, file); println!("semantic {:?} {}", t.elapsed(), s.len());
    let t = Instant::now(); let s = ide::workspace_symbols(&db, project, "r5"); println!("ws symbols {:?} {}", t.elapsed(), s.len());
    let t = Instant::now(); let s = ide::inlay_hints(&db, project, file, ide::TextRange::new(off, off + 3000)); println!("inlay {:?} {}", t.elapsed(), s.len());
    let t = Instant::now(); let s = ide::document_symbols(&db, file); println!("doc symbols {:?} {}", t.elapsed(), s.len());
    let t = Instant::now(); let s = ide::folding_ranges(&db, file); println!("folding {:?} {}", t.elapsed(), s.len());
    let t = Instant::now(); let s = ide::code_actions(&db, project, file, ide::TextRange::new(0, 100)); println!("actions {:?} {}", t.elapsed(), s.len());
}
