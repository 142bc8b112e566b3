//! End-to-end tests of the front end: the example models lower to the IR they describe,
//! environments apply, expression positions survive escapes, and hostile input is handled.

use ir::expr::{Segment, Template};
use ir::integrations::IntegrationKind;
use ir::model::{
    AzureHosting, ComputeDecl, HealthCheckDecl, Inject, IntegrationDecl, Model, ResourceDecl,
    ResourceKindDecl,
};
use ir::{Diagnostics, FileId};

const SHOP: &str = include_str!("../../tests/models/shop.toml");
const INTEGRATIONS: &str = include_str!("../../tests/models/integrations.toml");

fn lower(text: &str, environment: Option<&str>) -> (Option<Model>, Vec<String>) {
    let mut diags = Diagnostics::new();
    let model = super::parse(FileId(0), text, environment, &mut diags);
    let messages = diags
        .into_sorted()
        .into_iter()
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect();
    (model, messages)
}

fn lowered(text: &str, environment: Option<&str>) -> Model {
    let (model, diags) = lower(text, environment);
    assert_eq!(diags, Vec::<String>::new());
    model.expect("a model")
}

fn resource<'m>(model: &'m Model, name: &str) -> &'m ResourceDecl {
    model
        .resources
        .iter()
        .find(|r| r.name.value == name)
        .expect("resource exists")
}

fn compute<'m>(model: &'m Model, name: &str) -> &'m ComputeDecl {
    match &resource(model, name).kind {
        ResourceKindDecl::Compute(compute) => compute,
        other => panic!("`{name}` is not compute: {other:?}"),
    }
}

fn integration<'m>(model: &'m Model, name: &str) -> &'m IntegrationDecl {
    match &resource(model, name).kind {
        ResourceKindDecl::Integration(integration) => integration,
        other => panic!("`{name}` is not an integration: {other:?}"),
    }
}

/// The source text a span points at.
fn text_at(source: &str, span: ir::Span) -> &str {
    &source[span.start as usize..span.end as usize]
}

/// The text segments and expressions of a template, expressions as `{...}`.
fn rendered(template: &Template) -> String {
    template
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.clone(),
            Segment::Expr(expr) => format!("{{{}}}", expr.text()),
        })
        .collect()
}

#[test]
fn shop_lowers_to_what_it_declares() {
    let model = lowered(SHOP, None);
    assert_eq!(model.name.value, "shop");
    assert_eq!(text_at(SHOP, model.name.span), "\"shop\"");
    assert_eq!(
        model.registry.as_ref().map(|r| r.value.as_str()),
        Some("ghcr.io/acme")
    );
    assert_eq!(model.tag.as_ref().map(|t| t.value.as_str()), Some("1.4.2"));
    assert!(model.namespace.is_none() && !model.pre_injected);

    let names: Vec<_> = model
        .parameters
        .iter()
        .map(|p| (p.name.value.as_str(), p.secret))
        .collect();
    assert_eq!(names, [("log-level", false), ("stripe-key", true)]);
    assert_eq!(
        model.parameters[0].value.as_ref().map(|v| v.value.as_str()),
        Some("info")
    );
    assert_eq!(
        model.parameters[1].description.as_deref(),
        Some("Stripe API key")
    );

    let order: Vec<_> = model
        .resources
        .iter()
        .map(|r| r.name.value.as_str())
        .collect();
    assert_eq!(order, ["cache", "pg", "catalog", "web"]);
    let cache = integration(&model, "cache");
    assert_eq!(
        (cache.kind, cache.persistent, cache.password.is_none()),
        (IntegrationKind::Redis, true, true)
    );
    let databases: Vec<_> = integration(&model, "pg")
        .databases
        .iter()
        .map(|d| d.value.as_str())
        .collect();
    assert_eq!(databases, ["catalogdb"]);

    let catalog = compute(&model, "catalog");
    assert!(catalog.project && catalog.image.is_none());
    assert_eq!(
        catalog.build.as_ref().map(|b| b.context.value.as_str()),
        Some("src/Catalog")
    );
    let references: Vec<_> = catalog
        .references
        .iter()
        .map(|r| (r.target.value.as_str(), r.inject.is_none()))
        .collect();
    assert_eq!(references, [("catalogdb", true), ("cache", true)]);
    assert_eq!(
        catalog
            .wait_for
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>(),
        ["pg"]
    );
    let http = &catalog.endpoints[0];
    assert_eq!(
        (
            http.name.value.as_str(),
            http.target_port.as_ref().map(|p| p.value)
        ),
        ("http", Some(8080))
    );
    assert_eq!(catalog.env[0].name.value, "LOG_LEVEL");
    assert_eq!(rendered(&catalog.env[0].value), "{log-level.value}");

    let web = compute(&model, "web");
    assert!(!web.project);
    assert_eq!(
        web.image.as_ref().map(|i| i.value.as_str()),
        Some("ghcr.io/acme/web:1.4.2")
    );
    assert_eq!(web.replicas.as_ref().map(|r| r.value), Some(2));
    assert!(web.endpoints[0].external);
    let Some(HealthCheckDecl::Http { path, endpoint }) = web.health.as_ref().map(|h| &h.check)
    else {
        panic!("web has an HTTP health check")
    };
    assert_eq!(
        (path.value.as_str(), endpoint.value.as_str()),
        ("/healthz", "http")
    );
}

