//! The diagnostics of what Azure Container Apps cannot run, for both Azure targets: E0702
//! unsupported features (W0701 and the part left out with `--allow-unsupported`), E0703 CPU
//! and memory outside the allowed pairs, E0704 ingress that cannot be expressed (W0701 for an
//! external exposure left out with `--allow-unsupported`). Every one is
//! reported at the resource (endpoints and limits carry no span of their own), and its message
//! names the target, since both targets report the same platform's limits.
//!
//! The Azure plan ([`crate::plan()`]) reports each problem once for the build: when both Azure
//! targets are built, the message names both ("(terraform and bicep targets)"), and the two
//! publishers' identical reports become one (the driver drops exact duplicates).

use ir::{BindMount, Diagnostic, Diagnostics, Endpoint, Limits, Protocol, Resource, codes};

use crate::ingress::{self, Ingress, LeftOut, MainRule, Problem};
use crate::sizing::{self, PAIRS, Pair};

/// The Azure target(s) a diagnostic is about: the one being published, or both when the build
/// emits both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Terraform,
    Bicep,
    /// Both Azure targets are in the build: one diagnostic speaks for both.
    Both,
}

impl Target {
    /// The targets a diagnostic of publisher `own` names: both when the build emits both
    /// (`options.targets`), else `own`.
    pub fn of(own: Target, options: &ir::PublishOptions) -> Target {
        let emits = |id: &str| options.targets.contains(&id);
        if emits("terraform") && emits("bicep") {
            Target::Both
        } else {
            own
        }
    }

    /// Whether the target deploys Azure Bicep modules (the bicep target does; Terraform cannot
    /// run a Bicep file).
    pub fn deploys_modules(self) -> bool {
        self == Target::Bicep
    }

    /// The target's id, as in `--emit` (both ids for [`Target::Both`]).
    pub fn id(self) -> &'static str {
        match self {
            Target::Terraform => "terraform",
            Target::Bicep => "bicep",
            Target::Both => "terraform and bicep",
        }
    }

    /// "target", or "targets" for both.
    fn noun(self) -> &'static str {
        match self {
            Target::Terraform | Target::Bicep => "target",
            Target::Both => "targets",
        }
    }

    /// The name of its output, for "left out of the ... output".
    fn output(self) -> &'static str {
        match self {
            Target::Terraform => "Terraform output",
            Target::Bicep => "Bicep output",
            Target::Both => "Terraform and Bicep outputs",
        }
    }
}

