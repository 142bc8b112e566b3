//! Tests of the whole front end: small manifests lowered (and some checked end to end), and
//! the corpus of real Aspire manifests compiled with and without `--allow-unsupported`.

use std::path::PathBuf;

use ir::checked::{Encoding, Part};
use ir::expr::Segment;
use ir::model::{ComputeDecl, Model, ResourceKindDecl};
use ir::{Diagnostic, Diagnostics, FileId};

fn lower(text: &str) -> (Option<Model>, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let model = super::parse(FileId(0), text, None, &mut diags);
    (model, diags.into_sorted())
}

/// Lowers a manifest that must produce no diagnostics.
fn lower_clean(text: &str) -> Model {
    let (model, diags) = lower(text);
    assert!(diags.is_empty(), "{diags:#?}");
    model.expect("a model")
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

/// The source text under a diagnostic's primary span.
fn under<'t>(text: &'t str, d: &Diagnostic) -> &'t str {
    under_span(text, d.primary.span)
}

fn under_span(text: &str, span: ir::Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

fn compute<'m>(model: &'m Model, name: &str) -> &'m ComputeDecl {
    match model
        .resources
        .iter()
        .find(|r| r.name.value == name)
        .map(|r| &r.kind)
    {
        Some(ResourceKindDecl::Compute(c)) => c,
        other => panic!("`{name}` is not a compute resource: {other:?}"),
    }
}

fn unsupported_reason(model: &Model, name: &str) -> String {
    match model
        .resources
        .iter()
        .find(|r| r.name.value == name)
        .map(|r| &r.kind)
    {
        Some(ResourceKindDecl::Unsupported(u)) => format!("{}: {}", u.type_name, u.reason),
        other => panic!("`{name}` is not unsupported: {other:?}"),
    }
}

fn compile(text: &str, allow_unsupported: bool) -> crate::Compilation {
    let options = crate::CompileOptions {
        targets: vec![],
        allow_unsupported,
        ..Default::default()
    };
    let mut compilation = crate::compile("aspire-manifest.json", text.as_bytes(), &options);
    // These tests look at each place on its own.
    compilation.diagnostics = ir::group::ungrouped(&compilation.diagnostics);
    compilation
}

#[test]
fn lowers_a_container_with_every_field() {
    let model = lower_clean(
        r#"{
  "$schema": "https://json.schemastore.org/aspire-8.0.json",
  "resources": {
    "Cache_1": {
      "type": "container.v0",
      "connectionString": "{Cache_1.bindings.tcp.host}:{Cache_1.bindings.tcp.port}",
      "image": "redis:8",
      "entrypoint": "/bin/sh",
      "args": ["-c", "redis-server --port {Cache_1.bindings.tcp.targetPort}"],
      "volumes": [{"name": "app-cache-data", "target": "/data", "readOnly": false}],
      "bindMounts": [{"source": "../conf", "target": "/conf", "readOnly": true}],
      "env": {"A": "1"},
      "bindings": {
        "tcp": {"scheme": "redis", "protocol": "tcp", "transport": "tcp", "targetPort": 6379},
        "admin": {"scheme": "http", "protocol": "tcp", "transport": "http", "port": 8081, "external": true},
        "web": {"scheme": "http", "protocol": "tcp", "transport": "http"}
      }
    }
  }
}"#,
    );
    assert_eq!(model.name.value, "aspire");
    assert!(model.pre_injected);
    let c = compute(&model, "Cache_1");
    assert!(!c.project);
    assert_eq!(c.image.as_ref().map(|i| i.value.as_str()), Some("redis:8"));
    assert_eq!(
        c.entrypoint
            .iter()
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>(),
        ["/bin/sh"]
    );
    assert_eq!(c.args.len(), 2);
    assert_eq!(
        c.args[1].exprs().next().map(|e| e.text()),
        Some("Cache_1.bindings.tcp.targetPort".into())
    );
    assert_eq!(c.env[0].name.value, "A");
    assert_eq!(
        c.connection_string.as_ref().map(|t| t.exprs().count()),
        Some(2)
    );
    assert_eq!(
        (c.volumes[0].name.value.as_str(), c.volumes[0].read_only),
        ("app-cache-data", false)
    );
    assert_eq!(
        (
            c.bind_mounts[0].source.value.as_str(),
            c.bind_mounts[0].read_only
        ),
        ("../conf", true)
    );
    let ports: Vec<_> = c
        .endpoints
        .iter()
        .map(|e| {
            (
                e.name.value.as_str(),
                e.target_port.as_ref().map(|p| p.value),
                e.port.as_ref().map(|p| p.value),
                e.external,
            )
        })
        .collect();
    // A port without a target port is left to the ir; neither falls back to 80.
    assert_eq!(
        ports,
        [
            ("tcp", Some(6379), None, false),
            ("admin", None, Some(8081), true),
            ("web", Some(80), None, false)
        ]
    );
    assert_eq!(
        c.endpoints[0].scheme.as_ref().map(|s| s.value.as_str()),
        Some("redis")
    );
    // Its own expressions do not make a reference.
    assert!(c.references.is_empty());
}

