//! The command line: clap's raw arguments ("low level"), validated into the choices the driver
//! acts on. `main.rs` runs them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "aspirec",
    version,
    about = "Compile an app model into Kubernetes, Helm, Docker Compose, Terraform and Bicep artifacts"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Check a model and report every problem, without writing anything
    Check {
        #[command(flatten)]
        input: Input,
        /// Only these targets' rules apply: k8s, helm, compose, terraform, bicep, terraform-aws, or all (repeatable,
        /// or comma-separated); default: the model's `targets`, else all
        #[arg(long = "emit", value_name = "TARGET", value_delimiter = ',')]
        emit: Vec<String>,
        /// Check the model as it is and under each environment it defines
        #[arg(long, conflicts_with = "environment")]
        all_envs: bool,
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
        /// Treat every warning as an error (exit 1)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compile a model and write the artifacts of each target to DIR/<target>/
    Build {
        #[command(flatten)]
        input: Input,
        /// Target to emit: k8s, helm, compose, terraform, bicep, terraform-aws, or all (repeatable, or
        /// comma-separated); default: the model's `targets`, else all
        #[arg(long = "emit", value_name = "TARGET", value_delimiter = ',')]
        emit: Vec<String>,
        /// Output folder
        #[arg(long, value_name = "DIR", default_value = "out")]
        out: PathBuf,
        /// Write nothing; exit 1 and list the files that would change, appear or disappear
        #[arg(long)]
        check: bool,
        /// Also build each environment ENV the model defines, into DIR/ENV (as `--env ENV
        /// --out DIR/ENV` would)
        #[arg(long, conflicts_with = "environment")]
        all_envs: bool,
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
        /// Treat every warning as an error: exit 1 and write nothing
        #[arg(long)]
        deny_warnings: bool,
        /// The Helm chart's version (SemVer 2); default: the model's tag when it is one, else
        /// 0.1.0
        #[arg(long, value_name = "VERSION")]
        chart_version: Option<String>,
    },
    /// Print the checked, enriched model as JSON (a documented, stable shape)
    Inspect {
        #[command(flatten)]
        input: Input,
    },
    /// Print the topology: resources, references and wait_for edges
    Graph {
        #[command(flatten)]
        input: Input,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Print the JSON Schema of model.toml (for taplo / Even Better TOML)
    Schema,
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Explain a diagnostic code (`aspirec explain E0301`)
    Explain {
        /// A code (E0301) or its name (unknown-reference); all codes when omitted
        code: Option<String>,
    },
}

#[derive(clap::Args, Clone, Debug)]
pub(crate) struct Input {
    /// The model: a model.toml or an aspire-manifest.json
    #[arg(value_name = "MODEL")]
    pub(crate) model: PathBuf,
    /// Apply the overlay [environments.ENV]
    #[arg(long = "env", value_name = "ENV")]
    pub(crate) environment: Option<String>,
    /// The application name, instead of the model's `name` (an Aspire manifest has none:
    /// `aspire` otherwise)
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Leave out resources and features a target cannot express, with a warning
    #[arg(long)]
    pub(crate) allow_unsupported: bool,
    /// Deploy no Aspire dashboard, whatever the model says (workloads then get OTEL variables
    /// only for the model's `otlp_endpoint`)
    #[arg(long)]
    pub(crate) no_dashboard: bool,
    /// Print how long each stage took (front end, checks, each publisher, writing) to stderr
    #[arg(long)]
    pub(crate) timings: bool,
    /// Refuse a model file larger than this (bytes, or with K, M, G): junk input ends at once
    #[arg(
        long,
        value_name = "SIZE",
        env = "ASPIREC_MAX_INPUT_SIZE",
        default_value = crate::input::DEFAULT_LIMIT,
        value_parser = crate::input::parse_size
    )]
    pub(crate) max_input_size: u64,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DiagnosticFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
}