/// Something a container app cannot have.
#[derive(Clone, Copy, Debug)]
pub enum Unsupported<'a> {
    /// A folder of the deploying machine mounted into the container (reported per mount).
    BindMount(&'a BindMount),
    /// A UDP endpoint: Container Apps ingress carries HTTP and TCP only.
    Udp(&'a Endpoint),
    /// An argument that contains a secret: arguments cannot refer to secrets.
    SecretArgument,
    /// A health command without an endpoint to probe instead (no exec probes).
    HealthCommand,
    /// An environment variable (named) whose value mixes a Key Vault secret with other text.
    MixedVaultSecret(&'a str),
    /// A module parameter (named) that reads a Key Vault secret.
    VaultSecretParam(&'a str),
    /// An endpoint's ingress path prefix other than `/`: Container Apps routes whole hosts.
    IngressPath(&'a Endpoint, &'a str),
    /// A cert-manager issuer for an endpoint's hosts: Container Apps has no cert-manager.
    CertificateIssuer(&'a Endpoint, &'a str),
}

/// Reports for one target, with or without `--allow-unsupported`.
#[derive(Clone, Copy, Debug)]
pub struct Reporter {
    pub target: Target,
    pub allow_unsupported: bool,
}

impl Reporter {
    /// E0702 for `feature` of `resource`, or with `--allow-unsupported` W0701 saying that it is
    /// left out (the caller leaves it out). Worded the same for both targets.
    pub fn unsupported(
        &self,
        resource: &Resource,
        feature: Unsupported<'_>,
        diags: &mut Diagnostics,
    ) {
        self.unsupported_at(&resource.name, resource.span, feature, diags);
    }

    /// [`Reporter::unsupported`] for something named `name` declared at `span` (a resource, or
    /// a module, which is none).
    pub fn unsupported_at(
        &self,
        name: &str,
        span: ir::Span,
        feature: Unsupported<'_>,
        diags: &mut Diagnostics,
    ) {
        // The message, the label, why (a note), what to do instead, and what is left out.
        let (message, label, why, instead, what) = match feature {
            Unsupported::BindMount(mount) => (
                format!(
                    "`{name}` bind-mounts `{}`, which Azure Container Apps cannot do",
                    mount.source
                ),
                format!("bind-mounts `{}` at `{}`", mount.source, mount.target),
                "an app on Container Apps sees no host file system",
                "use a named volume (an Azure Files share) instead",
                "the bind mount",
            ),
            Unsupported::Udp(endpoint) => (
                format!(
                    "endpoint `{}` of `{name}` is UDP, which Azure Container Apps cannot expose",
                    endpoint.name
                ),
                format!("endpoint `{}` is UDP", endpoint.name),
                "Container Apps ingress carries HTTP and TCP only",
                "use a TCP endpoint instead",
                "the endpoint",
            ),
            Unsupported::SecretArgument => (
                format!(
                    "an argument of `{name}` contains a secret, which Azure Container Apps cannot pass"
                ),
                "an argument of this resource refers to a secret".to_string(),
                "Container Apps arguments cannot refer to secrets, and aspirec never writes a secret in plain text",
                "pass the secret in an environment variable instead",
                "the argument",
            ),
            Unsupported::HealthCommand => (
                format!("the health command of `{name}` cannot run on Azure Container Apps"),
                "a health command, and no endpoint to check instead".to_string(),
                "Container Apps has no exec probes; a command check becomes a TCP check, which needs an endpoint",
                "add a TCP endpoint to probe, or an HTTP health check, instead",
                "the health check",
            ),
            Unsupported::MixedVaultSecret(variable) => (
                format!(
                    "variable `{variable}` of `{name}` mixes a Key Vault secret with other text, which Azure Container Apps cannot pass"
                ),
                format!("`{variable}` reads a Key Vault secret and more"),
                "a container app reads a Key Vault secret whole, by reference, and aspirec never writes a secret in plain text",
                "read the secret alone, in a variable of its own, instead",
                "the variable",
            ),
            Unsupported::VaultSecretParam(param) => (
                format!(
                    "parameter `{param}` of module `{name}` reads a Key Vault secret, which a deployment cannot pass to a module"
                ),
                format!("`{param}` reads a Key Vault secret"),
                "Bicep passes a Key Vault secret to a module only from a vault whose name is known before deploying, and aspirec never writes a secret in plain text",
                "pass the vault's name and let the module read the secret, instead",
                "the parameter",
            ),
            Unsupported::IngressPath(endpoint, path) => (
                format!(
                    "endpoint `{}` of `{name}` routes only the path `{path}`, which Azure Container Apps cannot do",
                    endpoint.name
                ),
                format!("path `{path}`"),
                "a Container Apps ingress routes every path of its hosts to one app",
                "route the whole host (`path = \"/\"`, the default), for example in an environment of its own",
                "the path",
            ),
            Unsupported::CertificateIssuer(endpoint, issuer) => (
                format!(
                    "endpoint `{}` of `{name}` takes its certificate from the cert-manager issuer `{issuer}`, which Azure Container Apps does not have",
                    endpoint.name
                ),
                format!("issuer `{issuer}`"),
                "cert-manager runs in Kubernetes clusters; Container Apps binds a certificate of its environment, or a managed certificate that `az containerapp hostname bind` gives a host added without one",
                "name a certificate of the environment with `tls = { secret = \"...\" }` (in an environment of its own if Kubernetes keeps the issuer)",
                "the certificate binding",
            ),
        };
        let d = Diagnostic::new(
            codes::UNSUPPORTED_FEATURE,
            span,
            format!("{message} ({} {})", self.target.id(), self.target.noun()),
        )
        .label(label)
        .note(why);
        diags.push(if self.allow_unsupported {
            self.left_out(d.help(instead), &format!("{what} is left out of"))
        } else {
            d.help(format!(
                "{instead}, or pass --allow-unsupported to leave {what} out"
            ))
        });
    }

    /// The warning form: W0701 with a note ending "`<prefix> the <Target> output by
    /// --allow-unsupported`".
    pub fn left_out(&self, d: Diagnostic, prefix: &str) -> Diagnostic {
        d.left_out(format!(
            "{prefix} the {} by --allow-unsupported",
            self.target.output()
        ))
    }

    /// The ingress of `resource`, a workload with `endpoints`, with the main group chosen by
    /// `rule`, and its diagnostics: with `--allow-unsupported` an external exposure Container
    /// Apps cannot have is left out ([`ingress::plan_leaving_out`]). Both targets plan through
    /// here, so they leave out the same and word it the same.
    pub fn plan_ingress(
        &self,
        resource: &Resource,
        endpoints: &[Endpoint],
        rule: MainRule,
        diags: &mut Diagnostics,
    ) -> Ingress {
        let plan = if self.allow_unsupported {
            ingress::plan_leaving_out(endpoints, rule)
        } else {
            ingress::plan(endpoints, rule)
        };
        self.ingress(resource, endpoints, &plan, diags);
        plan
    }

    /// The ingress diagnostics of `resource`, a workload with `endpoints` planned as
    /// `ingress`: its UDP endpoints (E0702/W0701), what it left out (W0701) and its
    /// [`Problem`]s (E0704).
    fn ingress(
        &self,
        resource: &Resource,
        endpoints: &[Endpoint],
        ingress: &Ingress,
        diags: &mut Diagnostics,
    ) {
        for endpoint in endpoints.iter().filter(|e| e.protocol == Protocol::Udp) {
            self.unsupported(resource, Unsupported::Udp(endpoint), diags);
        }
        for left_out in &ingress.left_out {
            diags.push(self.left_out_exposure(resource, endpoints, left_out));
        }
        for problem in &ingress.problems {
            diags.push(self.invalid_ingress(resource, endpoints, problem));
        }
    }

    /// E0704 for `problem`, worded the same for both targets (each names itself).
    fn invalid_ingress(
        &self,
        resource: &Resource,
        endpoints: &[Endpoint],
        problem: &Problem,
    ) -> Diagnostic {
        let name = &resource.name;
        let d = |message: String| self.diagnostic(codes::INVALID_INGRESS, resource, message);
        match problem {
            Problem::SeveralExternal { target_ports } => self
                .several_external(resource, target_ports)
                .help("a container app has one external ingress: keep one external endpoint"),
            Problem::ExternalNotHttp {
                endpoints: group, ..
            } => self
                .external_not_http(resource, &endpoint_names(endpoints, group))
                .help(format!(
                    "{ONLY_HTTP}; make the endpoint internal"
                )),
            Problem::MixedTransports { target_port } => d(format!(
                "`{name}` has HTTP and TCP endpoints on target port {target_port}, which one container app ingress cannot serve"
            ))
            .label("HTTP and TCP on one target port")
            .help("give the HTTP and the TCP endpoints their own target ports"),
            Problem::SharedExposedPort { port } => d(format!(
                "`{name}` exposes two target ports on port {port}, which Azure Container Apps cannot do"
            ))
            .label("two target ports on one port")
            .help("give the endpoints different `port`s"),
        }
    }

    /// W0701 for an external exposure [`ingress::plan_leaving_out`] left out: the diagnostic
    /// of the problem it stands for, saying what stays and what is left out.
    fn left_out_exposure(
        &self,
        resource: &Resource,
        endpoints: &[Endpoint],
        left_out: &LeftOut,
    ) -> Diagnostic {
        let names = endpoint_names(endpoints, left_out.endpoints());
        let (d, why) = match left_out {
            LeftOut::SeveralExternal {
                target_ports, kept, ..
            } => (
                self.several_external(resource, target_ports),
                format!("the main ingress, on target port {kept}, stays external"),
            ),
            LeftOut::ExternalNotHttp { .. } => (
                self.external_not_http(resource, &names),
                ONLY_HTTP.to_string(),
            ),
        };
        self.left_out(
            d.help(format!(
                "{why}; {names} can still be reached inside the environment"
            )),
            &format!("the external exposure of {names} is left out of"),
        )
    }

    /// E0704 or W0701 for more than one external target port (all of `target_ports`), without
    /// its help.
    fn several_external(&self, resource: &Resource, target_ports: &[u16]) -> Diagnostic {
        let ports: Vec<String> = target_ports.iter().map(u16::to_string).collect();
        self.diagnostic(
            codes::INVALID_INGRESS,
            resource,
            format!(
                "`{}` has external endpoints on target ports {}, but an Azure Container App has one external ingress",
                resource.name,
                ports.join(", ")
            ),
        )
        .label(format!("{} external target ports", target_ports.len()))
        .note("endpoints on the same target port share one ingress and may all be external")
    }

    /// E0704 or W0701 for external endpoints that are not HTTP (`names`, as
    /// [`endpoint_names`] writes them), without its help.
    fn external_not_http(&self, resource: &Resource, names: &str) -> Diagnostic {
        self.diagnostic(
            codes::INVALID_INGRESS,
            resource,
            format!(
                "`{}` exposes the non-HTTP endpoint {names} externally, which Azure Container Apps cannot do",
                resource.name
            ),
        )
        .label("an external endpoint that is not HTTP")
        .note("external TCP ingress needs a custom virtual network, which aspirec does not create")
    }

    /// The CPU/memory pair of `resource` (whose workload has `limits`), or E0703 listing the
    /// allowed pairs and `None`.
    pub fn size(
        &self,
        resource: &Resource,
        limits: &Limits,
        diags: &mut Diagnostics,
    ) -> Option<&'static Pair> {
        let pair = sizing::pair(limits);
        if pair.is_some() {
            return pair;
        }
        let name = &resource.name;
        let asked = sizing::asked(limits);
        let allowed =
            |format: fn(&Pair) -> String| PAIRS.iter().map(format).collect::<Vec<_>>().join(", ");
        diags.push(
            self.diagnostic(
                codes::INVALID_CONTAINER_APP_RESOURCES,
                resource,
                format!("`{name}` asks for {asked}, which Azure Container Apps cannot run"),
            )
            .label("not a CPU/memory pair Container Apps accepts")
            .help(format!(
                "use one of the pairs Container Apps accepts (memory is twice the CPU): {}",
                allowed(|p| format!("{} CPU / {}", p.cores_text(), p.memory))
            ))
            .note("giving only `cpu` or only `memory` picks the matching partner"),
        );
        None
    }

    /// B0001 for an inconsistency the plan found in itself: a bug in aspirec, not in the model.
    pub fn bug(&self, message: &str) -> Diagnostic {
        Diagnostic::new(
            codes::INTERNAL,
            ir::Span::DETACHED,
            format!(
                "the Azure plan is inconsistent: {message} ({} {})",
                self.target.id(),
                self.target.noun()
            ),
        )
    }

    /// A diagnostic at `resource` whose message ends with the target: "... (bicep target)".
    pub fn diagnostic(
        &self,
        code: codes::Code,
        resource: &Resource,
        message: String,
    ) -> Diagnostic {
        Diagnostic::new(
            code,
            resource.span,
            format!("{message} ({} {})", self.target.id(), self.target.noun()),
        )
    }
}

/// Why an external endpoint must be HTTP, in both the error's and the warning's help.
const ONLY_HTTP: &str = "Azure Container Apps exposes only HTTP outside the environment";

/// The names of `endpoints` number `indices`, quoted and joined: "`a`, `b`".
fn endpoint_names(endpoints: &[Endpoint], indices: &[usize]) -> String {
    indices
        .iter()
        .filter_map(|&index| endpoints.get(index))
        .map(|endpoint| format!("`{}`", endpoint.name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use ir::Transport;
    use ir::codes::Code;

    use super::*;
    use crate::ingress::{self, MainRule};
    use crate::test_resource;

    const TERRAFORM: Reporter = Reporter {
        target: Target::Terraform,
        allow_unsupported: false,
    };
    const BICEP: Reporter = Reporter {
        target: Target::Bicep,
        allow_unsupported: false,
    };

    fn endpoint(name: &str, http: bool, target_port: u16, external: bool) -> Endpoint {
        Endpoint {
            name: name.into(),
            scheme: if http { "http" } else { "tcp" }.into(),
            transport: if http {
                Transport::Http
            } else {
                Transport::Tcp
            },
            protocol: Protocol::Tcp,
            target_port,
            port: target_port,
            external,
            ingress: None,
        }
    }

    /// Every diagnostic of `report` as (code, message), checking that each is at the resource.
    fn reported(report: impl FnOnce(&Resource, &mut Diagnostics)) -> Vec<(Code, String)> {
        let resource = test_resource("api");
        let mut diags = Diagnostics::new();
        report(&resource, &mut diags);
        diags
            .iter()
            .map(|d| {
                assert_eq!(d.primary.span, resource.span, "{}", d.message);
                (d.code, d.message.clone())
            })
            .collect()
    }

    #[test]
    fn a_build_of_both_azure_targets_reports_once_for_both() {
        let options = |targets: Vec<&'static str>| ir::PublishOptions {
            targets,
            ..ir::PublishOptions::default()
        };
        let both = options(vec!["k8s", "terraform", "bicep"]);
        assert_eq!(Target::of(Target::Terraform, &both), Target::Both);
        assert_eq!(Target::of(Target::Bicep, &both), Target::Both);
        let alone = options(vec!["bicep"]);
        assert_eq!(Target::of(Target::Bicep, &alone), Target::Bicep);
        // Options made by hand name no targets: the publisher speaks for itself.
        assert_eq!(
            Target::of(Target::Terraform, &ir::PublishOptions::default()),
            Target::Terraform
        );
        let reporter = Reporter {
            target: Target::Both,
            allow_unsupported: true,
        };
        let all = reported(|r, d| reporter.unsupported(r, Unsupported::HealthCommand, d));
        assert!(
            all[0].1.ends_with("(terraform and bicep targets)"),
            "{}",
            all[0].1
        );
        let resource = test_resource("api");
        let mut diags = Diagnostics::new();
        reporter.unsupported(&resource, Unsupported::HealthCommand, &mut diags);
        let note = diags.iter().next().unwrap().notes.last().unwrap().clone();
        assert_eq!(
            note,
            "the health check is left out of the Terraform and Bicep outputs by --allow-unsupported"
        );
    }

    #[test]
    fn e0703_names_the_target_and_lists_every_pair() {
        let limits = Limits {
            cpu: Some("1".into()),
            memory: Some("1Gi".into()),
        };
        let mut helps = Vec::new();
        for reporter in [TERRAFORM, BICEP] {
            let resource = test_resource("api");
            let mut diags = Diagnostics::new();
            assert_eq!(reporter.size(&resource, &limits, &mut diags), None);
            let d = diags.iter().next().unwrap();
            assert_eq!(d.code, codes::INVALID_CONTAINER_APP_RESOURCES);
            assert!(
                d.message.contains("cpu `1` and memory `1Gi`"),
                "{}",
                d.message
            );
            assert!(
                d.message
                    .ends_with(&format!("({} target)", reporter.target.id())),
                "{}",
                d.message
            );
            helps.push(d.help.clone().unwrap());
        }
        assert!(
            helps[0].contains("0.25 CPU / 0.5Gi") && helps[0].contains("2 CPU / 4Gi"),
            "{}",
            helps[0]
        );
        assert_eq!(helps[0], helps[1], "one wording for both targets");
        let fine = reported(|r, d| {
            assert!(BICEP.size(r, &Limits::default(), d).is_some());
        });
        assert!(fine.is_empty());
    }

    #[test]
    fn e0704_reports_every_problem_at_the_resource() {
        let endpoints = [
            endpoint("web", true, 80, true),
            endpoint("admin", true, 81, true),
            endpoint("raw", false, 82, true),
        ];
        let plan = ingress::plan(&endpoints, MainRule::HttpFirst);
        for reporter in [TERRAFORM, BICEP] {
            let all = reported(|r, d| reporter.ingress(r, &endpoints, &plan, d));
            assert_eq!(all.len(), 2, "{all:?}");
            assert!(
                all.iter()
                    .all(|(code, message)| *code == codes::INVALID_INGRESS
                        && message.contains("`api`")
                        && message.contains(&format!("({} target)", reporter.target.id())))
            );
        }
        let terraform = reported(|r, d| TERRAFORM.ingress(r, &endpoints, &plan, d));
        assert!(
            terraform[0].1.contains("target ports 80, 81, 82"),
            "{terraform:?}"
        );
        assert!(terraform[1].1.contains("endpoint `raw`"), "{terraform:?}");
        // One wording for both targets: only the target's name differs.
        let bicep = reported(|r, d| BICEP.ingress(r, &endpoints, &plan, d));
        let as_terraform: Vec<_> = bicep
            .into_iter()
            .map(|(code, message)| {
                (
                    code,
                    message.replace("(bicep target)", "(terraform target)"),
                )
            })
            .collect();
        assert_eq!(as_terraform, terraform);
    }

    #[test]
    fn allow_unsupported_leaves_external_exposures_out_with_warnings() {
        let endpoints = [
            endpoint("web", true, 80, true),
            endpoint("admin", true, 81, true),
            endpoint("raw", false, 82, true),
        ];
        let mut wordings = Vec::new();
        for target in [Target::Terraform, Target::Bicep] {
            let reporter = Reporter {
                target,
                allow_unsupported: true,
            };
            let resource = test_resource("api");
            let mut diags = Diagnostics::new();
            let plan =
                reporter.plan_ingress(&resource, &endpoints, MainRule::HttpFirst, &mut diags);
            assert!(plan.problems.is_empty(), "{:?}", plan.problems);
            assert!(plan.is_public(), "`web` stays external");
            let all: Vec<&Diagnostic> = diags.iter().collect();
            assert_eq!(all.len(), 2, "{all:?}");
            assert!(
                all.iter()
                    .all(|d| !d.is_error() && d.code == codes::UNSUPPORTED_LEFT_OUT)
            );
            let output = target.output();
            let (several, raw) = (all[0], all[1]);
            assert!(
                several.message.contains("target ports 80, 81,"),
                "{}",
                several.message
            );
            assert_eq!(
                several.help.as_deref(),
                Some(
                    "the main ingress, on target port 80, stays external; `admin` can still be reached inside the environment"
                )
            );
            assert_eq!(
                several.notes.last().map(String::as_str),
                Some(
                    format!(
                        "the external exposure of `admin` is left out of the {output} by --allow-unsupported"
                    )
                    .as_str()
                )
            );
            assert!(raw.message.contains("endpoint `raw`"), "{}", raw.message);
            assert_eq!(
                raw.notes.last().map(String::as_str),
                Some(
                    format!(
                        "the external exposure of `raw` is left out of the {output} by --allow-unsupported"
                    )
                    .as_str()
                )
            );
            wordings.push(
                all.iter()
                    .map(|d| {
                        let text = format!("{} {:?} {:?}", d.message, d.help, d.notes);
                        text.replace(target.id(), "TARGET")
                            .replace(output, "TARGET")
                    })
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(wordings[0], wordings[1], "one wording for both targets");
    }

    #[test]
    fn a_left_out_exposure_reads_as_its_error() {
        let endpoints = [endpoint("raw", false, 5000, true)];
        for target in [Target::Terraform, Target::Bicep] {
            let diagnostics = |allow_unsupported: bool| {
                let reporter = Reporter {
                    target,
                    allow_unsupported,
                };
                let resource = test_resource("api");
                let mut diags = Diagnostics::new();
                reporter.plan_ingress(&resource, &endpoints, MainRule::HttpFirst, &mut diags);
                diags.iter().cloned().collect::<Vec<_>>()
            };
            let (error, warning) = (diagnostics(false), diagnostics(true));
            assert_eq!((error.len(), warning.len()), (1, 1));
            let (error, warning) = (&error[0], &warning[0]);
            assert_eq!(error.code, codes::INVALID_INGRESS);
            assert!(error.is_error());
            assert_eq!(
                error.help.as_deref(),
                Some(
                    "Azure Container Apps exposes only HTTP outside the environment; make the endpoint internal"
                )
            );
            assert_eq!(warning.code, codes::UNSUPPORTED_LEFT_OUT);
            assert_eq!(warning.message, error.message);
            assert_eq!(warning.primary, error.primary);
            assert_eq!(warning.notes.first(), error.notes.first());
        }
        // Other ingress problems stay errors.
        let mixed = [
            endpoint("h", true, 80, false),
            endpoint("t", false, 80, false),
        ];
        let lenient = Reporter {
            target: Target::Bicep,
            allow_unsupported: true,
        };
        let all = reported(|r, d| {
            lenient.plan_ingress(r, &mixed, MainRule::HttpFirst, d);
        });
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].0, codes::INVALID_INGRESS);
    }

    #[test]
    fn unsupported_features_are_errors_or_warnings_that_say_what_is_left_out() {
        let mut udp = endpoint("dns", false, 53, false);
        udp.protocol = Protocol::Udp;
        for target in [Target::Terraform, Target::Bicep] {
            for allow_unsupported in [false, true] {
                let reporter = Reporter {
                    target,
                    allow_unsupported,
                };
                let resource = test_resource("api");
                let mut diags = Diagnostics::new();
                reporter.ingress(
                    &resource,
                    std::slice::from_ref(&udp),
                    &ingress::plan(std::slice::from_ref(&udp), MainRule::HttpFirst),
                    &mut diags,
                );
                reporter.unsupported(&resource, Unsupported::HealthCommand, &mut diags);
                assert_eq!(diags.len(), 2);
                for d in diags.iter() {
                    assert_eq!(d.is_error(), !allow_unsupported, "{}", d.message);
                    if allow_unsupported {
                        assert_eq!(d.code, codes::UNSUPPORTED_LEFT_OUT);
                        let left_out = d.notes.last().unwrap();
                        assert!(left_out.contains(target.output()), "{left_out}");
                    } else {
                        assert_eq!(d.code, codes::UNSUPPORTED_FEATURE);
                        assert!(d.help.as_deref().unwrap().contains("--allow-unsupported"));
                    }
                }
            }
        }
    }
}
