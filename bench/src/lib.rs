//! The workload generator behind `gen` and the benchmarks: a realistic route project of any
//! size, deterministic for a seed, that checks with no diagnostics at all.
//!
//! A project of N routes (N ≥ [`MIN_ROUTES`]) has:
//! - N/100 *families*, each a root table with 92 routes (one of which delegates to two
//!   delegated tables of 4 routes each), so 100 routes per family; the last root table also
//!   takes the N mod 100 routes left over. Every root table has two hosts of its own, is
//!   exposed on a gateway and to the mesh, and applies a retry and a CORS policy; its routes
//!   mix path (prefix, exact, regex), header, query and method matchers, single, subset and
//!   weighted targets, destinations, rewrites, redirects and direct responses, and apply
//!   route-level policies. Every route matches under a path prefix of its own, so no route
//!   shadows another and delegated routes stay inside the delegating route's prefix;
//! - N/10 virtual destinations, each selecting one service by label in its namespace and
//!   applying destination-level policies;
//! - [`POLICIES_PER_KIND`] policies of each of the nine kinds, every one of them applied (a
//!   project too small to apply them all defines only those it applies);
//! - four gateways (one per cluster, and one spanning all three);
//! - an inventory of 3 clusters × 50 namespaces (49 application namespaces of 10 services
//!   each, two workloads per service, and the gateways' namespace): 1,473 services that
//!   every reference resolves to.
//!
//! The sources are one file or spread over F files (families and destinations in contiguous
//! blocks, gateways and policies in the first file). Randomness comes from a SplitMix64
//! generator seeded by the caller, so a seed always yields the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use route_lang::config::parse_config;
use route_lang::db::{Database, InventoryInput, Project, SourceFile};
use route_lang::inventory::{
    Cluster, Inventory, Labels, Namespace, Service, ServicePort, TargetPort, Workload,
};

/// The smallest project the generator writes: one family.
pub const MIN_ROUTES: usize = 100;
/// Routes per family: a root table and its delegated tables.
pub const ROUTES_PER_FAMILY: usize = 100;
/// Policies of each kind; a few dozen in all.
pub const POLICIES_PER_KIND: usize = 4;
/// The namespace of the gateways' workloads.
pub const GATEWAY_NAMESPACE: &str = "gloo-mesh-gateways";

/// The delegated tables of a family, by the path segment they serve under `/api/`.
const DELEGATED: [(&str, u32); 2] = [("users", 20), ("orders", 10)];
/// Routes in each delegated table.
const DELEGATED_ROUTES: usize = 4;
/// Where the delegating route sits in its root table.
const DELEGATING_ROUTE: usize = 45;
/// Cluster name, region and zone.
const CLUSTERS: [(&str, &str, &str); 3] = [
    ("cluster-1", "us-east1", "us-east1-b"),
    ("cluster-2", "us-west1", "us-west1-a"),
    ("cluster-3", "eu-west1", "eu-west1-c"),
];
/// Application namespaces per cluster (the gateways' namespace makes 50).
const APP_NAMESPACES: usize = 49;
/// The services of every application namespace; those at even positions also speak gRPC.
const SERVICES: [&str; 10] = [
    "web", "api", "auth", "cart", "search", "orders", "users", "billing", "catalog", "reviews",
];
/// The HTTP port of every service, named `http`.
const HTTP_PORT: u16 = 8080;
/// The gRPC port of the services that have one, named `grpc`.
const GRPC_PORT: u16 = 9090;
/// The metrics port of the services at odd positions, named `http-metrics`.
const METRICS_PORT: u16 = 9102;
/// The gateways: name and the clusters they run in.
const GATEWAYS: [(&str, &[&str]); 4] = [
    ("ingress-1", &["cluster-1"]),
    ("ingress-2", &["cluster-2"]),
    ("ingress-3", &["cluster-3"]),
    ("edge", &["cluster-1", "cluster-2", "cluster-3"]),
];

/// How the inventory is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InventoryFormat {
    /// `inventory.json`, as a snapshot tool would write it.
    #[default]
    Json,
    /// `inventory.yaml`, as people write it.
    Yaml,
}

