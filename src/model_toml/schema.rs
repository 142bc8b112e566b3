//! The `model.toml` format as data: every key, its type, whether it is required, which keys
//! exclude each other, per resource type, with a short description of each.
//!
//! This one description drives the schema check ([`super::validate`]) and the JSON Schema
//! that editors use ([`super::json_schema`]); lowering ([`super::lower`]) reads only values
//! the check has accepted. Ranges that `ir` checks with its own codes (ports, replicas,
//! health timings) are stated here as hints for editors only, so that one problem is never
//! reported twice.

/// The expected type of a value.
#[derive(Debug, PartialEq)]
pub(crate) enum Shape {
    /// A string taken literally.
    String,
    /// A string in which `{name.property}` expressions are allowed.
    Template,
    /// A string that must be one of these.
    Enum(&'static [&'static str]),
    /// An integer whose range `ir` checks; `min` and `max` only inform editors.
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// A non-negative integer that fits `u32`, checked here (`ir` keeps it as a `u32`).
    Count,
    Bool,
    Array(&'static Shape),
    Table(&'static TableShape),
    /// A table with user-chosen keys, all of whose values have one shape.
    Map {
        keys: Keys,
        values: &'static Shape,
    },
    /// The first alternative whose TOML type matches (a string or a table, say).
    Either(&'static [Shape]),
    /// A resource: a table whose `type` selects its keys from [`RESOURCE_TYPES`].
    Resource,
    /// The `type` of a resource: the name of one of [`RESOURCE_TYPES`]. [`Shape::Resource`]
    /// checks it, since it decides everything else.
    Tag,
    /// A resource override in an environment: keys of the overridden resource's type, none
    /// required.
    ResourceOverride,
    /// Any TOML value (a patch's content, which the target checks when it applies it).
    Any,
    /// The id of a target aspirec can emit (`k8s`, ...), as [`crate::targets`] lists them:
    /// a new target is accepted without a change here.
    Target,
}

/// What the keys of a [`Shape::Map`] are.
#[derive(Debug, PartialEq)]
pub(crate) enum Keys {
    /// Resource, database and parameter names; `ir` checks them (E0303), the pattern informs
    /// editors.
    Name,
    /// Environment names.
    Environment,
    /// Endpoint names.
    Endpoint,
    /// Environment variable and build argument names: anything.
    Variable,
}

/// The pattern of model names, as `ir` checks it.
pub(crate) const NAME_PATTERN: &str = "^[a-z][a-z0-9-]*$";
/// The longest model name, as `ir` checks it.
pub(crate) const NAME_MAX: usize = 40;

#[derive(Debug, PartialEq)]
pub(crate) struct TableShape {
    pub(crate) fields: &'static [Field],
    /// At least one of these key sets must be fully present (`image` or `build`); empty if
    /// no such rule.
    pub(crate) requires: &'static [&'static [&'static str]],
    /// Pairs of keys that must not both be present.
    pub(crate) conflicts: &'static [[&'static str; 2]],
}

impl TableShape {
    pub(crate) fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct Field {
    pub(crate) key: &'static str,
    pub(crate) shape: Shape,
    pub(crate) required: bool,
    pub(crate) doc: &'static str,
}

const fn field(key: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field {
        key,
        shape,
        required: false,
        doc,
    }
}

const fn required(key: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field {
        key,
        shape,
        required: true,
        doc,
    }
}

/// A `type` of resource and its keys.
#[derive(Debug, PartialEq)]
pub(crate) struct ResourceType {
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) table: TableShape,
}

/// The top level of `model.toml`.
pub(crate) static MODEL: TableShape = TableShape {
    fields: &[
        required(
            "name",
            Shape::String,
            "Application name: a DNS label of at most 40 characters; the default Kubernetes namespace, the Compose project name and the prefix of cloud resource names.",
        ),
        field(
            "targets",
            Shape::Array(&Shape::Target),
            "The targets this model is meant for: the default of `aspirec check`, `aspirec build` without `--emit` and the pre-commit hook (default: every target). Only these targets' rules apply. Environments cannot change it.",
        ),
        DEFAULTS,
        OBSERVABILITY,
        field(
            "parameters",
            Shape::Map {
                keys: Keys::Name,
                values: &Shape::Table(&PARAMETER),
            },
            "Deploy-time inputs, by name.",
        ),
        REGISTRIES,
        field(
            "resources",
            Shape::Map {
                keys: Keys::Name,
                values: &Shape::Resource,
            },
            "The resources of the app, by name.",
        ),
        field(
            "patches",
            Shape::Array(&Shape::Table(&PATCH)),
            "Changes to what a target emits, for fields the model does not have (see the format reference, Patches). An environment's patches are applied after the model's.",
        ),
        field(
            "environments",
            Shape::Map {
                keys: Keys::Environment,
                values: &Shape::Table(&OVERLAY),
            },
            "Overlays selected with `--env <env>`: the same shape as the top level; tables merge key by key, arrays and scalars replace.",
        ),
    ],
    requires: &[],
    conflicts: &[],
};

const DEFAULTS: Field = field(
    "defaults",
    Shape::Table(&TableShape {
        fields: &[
            field(
                "registry",
                Shape::String,
                "Registry of the images the model builds: `{registry}/{resource}:{tag}`.",
            ),
            field("tag", Shape::String, "Tag of the images the model builds."),
            field(
                "namespace",
                Shape::String,
                "Kubernetes namespace (default: the model's `name`).",
            ),
        ],
        requires: &[],
        conflicts: &[],
    }),
    "Defaults for images the model builds and the Kubernetes namespace.",
);

const OBSERVABILITY: Field = field(
    "observability",
    Shape::Table(&TableShape {
        fields: &[
            field(
                "dashboard",
                Shape::Bool,
                "Deploy the Aspire dashboard and send every OTLP exporter's telemetry to it (default true; false without `otlp_endpoint`: no telemetry variables at all).",
            ),
            field(
                "external",
                Shape::Bool,
                "The dashboard's UI is reachable from outside the app (default false).",
            ),
            field(
                "otlp_endpoint",
                Shape::Template,
                "An existing OTLP collector to send to instead of the dashboard (then none is deployed); expressions allowed.",
            ),
            field(
                "otlp_protocol",
                Shape::Enum(&["grpc", "http/protobuf"]),
                "`OTEL_EXPORTER_OTLP_PROTOCOL` (default `grpc`, as Aspire).",
            ),
        ],
        requires: &[],
        conflicts: &[
            ["otlp_endpoint", "dashboard"],
            ["otlp_endpoint", "external"],
        ],
    }),
    "Where workloads send OpenTelemetry data: the Aspire dashboard (the default) or an existing collector.",
);

/// `[environments.<env>]`.
pub(crate) static OVERLAY: TableShape = TableShape {
    fields: &[
        field("name", Shape::String, "Overrides the application name."),
        DEFAULTS,
        OBSERVABILITY,
        field(
            "parameters",
            Shape::Map {
                keys: Keys::Name,
                values: &Shape::String,
            },
            "`<parameter> = \"<default>\"`: overrides the default value of a declared parameter.",
        ),
        field(
            "resources",
            Shape::Map {
                keys: Keys::Name,
                values: &Shape::ResourceOverride,
            },
            "`<resource>.<key> = ...`: overrides keys of a declared resource.",
        ),
        field(
            "patches",
            Shape::Array(&Shape::Table(&PATCH)),
            "Changes to what a target emits, for fields the model does not have (see the format reference, Patches). Added after the model's own patches.",
        ),
    ],
    requires: &[],
    conflicts: &[],
};

static PARAMETER: TableShape = TableShape {
    fields: &[
        field(
            "secret",
            Shape::Bool,
            "Whether the value is secret (default false).",
        ),
        field(
            "value",
            Shape::String,
            "Default value, taken literally (a warning on a secret).",
        ),
        field(
            "generate",
            Shape::Table(&TableShape {
                fields: &[
                    field("min_length", Shape::Count, "Minimum length (default 22)."),
                    field(
                        "lower",
                        Shape::Bool,
                        "Allow lower-case letters (default true).",
                    ),
                    field(
                        "upper",
                        Shape::Bool,
                        "Allow upper-case letters (default true).",
                    ),
                    field("numeric", Shape::Bool, "Allow digits (default true)."),
                    field(
                        "special",
                        Shape::Bool,
                        "Allow special characters (default true).",
                    ),
                    field(
                        "min_lower",
                        Shape::Count,
                        "Minimum number of lower-case letters.",
                    ),
                    field(
                        "min_upper",
                        Shape::Count,
                        "Minimum number of upper-case letters.",
                    ),
                    field("min_numeric", Shape::Count, "Minimum number of digits."),
                    field(
                        "min_special",
                        Shape::Count,
                        "Minimum number of special characters.",
                    ),
                ],
                requires: &[],
                conflicts: &[],
            }),
            "How a deploy tool may generate a missing value.",
        ),
        field("description", Shape::String, "What the parameter is for."),
    ],
    requires: &[],
    // `value` with `generate` is E0501, which `ir` reports for every front end.
    conflicts: &[],
};

/// Every resource type, compute first.
pub(crate) static RESOURCE_TYPES: &[ResourceType] = &[
    ResourceType {
        name: "container",
        doc: "A container from an image, or built from a Dockerfile.",
        table: TableShape {
            fields: &[
                TYPE,
                field(
                    "image",
                    Shape::String,
                    "The image to run (`image` or `build` is required).",
                ),
                BUILD,
                ENTRYPOINT,
                ARGS,
                ENV,
                ENDPOINTS,
                REFERENCES,
                WAIT_FOR,
                REPLICAS,
                HEALTH,
                VOLUMES,
                LIMITS,
                OTLP,
                JOB,
                FILES,
                AUTOSCALE,
            ],
            requires: &[&["image"], &["build"]],
            conflicts: &[["image", "build"]],
        },
    },
    ResourceType {
        name: "project",
        doc: "A service built from source: `{registry}/{resource}:{tag}`.",
        table: TableShape {
            fields: &[
                TYPE,
                field(
                    "path",
                    Shape::String,
                    "The source folder: shorthand for `build = { context = path }`.",
                ),
                BUILD,
                ENTRYPOINT,
                ARGS,
                ENV,
                ENDPOINTS,
                REFERENCES,
                WAIT_FOR,
                REPLICAS,
                HEALTH,
                VOLUMES,
                LIMITS,
                OTLP,
                JOB,
                FILES,
                AUTOSCALE,
            ],
            requires: &[&["path"], &["build"]],
            conflicts: &[["path", "build"]],
        },
    },
    ResourceType {
        name: "external",
        doc: "A service outside the app.",
        table: TableShape {
            fields: &[
                TYPE,
                field("url", Shape::Template, "Its URL; expressions allowed."),
                field(
                    "connection_string",
                    Shape::Template,
                    "Its connection string; expressions allowed.",
                ),
            ],
            requires: &[&["url"], &["connection_string"]],
            conflicts: &[],
        },
    },
    integration("postgres", "PostgreSQL (port 5432).", WITH_DATABASES),
    integration("redis", "Redis (port 6379).", WITHOUT_DATABASES),
    integration("valkey", "Valkey (port 6379).", WITHOUT_DATABASES),
    integration(
        "rabbitmq",
        "RabbitMQ (port 5672, management 15672).",
        WITHOUT_DATABASES,
    ),
    integration("mongodb", "MongoDB (port 27017).", WITH_DATABASES),
    integration("mysql", "MySQL (port 3306).", WITH_DATABASES),
    integration("sqlserver", "SQL Server (port 1433).", WITH_DATABASES),
    integration("kafka", "Kafka (port 9092).", WITHOUT_DATABASES),
    integration("nats", "NATS (port 4222).", WITHOUT_DATABASES),
];

const fn integration(
    name: &'static str,
    doc: &'static str,
    fields: &'static [Field],
) -> ResourceType {
    ResourceType {
        name,
        doc,
        table: TableShape {
            fields,
            requires: &[],
            conflicts: &[],
        },
    }
}

const WITHOUT_DATABASES: &[Field] = &[
    TYPE,
    INTEGRATION_IMAGE,
    PASSWORD,
    PERSISTENT,
    REPLICAS,
    ENV,
    LIMITS,
    AZURE,
];
const WITH_DATABASES: &[Field] = &[
    TYPE,
    INTEGRATION_IMAGE,
    PASSWORD,
    PERSISTENT,
    REPLICAS,
    ENV,
    LIMITS,
    AZURE,
    field(
        "databases",
        Shape::Array(&Shape::String),
        "Databases to create; each is a resource that can be referenced by name.",
    ),
];

/// The resource type named `name`.
pub(crate) fn resource_type(name: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.name == name)
}