#[test]
fn lowers_builds_projects_and_legacy_dockerfiles() {
    let text = r#"{"resources": {
      "p": {"type": "parameter.v0", "value": "{p.inputs.value}", "inputs": {"value": {"type": "string", "secret": true}}},
      "web": {"type": "container.v1", "build": {"context": "src", "dockerfile": "src/Dockerfile", "stage": "final",
        "args": {"V": "{p.value}"},
        "secrets": {"TOKEN": {"type": "env", "value": "{p.value}"}, "CERT": {"type": "file", "source": "cert.pem"}}}},
      "files": {"type": "container.v1", "build": {"context": ".", "dockerfile": "Dockerfile", "buildOnly": true}},
      "api": {"type": "project.v1", "path": "../Api/Api.csproj", "deployment": {"type": "azure.bicep.v0", "path": "x"},
        "containerFiles": {"files": {"destination": "./wwwroot", "sources": ["/app/dist"]}},
        "bindings": {"http": {"scheme": "http", "protocol": "tcp", "transport": "http"}}},
      "tool": {"type": "project.v0", "path": "Tool.csproj"},
      "old": {"type": "dockerfile.v0", "path": "old/Dockerfile", "context": "old", "buildArgs": {"X": "1"}}
    }}"#;
    let (model, diags) = lower(text);
    let model = model.expect("a model");
    assert_eq!(codes(&diags), ["W0201", "W0201", "W0201"]);
    assert_eq!(under(text, &diags[0]), "\"CERT\"");
    // The `deployment` module, left out for every target.
    assert_eq!(under(text, &diags[1]), "\"deployment\"");
    assert!(
        diags[1].message.contains("module `x`"),
        "{}",
        diags[1].message
    );
    assert_eq!(under(text, &diags[2]), "\"files\"");
    assert_eq!(
        diags[2].help.as_deref(),
        Some(
            "when you build the image of `api`, copy `/app/dist` from the image of `files` into `./wwwroot`"
        )
    );

    let build = compute(&model, "web").build.as_ref().expect("a build");
    assert_eq!(build.context.value, "src");
    assert_eq!(
        build.dockerfile.as_ref().map(|d| d.value.as_str()),
        Some("src/Dockerfile")
    );
    assert_eq!(
        build.target.as_ref().map(|t| t.value.as_str()),
        Some("final")
    );
    assert_eq!(build.args[0].name.value, "V");
    assert_eq!(
        build
            .secrets
            .iter()
            .map(|s| s.name.value.as_str())
            .collect::<Vec<_>>(),
        ["TOKEN"]
    );

    // `buildOnly`: a build like any other, marked build-only.
    let files = compute(&model, "files");
    assert!(files.build_only);
    assert_eq!(
        files.build.as_ref().map(|b| b.context.value.as_str()),
        Some(".")
    );
    assert!(!compute(&model, "web").build_only);

    let api = compute(&model, "api");
    assert!(api.project);
    assert_eq!(
        api.build.as_ref().map(|b| b.context.value.as_str()),
        Some("../Api")
    );
    // Projects keep endpoints without ports as they are: the ir gives projects 8080.
    assert!(api.endpoints[0].target_port.is_none());
    assert_eq!(
        compute(&model, "tool")
            .build
            .as_ref()
            .map(|b| b.context.value.as_str()),
        Some(".")
    );

    let old = compute(&model, "old").build.as_ref().expect("a build");
    assert_eq!(
        (
            old.context.value.as_str(),
            old.dockerfile.as_ref().map(|d| d.value.as_str())
        ),
        ("old", Some("old/Dockerfile"))
    );
    assert_eq!(old.args[0].name.value, "X");
}

