//! Patches (`[[patches]]`): no patch can make an output carry a secret value or change how a
//! secret is read. A table of attempts, for every target, must each be refused (E0802) with
//! no output at all; the secret's value never shows in a diagnostic. The accepted patches of
//! `tests/models/patched.toml` are covered by the snapshots and `secrets.rs`.

const MARKER: &str = "Leak-Marker-Patch-7Qz";

/// A model with a secret parameter whose literal value (W0501) is [`MARKER`], read by `api`.
fn model(patch: &str) -> String {
    format!(
        r#"name = "shop"

[parameters.token]
secret = true
value = "{MARKER}"

[resources.cache]
type = "redis"

[resources.api]
type = "container"
image = "api:1"
references = ["cache"]
endpoints.http = {{ target_port = 8080 }}
env = {{ TOKEN = "{{token.value}}", MODE = "plain" }}

{patch}
"#
    )
}

/// Each attempt, as a `[[patches]]` entry: writing the secret's value anywhere (a value, a
/// key, deep in a list, inside a longer string, appended text) or changing a secret's handling.
fn attempts() -> Vec<String> {
    let k8s = |body: &str| {
        format!("[[patches]]\ntarget = \"k8s\"\nkind = \"Deployment\"\nname = \"api\"\n{body}")
    };
    let mut attempts = vec![
        // The value itself, in every place a merge can put it.
        k8s(&format!(
            "merge = {{ metadata = {{ annotations = {{ a = \"{MARKER}\" }} }} }}"
        )),
        k8s(&format!(
            "merge = {{ metadata = {{ annotations = {{ \"{MARKER}\" = \"a\" }} }} }}"
        )),
        k8s(&format!(
            "merge = {{ metadata = {{ annotations = {{ a = \"Bearer {MARKER}\" }} }} }}"
        )),
        k8s(&format!(
            "merge = {{ spec = {{ template = {{ spec = {{ containers = [{{ name = \"api\", args = [\"--token\", \"{MARKER}\"] }}] }} }} }} }}"
        )),
        k8s(&format!(
            "json_patch = [{{ op = \"add\", path = \"/metadata/annotations\", value = {{ a = [\"{MARKER}\"] }} }}]"
        )),
        k8s(&format!(
            "json_patch = [{{ op = \"replace\", path = \"/spec/template/spec/containers/0/image\", value = \"{MARKER}\" }}]"
        )),
        // A secret's handling: the reference replaced by a literal, removed, or re-pointed.
        k8s(
            "merge = { spec = { template = { spec = { containers = [{ name = \"api\", env = [{ name = \"TOKEN\", value = \"x\" }] }] } } } }",
        ),
        k8s(
            "merge = { spec = { template = { spec = { containers = [{ name = \"api\", env = [{ name = \"TOKEN\", valueFrom = { secretKeyRef = { name = \"other\", key = \"TOKEN\" } } }] }] } } } }",
        ),
        k8s(
            "json_patch = [{ op = \"remove\", path = \"/spec/template/spec/containers/0/env/0\" }]",
        ),
        k8s(
            "merge = { spec = { template = { spec = { containers = [{ name = \"api\", env = [{ name = \"MODE\", value = \"p\" }] }] } } } }\njson_patch = [{ op = \"replace\", path = \"/spec/template/spec/containers/0/env\", value = [] }]",
        ),
        k8s(
            "json_patch = [{ op = \"replace\", path = \"/spec/template/spec/containers\", value = [{ name = \"api\", image = \"api:1\" }] }]",
        ),
        format!(
            "[[patches]]\ntarget = \"k8s\"\nkind = \"StatefulSet\"\nname = \"cache\"\njson_patch = [{{ op = \"move\", path = \"/metadata/annotations\", from = \"/spec/template/spec/containers/0/env\" }}]"
        ),
    ];
    let compose = |body: &str| format!("[[patches]]\ntarget = \"compose\"\n{body}");
    attempts.extend([
        compose(&format!(
            "service = \"api\"\nmerge = {{ labels = {{ a = \"{MARKER}\" }} }}"
        )),
        compose(&format!("merge = {{ x-note = \"{MARKER}\" }}")),
        compose("service = \"api\"\nmerge = { environment = { TOKEN = \"x\" } }"),
        compose("service = \"cache\"\nmerge = { environment = { REDIS_PASSWORD = \"x\" } }"),
        compose("merge = { services = { api = { environment = { TOKEN = \"${OTHER}\" } } } }"),
    ]);
    let terraform =
        |target: &str, body: &str| format!("[[patches]]\ntarget = \"{target}\"\n{body}");
    for target in ["terraform", "terraform-aws", "terraform-gcp"] {
        attempts.push(terraform(
            target,
            &format!("append = '''\noutput \"x\" {{\n  value = \"{MARKER}\"\n}}\n'''"),
        ));
    }
    // Cloud Run's Redis is a Memorystore, whose AUTH string Google generates.
    for target in ["terraform", "terraform-aws"] {
        attempts.push(terraform(
            target,
            "resource = \"random_password.cache_password\"\nmerge = { length = 4 }",
        ));
    }
    attempts.extend([
        terraform("terraform", &format!("resource = \"azurerm_container_app.api\"\nmerge = {{ tags = {{ t = \"{MARKER}\" }} }}")),
        terraform("terraform", "resource = \"azurerm_container_app.api\"\nmerge = { secret = [{ name = \"token\", value = \"x\" }] }"),
        terraform("terraform", "resource = \"azurerm_container_app.api\"\nmerge = { template = { container = [{ name = \"api\", image = \"api:1\", cpu = 0.5, memory = \"1Gi\" }] } }"),
        terraform("terraform-aws", "resource = \"aws_ecs_cluster.main\"\nmerge = { sensitive = true }"),
        terraform("terraform-gcp", &format!("resource = \"google_cloud_run_v2_service.api\"\nmerge = {{ labels = {{ t = \"{MARKER}\" }} }}")),
        terraform("terraform-gcp", "resource = \"google_cloud_run_v2_service.api\"\nmerge = { template = { containers = [{ image = \"api:1\" }] } }"),
        terraform("terraform-gcp", "resource = \"google_secret_manager_secret_version.api_token\"\nmerge = { secret_data = \"x\" }"),
        terraform("terraform-gcp", "resource = \"google_redis_instance.cache\"\nmerge = { auth_enabled = false }"),
    ]);
    let bicep = |body: &str| format!("[[patches]]\ntarget = \"bicep\"\n{body}");
    attempts.extend([
        bicep(&format!("resource = \"apiApp\"\nmerge = {{ tags = {{ t = \"{MARKER}\" }} }}")),
        bicep(&format!("append = \"output x string = '{MARKER}'\"")),
        bicep("append = \"output x string = token\""),
        bicep("resource = \"apiApp\"\nmerge = { properties = { configuration = { secrets = [] } } }"),
        bicep("resource = \"apiApp\"\nmerge = { properties = { template = { containers = [] } } }"),
        bicep("resource = \"apiApp\"\nmerge = { properties = { template = { containers = [{ name = \"api\", env = [{ name = \"TOKEN\", secretRef = \"other\" }] }] } } }"),
    ]);
    attempts.retain(|a| !a.is_empty());
    attempts
}

