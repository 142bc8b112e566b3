//! The view structs the templates print. They hold finished decisions only: names, symbols,
//! numbers and [`BicepStr`] values; the templates add layout and nothing else. Each is made
//! just before it is printed and dropped right after.
//!
//! Views are minijinja objects ([`view!`]): the template reads a field where it prints it,
//! and nothing is converted or copied beforehand. (Serializing a view through serde built a
//! tree of minijinja maps and strings for every resource, only to read each field once.)
//!
//! Templates print every string through the `bicep_string` filter; symbols, numbers and
//! [`Bool`] are printed as they are (Rust guarantees they are valid Bicep tokens). The views
//! of container apps (one per workload, most of `main.bicep`) and of file shares (one per
//! named volume) are the exception: their strings hold Bicep source already ([`Source`]),
//! made by the function behind the filter, so their templates print them as they are
//! instead of calling the filter for each.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};

use crate::bicep_string::{BicepStr, Literal};

/// How a view field reaches a template.
pub(crate) trait Field {
    fn value(&self) -> Value;
}

impl Field for String {
    fn value(&self) -> Value {
        Value::from(self.as_str())
    }
}

impl Field for &'static str {
    fn value(&self) -> Value {
        Value::from(*self)
    }
}

/// A template condition (`{% if p.secure %}`), never printed.
impl Field for bool {
    fn value(&self) -> Value {
        Value::from(*self)
    }
}

/// `none` when absent. Templates test optional numbers of the smaller templates with
/// `is not none` (0 is false), and optional views, [`Source`]s and [`Number`]s, which are
/// never empty, with `{% if %}` (cheaper: no test to call).
impl<T: Field> Field for Option<T> {
    fn value(&self) -> Value {
        match self {
            Some(value) => value.value(),
            None => Value::from(()),
        }
    }
}

/// A nested view or a [`List`]: shared, not copied.
impl<T: Object + 'static> Field for Arc<T> {
    fn value(&self) -> Value {
        Value::from_dyn_object(Arc::clone(self))
    }
}

/// For the `bicep_string` filter, which renders it.
impl Field for BicepStr {
    fn value(&self) -> Value {
        Value::from_object(self.clone())
    }
}

/// Implements minijinja's `Object` for a view struct: each listed field is an attribute,
/// turned into a template value when the template reads it. Any other attribute is
/// undefined, which the strict environment reports as an error.
macro_rules! view {
    ($view:ty { $($field:ident),* $(,)? }) => {
        impl Object for $view {
            fn repr(self: &Arc<Self>) -> ObjectRepr {
                // A record, not a map: always true in `{% if %}`, never iterated.
                ObjectRepr::Plain
            }

            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                self.get_value_by_str(key.as_str()?)
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                match key {
                    $(stringify!($field) => Some(Field::value(&self.$field)),)*
                    _ => None,
                }
            }
        }
    };
}

/// A list for `{% for %}`: each item becomes a template value when the loop reaches it.
#[derive(Debug)]
pub(crate) struct List<T>(Vec<T>);

/// A list of views, each shared with the template rather than copied.
pub(crate) type Views<T> = Arc<List<Arc<T>>>;

impl<T: Field + std::fmt::Debug + Send + Sync + 'static> Object for List<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(self.0.get(key.as_usize()?)?.value())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

/// A list of the items.
pub(crate) fn list<T>(items: impl IntoIterator<Item = T>) -> Arc<List<T>> {
    Arc::new(List(items.into_iter().collect()))
}

/// A list of the views.
pub(crate) fn views<T>(items: impl IntoIterator<Item = T>) -> Views<T> {
    list(items.into_iter().map(Arc::new))
}

/// Bicep source of a string value, made by the function behind the `bicep_string` filter
/// and printed as it is. Never empty: a quoted literal (`''` at least) or an expression.
///
/// It is held as the template value itself, made once: reading it is a copy of a short
/// string or a reference count, where making a value from a `String` at each read copied
/// the text (and allocated, beyond 22 bytes).
#[derive(Clone, Debug)]
pub(crate) struct Source(Value);