#[test]
fn an_environment_overrides_with_spans_in_its_section() {
    let model = lowered(SHOP, Some("prod"));
    let replicas = compute(&model, "web").replicas.clone().expect("replicas");
    assert_eq!(replicas.value, 5);
    let section = SHOP
        .find("[environments.prod]")
        .expect("the example has a prod environment");
    assert!(replicas.span.start as usize > section);
    let level = model.parameters[0].value.clone().expect("a default");
    assert_eq!(
        (level.value.as_str(), text_at(SHOP, level.span)),
        ("warn", "\"warn\"")
    );
}

#[test]
fn integrations_lower_with_every_option() {
    let model = lowered(INTEGRATIONS, None);
    let kinds: Vec<_> = model
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            ResourceKindDecl::Integration(i) => Some(i.kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, IntegrationKind::ALL);
    let hosting = integration(&model, "pg")
        .azure_hosting
        .as_ref()
        .map(|h| h.value);
    assert_eq!(hosting, Some(AzureHosting::Managed));
    assert!(!integration(&model, "kv").persistent);
    let limits = &integration(&model, "reports").limits;
    assert_eq!(limits.cpu.as_ref().map(|c| c.value.as_str()), Some("1"));
    assert_eq!(
        limits.memory.as_ref().map(|m| m.value.as_str()),
        Some("2Gi")
    );

    let generate = model.parameters[1]
        .generate
        .as_ref()
        .expect("api-key generates")
        .value;
    assert_eq!(
        (generate.min_length, generate.special, generate.lower),
        (32, false, true)
    );

    let ResourceKindDecl::External(payments) = &resource(&model, "payments").kind else {
        panic!("external")
    };
    assert_eq!(
        payments.url.as_ref().map(rendered).as_deref(),
        Some("https://payments.example.com/v2")
    );

    let api = compute(&model, "api");
    let payments_ref = api.references.last().expect("references");
    let inject: Vec<_> = payments_ref
        .inject
        .iter()
        .flatten()
        .map(|i| i.value)
        .collect();
    assert_eq!(
        (payments_ref.target.value.as_str(), inject),
        ("payments", vec![Inject::Endpoints])
    );
    assert_eq!(api.endpoints.len(), 2);
    assert!(
        api.endpoints[0].target_port.is_none(),
        "`endpoints.http = {{}}` leaves the default to ir"
    );
    assert_eq!(
        api.endpoints[1].scheme.as_ref().map(|s| s.value.as_str()),
        Some("http")
    );
    assert_eq!(
        api.health
            .as_ref()
            .and_then(|h| h.period.as_ref())
            .map(|p| p.value),
        Some(15)
    );
    assert_eq!(rendered(&api.env[2].value), "{api.bindings.http.url}");

    let worker = compute(&model, "worker");
    let build = worker.build.as_ref().expect("worker builds");
    assert_eq!(
        build.dockerfile.as_ref().map(|d| d.value.as_str()),
        Some("src/Worker/Dockerfile")
    );
    assert_eq!(
        (
            build.args[0].name.value.as_str(),
            rendered(&build.args[0].value)
        ),
        ("CONFIGURATION", "Release".into())
    );
    assert_eq!(worker.volumes[0].target.value, "/var/scratch");
    assert!(!worker.volumes[0].read_only);

    let gateway = compute(&model, "gateway");
    assert_eq!(
        gateway.endpoints[0].port.as_ref().map(|p| p.value),
        Some(8080)
    );
    let Some(HealthCheckDecl::Command(command)) = gateway.health.as_ref().map(|h| &h.check) else {
        panic!("gateway has a command health check")
    };
    assert_eq!(command.len(), 3);
}

#[test]
fn the_example_models_pass_the_check() {
    for (name, text) in [("shop.toml", SHOP), ("integrations.toml", INTEGRATIONS)] {
        for environment in [None, Some("prod")]
            .into_iter()
            .filter(|e| e.is_none() || text.contains("[environments.prod]"))
        {
            let options = crate::CompileOptions {
                environment: environment.map(str::to_string),
                ..Default::default()
            };
            let compilation = crate::compile(name, text.as_bytes(), &options);
            assert!(
                !compilation.has_errors(),
                "{name}: {}",
                compilation.render_diagnostics()
            );
        }
    }
}