#[test]
fn lowers_parameters_values_and_unsupported_entries() {
    let model = lower_clean(
        r#"{"resources": {
      "pw": {"type": "parameter.v0", "value": "{pw.inputs.value}", "inputs": {"value": {"type": "string", "secret": true,
        "default": {"generate": {"minLength": 30, "special": false, "minUpper": 2}}}}},
      "region": {"type": "parameter.v0", "value": "{region.inputs.value}", "inputs": {"value": {"type": "string",
        "description": "Where", "default": {"value": "west"}}}},
      "conn": {"type": "parameter.v0", "connectionString": "{conn.value}", "value": "{conn.inputs.value}",
        "inputs": {"value": {"type": "string", "secret": true}}},
      "db": {"type": "value.v0", "connectionString": "{conn.connectionString};Database=db"},
      "job": {"type": "executable.v0", "command": "node", "workingDirectory": "."},
      "kv": {"type": "azure.bicep.v1", "path": "kv.bicep", "scope": {"resourceGroup": "rg"}},
      "mystery": {"type": "acme.widget.v3", "size": 3},
      "compose": {"error": "This resource does not support generation in the manifest."}
    }}"#,
    );
    let [pw, region, conn] = &model.parameters[..] else {
        panic!("three parameters: {:?}", model.parameters)
    };
    assert!(pw.secret && !pw.is_connection_string);
    let rule = pw.generate.as_ref().expect("a generate rule").value;
    assert_eq!(
        (
            rule.min_length,
            rule.special,
            rule.lower,
            rule.min_upper,
            rule.min_lower
        ),
        (30, false, true, 2, 0)
    );
    assert!(!region.secret);
    assert_eq!(
        region.value.as_ref().map(|v| v.value.as_str()),
        Some("west")
    );
    assert_eq!(region.description.as_deref(), Some("Where"));
    assert!(conn.secret && conn.is_connection_string);

    match &model.resources[0].kind {
        ResourceKindDecl::External(e) => {
            assert!(e.url.is_none());
            assert_eq!(
                e.connection_string.as_ref().map(|t| t.segments.len()),
                Some(2)
            );
        }
        other => panic!("value.v0 is an external: {other:?}"),
    }
    assert!(
        unsupported_reason(&model, "job")
            .starts_with("executable.v0: a process started on the host")
    );
    match model
        .resources
        .iter()
        .find(|r| r.name.value == "kv")
        .map(|r| &r.kind)
    {
        Some(ResourceKindDecl::AzureModule(kv)) => {
            assert_eq!(kv.type_name, "azure.bicep.v1");
            assert_eq!(kv.path.value, "kv.bicep");
            assert!(kv.file.is_err(), "no file is read without a reader");
            assert_eq!(
                kv.resource_group.as_ref().map(|t| t.segments.len()),
                Some(1)
            );
        }
        other => panic!("`kv` is not a module: {other:?}"),
    }
    assert!(unsupported_reason(&model, "mystery").contains("does not define"));
    assert_eq!(
        unsupported_reason(&model, "compose"),
        "error: Aspire could not write it into the manifest: This resource does not support generation in the manifest."
    );
}

