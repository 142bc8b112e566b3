//! Synthetic `model.toml` files of any size for the benchmarks: `n` services of a realistic
//! shape, one Postgres (with one database) and one Redis per ten services.
//!
//! The text is a pure function of `n` (no randomness), so every run, machine and stage
//! measures the same input. Every name is declared before anything refers to it, and every
//! `wait_for` points to a lower-numbered service or to the group's database, so the model is
//! valid and its `wait_for` graph is acyclic at every size; references may go forward (a
//! service calling the next one is normal service discovery).

use std::fmt::Write;

/// Services per backing group: each group of ten shares one Postgres and one Redis.
const GROUP: usize = 10;

/// The model with `n` services (`svc-0` .. `svc-{n-1}`), `ceil(n / 10)` Postgres servers
/// `pg-<g>` with a database `db-<g>`, and as many Redis servers `cache-<g>`.
pub(crate) fn model(n: usize) -> String {
    // About 1.1 KB per service, so the string is allocated once.
    let mut out = String::with_capacity(512 + n * 1200);
    out.push_str(&header(n));
    for group in 0..n.div_ceil(GROUP) {
        backing(&mut out, group);
    }
    for index in 0..n {
        service(&mut out, index, n);
    }
    out
}

fn header(n: usize) -> String {
    format!(
        "# A synthetic model of {n} services, written by `cargo run --example gen-model -- {n}`.\n\
         name = \"synth\"\n\
         \n\
         [defaults]\n\
         registry = \"ghcr.io/acme\"\n\
         tag = \"1.0.0\"\n\
         \n\
         [parameters.log-level]\n\
         value = \"info\"\n"
    )
}

/// The Postgres server (its password is the implicit secret parameter `pg-<g>-password`) and
/// the Redis cache of one group.
fn backing(out: &mut String, group: usize) {
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "\n[resources.pg-{group}]\n\
         type = \"postgres\"\n\
         databases = [\"db-{group}\"]\n\
         \n\
         [resources.cache-{group}]\n\
         type = \"redis\"\n"
    );
}

/// One service: an image, two endpoints, six env vars (a literal, a parameter, another
/// service's URL and gRPC address, a database connection string with a secret password), a
/// reference to the group's cache, a volume, a health check, two replicas, ACA-valid limits
/// and a `wait_for` on the group's database and, after the first, on the group's first service.
fn service(out: &mut String, index: usize, n: usize) {
    let group = index / GROUP;
    let peer = (index + 1) % n;
    let head = group * GROUP;
    let wait_for = if index == head {
        format!("[\"db-{group}\"]")
    } else {
        format!("[\"db-{group}\", \"svc-{head}\"]")
    };
    // One service in ten is reachable from outside, as a front end would be.
    let external = index == head;
    let _ = write!(
        out,
        "\n[resources.svc-{index}]\n\
         type = \"container\"\n\
         image = \"ghcr.io/acme/svc-{index}:1.0.0\"\n\
         replicas = 2\n\
         references = [\"cache-{group}\"]\n\
         wait_for = {wait_for}\n\
         endpoints.http = {{ target_port = 8080, external = {external} }}\n\
         endpoints.grpc = {{ scheme = \"http\", target_port = 9090, transport = \"http2\" }}\n\
         health = {{ path = \"/healthz\", endpoint = \"http\" }}\n\
         volumes = [{{ name = \"svc-{index}-data\", target = \"/var/lib/svc\" }}]\n\
         resources = {{ cpu = \"0.5\", memory = \"1Gi\" }}\n\
         \n\
         [resources.svc-{index}.env]\n\
         SERVICE_NAME = \"svc-{index}\"\n\
         LOG_LEVEL = \"{{log-level.value}}\"\n\
         FEATURES = \"search,recommendations\"\n\
         UPSTREAM_URL = \"{{svc-{peer}.bindings.http.url}}\"\n\
         UPSTREAM_GRPC = \"{{svc-{peer}.bindings.grpc.host}}:{{svc-{peer}.bindings.grpc.port}}\"\n\
         ORDERS_DB = \"{{db-{group}.connectionString}}\"\n"
    );
}