#[test]
fn expressions_after_escapes_and_multibyte_characters_are_located_exactly() {
    let text = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\n\
                env = { A = \"h\\u00e9 \\\"w\u{f6}rld\\\"\\t{p.value}\", B = '''\n\u{e9}{q.value}''', C = \"\"\"\nx \\\n  {r.value}\"\"\" }\n";
    let model = lowered(text, None);
    let env = &compute(&model, "w").env;
    let located: Vec<_> = env
        .iter()
        .flat_map(|e| e.value.exprs())
        .map(|expr| {
            (
                text_at(text, expr.span),
                text_at(text, expr.target.span),
                text_at(text, expr.path[0].span),
            )
        })
        .collect();
    assert_eq!(
        located,
        [
            ("{p.value}", "p", "value"),
            ("{q.value}", "q", "value"),
            ("{r.value}", "r", "value")
        ]
    );
    assert_eq!(rendered(&env[0].value), "h\u{e9} \"w\u{f6}rld\"\t{p.value}");
}

#[test]
fn expression_errors_point_inside_the_string() {
    let text = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nargs = [\"\\u00e9{p.value\", \"a}b\"]\n";
    let mut diags = Diagnostics::new();
    assert!(super::parse(FileId(0), text, None, &mut diags).is_none());
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d.code.id, text_at(text, d.primary.span)))
        .collect();
    assert_eq!(found, [("E0104", "{p.value"), ("E0105", "}")]);
}

#[test]
fn literal_braces_are_text() {
    let text = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nargs = [\"{{\\\"json\\\": true}}\"]\n";
    let model = lowered(text, None);
    assert_eq!(rendered(&compute(&model, "w").args[0]), "{\"json\": true}");
}

#[test]
fn an_empty_file_misses_its_name() {
    assert_eq!(lower("", None).1, ["E0203 the model has no `name`"]);
    assert_eq!(
        lower("# only a comment\n", None).1,
        ["E0203 the model has no `name`"]
    );
}

#[test]
fn errors_suppress_the_model_but_all_are_reported() {
    let text =
        "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = 1\nenv = { A = \"{x\" }\n";
    let (model, diags) = lower(text, None);
    assert!(model.is_none());
    assert_eq!(
        diags,
        [
            "E0202 `resources.w.image` must be a string",
            "E0104 unterminated expression"
        ]
    );
}

#[test]
fn large_models_are_handled() {
    let mut text = String::from("name = \"big\"\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "[resources.r{i}]\ntype = \"container\"\nimage = \"x:{i}\"\nenv = {{ A = \"{{r{i}.bindings.http.url}}\" }}\nendpoints.http = {{ target_port = 8080 }}\n"
        ));
    }
    assert!(text.len() > 500_000);
    let model = lowered(&text, None);
    let names: Vec<&str> = model
        .resources
        .iter()
        .map(|r| r.name.value.as_str())
        .collect();
    let declared: Vec<String> = (0..5_000).map(|i| format!("r{i}")).collect();
    assert_eq!(names, declared);
}

/// A model large enough to be schema-checked in jobs on every core reports the same
/// diagnostics in the same order as one checked on one thread: each stage's in source order.
#[test]
fn large_models_report_in_declaration_order() {
    let mut text = String::from("name = \"big\"\n");
    for i in 0..1_000 {
        let (key, value) = if i % 97 == 0 {
            ("imagee", "{unclosed")
        } else {
            ("image", "x")
        };
        text.push_str(&format!(
            "[resources.r{i}]\ntype = \"container\"\n{key} = \"x\"\nenv = {{ A = \"{value}\" }}\n"
        ));
    }
    let mut diags = Diagnostics::new();
    assert!(super::parse(FileId(0), &text, None, &mut diags).is_none());
    let reported: Vec<(&str, u32)> = diags
        .iter()
        .map(|d| (d.code.id, d.primary.span.start))
        .collect();
    let broken = (0..1_000).filter(|i| i % 97 == 0).count();
    // The schema check reports an unknown key and a missing `image` per broken resource,
    // then lowering an unterminated expression.
    assert_eq!(reported.len(), 3 * broken, "{reported:?}");
    let (checked, lowered) = reported.split_at(2 * broken);
    assert!(lowered.iter().all(|(code, _)| *code == "E0104"));
    for code in ["E0201", "E0203", "E0104"] {
        let starts: Vec<u32> = reported
            .iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, start)| *start)
            .collect();
        assert_eq!(starts.len(), broken, "{code}: {reported:?}");
        assert!(starts.is_sorted(), "{code}: {reported:?}");
    }
    assert!(
        checked
            .chunks(2)
            .all(|pair| pair[0].0 == "E0201" && pair[1].0 == "E0203"),
        "{checked:?}"
    );
}