impl Source {
    pub(crate) fn of(value: &(impl Literal + ?Sized)) -> Source {
        Source(Value::from(value.to_literal()))
    }

    /// Bicep source made elsewhere (an expression, a multi-line value), printed as it is.
    pub(crate) fn raw(source: String) -> Source {
        Source(Value::from(source))
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str().unwrap_or_default()
    }
}

impl Field for Source {
    fn value(&self) -> Value {
        self.0.clone()
    }
}

/// A number of a container app, held as its decimal text: printed as it is (not through
/// minijinja's number formatting), and never empty, so templates test an optional one with
/// `{% if %}` like any other optional field (a number 0 would be false) instead of calling
/// the `none` test.
#[derive(Debug)]
pub(crate) struct Number(Value);

impl Number {
    pub(crate) fn of(n: impl Into<u32>) -> Number {
        // Made from a `&str`: a short text is stored inline in the value.
        Number(Value::from(n.into().to_string().as_str()))
    }
}

impl Field for Number {
    fn value(&self) -> Value {
        self.0.clone()
    }
}

/// A boolean printed as Bicep's `true`/`false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bool(pub(crate) bool);

impl Field for Bool {
    fn value(&self) -> Value {
        Value::from(if self.0 { "true" } else { "false" })
    }
}

/// The head of `main.bicep`: its params and the shared resources.
#[derive(Debug)]
pub(crate) struct HeadView {
    /// The generated-file header, one line.
    pub(crate) header: String,
    pub(crate) params: Views<ParamView>,
    pub(crate) law_name: String,
    pub(crate) env_name: String,
    pub(crate) identity_name: String,
}
view!(HeadView {
    header,
    params,
    law_name,
    env_name,
    identity_name
});

#[derive(Debug)]
pub(crate) struct ParamView {
    pub(crate) symbol: String,
    pub(crate) description: Option<String>,
    pub(crate) secure: bool,
    pub(crate) default: Option<BicepStr>,
}
view!(ParamView {
    symbol,
    description,
    secure,
    default
});

/// The Azure Files storage account behind named volumes, and its shares.
#[derive(Debug)]
pub(crate) struct StorageView {
    pub(crate) account_name: BicepStr,
    /// The space of each share, in GiB.
    pub(crate) quota: Number,
    pub(crate) shares: Views<ShareView>,
}
view!(StorageView {
    account_name,
    quota,
    shares
});

/// One file share and the environment storage that mounts it. There is one per named
/// volume, as many as container apps in a large model: like theirs, its strings are
/// [`Source`]s, printed as they are.
#[derive(Debug)]
pub(crate) struct ShareView {
    pub(crate) share_symbol: String,
    pub(crate) share_name: Source,
    pub(crate) storage_symbol: String,
    pub(crate) storage_name: Source,
    /// `ReadOnly` when every mount of the volume is read-only, else `ReadWrite`.
    pub(crate) access_mode: Source,
}
view!(ShareView {
    share_symbol,
    share_name,
    storage_symbol,
    storage_name,
    access_mode
});

/// A managed Postgres server, with its settings (`aspirec_azure::managed::POSTGRES`).
#[derive(Debug)]
pub(crate) struct PostgresView {
    pub(crate) symbol: String,
    /// The notes printed above it.
    pub(crate) comments: Arc<List<String>>,
    pub(crate) name: BicepStr,
    pub(crate) sku: &'static str,
    pub(crate) tier: &'static str,
    pub(crate) version: &'static str,
    pub(crate) availability_zone: &'static str,
    pub(crate) admin_login: &'static str,
    pub(crate) password: BicepStr,
    pub(crate) storage_gb: Number,
    pub(crate) backup_retention_days: Number,
    /// `Enabled` or `Disabled`, as the API spells these switches.
    pub(crate) geo_redundant_backup: &'static str,
    pub(crate) high_availability: &'static str,
    pub(crate) password_auth: &'static str,
    pub(crate) entra_auth: &'static str,
    pub(crate) public_network_access: &'static str,
    pub(crate) firewall_symbol: String,
    pub(crate) firewall_rule: &'static str,
    pub(crate) databases: Views<DatabaseView>,
}
view!(PostgresView {
    symbol,
    comments,
    name,
    sku,
    tier,
    version,
    availability_zone,
    admin_login,
    password,
    storage_gb,
    backup_retention_days,
    geo_redundant_backup,
    high_availability,
    password_auth,
    entra_auth,
    public_network_access,
    firewall_symbol,
    firewall_rule,
    databases
});