#[test]
fn references_follow_the_expressions_a_resource_reads() {
    let model = lower_clean(
        r#"{"resources": {
      "pw": {"type": "parameter.v0", "value": "{pw.inputs.value}", "inputs": {"value": {"type": "string"}}},
      "pg": {"type": "container.v0", "image": "postgres", "env": {"P": "{pw.value}"},
        "bindings": {"tcp": {"scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 5432}}},
      "db": {"type": "value.v0", "connectionString": "{pg.bindings.tcp.host}"},
      "api": {"type": "project.v0", "path": "a/a.csproj", "args": ["{PG.bindings.tcp.port}"],
        "env": {"A": "{db.connectionString}", "B": "{pg.bindings.tcp.host}", "C": "{pw.value}", "D": "{api.bindings.http.url}"},
        "bindings": {"http": {"scheme": "http", "protocol": "tcp", "transport": "http"}}}
    }}"#,
    );
    let targets: Vec<&str> = compute(&model, "api")
        .references
        .iter()
        .map(|r| r.target.value.as_str())
        .collect();
    assert_eq!(
        targets,
        ["db", "pg"],
        "resources only, once each, not itself, in order of appearance"
    );
    assert!(compute(&model, "pg").references.is_empty());
}

#[test]
fn reports_schema_problems_at_the_key_or_value() {
    let text = r#"{"resources": {
      "a": {"type": "container.v0", "imag": "x", "env": {"N": 1},
        "bindings": {"b": {"scheme": "http", "protocol": "sctp", "transport": "http", "targetPort": 80.5}}},
      "b": {"type": "container.v1"},
      "p": {"type": "parameter.v0", "value": "{q.inputs.value}", "inputs": {"value": {"type": "number",
        "default": {"generate": {"special": "no"}}}}},
      "u": {"type": "annotated.string", "value": "x{p.value}", "filter": "base64"}
    }, "extra": 1}"#;
    let (_, diags) = lower(text);
    let found: Vec<(&str, &str)> = diags.iter().map(|d| (d.code.id, under(text, d))).collect();
    assert_eq!(
        found,
        [
            ("E0203", "\"a\""),
            ("E0201", "\"imag\""),
            ("E0202", "1"),
            ("E0205", "sctp"),
            ("E0202", "80.5"),
            ("E0203", "\"b\""),
            ("E0205", "\"{q.inputs.value}\""),
            ("E0205", "number"),
            ("E0203", "\"generate\""),
            ("E0202", "\"no\""),
            ("E0205", "\"x{p.value}\""),
            ("E0205", "base64"),
            ("E0201", "\"extra\""),
        ]
    );
    let imag = diags
        .iter()
        .find(|d| d.code.id == "E0201")
        .expect("unknown key");
    assert_eq!(imag.help.as_deref(), Some("did you mean `image`?"));
}