impl InventoryFormat {
    /// The inventory's file name in the project.
    pub fn file_name(self) -> &'static str {
        match self {
            InventoryFormat::Json => "inventory.json",
            InventoryFormat::Yaml => "inventory.yaml",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Routes in all (at least [`MIN_ROUTES`]; fewer are raised to it).
    pub routes: usize,
    /// Source files (at least 1).
    pub files: usize,
    pub seed: u64,
    pub inventory: InventoryFormat,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            routes: 1_000,
            files: 1,
            seed: 1,
            inventory: InventoryFormat::Json,
        }
    }
}

/// One generated `.route` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Relative to the project root, with `/`.
    pub path: String,
    pub text: String,
}

/// A generated project, in memory.
#[derive(Clone, Debug)]
pub struct GeneratedProject {
    pub route_toml: String,
    /// The inventory's file name (see [`InventoryFormat::file_name`]).
    pub inventory_file: &'static str,
    /// The inventory file's text.
    pub inventory_text: String,
    /// The same inventory, as the loader would read it.
    pub inventory: Inventory,
    pub sources: Vec<Source>,
}

impl GeneratedProject {
    /// Writes the project into `dir` (created if missing): `route.toml`, the inventory and the
    /// sources.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        fs::write(dir.join("route.toml"), &self.route_toml)?;
        fs::write(dir.join(self.inventory_file), &self.inventory_text)?;
        for source in &self.sources {
            let path = dir.join(&source.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, &source.text)?;
        }
        Ok(())
    }

    /// The total size of the `.route` sources, in bytes.
    pub fn source_bytes(&self) -> usize {
        self.sources.iter().map(|s| s.text.len()).sum()
    }

    /// The project in a fresh database, as `routec::project::load` would put it there, without
    /// touching the disk. Nothing is computed yet.
    pub fn database(&self) -> InMemory {
        self.load_into(Database::default())
    }

    /// The project in a fresh database as the language server has it: one that re-parses
    /// only the items an edit changed.
    pub fn editor_database(&self) -> InMemory {
        self.load_into(Database::default().reusing_parses())
    }

    fn load_into(&self, db: Database) -> InMemory {
        let config = parse_config(&self.route_toml).expect("the generated route.toml is valid");
        let files: Vec<SourceFile> = self
            .sources
            .iter()
            .map(|s| SourceFile::new(&db, s.path.clone(), s.text.clone()))
            .collect();
        let inventory = InventoryInput::new(&db, self.inventory.clone());
        let project = Project::new(&db, files.clone(), config, inventory);
        InMemory { db, project, files }
    }
}

/// A generated project loaded into a database.
pub struct InMemory {
    pub db: Database,
    pub project: Project,
    /// The source files, in the order of [`GeneratedProject::sources`].
    pub files: Vec<SourceFile>,
}

/// `text` with a one-character edit inside a route: the first letter of the path of the
/// route about `fraction` (0.0–1.0) of the way through the file becomes another letter. The
/// path stays unique, so the edited project is as clean as the original (delegation paths,
/// under `/api/`, are left alone). `None` when the text has no route.
pub fn edit_inside_route(text: &str, fraction: f64) -> Option<String> {
    const PATH: &str = "match path prefix \"/";
    let paths: Vec<usize> = text
        .match_indices(PATH)
        .map(|(at, _)| at + PATH.len())
        .filter(|&at| !text[at..].starts_with("api/"))
        .collect();
    let last = paths.len().checked_sub(1)?;
    let at = paths[((last as f64 * fraction.clamp(0.0, 1.0)) as usize).min(last)];
    let old = text[at..].chars().next()?;
    let new = if old == 'z' { 'y' } else { 'z' };
    let mut edited = String::with_capacity(text.len());
    edited.push_str(&text[..at]);
    edited.push(new);
    edited.push_str(&text[at + old.len_utf8()..]);
    Some(edited)
}