const TYPE: Field = required("type", Shape::Tag, "The kind of resource.");

const INTEGRATION_IMAGE: Field = field(
    "image",
    Shape::String,
    "Overrides the pinned default image of the integration.",
);
const PASSWORD: Field = field(
    "password",
    Shape::Template,
    "The password (usually `{<parameter>.value}`); when absent, a secret parameter `<name>-password` is generated.",
);
const PERSISTENT: Field = field(
    "persistent",
    Shape::Bool,
    "Keep data in a volume at the image's data path (default true).",
);
const AZURE: Field = field(
    "azure",
    Shape::Table(&TableShape {
        fields: &[required(
            "hosting",
            Shape::Enum(&["managed", "container"]),
            "`managed`: the cloud's own service where one exists (Postgres, Redis: Azure's, RDS and ElastiCache for terraform-aws, Cloud SQL and Memorystore for terraform-gcp, which hosts a Postgres or Redis as those even without `managed`); `container`: a container with a file-share volume (E0702 on terraform-gcp: Cloud Run serves HTTP only).",
        )],
        requires: &[],
        conflicts: &[],
    }),
    "How the cloud targets (Azure's, terraform-aws, terraform-gcp) host this service.",
);

const BUILD: Field = field(
    "build",
    Shape::Table(&TableShape {
        fields: &[
            required("context", Shape::String, "The build context folder."),
            field(
                "dockerfile",
                Shape::String,
                "The Dockerfile (default: `Dockerfile` in the context).",
            ),
            field("target", Shape::String, "The build stage to build."),
            field(
                "args",
                Shape::Map {
                    keys: Keys::Variable,
                    values: &Shape::Template,
                },
                "Build arguments; expressions allowed.",
            ),
        ],
        requires: &[],
        conflicts: &[],
    }),
    "An image built from source: `{registry}/{resource}:{tag}`.",
);
const ENTRYPOINT: Field = field(
    "entrypoint",
    Shape::Array(&Shape::String),
    "Overrides the image's entrypoint.",
);
const ARGS: Field = field(
    "args",
    Shape::Array(&Shape::Template),
    "Arguments; expressions allowed.",
);
const ENV: Field = field(
    "env",
    Shape::Map {
        keys: Keys::Variable,
        values: &Shape::Template,
    },
    "Environment variables; expressions allowed. An entry wins over a variable a reference injects.",
);
const PORT: Shape = Shape::Integer {
    min: Some(1),
    max: Some(65535),
};
const ENDPOINTS: Field = field(
    "endpoints",
    Shape::Map {
        keys: Keys::Endpoint,
        values: &Shape::Table(&TableShape {
            fields: &[
                field(
                    "scheme",
                    Shape::Enum(&["http", "https", "tcp", "udp"]),
                    "Default: the endpoint's name when it is one of these, else `tcp`.",
                ),
                field(
                    "target_port",
                    PORT,
                    "Where the process listens (a `project`'s `http` defaults to 8080).",
                ),
                field(
                    "port",
                    PORT,
                    "Where others reach it (default: `target_port`).",
                ),
                field(
                    "external",
                    Shape::Bool,
                    "Reachable from outside the app (default false).",
                ),
                field(
                    "transport",
                    Shape::Enum(&["http", "http2", "tcp"]),
                    "`http2` for gRPC.",
                ),
                INGRESS,
            ],
            requires: &[],
            conflicts: &[],
        }),
    },
    "Network endpoints, by name.",
);
const REGISTRIES: Field = field(
    "registries",
    Shape::Map {
        keys: Keys::Name,
        values: &Shape::Table(&TableShape {
            fields: &[
                required(
                    "server",
                    Shape::String,
                    "The registry host (and port) that image references start with: `ghcr.io`, `myregistry.azurecr.io`, `docker.io` for Docker Hub.",
                ),
                required(
                    "username",
                    Shape::Template,
                    "The user name: text, or a parameter (`{ghcr-user.value}`).",
                ),
                required(
                    "password",
                    Shape::Template,
                    "The password or token: a secret parameter (`{ghcr-token.value}`), supplied at deploy time.",
                ),
                field(
                    "pull_secret",
                    Shape::String,
                    "The Kubernetes image pull Secret (type kubernetes.io/dockerconfigjson) the deployer creates (default `<name>-pull-secret`).",
                ),
            ],
            requires: &[],
            conflicts: &[],
        }),
    },
    "Pull credentials of private registries, by name: every image whose reference starts with a registry's `server` is pulled with them (`imagePullSecrets` on Kubernetes, a registry with a password secret on Container Apps, `docker login` for Compose).",
);
const INGRESS: Field = field(
    "ingress",
    Shape::Table(&TableShape {
        fields: &[
            field(
                "hosts",
                Shape::Array(&Shape::String),
                "DNS names the endpoint is reached at, for example [\"shop.example.com\"] (default: the target's own: `<resource>.<namespace>.localhost` on Kubernetes, the Container Apps domain); custom domains on Container Apps.",
            ),
            field(
                "path",
                Shape::String,
                "A path prefix, starting with `/` (default `/`); Kubernetes only (Container Apps routes the whole host).",
            ),
            field(
                "tls",
                Shape::Table(&TableShape {
                    fields: &[
                        field(
                            "secret",
                            Shape::String,
                            "An existing certificate by name: a Kubernetes TLS Secret, a certificate of the Container Apps environment.",
                        ),
                        field(
                            "issuer",
                            Shape::String,
                            "A cert-manager ClusterIssuer that issues the certificate (Kubernetes only).",
                        ),
                    ],
                    requires: &[&["secret"], &["issuer"]],
                    conflicts: &[["secret", "issuer"]],
                }),
                "HTTPS for the `hosts` (which it requires): `{ secret = \"...\" }` or `{ issuer = \"...\" }`.",
            ),
            field(
                "class",
                Shape::String,
                "The Kubernetes Ingress class (default: the cluster's default class).",
            ),
        ],
        requires: &[],
        conflicts: &[],
    }),
    "How an external HTTP endpoint is reached: its hosts, path prefix, TLS certificate and Kubernetes Ingress class.",
);
const INJECT: Shape = Shape::Enum(&[
    "connection_string",
    "connection_properties",
    "service_discovery",
    "endpoints",
]);
const REFERENCES: Field = field(
    "references",
    Shape::Array(&Shape::Either(&[
        Shape::String,
        Shape::Table(&TableShape {
            fields: &[
                required("to", Shape::String, "The referenced resource."),
                field(
                    "inject",
                    Shape::Array(&INJECT),
                    "What to inject (default: everything).",
                ),
            ],
            requires: &[],
            conflicts: &[],
        }),
    ])),
    "Resources whose connection information this resource receives: a name, or `{ to, inject }`.",
);
const OTLP: Field = field(
    "otlp",
    Shape::Bool,
    "It has an OpenTelemetry exporter: it is told where to send (`OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`) (default true).",
);
const WAIT_FOR: Field = field(
    "wait_for",
    Shape::Array(&Shape::String),
    "Resources that must be up before this one starts.",
);
const REPLICAS: Field = field(
    "replicas",
    Shape::Integer {
        min: Some(0),
        max: None,
    },
    "Number of instances (default 1).",
);
const SECONDS: Shape = Shape::Integer {
    min: Some(0),
    max: Some(3600),
};
const HEALTH: Field = field(
    "health",
    Shape::Table(&TableShape {
        fields: &[
            field("path", Shape::String, "HTTP path of the health check."),
            field("endpoint", Shape::String, "The `http` endpoint to probe."),
            field(
                "command",
                Shape::Array(&Shape::String),
                "A command that exits 0 when healthy (instead of `path`).",
            ),
            field("initial_delay", SECONDS, "Seconds before the first check."),
            field("period", SECONDS, "Seconds between checks."),
            field("timeout", SECONDS, "Seconds before a check fails."),
            field(
                "failure_threshold",
                SECONDS,
                "Failures before the instance is unhealthy.",
            ),
        ],
        requires: &[&["path", "endpoint"], &["command"]],
        conflicts: &[["command", "path"], ["command", "endpoint"]],
    }),
    "An HTTP health check `{ path, endpoint }`, or `{ command = [...] }`.",
);
const VOLUMES: Field = field(
    "volumes",
    Shape::Array(&Shape::Table(&TableShape {
        fields: &[
            required("name", Shape::String, "Volume name."),
            required("target", Shape::String, "Mount path in the container."),
            field("read_only", Shape::Bool, "Mount read-only (default false)."),
        ],
        requires: &[],
        conflicts: &[],
    })),
    "Named, persistent volumes.",
);
const FILES: Field = field(
    "files",
    Shape::Array(&Shape::Table(&TableShape {
        fields: &[
            required(
                "source",
                Shape::String,
                "A file or a folder of files, relative to the model's folder (inside it); at most 64 files and 256 KiB of UTF-8 text.",
            ),
            required(
                "target",
                Shape::String,
                "The absolute path in the container: the file's, or the folder's for a folder.",
            ),
        ],
        requires: &[],
        conflicts: &[],
    })),
    "Files beside the model, mounted read-only (a ConfigMap on Kubernetes, `configs` in Compose, written by an init container on Container Apps); a changed file rolls the workload.",
);
const JOB: Field = field(
    "job",
    Shape::Table(&TableShape {
        fields: &[field(
            "schedule",
            Shape::String,
            "A cron schedule of five fields (minute hour day-of-month month day-of-week, UTC), for example \"0 3 * * *\"; without it the job runs once per deployment and `wait_for` can wait for its successful completion.",
        )],
        requires: &[],
        conflicts: &[],
    }),
    "Runs to completion instead of running on: `job = {}` once per deployment (a migration), `job = { schedule = \"...\" }` on a schedule. A job has no `endpoints`, `health` or `replicas`.",
);
const AUTOSCALE: Field = field(
    "autoscale",
    Shape::Table(&TableShape {
        fields: &[
            field(
                "min",
                Shape::Integer {
                    min: Some(1),
                    max: Some(1000),
                },
                "The fewest replicas, what it starts with (default 1); Compose runs this many.",
            ),
            required(
                "max",
                Shape::Integer {
                    min: Some(1),
                    max: Some(1000),
                },
                "The most replicas (at least `min`).",
            ),
            required(
                "cpu",
                Shape::Integer {
                    min: Some(1),
                    max: Some(100),
                },
                "Target average CPU utilisation, in percent of `resources.cpu` (which it requires).",
            ),
        ],
        requires: &[],
        conflicts: &[],
    }),
    "Scales between `min` and `max` replicas on CPU utilisation: a HorizontalPodAutoscaler on Kubernetes, a CPU scale rule on Container Apps; Compose runs `min`. Not with `replicas` or `job`.",
);
const LIMITS: Field = field(
    "resources",
    Shape::Table(&TableShape {
        fields: &[
            field(
                "cpu",
                Shape::String,
                "CPU limit as a Kubernetes quantity (`500m`, `1`).",
            ),
            field(
                "memory",
                Shape::String,
                "Memory limit as a Kubernetes quantity (`512Mi`).",
            ),
        ],
        requires: &[],
        conflicts: &[],
    }),
    "CPU and memory limits.",
);