#[derive(Debug)]
pub(crate) struct DatabaseView {
    pub(crate) symbol: String,
    pub(crate) name: String,
    pub(crate) charset: &'static str,
    pub(crate) collation: &'static str,
    /// The server allows one operation at a time, so children are created one after another.
    pub(crate) depends_on: String,
}
view!(DatabaseView {
    symbol,
    name,
    charset,
    collation,
    depends_on
});

/// A managed Redis, with its settings (`aspirec_azure::managed::REDIS`).
#[derive(Debug)]
pub(crate) struct RedisView {
    pub(crate) symbol: String,
    /// The notes printed above it.
    pub(crate) comments: Arc<List<String>>,
    pub(crate) name: BicepStr,
    pub(crate) sku: &'static str,
    pub(crate) family: &'static str,
    pub(crate) capacity: Number,
    pub(crate) minimum_tls_version: &'static str,
    pub(crate) non_ssl_port: Bool,
    pub(crate) disable_access_keys: Bool,
}
view!(RedisView {
    symbol,
    comments,
    name,
    sku,
    family,
    capacity,
    minimum_tls_version,
    non_ssl_port,
    disable_access_keys
});

/// A container app and its one container. The template's variables are these fields.
#[derive(Debug)]
pub(crate) struct AppView {
    pub(crate) symbol: String,
    /// The app's name, which its container takes too.
    pub(crate) name: Source,
    /// One-line notes printed above the resource.
    pub(crate) comments: Arc<List<String>>,
    pub(crate) ingress: Option<Arc<IngressView>>,
    pub(crate) secrets: Views<SecretView>,
    /// The private registry its image is pulled from, with credentials.
    pub(crate) registry: Option<Arc<RegistryView>>,
    pub(crate) image: Source,
    pub(crate) command: Arc<List<Source>>,
    pub(crate) args: Arc<List<Source>>,
    pub(crate) env: Views<EnvView>,
    pub(crate) cpu: Source,
    pub(crate) memory: Source,
    pub(crate) probes: Views<ProbeView>,
    pub(crate) mounts: Views<MountView>,
    pub(crate) volumes: Views<AppVolumeView>,
    /// The init container that creates a server's databases, if any.
    pub(crate) init: Option<Arc<InitView>>,
    /// What it must wait for (what writes the Key Vault secrets it reads, and the role that
    /// lets it read them).
    pub(crate) depends_on: Arc<List<String>>,
    pub(crate) min_replicas: Number,
    pub(crate) max_replicas: Number,
    /// The CPU scale rule of an app that autoscales.
    pub(crate) cpu_rule: Option<Arc<CpuRuleView>>,
    /// Set for a job (`Microsoft.App/jobs`): its trigger.
    pub(crate) job: Option<Arc<JobView>>,
    /// The init container that writes the workload's `files`, if any.
    pub(crate) files: Option<Arc<FilesView>>,
}
view!(AppView {
    symbol,
    name,
    comments,
    ingress,
    secrets,
    registry,
    image,
    command,
    args,
    env,
    cpu,
    memory,
    probes,
    mounts,
    volumes,
    init,
    depends_on,
    min_replicas,
    max_replicas,
    cpu_rule,
    job,
    files
});

/// A `cpu` custom scale rule: its name, and the target utilisation (a string in Container Apps).
#[derive(Debug)]
pub(crate) struct CpuRuleView {
    pub(crate) name: Source,
    pub(crate) value: Source,
}
view!(CpuRuleView { name, value });