/// Generates a project. See the module documentation for its shape.
pub fn generate(options: &Options) -> GeneratedProject {
    let routes = options.routes.max(MIN_ROUTES);
    let files = options.files.max(1);
    let families = routes / ROUTES_PER_FAMILY;
    let destinations = routes / 10;
    let catalog = Catalog::new();
    let inventory = inventory(&catalog);
    let inventory_text = match options.inventory {
        InventoryFormat::Json => serde_json::to_string_pretty(&inventory)
            .expect("an inventory always serializes to JSON"),
        InventoryFormat::Yaml => {
            serde_saphyr::to_string(&inventory).expect("an inventory always serializes to YAML")
        }
    };

    let mut writers: Vec<Writer> = (0..files)
        .map(|f| Writer::new(f, files, options.seed))
        .collect();
    writers[0].gateways();
    // The policies go here, once it is known which ones are applied.
    let policies_at = writers[0].out.len();
    let mut uses = Uses::default();
    for d in 0..destinations {
        writers[d * files / destinations].destination(&catalog, d, &mut uses);
    }
    for t in 0..families {
        let extra = if t + 1 == families {
            routes % ROUTES_PER_FAMILY
        } else {
            0
        };
        let writer = &mut writers[t * files / families];
        let plan = Family {
            table: t,
            root_routes: ROUTES_PER_FAMILY - DELEGATED.len() * DELEGATED_ROUTES + extra,
            destinations,
        };
        writer.family(&catalog, &plan, &mut uses);
    }
    let rest = writers[0].out.split_off(policies_at);
    writers[0].policies(&catalog, &uses.applied);
    writers[0].out.push_str(&rest);

    let sources = writers
        .into_iter()
        .map(|w| Source {
            path: if files == 1 {
                "main.route".to_owned()
            } else {
                format!("routes/part-{:03}.route", w.index)
            },
            text: w.out,
        })
        .collect();
    GeneratedProject {
        route_toml: format!(
            "# Generated by routec-bench `gen`.\n[project]\nnamespace = \"{}\"\ninventory = \"{}\"\n\n[build]\nout = \"out\"\n",
            app_namespace(0),
            options.inventory.file_name()
        ),
        inventory_file: options.inventory.file_name(),
        inventory_text,
        inventory,
        sources,
    }
}

/// `team-07`.
fn app_namespace(n: usize) -> String {
    format!("team-{n:02}")
}

/// A service every cluster runs.
#[derive(Clone, Debug)]
struct CatalogService {
    name: &'static str,
    namespace: String,
    grpc: bool,
}

/// Every application service (the same in each cluster), by namespace then name.
struct Catalog {
    services: Vec<CatalogService>,
}

impl Catalog {
    fn new() -> Catalog {
        let services = (0..APP_NAMESPACES)
            .flat_map(|n| {
                SERVICES
                    .iter()
                    .enumerate()
                    .map(move |(s, name)| CatalogService {
                        name,
                        namespace: app_namespace(n),
                        grpc: s.is_multiple_of(2),
                    })
            })
            .collect();
        Catalog { services }
    }

    /// The service destination `d` selects: spread over the catalogue (11 is coprime with
    /// its 490 entries, so neighbours differ).
    fn for_destination(&self, d: usize) -> &CatalogService {
        &self.services[(d * 11 + 3) % self.services.len()]
    }