fn compile(text: &str) -> aspirec::Compilation {
    aspirec::compile(
        "model.toml",
        text.as_bytes(),
        &aspirec::CompileOptions {
            targets: aspirec::targets::all().to_vec(),
            ..Default::default()
        },
    )
}

#[test]
fn no_patch_can_write_a_secret_or_change_its_handling() {
    let attempts = attempts();
    assert!(attempts.len() >= 10);
    for attempt in attempts {
        let text = model(&attempt);
        let compilation = compile(&text);
        let rendered = compilation.render_diagnostics();
        assert!(
            compilation
                .diagnostics
                .iter()
                .any(|d| d.code == ir::codes::PATCH_TOUCHES_SECRET),
            "not refused as a secret's:\n{attempt}\n{rendered}"
        );
        assert!(
            compilation.artifacts.is_empty(),
            "{attempt}: output on an error"
        );
        let json =
            aspirec::render::json(&compilation.sources, &compilation.diagnostics).to_string();
        for text in [&rendered, &json] {
            assert!(
                !text.contains(MARKER),
                "{attempt}: the secret shows:\n{text}"
            );
        }
    }
}

/// The same model without a patch compiles (so each refusal above is the patch's).
#[test]
fn the_model_of_the_attempts_compiles() {
    let text = model("");
    let compilation = compile(&text);
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    for (target, artifacts) in &compilation.artifacts {
        for (path, contents) in artifacts.iter() {
            assert!(!contents.contains(MARKER), "{target}/{path}");
        }
    }
}

/// A registry's pull Secret is the model's (Helm sets its name from a value): a patch that
/// re-points or removes it is refused, like the Secret that holds the deploy-time inputs.
#[test]
fn a_patch_cannot_change_a_registry_pull_secret() {
    let registry = "[parameters.ghcr-token]\nsecret = true\n\n[registries.ghcr]\nserver = \"ghcr.io\"\nusername = \"bot\"\npassword = \"{ghcr-token.value}\"\n\n";
    let patched = |body: &str| {
        let text = model(&format!(
            "[[patches]]\ntarget = \"k8s\"\nkind = \"Deployment\"\nname = \"api\"\n{body}"
        ))
        .replace("image = \"api:1\"", "image = \"ghcr.io/acme/api:1\"")
        .replace("[resources.cache]", &format!("{registry}[resources.cache]"));
        // Kubernetes alone: the patch is Kubernetes', and Cloud Run cannot pull with a
        // registry password (E0702 on terraform-gcp).
        aspirec::compile(
            "model.toml",
            text.as_bytes(),
            &aspirec::CompileOptions {
                targets: vec![aspirec::targets::by_id("k8s").unwrap()],
                ..Default::default()
            },
        )
    };
    let unpatched = patched("merge = { metadata = { annotations = { a = \"b\" } } }");
    assert!(
        !unpatched.has_errors(),
        "{}",
        unpatched.render_diagnostics()
    );
    let k8s = &unpatched.artifacts[0].1;
    assert!(
        k8s.iter()
            .any(|(_, text)| text.contains("imagePullSecrets")),
        "the model has a pull Secret to protect"
    );
    for body in [
        "json_patch = [{ op = \"remove\", path = \"/spec/template/spec/imagePullSecrets\" }]",
        "json_patch = [{ op = \"replace\", path = \"/spec/template/spec/imagePullSecrets/0/name\", value = \"other\" }]",
    ] {
        let compilation = patched(body);
        assert!(compilation.has_errors(), "{body}: accepted");
        assert!(
            compilation.artifacts.is_empty(),
            "{body}: output on an error"
        );
    }
}