/// The init container that writes a workload's `files` into an `EmptyDir` volume, and the
/// app container's mounts of it (each with a sub-path).
#[derive(Debug)]
pub(crate) struct FilesView {
    pub(crate) name: Source,
    pub(crate) image: Source,
    pub(crate) command: Source,
    /// One variable per file (plain values: `EnvView` without `secret_ref`).
    pub(crate) env: Views<EnvView>,
    pub(crate) cpu: Source,
    pub(crate) memory: Source,
    pub(crate) volume: Source,
    pub(crate) mount: Source,
    pub(crate) mounts: Views<SubPathMountView>,
}
view!(FilesView {
    name,
    image,
    command,
    env,
    cpu,
    memory,
    volume,
    mount,
    mounts
});

#[derive(Debug)]
pub(crate) struct SubPathMountView {
    pub(crate) path: Source,
    pub(crate) sub_path: Source,
}
view!(SubPathMountView { path, sub_path });

/// The trigger of a Container Apps job.
#[derive(Debug)]
pub(crate) struct JobView {
    /// `'Manual'` or `'Schedule'`.
    pub(crate) trigger: Source,
    /// The cron expression of a scheduled job.
    pub(crate) schedule: Option<Source>,
    pub(crate) timeout: Number,
    pub(crate) retries: Number,
}
view!(JobView {
    trigger,
    schedule,
    timeout,
    retries
});

/// The init container that writes a server's database creation script, and its volume.
#[derive(Debug)]
pub(crate) struct InitView {
    pub(crate) name: Source,
    pub(crate) image: Source,
    /// The shell command line, run with `/bin/sh -c`.
    pub(crate) command: Source,
    /// The variable that carries the script, and the script.
    pub(crate) variable: Source,
    pub(crate) script: Source,
    pub(crate) cpu: Source,
    pub(crate) memory: Source,
    /// The `EmptyDir` volume, where the init container mounts it, and where the server's
    /// container does.
    pub(crate) volume: Source,
    pub(crate) mount: Source,
    pub(crate) dir: Source,
}
view!(InitView {
    name,
    image,
    command,
    variable,
    script,
    cpu,
    memory,
    volume,
    mount,
    dir
});

#[derive(Debug)]
pub(crate) struct IngressView {
    pub(crate) external: Bool,
    pub(crate) target_port: Number,
    pub(crate) transport: Source,
    pub(crate) exposed_port: Option<Number>,
    pub(crate) additional: Views<PortMappingView>,
    pub(crate) domains: Views<DomainView>,
}
view!(IngressView {
    external,
    target_port,
    transport,
    exposed_port,
    additional,
    domains
});

/// A private registry of an app: its server, username and the secret holding its password.
#[derive(Debug)]
pub(crate) struct RegistryView {
    pub(crate) server: Source,
    pub(crate) username: Source,
    pub(crate) password_secret: Source,
}
view!(RegistryView {
    server,
    username,
    password_secret
});

/// A custom domain: `binding_type` `'SniEnabled'` with a `certificate_id`, or `'Disabled'`.
#[derive(Debug)]
pub(crate) struct DomainView {
    pub(crate) name: Source,
    pub(crate) binding_type: Source,
    pub(crate) certificate_id: Option<Source>,
}
view!(DomainView {
    name,
    binding_type,
    certificate_id
});

#[derive(Debug)]
pub(crate) struct PortMappingView {
    pub(crate) target_port: Number,
    pub(crate) exposed_port: Number,
}
view!(PortMappingView {
    target_port,
    exposed_port
});

/// A container-app secret: a `value`, or a Key Vault reference (`key_vault_url`, read with
/// the deployment's identity).
#[derive(Debug)]
pub(crate) struct SecretView {
    pub(crate) name: Source,
    pub(crate) value: Option<Source>,
    pub(crate) key_vault_url: Option<Source>,
}
view!(SecretView {
    name,
    value,
    key_vault_url
});

/// An environment variable: a plain `value`, or a `secret_ref` to one of the app's secrets.
#[derive(Debug)]
pub(crate) struct EnvView {
    pub(crate) name: Source,
    pub(crate) value: Option<Source>,
    pub(crate) secret_ref: Option<Source>,
}
view!(EnvView {
    name,
    value,
    secret_ref
});

