//! Every diagnostic code aspirec can report, with its documentation, in one table.
//!
//! Codes are grouped by stage (E01 syntax, E02 schema, E03 names and references, E04 ports and
//! endpoints, E05 parameters and secrets, E06 graph, E07 targets, E08 patches; W for warnings, B for bugs).
//! A retired number is never reused. A tidy test checks that every code here is exercised by a
//! fixture under `tests/fixtures/` and the README's table is generated from [`ALL`].

/// A stable diagnostic code with a kebab-case name and its documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
    /// What it means and how to fix it, one paragraph.
    pub doc: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $id:literal $name:literal $doc:literal;)*) => {
        $(pub const $konst: Code = Code { id: $id, name: $name, doc: $doc };)*
        /// All codes, in numeric order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    TOML_SYNTAX = "E0101" "toml-syntax"
        "The model file is not valid TOML. Fix the syntax at the position shown.";
    JSON_SYNTAX = "E0102" "json-syntax"
        "The Aspire manifest is not valid JSON. Regenerate it, or fix the syntax at the position shown.";
    NOT_UTF8 = "E0103" "not-utf8"
        "The input file is not UTF-8 text. Save it as UTF-8.";
    UNTERMINATED_EXPRESSION = "E0104" "unterminated-expression"
        "A `{` in a string starts an expression that has no closing `}`. Close it, or write `{{` for a literal brace.";
    INVALID_EXPRESSION = "E0105" "invalid-expression"
        "An expression is not of the form `{name.property}`, or a lone `}` appears. Write `}}` for a literal brace.";
    NESTING_TOO_DEEP = "E0106" "nesting-too-deep"
        "The input nests tables or arrays deeper than any model needs (the limit protects the compiler's stack).";
    UNKNOWN_KEY = "E0201" "unknown-key"
        "A key that the model format does not define. Check the spelling against the format; the help names the closest known key.";
    WRONG_TYPE = "E0202" "wrong-type"
        "A value has the wrong type, for example a number where a string is expected.";
    MISSING_KEY = "E0203" "missing-key"
        "A required key is absent, for example a resource without `type`, or a model without `name`.";
    UNKNOWN_RESOURCE_TYPE = "E0204" "unknown-resource-type"
        "The `type` of a resource is not one aspirec knows: `container`, `project`, `external`, or an integration type.";
    INVALID_VALUE = "E0205" "invalid-value"
        "A value has the right type but is not allowed, for example a negative replica count or an unknown scheme.";
    CONFLICTING_KEYS = "E0206" "conflicting-keys"
        "Two keys that exclude each other are both set, for example `image` and `build`, or a parameter's `value` and `generate`.";
    UNKNOWN_ENVIRONMENT = "E0207" "unknown-environment"
        "`--env` names an environment that the model does not declare under `[environments]`.";
    OVERRIDE_OF_MISSING = "E0208" "override-of-missing"
        "An environment overlay overrides a parameter or resource that the model does not declare.";
    UNREADABLE_FILE = "E0209" "unreadable-file"
        "A file the model names (`files`) cannot be read: it does not exist, is not UTF-8 text, is a folder that holds folders, or its path leaves the model's folder (an absolute path, or `..`). Files are read relative to the model's folder, and only from inside it.";
    UNKNOWN_REFERENCE = "E0301" "unknown-reference"
        "A reference, `wait_for` entry or expression names a resource or parameter that is not declared.";
    DUPLICATE_NAME = "E0302" "duplicate-name"
        "Two resources, databases or parameters have the same name, compared without case. Names share one namespace. Names aspirec declares itself count too: an integration's `<name>-password`, and the Aspire dashboard's `aspire-dashboard`, `aspire-dashboard-browser-token` and `aspire-dashboard-otlp-api-key` (unless `observability.dashboard = false`).";
    INVALID_NAME = "E0303" "invalid-name"
        "A name must match `[a-z][a-z0-9-]*`, be at most 40 characters long, and not end with `-`.";
    UNKNOWN_ENDPOINT = "E0304" "unknown-endpoint"
        "An expression names an endpoint that the resource does not have. In an Aspire manifest (whose AppHost may write reads of endpoints added at run time, such as a dev tunnel's), `--allow-unsupported` makes the read a deploy-time parameter, with warning W0701.";
    UNKNOWN_PROPERTY = "E0305" "unknown-property"
        "An expression names a property that does not exist on that kind of resource, for example `{db.value}` on a database. In an Aspire manifest, `--allow-unsupported` makes the read a deploy-time parameter, with warning W0701.";
    NAME_COLLISION = "E0306" "name-collision"
        "Two names become the same object name under a target's naming rules (for example after shortening to a DNS label).";
    INVALID_REFERENCE_TARGET = "E0307" "invalid-reference-target"
        "A reference or `wait_for` points at something it cannot: a parameter, the resource itself, or a resource with nothing to inject.";
    INVALID_VARIABLE_NAME = "E0308" "invalid-variable-name"
        "An environment variable, build argument or build secret name is empty, or holds `=`, whitespace or a control or invisible formatting character: no target can pass such a name on (`docker compose` refuses an empty one, `A=B` would become the variable `A`).";
    PORT_OUT_OF_RANGE = "E0401" "port-out-of-range"
        "A port must be between 1 and 65535.";
    DUPLICATE_TARGET_PORT = "E0402" "duplicate-target-port"
        "Two endpoints of one resource listen on the same target port. The one exception is an `http` and an `https` endpoint with the same transport (TLS ends at the ingress, as in Aspire). Give each endpoint its own target port.";
    PARAMETER_VALUE_AND_GENERATE = "E0501" "parameter-value-and-generate"
        "A parameter has both a `value` and a `generate` rule; keep one.";
    INVALID_GENERATE = "E0502" "invalid-generate"
        "A `generate` rule cannot produce a value: every character class is excluded, or the minimum counts exceed the length.";
    WAIT_FOR_CYCLE = "E0601" "wait-for-cycle"
        "`wait_for` edges form a cycle, so none of its members could ever start. Remove one edge of the cycle.";
    UNSUPPORTED_RESOURCE = "E0701" "unsupported-resource"
        "A resource kind that aspirec cannot publish (an `executable.v0`, an `azure.bicep` module, an entry with only an `error`). `--allow-unsupported` leaves it out with a warning.";
    UNSUPPORTED_FEATURE = "E0702" "unsupported-feature"
        "A target cannot express part of a resource, for example a bind mount on Kubernetes. `--allow-unsupported` leaves that part out with a warning.";
    INVALID_CONTAINER_APP_RESOURCES = "E0703" "invalid-container-app-resources"
        "Azure Container Apps accepts only fixed CPU and memory pairs; the help lists them.";
    INVALID_INGRESS = "E0704" "invalid-ingress"
        "A target cannot expose the endpoints as declared, for example more than one external endpoint on Azure Container Apps. `--allow-unsupported` makes an external endpoint Container Apps cannot expose (not HTTP, or a second external port) internal, with a warning.";
    INVALID_AZURE_MODULE = "E0705" "invalid-azure-module"
        "An Azure Bicep module (`azure.bicep.v0`/`v1` in an Aspire manifest) cannot be deployed as written: its `.bicep` file cannot be read (it belongs beside the manifest, where Aspire writes it), or the manifest passes a parameter the file does not declare, or leaves out one it requires. `--allow-unsupported` leaves a module whose file is missing out, with a warning.";
    INVALID_FARGATE_RESOURCES = "E0706" "invalid-fargate-resources"
        "AWS Fargate (the terraform-aws target) accepts only fixed CPU and memory combinations; the help lists them.";
    INVALID_CLOUD_RUN_RESOURCES = "E0707" "invalid-cloud-run-resources"
        "Google Cloud Run (the terraform-gcp target) accepts CPU 1, 2, 4, 6 or 8 (or 0.08 to 0.99), memory up to 32Gi, and memory over 4Gi only with more CPUs; the help lists the rules. An app with `files` shares its instance with the container that writes them, and the two together must fit the same rules.";
    PATCH_ADDRESS_MISSING = "E0801" "patch-address-missing"
        "A patch addresses something the target does not emit: a Kubernetes object by kind and name, a Compose service, a Terraform resource address or a Bicep symbolic name. The help names the closest one that exists; `aspirec build` and a look at the output show the names.";
    PATCH_TOUCHES_SECRET = "E0802" "patch-touches-secret"
        "A patch would write a secret value or change how a secret is handled: a Kubernetes Secret or a `secretKeyRef`/`secretRef`, a Compose variable whose value is a secret, a Terraform `sensitive` setting or secret, a Bicep `@secure()` parameter, or a literal equal to a secret parameter's value. Secrets are supplied at deploy time and never written into output; change the model instead.";
    INVALID_PATCH = "E0803" "invalid-patch"
        "A patch cannot be applied: a JSON patch operation whose path does not exist or whose `test` fails, a field the object's type does not have, a value of the wrong type, a deploy-time place of the Helm chart (image, replicas, namespace, CPU and memory, ... which the model and the chart's values set), a key the patch's target does not use, or a patch file that cannot be parsed.";
    MANIFEST_KEY_IGNORED = "W0201" "manifest-key-ignored"
        "An Aspire manifest describes something aspirec does not carry out: a build step (`containerFiles`, a build secret of type `file`), or a resource's `deployment` (Aspire's own Azure Bicep module for it, which no target deploys: each writes its own definition of the resource). It is left out, and the help says what to do instead.";
    ENV_OVERRIDES_INJECTED = "W0301" "env-overrides-injected"
        "An explicit `env` entry has the same name as a variable a reference injects; the explicit one wins.";
    UNUSED_REGISTRY = "W0303" "unused-registry"
        "A registry of `[registries]` is used by no image: an image uses the credentials of the registry whose `server` its reference starts with (`ghcr.io/acme/api:1` is pulled from `ghcr.io`; a reference without a host, from `docker.io`). Check the spelling of `server`, or remove the registry.";
    SECRET_LITERAL_DEFAULT = "W0501" "secret-literal-default"
        "A secret parameter has a literal `value` in the model file, so the secret is committed with it. Remove it and supply the value at deploy time.";
    UNSUPPORTED_LEFT_OUT = "W0701" "unsupported-left-out"
        "With `--allow-unsupported`, a resource or feature the target cannot express was left out, or (in an Aspire manifest) a read of a name, endpoint or property that does not exist: what is read from it becomes a secret deploy-time parameter, which the note names where it is one read.";
    KUSTOMIZE_REFUSED_CHARACTER = "W0702" "kustomize-refused-character"
        "A value holds DEL, a C1 control character other than NEL, or U+FFFE or U+FFFF. The Kubernetes manifests hold it exactly, but kustomize (and so `kubectl apply -k`) refuses such a value however it is escaped; apply the files with `kubectl apply -f`, or remove the character.";
    BUILD_ONLY_IMAGE = "W0703" "build-only-image"
        "An Aspire manifest's `container.v1` with `build.buildOnly` is an image that only other images' builds use (they copy files from it) and that never runs. Compose writes a service that only builds it (in the `build-only` profile, never started by `docker compose up`); Kubernetes, Helm and Azure Container Apps deploy nothing for it, so your CI must build it before the images that copy from it.";
    INTERNAL = "B0001" "internal-error"
        "aspirec reached a state it believes impossible. This is a bug in aspirec; please report it with the input.";
}

/// Looks a code up by its id (`E0301`) or its name (`unknown-reference`).
pub fn lookup(key: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(key) || c.name == key)
}

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn codes_are_unique_and_sorted_within_their_letter() {
        let mut ids: Vec<_> = ALL.iter().map(|c| c.id).collect();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate code ids");
        let mut names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before, "duplicate code names");
    }
}