#[test]
fn an_environment_is_an_error_for_manifests() {
    let mut diags = Diagnostics::new();
    let model = super::parse(FileId(0), r#"{"resources": {}}"#, Some("prod"), &mut diags);
    assert!(model.is_some());
    let d = diags.iter().next().expect("a diagnostic");
    assert_eq!(d.code.id, "E0207");
    assert!(d.primary.span.is_detached());
}

#[test]
fn diagnostics_point_into_escaped_strings() {
    // `\u00e9` and `\"` before the expression shift its source position.
    let text = "{\"resources\": {\n  \"a\": {\"type\": \"container.v0\", \"image\": \"x\",\n    \"env\": {\"E\": \"caf\\u00e9 \\\"{nope.value}\\\"\"}}}}";
    let compilation = compile(text, false);
    let d = compilation
        .diagnostics
        .iter()
        .find(|d| d.code.id == "E0301")
        .expect("an unknown reference");
    assert_eq!(under(text, d), "nope");
    let rendered = compilation.render_diagnostics();
    assert!(rendered.contains(":3:"), "line 3 in {rendered}");
}

#[test]
fn syntax_errors_are_reported_with_their_position() {
    let text = "{\n  \"resources\": {\n    \"a\": {\"type\": \"value.v0\",}\n  }\n}";
    let compilation = compile(text, false);
    assert_eq!(codes(&compilation.diagnostics), ["E0102"]);
    assert_eq!(under(text, &compilation.diagnostics[0]), ",");
    assert!(compilation.model.is_none());
}

#[test]
fn uri_encoded_strings_become_encoded_parameters() {
    let text = r#"{"resources": {
      "pw": {"type": "parameter.v0", "value": "{pw.inputs.value}", "inputs": {"value": {"type": "string", "secret": true}}},
      "pw-uri-encoded": {"type": "annotated.string", "value": "{pw.value}", "filter": "uri"},
      "mq": {"type": "container.v0", "image": "rabbitmq", "env": {"U": "amqp://u:{pw-uri-encoded.value}@x", "P": "{pw.value}"}}
    }}"#;
    let compilation = compile(text, false);
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    let model = compilation.model.expect("a checked model");
    let (_, _, mq) = model.workloads().next().expect("one workload");
    let encodings: Vec<Vec<Encoding>> = mq
        .env
        .iter()
        .map(|e| {
            e.value
                .parts
                .iter()
                .filter_map(|p| {
                    if let Part::Param { encoding, .. } = p {
                        Some(*encoding)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    assert_eq!(encodings, [vec![Encoding::Uri], vec![Encoding::Raw]]);
    // The alias is not a resource: there are mq and the dashboard a manifest gets by default.
    assert_eq!(model.resources().count(), 2);
    assert_eq!(
        model.dashboard().map(|id| model.resource(id).name.as_str()),
        Some(ir::telemetry::DASHBOARD_NAME)
    );
}

#[test]
fn literal_braces_in_values_are_kept() {
    let model = lower_clean(
        r#"{"resources": {"gw": {"type": "container.v0", "image": "yarp", "env": {"R": "/catalog/{**catch-all}"}}}}"#,
    );
    assert_eq!(
        compute(&model, "gw").env[0].value.segments,
        [Segment::Text("/catalog/{**catch-all}".into())]
    );
}

/// `seq` is read (twice, once through a `value.v0`) but not declared, as when the AppHost
/// calls `ExcludeFromManifest`; `cahce` is a typo of `cache`.
const UNDECLARED: &str = r#"{"resources": {
  "cache": {"type": "container.v0", "image": "redis",
    "bindings": {"tcp": {"scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 6379}}},
  "logs": {"type": "value.v0", "connectionString": "{Seq.bindings.http.url}"},
  "api": {"type": "project.v0", "path": "a/a.csproj",
    "env": {"S": "{seq.connectionString}", "L": "{SEQ.bindings.http.url}", "C": "{cahce.bindings.tcp.host}", "R": "{cache.bindings.tcp.host}"}}
}}"#;

#[test]
fn undeclared_names_are_declared_where_first_read() {
    let model = lower_clean(UNDECLARED);
    let undeclared: Vec<(&str, &str)> = model
        .resources
        .iter()
        .filter(|r| matches!(r.kind, ResourceKindDecl::Undeclared(_)))
        .map(|r| (r.name.value.as_str(), under_span(UNDECLARED, r.name.span)))
        .collect();
    // Once per name in any case, in order of position, spanned at the first read (in `logs`).
    assert_eq!(undeclared, [("Seq", "Seq"), ("cahce", "cahce")]);
    let first = UNDECLARED.find("{Seq.").map(|i| i + 1);
    assert_eq!(
        model
            .resources
            .iter()
            .find(|r| r.name.value == "Seq")
            .map(|r| r.name.span.start as usize),
        first
    );
    // Reads of an undeclared name are not references.
    let targets: Vec<&str> = compute(&model, "api")
        .references
        .iter()
        .map(|r| r.target.value.as_str())
        .collect();
    assert_eq!(targets, ["cache"]);
}

#[test]
fn undeclared_names_are_unknown_with_a_hint_at_exclusion() {
    let compilation = compile(UNDECLARED, false);
    assert!(compilation.model.is_none());
    let unknown: Vec<(&str, Option<&str>, &[String])> = compilation
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code.id, "E0301", "{d:?}");
            (under(UNDECLARED, d), d.help.as_deref(), &d.notes[..])
        })
        .collect();
    let excluded = |name: &str| {
        format!(
            "the AppHost may have excluded `{name}` from the manifest (`ExcludeFromManifest`); \
             --allow-unsupported turns what reads it into deploy-time parameters"
        )
    };
    let seq = excluded("Seq");
    let cahce = excluded("cahce");
    assert_eq!(
        unknown,
        [
            ("Seq", Some(seq.as_str()), &[][..]),
            ("seq", Some(seq.as_str()), &[]),
            ("SEQ", Some(seq.as_str()), &[]),
            // A likely typo keeps its suggestion as the help.
            ("cahce", Some("did you mean `cache`?"), &[cahce]),
        ]
    );
}

#[test]
fn undeclared_names_become_parameters_with_allow_unsupported() {
    let compilation = compile(UNDECLARED, true);
    let warnings: Vec<(&str, &str, &str)> = compilation
        .diagnostics
        .iter()
        .map(|d| (d.code.id, d.message.as_str(), under(UNDECLARED, d)))
        .collect();
    assert_eq!(
        warnings,
        [
            ("W0701", "`Seq` is read but not declared", "Seq"),
            ("W0701", "`cahce` is read but not declared", "cahce"),
        ],
        "one warning per name, at its first read"
    );
    let model = compilation.model.expect("a checked model");
    let left_out: Vec<(&str, bool)> = model
        .parameters()
        .filter(|(_, p)| p.origin == ir::ParamOrigin::LeftOut)
        .map(|(_, p)| (p.name.as_str(), p.secret))
        .collect();
    // Named and shared by expression, as for any resource left out.
    assert_eq!(
        left_out,
        [
            ("seq-bindings-http-url", true),
            ("seq-connectionstring", true),
            ("cahce-bindings-tcp-host", true),
        ]
    );
    let (_, _, api) = model
        .workloads()
        .find(|(_, r, _)| r.name == "api")
        .expect("api");
    let reads_parameter = |name: &str| {
        api.env
            .iter()
            .find(|e| e.name == name)
            .is_some_and(|e| matches!(e.value.parts[..], [Part::Param { .. }]))
    };
    assert!(reads_parameter("S") && reads_parameter("L") && reads_parameter("C"));
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aspire-manifests")
}

fn own_manifests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/manifests")
}

/// Every manifest of the corpus and the resources it cannot publish.
const CORPUS: &[(&str, &[&str])] = &[
    ("aspirewithjavascript", &[]),
    (
        "azurecontainerapps",
        &[
            "infra-acr",
            "infra",
            "account",
            "account-kv",
            "storage",
            "api-identity",
            "api-roles-storage",
            "api-roles-account-kv",
        ],
    ),
    (
        "deployers",
        &[
            "aca-env-acr",
            "aca-env",
            "aas-env-acr",
            "aas-env",
            "storage",
            "eventhubs",
            "messaging",
            "cosmosdb",
            "funcstorage6662c",
            "functions-api-service-identity",
            "functions-api-service-roles-eventhubs",
            "functions-api-service-roles-messaging",
            "functions-api-service-roles-cosmosdb",
            "functions-api-service-roles-storage",
            "func-app-identity",
            "func-app-roles-eventhubs",
            "func-app-roles-messaging",
            "func-app-roles-cosmosdb",
            "func-app-roles-storage",
            "func-app-roles-funcstorage6662c",
        ],
    ),
    ("keycloak", &[]),
    (
        "postgresendtoend",
        &["pg", "mvn-clean", "javaservice", "pg-roles"],
    ),
    ("testproject", &["nodeapp", "npmapp", "cosmos"]),
    ("testshop", &[]),
    ("withdockerfile", &["docker-compose"]),
];

/// The repository's own manifests (`tests/manifests/`), the resources each cannot publish, and
/// the names it reads without declaring them (as a manifest of an AppHost that called
/// `ExcludeFromManifest` does).
/// A manifest's name with the resources it cannot publish, the names it reads and never
/// declares, and its reads of what a resource does not have (the text under each diagnostic).
type Expected = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// Each manifest of the repository (see [`Expected`]).
const OWN: &[Expected] = &[
    (
        "allow-unsupported-azure-modules",
        &[
            "portal-env",
            "claims-storage",
            "claims-kv",
            "claims-sql",
            "fraud-cache",
            "claim-events",
            "intake-identity",
            "intake-roles-claims-storage",
        ],
        &[],
        &[],
    ),
    (
        "allow-unsupported-host-processes",
        &[
            "local-compose",
            "notebook-api-dapr",
            "notebook-state",
            "sync-worker",
            "spectra-import",
        ],
        &["logs"],
        &[],
    ),
    (
        "allow-unsupported-unresolved-reads",
        &[],
        &[],
        &[
            "bindings", "bindings", "bindings", "bindings", "bindings", "tunnel", "tunnel",
        ],
    ),
    // Its modules are deployed by the bicep target alone: checked without targets (as here),
    // each is unsupported.
    (
        "bicep-modules",
        &[
            "portal-storage",
            "portal-kv",
            "portal-search",
            "portal-cache",
            "portal-events",
            "portal-roles",
        ],
        &[],
        &[],
    ),
    ("bookstore", &[], &[], &[]),
    ("media-pipeline", &[], &[], &[]),
    ("ticketing", &[], &[], &[]),
    ("weather-kiosk", &[], &[], &[]),
];

#[test]
fn every_own_manifest_compiles_except_for_its_unsupported_resources() {
    compiles_except_for(&own_manifests_dir(), OWN);
}

#[test]
#[ignore = "reads ../shared/corpus; .ci/run runs it with --ignored"]
fn every_corpus_manifest_compiles_except_for_its_unsupported_resources() {
    compiles_except_for_unsupported(&corpus_dir(), CORPUS);
}

/// Every manifest in `dir` is listed in `expected` with the resources it cannot publish:
/// without `--allow-unsupported` each is one E0701 and nothing else fails but the names read
/// and never declared (`undeclared`, one E0301 each) and the reads of what a resource does
/// not have (`unresolved`, one E0304 or E0305 each); with it, each of these is one W0701 and
/// the model checks.
fn compiles_except_for_unsupported(
    dir: &std::path::Path,
    expected: &[(&'static str, &'static [&'static str])],
) {
    compiles_except_for(
        dir,
        &expected
            .iter()
            .map(|(n, u)| (*n, *u, &[][..], &[][..]))
            .collect::<Vec<_>>(),
    );
}

fn compiles_except_for(dir: &std::path::Path, expected: &[Expected]) {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("the manifests' folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            name.strip_suffix(".aspire-manifest.json")
                .map(str::to_string)
        })
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = expected.iter().map(|(name, ..)| *name).collect();
    assert_eq!(on_disk, listed, "list every manifest of {}", dir.display());

    for (name, unsupported, undeclared, unresolved) in expected {
        let bytes =
            std::fs::read(dir.join(format!("{name}.aspire-manifest.json"))).expect("readable");
        let text = String::from_utf8(bytes).expect("UTF-8");
        for allow in [false, true] {
            let compilation = compile(&text, allow);
            let named = |code: &str| -> Vec<&str> {
                compilation
                    .diagnostics
                    .iter()
                    .filter(|d| d.code.id == code)
                    .map(|d| under(&text, d))
                    .collect()
            };
            let (unsupported_code, other_errors) = if allow {
                ("W0701", 0)
            } else {
                (
                    "E0701",
                    unsupported.len() + undeclared.len() + unresolved.len(),
                )
            };
            let mut left_out = named(unsupported_code);
            let mut expected = unsupported.to_vec();
            if allow {
                expected.extend_from_slice(undeclared);
                expected.extend_from_slice(unresolved);
            } else {
                let mut reads = named("E0304");
                reads.extend(named("E0305"));
                reads.sort_unstable();
                let mut wanted = unresolved.to_vec();
                wanted.sort_unstable();
                assert_eq!(reads, wanted, "{name}: reads of what a resource lacks");
                let mut unknown = named("E0301");
                unknown.sort_unstable();
                let mut names = undeclared.to_vec();
                names.sort_unstable();
                assert_eq!(unknown, names, "{name}: names read and never declared");
            }
            left_out.sort_unstable();
            expected.sort_unstable();
            assert_eq!(left_out, expected, "{name} (allow_unsupported = {allow})");
            let errors = compilation
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .count();
            assert_eq!(
                errors,
                other_errors,
                "{name} (allow_unsupported = {allow}):\n{}",
                compilation.render_diagnostics()
            );
            assert_eq!(
                compilation.model.is_some(),
                allow || (unsupported.is_empty() && undeclared.is_empty() && unresolved.is_empty()),
                "{name}"
            );
        }
    }
}