/// A probe: exactly one of `http` and `tcp_port` is set.
#[derive(Debug)]
pub(crate) struct ProbeView {
    /// `Liveness` or `Readiness`.
    pub(crate) kind: Source,
    pub(crate) http: Option<Arc<HttpProbeView>>,
    pub(crate) tcp_port: Option<Number>,
    pub(crate) initial_delay: Option<Number>,
    pub(crate) period: Option<Number>,
    pub(crate) timeout: Option<Number>,
    pub(crate) failure_threshold: Option<Number>,
}
view!(ProbeView {
    kind,
    http,
    tcp_port,
    initial_delay,
    period,
    timeout,
    failure_threshold
});

#[derive(Debug)]
pub(crate) struct HttpProbeView {
    pub(crate) path: Source,
    pub(crate) port: Number,
    /// `HTTP` or `HTTPS`.
    pub(crate) scheme: Source,
}
view!(HttpProbeView { path, port, scheme });

#[derive(Debug)]
pub(crate) struct MountView {
    pub(crate) volume: Source,
    pub(crate) path: Source,
}
view!(MountView { volume, path });

#[derive(Debug)]
pub(crate) struct AppVolumeView {
    pub(crate) name: Source,
    /// The symbol of the environment storage it mounts.
    pub(crate) storage_symbol: String,
}
view!(AppVolumeView {
    name,
    storage_symbol
});

/// The Azure Bicep modules and what goes with them.
#[derive(Debug)]
pub(crate) struct ModulesView {
    pub(crate) vaults: Views<VaultView>,
    pub(crate) modules: Views<ModuleView>,
    /// The role assignment's symbol, when a container app reads Key Vault secrets.
    pub(crate) access: Option<String>,
    pub(crate) role: &'static str,
}
view!(ModulesView {
    vaults,
    modules,
    access,
    role
});

/// A Key Vault created for a module's secret outputs.
#[derive(Debug)]
pub(crate) struct VaultView {
    pub(crate) symbol: String,
    /// The module's name, for the comment.
    pub(crate) module: String,
    pub(crate) name: BicepStr,
}
view!(VaultView {
    symbol,
    module,
    name
});

/// A `module` declaration. Its strings are Bicep source already.
#[derive(Debug)]
pub(crate) struct ModuleView {
    pub(crate) symbol: String,
    /// The copied file, relative to `main.bicep`.
    pub(crate) path: Source,
    /// The deployment's name.
    pub(crate) name: Source,
    /// `resourceGroup(...)`, when it deploys into another resource group.
    pub(crate) scope: Option<Source>,
    pub(crate) comments: Arc<List<String>>,
    pub(crate) params: Views<ModuleParamView>,
}
view!(ModuleView {
    symbol,
    path,
    name,
    scope,
    comments,
    params
});

#[derive(Debug)]
pub(crate) struct ModuleParamView {
    pub(crate) key: Source,
    pub(crate) value: Source,
}
view!(ModuleParamView { key, value });

#[derive(Debug)]
pub(crate) struct OutputView {
    pub(crate) symbol: String,
    pub(crate) description: String,
    pub(crate) value: BicepStr,
}
view!(OutputView {
    symbol,
    description,
    value
});

/// `main.bicepparam`.
#[derive(Debug)]
pub(crate) struct ParamFile {
    pub(crate) header: String,
    pub(crate) entries: Views<ParamEntry>,
}
view!(ParamFile { header, entries });

#[derive(Debug)]
pub(crate) struct ParamEntry {
    pub(crate) symbol: String,
    /// One-line notes printed above the assignment.
    pub(crate) comments: Arc<List<String>>,
    pub(crate) value: BicepStr,
}
view!(ParamEntry {
    symbol,
    comments,
    value
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_their_decimal_text() {
        for n in [0, 7, 10, 8080, 65535, 1_000_000, u32::MAX] {
            assert_eq!(Number::of(n).value().as_str(), Some(n.to_string().as_str()));
        }
        assert_eq!(Number::of(443u16).value().as_str(), Some("443"));
    }
}