/// One `[[patches]]` entry; which keys a target uses is checked when it is read
/// (`super::patches`).
pub(crate) static PATCH: TableShape = TableShape {
    fields: &[
        required(
            "target",
            Shape::Enum(ir::patch::TARGETS),
            "The target whose output it changes (`k8s` changes the kustomize base and the Helm chart).",
        ),
        field(
            "kind",
            Shape::String,
            "k8s: the kind of the object to change (`Deployment`, `Service`, ...).",
        ),
        field(
            "name",
            Shape::String,
            "k8s: the name of the object to change, as emitted.",
        ),
        field(
            "service",
            Shape::String,
            "compose: the service to change; without it, `merge` applies to the whole document.",
        ),
        field(
            "resource",
            Shape::String,
            "terraform, terraform-aws, terraform-gcp: the address (`type.label`) of the resource to change; bicep: its symbolic name.",
        ),
        field(
            "merge",
            Shape::Any,
            "A document merged into what is addressed: maps merge key by key; see the format reference for lists and each target.",
        ),
        field(
            "json_patch",
            Shape::Array(&Shape::Table(&JSON_OP)),
            "k8s: RFC 6902 operations on the object, applied after `merge`.",
        ),
        field(
            "file",
            Shape::String,
            "A file beside the model with the patch's content: YAML or JSON (`.yaml`, `.yml`, `.json`) is the `merge` document; `.tf` or `.bicep` text is appended (with `resource`, a `.tf` file's attributes and blocks override the resource's).",
        ),
        field(
            "append",
            Shape::String,
            "terraform, terraform-aws, terraform-gcp, bicep: text appended to the main file (new resources, modules, outputs).",
        ),
    ],
    requires: &[],
    conflicts: &[["merge", "file"], ["append", "file"]],
};