    /// Whether destination `d` declares the gRPC port as well (and so needs `:PORT` in
    /// targets).
    fn destination_has_grpc(&self, d: usize) -> bool {
        d.is_multiple_of(3) && self.for_destination(d).grpc
    }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn port(name: &str, number: u16, app_protocol: &str) -> ServicePort {
    ServicePort {
        name: Some(name.to_owned()),
        port: number,
        target_port: Some(TargetPort::Number(number)),
        protocol: Some("TCP".to_owned()),
        app_protocol: Some(app_protocol.to_owned()),
    }
}

/// The inventory: every cluster runs the whole catalogue and an ingress gateway.
fn inventory(catalog: &Catalog) -> Inventory {
    let mut by_namespace: BTreeMap<&str, Vec<&CatalogService>> = BTreeMap::new();
    for service in &catalog.services {
        by_namespace
            .entry(service.namespace.as_str())
            .or_default()
            .push(service);
    }
    let gateway_namespace = Namespace {
        name: GATEWAY_NAMESPACE.to_owned(),
        labels: Labels::new(),
        services: vec![Service {
            name: "istio-ingressgateway".to_owned(),
            labels: labels(&[("app", "istio-ingressgateway"), ("istio", "ingressgateway")]),
            selector: labels(&[("istio", "ingressgateway")]),
            ports: vec![port("http2", 80, "http"), port("https", 443, "https")],
        }],
        workloads: vec![Workload {
            name: "istio-ingressgateway".to_owned(),
            kind: Some("Deployment".to_owned()),
            labels: labels(&[("app", "istio-ingressgateway"), ("istio", "ingressgateway")]),
            service_account: Some("istio-ingressgateway".to_owned()),
        }],
        service_accounts: Vec::new(),
    };
    let app_namespaces: Vec<Namespace> = by_namespace
        .into_iter()
        .map(|(namespace, services)| Namespace {
            name: namespace.to_owned(),
            labels: labels(&[("istio-injection", "enabled"), ("team", namespace)]),
            services: services
                .iter()
                .enumerate()
                .map(|(s, service)| {
                    let mut ports = vec![port("http", HTTP_PORT, "http")];
                    if service.grpc {
                        ports.push(port("grpc", GRPC_PORT, "grpc"));
                    } else {
                        ports.push(port("http-metrics", METRICS_PORT, "http"));
                    }
                    let tier = if s < 3 { "frontend" } else { "backend" };
                    Service {
                        name: service.name.to_owned(),
                        labels: labels(&[
                            ("app", service.name),
                            ("team", namespace),
                            ("tier", tier),
                        ]),
                        selector: labels(&[("app", service.name)]),
                        ports,
                    }
                })
                .collect(),
            workloads: services
                .iter()
                .flat_map(|service| {
                    ["v1", "v2"].map(|version| Workload {
                        name: format!("{}-{version}", service.name),
                        kind: Some("Deployment".to_owned()),
                        labels: labels(&[
                            ("app", service.name),
                            ("team", namespace),
                            ("version", version),
                        ]),
                        service_account: Some(service.name.to_owned()),
                    })
                })
                .collect(),
            service_accounts: vec!["default".to_owned()],
        })
        .collect();
    Inventory {
        clusters: CLUSTERS
            .iter()
            .map(|(name, region, zone)| Cluster {
                name: (*name).to_owned(),
                region: Some((*region).to_owned()),
                zone: Some((*zone).to_owned()),
                namespaces: std::iter::once(gateway_namespace.clone())
                    .chain(app_namespaces.iter().cloned())
                    .collect(),
            })
            .collect(),
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One family to write: a root table and its delegated tables.
struct Family {
    table: usize,
    root_routes: usize,
    destinations: usize,
}

/// Which policies are applied: how many times routes applied each route-level kind (so that
/// successive uses cycle through the policies of the kind), and every policy applied anywhere
/// (only those are defined, so that no policy is left unused in a small project).
#[derive(Default)]
struct Uses {
    timeout: usize,
    fault: usize,
    mirror: usize,
    headers: usize,
    retry: usize,
    applied: BTreeSet<String>,
}

impl Uses {
    fn next(counter: &mut usize) -> usize {
        let k = *counter % POLICIES_PER_KIND;
        *counter += 1;
        k
    }
}

/// Where a route's traffic goes, as far as policies care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Forwards {
    Yes,
    No,
}

/// Writes one source file.
struct Writer {
    index: usize,
    /// The namespace of the file: the default namespace of its service references.
    namespace: String,
    rng: Rng,
    out: String,
}

impl Writer {
    fn new(index: usize, files: usize, seed: u64) -> Writer {
        let namespace = app_namespace(index % APP_NAMESPACES);
        let mut out = String::new();
        out.push_str(
            "# Generated by routec-bench `gen`: a synthetic but realistic routing project.\n\n",
        );
        if files > 1 {
            let _ = writeln!(out, "namespace {namespace}\n");
        }
        Writer {
            index,
            namespace,
            // Each file draws from its own stream, so files do not depend on each other.
            rng: Rng(seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)),
            out,
        }
    }

    fn line(&mut self, args: std::fmt::Arguments<'_>) {
        // Writing into a String cannot fail.
        let _ = self.out.write_fmt(args);
        self.out.push('\n');
    }

    fn gateways(&mut self) {
        self.line(format_args!(
            "# Owned by the platform team: the ingress gateways.\n"
        ));
        for (name, clusters) in GATEWAYS {
            self.line(format_args!("## The `{name}` gateway."));
            self.line(format_args!("gateway {name} {{"));
            self.line(format_args!("  cluster {}", clusters.join(", ")));
            self.line(format_args!(
                "  workload (istio = \"ingressgateway\") in {GATEWAY_NAMESPACE}"
            ));
            self.line(format_args!("  listen 80 http"));
            self.line(format_args!("  listen 443 https tls \"{name}-cert\""));
            self.line(format_args!("}}\n"));
        }
    }

    /// Defines the policies of `applied`, in a fixed order.
    fn policies(&mut self, catalog: &Catalog, applied: &BTreeSet<String>) {
        self.line(format_args!(
            "# Traffic and security policies, defined once and applied to many routes.\n"
        ));
        for k in 0..POLICIES_PER_KIND {
            for (name, text) in policy_texts(catalog, k) {
                if applied.contains(&name) {
                    self.out.push_str(&text);
                }
            }
        }
    }

    /// `apply NAME, …` at `indent`, recording what was applied.
    fn apply(&mut self, indent: &str, names: Vec<String>, uses: &mut Uses) {
        self.line(format_args!("{indent}apply {}", names.join(", ")));
        uses.applied.extend(names);
    }

    fn destination(&mut self, catalog: &Catalog, d: usize, uses: &mut Uses) {
        let service = catalog.for_destination(d);
        let k = d % POLICIES_PER_KIND;
        self.line(format_args!(
            "## {} of {}, from every cluster that runs it.",
            service.name, service.namespace
        ));
        self.line(format_args!("destination vd-{d} {{"));
        self.line(format_args!("  host \"vd-{d}.mesh.internal\""));
        self.line(format_args!("  port {HTTP_PORT} http -> http"));
        if catalog.destination_has_grpc(d) {
            self.line(format_args!("  port {GRPC_PORT} grpc -> grpc"));
        }
        self.line(format_args!(
            "  select (app = \"{}\", team = \"{}\") in {}",
            service.name, service.namespace, service.namespace
        ));
        if d.is_multiple_of(5) {
            self.line(format_args!("  clusters cluster-1, cluster-2"));
        }
        let mut applied = vec![format!("eject-{k}")];
        if d.is_multiple_of(2) {
            applied.push(format!("failover-{}", (d / 2) % POLICIES_PER_KIND));
        }
        if d.is_multiple_of(3) {
            applied.push(format!("frontend-only-{}", (d / 3) % POLICIES_PER_KIND));
        }
        self.apply("  ", applied, uses);
        self.line(format_args!("}}\n"));
    }

    fn family(&mut self, catalog: &Catalog, plan: &Family, uses: &mut Uses) {
        let t = plan.table;
        let k = t % POLICIES_PER_KIND;
        let (gateway, gateway_clusters) = GATEWAYS[t % GATEWAYS.len()];
        // A target may be pinned to the cluster of a single-cluster gateway.
        let pin = match gateway_clusters {
            [only] => Some(*only),
            _ => None,
        };
        self.line(format_args!(
            "## The storefront of tenant {t}: served through `{gateway}` and inside the mesh."
        ));
        self.line(format_args!("routes t{t} {{"));
        self.line(format_args!(
            "  hosts \"t{t}.example.com\", \"*.t{t}.internal\""
        ));
        self.line(format_args!("  expose on gateway {gateway}"));
        self.line(format_args!("  expose to mesh"));
        self.apply(
            "  ",
            vec![format!("std-retries-{k}"), format!("web-cors-{k}")],
            uses,
        );
        for i in 0..plan.root_routes {
            self.out.push('\n');
            if i == DELEGATING_ROUTE.min(plan.root_routes - 1) {
                let tables: Vec<String> = DELEGATED
                    .iter()
                    .map(|(segment, _)| format!("t{t}-{segment}"))
                    .collect();
                self.line(format_args!("  route api {{"));
                self.line(format_args!("    match path prefix \"/api/\""));
                self.line(format_args!("    delegate to routes {}", tables.join(", ")));
                self.line(format_args!("  }}"));
            } else {
                self.route(catalog, plan, i, pin, uses);
            }
        }
        self.line(format_args!("}}\n"));
        for (segment, weight) in DELEGATED {
            self.line(format_args!(
                "## The {segment} API of tenant {t}, owned by its own team."
            ));
            self.line(format_args!("routes t{t}-{segment} {{"));
            self.line(format_args!("  weight {weight}"));
            self.apply("  ", vec![format!("tag-team-{k}")], uses);
            for j in 0..DELEGATED_ROUTES {
                let service = self.service(catalog).clone();
                self.line(format_args!("  route {}-{j} {{", service.name));
                self.line(format_args!(
                    "    match path prefix \"/api/{segment}/{}-{j}/\"",
                    service.name
                ));
                let target = if j.is_multiple_of(2) {
                    self.service_target(&service, None)
                } else {
                    self.destination_target(catalog, plan.destinations)
                };
                self.line(format_args!("    to {target}"));
                self.route_policies(uses, Forwards::Yes, false);
                self.line(format_args!("  }}"));
            }
            self.line(format_args!("}}\n"));
        }
    }

    /// One route of a root table: matchers under its own prefix, an action, maybe policies.
    fn route(
        &mut self,
        catalog: &Catalog,
        plan: &Family,
        i: usize,
        pin: Option<&str>,
        uses: &mut Uses,
    ) {
        let t = plan.table;
        let service = self.service(catalog).clone();
        let prefix = format!("/{}-{i}/", service.name);
        let action = self.rng.below(100);
        // `rewrite prefix` needs every match to be a path prefix.
        let rewrite = (66..76).contains(&action);
        let comment = if self.rng.below(20) == 0 {
            "  # owned by the storefront team"
        } else {
            ""
        };
        self.line(format_args!("  route {}-{i} {{{comment}", service.name));
        self.matches(&prefix, rewrite);
        let forwards = match action {
            0..28 => {
                let target = self.service_target(&service, pin);
                self.line(format_args!("    to {target}"));
                Forwards::Yes
            }
            28..42 => {
                let qualified = self.qualified(&service);
                let v1 = *self.rng.pick(&[50, 80, 90, 95]);
                self.line(format_args!(
                    "    to service {qualified}:{HTTP_PORT} (version = \"v1\") weight {v1},"
                ));
                self.line(format_args!(
                    "       service {qualified}:{HTTP_PORT} (version = \"v2\") weight {}",
                    100 - v1
                ));
                Forwards::Yes
            }
            42..60 => {
                let target = self.destination_target(catalog, plan.destinations);
                self.line(format_args!("    to {target}"));
                Forwards::Yes
            }
            60..66 => {
                let d = self.rng.below(plan.destinations);
                let qualified = self.qualified(&service);
                self.line(format_args!(
                    "    to destination vd-{d}:{HTTP_PORT} weight 50, service {qualified}:{HTTP_PORT} weight 50"
                ));
                Forwards::Yes
            }
            66..76 => {
                self.line(format_args!("    rewrite prefix \"/\""));
                if self.rng.below(3) == 0 {
                    self.line(format_args!(
                        "    rewrite host \"{}.{}.svc.cluster.local\"",
                        service.name, service.namespace
                    ));
                }
                let target = self.service_target(&service, None);
                self.line(format_args!("    to {target}"));
                Forwards::Yes
            }
            76..84 => {
                let code = *self.rng.pick(&[301, 302, 308]);
                if self.rng.below(2) == 0 {
                    self.line(format_args!(
                        "    redirect host \"t{t}.example.com\" path \"/moved/{}-{i}\" code {code}",
                        service.name
                    ));
                } else {
                    self.line(format_args!(
                        "    redirect path \"/moved/{}-{i}\" code {code}",
                        service.name
                    ));
                }
                Forwards::No
            }
            84..92 => {
                let response = *self.rng.pick(&[
                    "200 \"ok\"",
                    "404 \"not found\"",
                    "503",
                    "418 \"I'm a teapot\"",
                ]);
                self.line(format_args!("    respond {response}"));
                Forwards::No
            }
            _ => {
                let qualified = self.qualified(&service);
                let version = *self.rng.pick(&["v1", "v2"]);
                self.line(format_args!(
                    "    to service {qualified}:http (version = \"{version}\")"
                ));
                Forwards::Yes
            }
        };
        self.route_policies(uses, forwards, true);
        self.line(format_args!("  }}"));
    }

    /// One or two `match` lines under `prefix`; prefix matches only when `prefix_only`.
    fn matches(&mut self, prefix: &str, prefix_only: bool) {
        let form = self.rng.below(if prefix_only { 65 } else { 100 });
        let exact = prefix.trim_end_matches('/');
        match form {
            0..40 => self.line(format_args!("    match path prefix \"{prefix}\"")),
            40..55 => {
                let methods = *self.rng.pick(&["GET", "GET, POST", "GET, HEAD", "POST, PUT, PATCH"]);
                self.line(format_args!(
                    "    match path prefix \"{prefix}\" and method {methods}"
                ));
            }
            55..65 => {
                self.line(format_args!(
                    "    match path prefix \"{prefix}\" and header \"x-canary\" present"
                ));
                self.line(format_args!(
                    "    match path prefix \"{prefix}\" and query \"canary\" = \"true\""
                ));
            }
            65..75 => {
                self.line(format_args!("    match path exact \"{exact}\""));
                self.line(format_args!("    match path prefix \"{prefix}\""));
            }
            75..85 => self.line(format_args!(
                "    match path regex \"{prefix}v[0-9]+/.*\" and header \"user-agent\" ~ \".*Mobile.*\""
            )),
            85..93 => self.line(format_args!(
                "    match path prefix \"{prefix}\" and header \"end-user\" = \"jason\""
            )),
            _ => self.line(format_args!(
                "    match path prefix \"{prefix}\" and header \"x-debug\" != \"1\" and query \"format\" ~ \"json|yaml\""
            )),
        }
    }

    /// Route-level policies: none for most routes, and none on routes that forward nothing.
    /// Delegated tables apply a `headers` policy themselves, so their routes take no other.
    fn route_policies(&mut self, uses: &mut Uses, forwards: Forwards, headers_allowed: bool) {
        if forwards == Forwards::No {
            return;
        }
        let roll = self.rng.below(100);
        let applied = match roll {
            0..55 => return,
            55..70 => vec![format!("slow-{}", Uses::next(&mut uses.timeout))],
            70..77 => vec![format!("chaos-{}", Uses::next(&mut uses.fault))],
            77..84 => vec![format!("shadow-{}", Uses::next(&mut uses.mirror))],
            84..90 if headers_allowed => {
                vec![format!("tag-team-{}", Uses::next(&mut uses.headers))]
            }
            84..95 => vec![
                format!("slow-{}", Uses::next(&mut uses.timeout)),
                format!("chaos-{}", Uses::next(&mut uses.fault)),
            ],
            _ => vec![
                format!("std-retries-{}", Uses::next(&mut uses.retry)),
                format!("slow-{}", Uses::next(&mut uses.timeout)),
            ],
        };
        self.apply("    ", applied, uses);
    }

    /// A service for a route: one of the file's own namespace a fifth of the time.
    fn service<'c>(&mut self, catalog: &'c Catalog) -> &'c CatalogService {
        if self.rng.below(5) == 0 {
            let own: Vec<&CatalogService> = catalog
                .services
                .iter()
                .filter(|s| s.namespace == self.namespace)
                .collect();
            own[self.rng.below(own.len())]
        } else {
            self.rng.pick(&catalog.services)
        }
    }

    /// `name` in the file's namespace, `name.namespace` elsewhere.
    fn qualified(&self, service: &CatalogService) -> String {
        if service.namespace == self.namespace {
            service.name.to_owned()
        } else {
            format!("{}.{}", service.name, service.namespace)
        }
    }

    /// `service NAME[.NS]:PORT [@CLUSTER]`.
    fn service_target(&mut self, service: &CatalogService, pin: Option<&str>) -> String {
        let qualified = self.qualified(service);
        let port = match self.rng.below(10) {
            0 => "http".to_owned(),
            1 if service.grpc => GRPC_PORT.to_string(),
            _ => HTTP_PORT.to_string(),
        };
        match pin {
            Some(cluster) if self.rng.below(5) == 0 => {
                format!("service {qualified}:{port} @{cluster}")
            }
            _ => format!("service {qualified}:{port}"),
        }
    }

    /// `destination vd-N[:PORT]`: the port when the destination has several.
    fn destination_target(&mut self, catalog: &Catalog, destinations: usize) -> String {
        let d = self.rng.below(destinations);
        if catalog.destination_has_grpc(d) || self.rng.below(3) == 0 {
            format!("destination vd-{d}:{HTTP_PORT}")
        } else {
            format!("destination vd-{d}")
        }
    }
}