#[test]
fn hostile_inputs_do_not_panic() {
    let deep =
        |open: &str, close: &str| format!("a = {}{}", open.repeat(10_000), close.repeat(10_000));
    let inputs = [
        deep("[", "]"),
        deep("{b = ", "}"),
        "[".repeat(10_000),
        format!("name = \"x\"\n[{}]\n", vec!["a"; 10_000].join(".")),
        format!("name = \"x\"\n{} = 1\n", vec!["a"; 10_000].join(".")),
        "name = \"x\"\nresources = 5\nparameters = []\nenvironments = \"\"\n".to_string(),
        "name = \"x\"\n[resources.a]\ntype = 5\n[resources.b]\ntype = \"container\"\nhealth = []\nreferences = [1, {}, { to = 2 }]\n".to_string(),
        "name = \"x\"\n[environments.e]\nresources = 1\nparameters = 2\n".to_string(),
        "\"\\u00e9{\" = 1\nname = \"\\ud800\"\n".to_string(),
    ];
    for input in &inputs {
        for environment in [None, Some("e")] {
            let (_, diags) = lower(input, environment);
            assert!(!diags.is_empty(), "{input:.60}");
        }
    }
}

#[test]
fn targets_are_read_checked_and_fixed_across_environments() {
    let read = |text: &str, environment: Option<&str>| {
        let mut diags = Diagnostics::new();
        let parsed = super::parse_with_targets(
            FileId(0),
            text,
            environment,
            &crate::front::no_file,
            &mut diags,
        );
        let (model, targets) = (parsed.model, parsed.targets);
        let messages: Vec<String> = diags
            .into_sorted()
            .into_iter()
            .map(|d| format!("{} {}", d.code.id, d.message))
            .collect();
        let targets = targets.map(|t| t.into_iter().map(|t| t.value).collect::<Vec<_>>());
        (model.is_some(), targets, messages)
    };
    let base = "name = \"shop\"\n";
    assert_eq!(read(base, None), (true, None, vec![]));
    let named = format!("{base}targets = [\"compose\", \"k8s\", \"compose\"]\n");
    assert_eq!(
        read(&named, None),
        (
            true,
            Some(vec!["compose".to_string(), "k8s".to_string()]),
            vec![]
        ),
        "in the model's order, without repeats"
    );
    let (ok, _, messages) = read(&format!("{base}targets = []\n"), None);
    assert!(!ok);
    assert_eq!(messages, ["E0205 `targets` is empty"]);
    // An environment cannot change them: `targets` is not an overlay key.
    let overlay = format!("{named}[environments.prod]\ntargets = [\"k8s\"]\n");
    let (ok, _, messages) = read(&overlay, Some("prod"));
    assert!(!ok);
    assert!(messages[0].starts_with("E0201 "), "{messages:?}");
}

#[test]
fn observability_defaults_to_the_dashboard_and_environments_change_it() {
    const MODEL: &str = r#"name = "a"
[resources.web]
type = "container"
image = "web:1"
[resources.worker]
type = "project"
path = "src/Worker"
otlp = false
[environments.prod]
observability.otlp_endpoint = "http://collector:4317"
[environments.public]
observability = { external = true, otlp_protocol = "http/protobuf" }
"#;
    let base = lowered(MODEL, None);
    let dashboard = base
        .observability
        .dashboard
        .as_ref()
        .expect("on by default");
    assert_eq!(dashboard.name.value, ir::telemetry::DASHBOARD_NAME);
    assert!(!dashboard.external);
    assert_eq!(base.observability.protocol, ir::model::OtlpProtocol::Grpc);
    assert!(compute(&base, "web").otlp_exporter);
    assert!(!compute(&base, "worker").otlp_exporter);

    let prod = lowered(MODEL, Some("prod"));
    assert!(
        prod.observability.dashboard.is_none(),
        "a collector replaces it"
    );
    let endpoint = prod
        .observability
        .otlp_endpoint
        .as_ref()
        .expect("the collector");
    assert_eq!(rendered(endpoint), "http://collector:4317");

    let public = lowered(MODEL, Some("public"));
    assert!(
        public
            .observability
            .dashboard
            .as_ref()
            .is_some_and(|d| d.external)
    );
    assert_eq!(
        public.observability.protocol,
        ir::model::OtlpProtocol::HttpProtobuf
    );

    let off = lowered("name = \"a\"\nobservability.dashboard = false\n", None);
    assert_eq!(off.observability, ir::model::ObservabilityDecl::default());
}