static JSON_OP: TableShape = TableShape {
    fields: &[
        required(
            "op",
            Shape::Enum(&["add", "remove", "replace", "move", "copy", "test"]),
            "The RFC 6902 operation.",
        ),
        required(
            "path",
            Shape::String,
            "A JSON pointer into the object (`/spec/template/spec/nodeSelector`).",
        ),
        field(
            "from",
            Shape::String,
            "move, copy: the JSON pointer to take the value from.",
        ),
        field("value", Shape::Any, "add, replace, test: the value."),
    ],
    requires: &[],
    conflicts: &[],
};

#[cfg(test)]
mod tests {
    use ir::integrations::IntegrationKind;
    use ir::model::Inject;

    use super::*;

    #[test]
    fn integration_types_match_the_ir_catalogue() {
        for kind in IntegrationKind::ALL {
            let resource_type =
                resource_type(kind.type_name()).expect("every integration has a resource type");
            let has_databases = resource_type.table.field("databases").is_some();
            assert_eq!(
                has_databases,
                kind.has_databases(),
                "`databases` on {}",
                kind.type_name()
            );
        }
        let compute_and_external = RESOURCE_TYPES.len() - IntegrationKind::ALL.len();
        assert_eq!(compute_and_external, 3);
    }

    #[test]
    fn inject_values_are_the_ir_spellings() {
        let Some(Field {
            shape: Shape::Array(Shape::Either([_, Shape::Table(reference)])),
            ..
        }) = resource_type("container").and_then(|t| t.table.field("references"))
        else {
            panic!("`references` is an array of names or tables")
        };
        let Some(Field {
            shape: Shape::Array(Shape::Enum(values)),
            ..
        }) = reference.field("inject")
        else {
            panic!("`inject` is an array of strings")
        };
        assert_eq!(*values, Inject::ALL.map(Inject::key));
    }

    #[test]
    fn a_key_has_one_shape_across_resource_types() {
        // Environment overrides and the JSON Schema's override definition rely on it.
        for field in RESOURCE_TYPES.iter().flat_map(|t| t.table.fields) {
            for other in RESOURCE_TYPES
                .iter()
                .filter_map(|t| t.table.field(field.key))
            {
                assert_eq!(field.shape, other.shape, "`{}`", field.key);
            }
        }
    }
}
