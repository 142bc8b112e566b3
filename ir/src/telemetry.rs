//! The Aspire dashboard and the OpenTelemetry variables, as data: the pinned image, its ports,
//! its configuration, and the names of what aspirec adds for it. `passes::telemetry` turns it
//! into a workload, two secret parameters and each exporter's variables.
//!
//! Aspire deploys its dashboard with every Docker Compose and Container Apps environment and
//! points each resource that has an OTLP exporter at it (`OTEL_EXPORTER_OTLP_ENDPOINT`,
//! `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME`; /work/shared/design/aspire-conventions.md
//! §3.2 and §5.2). aspirec does the same on every target, Kubernetes included.

use crate::model::Generate;

/// The dashboard's resource name (Aspire's Compose publisher names it `<environment>-dashboard`;
/// aspirec has no environment resource, so it names the dashboard after what it is).
pub const DASHBOARD_NAME: &str = "aspire-dashboard";

/// The pinned dashboard image: an Aspire 13 release tag of `mcr.microsoft.com/dotnet/aspire-dashboard`
/// (its tags are listed in dotnet/dotnet-docker's README.aspire-dashboard.md; this one was taken
/// from published deployments that pin it, and could not be checked against the registry from
/// the machines this was written on, which reach none). Aspire's own publishers use `latest`,
/// which would make the output drift with upstream.
pub const DASHBOARD_IMAGE: &str = "mcr.microsoft.com/dotnet/aspire-dashboard:13.5.2";

/// The dashboard's endpoints: name, target port, transport. These are the image's own
/// defaults (`ASPNETCORE_URLS` and the OTLP endpoint URLs it sets): the UI on 18888, OTLP over
/// gRPC on 18889 and OTLP over HTTP on 18890.
pub const UI_ENDPOINT: &str = "http";
pub const UI_PORT: u16 = 18888;
pub const OTLP_GRPC_ENDPOINT: &str = "otlp-grpc";
pub const OTLP_GRPC_PORT: u16 = 18889;
pub const OTLP_HTTP_ENDPOINT: &str = "otlp-http";
pub const OTLP_HTTP_PORT: u16 = 18890;

/// The implicit secret parameters: the UI's login token and the OTLP API key.
pub fn browser_token_parameter(dashboard: &str) -> String {
    format!("{dashboard}-browser-token")
}

pub fn otlp_api_key_parameter(dashboard: &str) -> String {
    format!("{dashboard}-otlp-api-key")
}

/// How a deploy tool generates either secret: letters and digits only, since the token goes
/// into a login URL (`/login?t=<token>`) and the key into `OTEL_EXPORTER_OTLP_HEADERS`, a
/// comma-separated `key=value` list in which `,`, `=` and `%` would need encoding.
pub const SECRET_RULE: Generate = Generate {
    min_length: 32,
    lower: true,
    upper: true,
    numeric: true,
    special: false,
    min_lower: 0,
    min_upper: 0,
    min_numeric: 0,
    min_special: 0,
};

/// The dashboard's configuration (its documented `Dashboard:` settings as environment
/// variables): the UI asks for the browser token, OTLP requires the API key.
pub const FRONTEND_AUTH_MODE: (&str, &str) = ("DASHBOARD__FRONTEND__AUTHMODE", "BrowserToken");
pub const FRONTEND_BROWSER_TOKEN: &str = "DASHBOARD__FRONTEND__BROWSERTOKEN";
pub const OTLP_AUTH_MODE: (&str, &str) = ("DASHBOARD__OTLP__AUTHMODE", "ApiKey");
pub const OTLP_PRIMARY_API_KEY: &str = "DASHBOARD__OTLP__PRIMARYAPIKEY";

/// The header the dashboard reads the API key from (`x-otlp-api-key`), as the OpenTelemetry
/// SDKs take headers: `OTEL_EXPORTER_OTLP_HEADERS=x-otlp-api-key=<key>`.
pub const API_KEY_HEADER: &str = "x-otlp-api-key";

/// The variables every exporter is given (the OpenTelemetry SDK's environment variables).
pub const ENDPOINT_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
pub const PROTOCOL_VAR: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
pub const SERVICE_NAME_VAR: &str = "OTEL_SERVICE_NAME";
pub const HEADERS_VAR: &str = "OTEL_EXPORTER_OTLP_HEADERS";