/// The policies of variant `k` (0–3) of every kind, by name.
fn policy_texts(catalog: &Catalog, k: usize) -> Vec<(String, String)> {
    const TIMEOUTS: [&str; 4] = ["250ms", "500ms", "1s", "2s"];
    const CONDITIONS: [&str; 4] = [
        "5xx, reset, connect-failure",
        "gateway-error, retriable-4xx",
        "5xx",
        "reset, refused-stream, unavailable",
    ];
    const REQUEST_TIMEOUTS: [&str; 4] = ["5s", "10s", "30s", "1m30s"];
    let team = app_namespace(k);
    let fault = if k.is_multiple_of(2) {
        format!("  delay {}s\n  percent {}%\n", k + 1, 5 + k)
    } else {
        format!("  abort 503\n  percent 0.{k}%\n")
    };
    let credentials = if k.is_multiple_of(2) {
        "  credentials\n"
    } else {
        ""
    };
    let shadowed = &catalog.services[(k * 37 + 5) % catalog.services.len()];
    let failover = if k % 2 == 1 {
        "  from \"eu-west1\" to \"us-east1\"\n"
    } else {
        ""
    };
    vec![
        (
            format!("std-retries-{k}"),
            format!(
                "## Retry transient failures, variant {k}.\npolicy std-retries-{k} = retry {{\n  attempts {}\n  per-try-timeout {}\n  on {}\n}}\n\n",
                2 + k,
                TIMEOUTS[k],
                CONDITIONS[k]
            ),
        ),
        (
            format!("slow-{k}"),
            format!("policy slow-{k} = timeout {}\n\n", REQUEST_TIMEOUTS[k]),
        ),
        (
            format!("chaos-{k}"),
            format!("policy chaos-{k} = fault {{\n{fault}}}\n\n"),
        ),
        (
            format!("web-cors-{k}"),
            format!(
                "policy web-cors-{k} = cors {{\n  origins \"https://app{k}.example.com\", \"*.example.com\"\n  methods GET, POST, PUT\n  headers \"x-requested-with\", \"content-type\"\n  expose \"x-request-id\"\n  max-age 24h\n{credentials}}}\n\n"
            ),
        ),
        (
            format!("tag-team-{k}"),
            format!(
                "policy tag-team-{k} = headers {{\n  request set \"x-team\" \"{team}\"\n  request remove \"x-internal-debug\"\n  response remove \"server\"\n}}\n\n"
            ),
        ),
        (
            format!("shadow-{k}"),
            format!(
                "## Shadow a little traffic to the v2 canary of {name}.{namespace}.\npolicy shadow-{k} = mirror {{\n  to service {name}.{namespace}:{HTTP_PORT} (version = \"v2\")\n  percent {}%\n}}\n\n",
                k + 1,
                name = shadowed.name,
                namespace = shadowed.namespace,
            ),
        ),
        (
            format!("eject-{k}"),
            format!(
                "policy eject-{k} = outlier {{\n  consecutive-errors {}\n  interval 10s\n  base-ejection 30s\n  max-ejection {}%\n}}\n\n",
                3 + k,
                25 * (k % 2 + 1)
            ),
        ),
        (
            format!("failover-{k}"),
            format!(
                "policy failover-{k} = failover {{\n  prefer same-zone, same-region\n  from \"us-east1\" to \"us-west1\"\n{failover}}}\n\n"
            ),
        ),
        (
            format!("frontend-only-{k}"),
            format!(
                "## Only the front ends of {team} may call.\npolicy frontend-only-{k} = access {{\n  allow service-account web.{team}\n  allow service-account api.{team}\n}}\n\n"
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::{Options, generate};

    #[test]
    fn a_seed_always_yields_the_same_project() {
        let options = Options {
            routes: 300,
            files: 3,
            ..Options::default()
        };
        let (a, b) = (generate(&options), generate(&options));
        assert_eq!(a.sources, b.sources);
        let other = generate(&Options { seed: 2, ..options });
        assert_ne!(a.sources, other.sources);
    }

    #[test]
    fn routes_are_counted_as_asked() {
        let project = generate(&Options {
            routes: 1_050,
            ..Options::default()
        });
        let text = &project.sources[0].text;
        assert_eq!(text.matches("\n  route ").count(), 1_050);
        assert_eq!(text.matches("\nroutes t").count(), 10 * 3);
        assert_eq!(text.matches("\ndestination vd-").count(), 105);
    }
}
