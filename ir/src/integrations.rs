//! The catalogue of integration types: image, ports, data path, health check, and the
//! connection string and connection properties each one offers, as Aspire 13 defines them.
//!
//! This is data plus small builders; the `expand` pass turns it into workloads, parameters
//! and values. Images are pinned to Aspire's tags (see [`IntegrationKind::default_image`]).

/// One of the nine backing services aspirec knows how to run and connect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntegrationKind {
    Postgres,
    Redis,
    Valkey,
    RabbitMq,
    MongoDb,
    MySql,
    SqlServer,
    Kafka,
    Nats,
}

/// A piece of a connection string or property template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(&'static str),
    Host,
    Port,
    /// The password, as it is.
    Password,
    /// The password percent-encoded, for use inside a URI.
    PasswordUri,
    /// The database name (only in a database's strings).
    Database,
}

use Piece::{Database, Host, Password, PasswordUri, Port, Text};

/// An endpoint an integration's container exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntegrationEndpoint {
    pub name: &'static str,
    pub scheme: &'static str,
    pub port: u16,
    pub http: bool,
}

impl IntegrationKind {
    pub const ALL: [IntegrationKind; 9] = [
        IntegrationKind::Postgres,
        IntegrationKind::Redis,
        IntegrationKind::Valkey,
        IntegrationKind::RabbitMq,
        IntegrationKind::MongoDb,
        IntegrationKind::MySql,
        IntegrationKind::SqlServer,
        IntegrationKind::Kafka,
        IntegrationKind::Nats,
    ];

    /// The `type` written in model.toml.
    pub fn type_name(self) -> &'static str {
        match self {
            IntegrationKind::Postgres => "postgres",
            IntegrationKind::Redis => "redis",
            IntegrationKind::Valkey => "valkey",
            IntegrationKind::RabbitMq => "rabbitmq",
            IntegrationKind::MongoDb => "mongodb",
            IntegrationKind::MySql => "mysql",
            IntegrationKind::SqlServer => "sqlserver",
            IntegrationKind::Kafka => "kafka",
            IntegrationKind::Nats => "nats",
        }
    }

    pub fn from_type_name(name: &str) -> Option<IntegrationKind> {
        IntegrationKind::ALL
            .into_iter()
            .find(|k| k.type_name() == name)
    }

    /// The pinned default image (overridable with `image`): Aspire's own pin for each, from
    /// the `<Name>ContainerImageTags.cs` file of its hosting package (dotnet/aspire, snapshot
    /// d44e195d of 2026-03-21), so that a model deploys the versions an AppHost would:
    /// `src/Aspire.Hosting.PostgreSQL/PostgresContainerImageTags.cs` (17.6),
    /// `src/Aspire.Hosting.Redis/RedisContainerImageTags.cs` (8.6),
    /// `src/Aspire.Hosting.Valkey/ValkeyContainerImageTags.cs` (9.0),
    /// `src/Aspire.Hosting.RabbitMQ/RabbitMQContainerImageTags.cs` (`ManagementTag`, 4.2-management:
    /// the management endpoint is always deployed),
    /// `src/Aspire.Hosting.MongoDB/MongoDBContainerImageTags.cs` (8.2),
    /// `src/Aspire.Hosting.MySql/MySqlContainerImageTags.cs` (9.6),
    /// `src/Aspire.Hosting.SqlServer/SqlServerContainerImageTags.cs` (2022-latest),
    /// `src/Aspire.Hosting.Kafka/KafkaContainerImageTags.cs` (8.1.1),
    /// `src/Aspire.Hosting.Nats/NatsContainerImageTags.cs` (2.12; the `-alpine` variant of it,
    /// because [`IntegrationKind::health_command`] runs `wget`, which the plain image lacks).
    /// Like Aspire's, most of these tags name a minor version and follow its patch releases.
    pub fn default_image(self) -> &'static str {
        match self {
            IntegrationKind::Postgres => "docker.io/library/postgres:17.6",
            IntegrationKind::Redis => "docker.io/library/redis:8.6",
            IntegrationKind::Valkey => "docker.io/valkey/valkey:9.0",
            IntegrationKind::RabbitMq => "docker.io/library/rabbitmq:4.2-management",
            IntegrationKind::MongoDb => "docker.io/library/mongo:8.2",
            IntegrationKind::MySql => "docker.io/library/mysql:9.6",
            IntegrationKind::SqlServer => "mcr.microsoft.com/mssql/server:2022-latest",
            IntegrationKind::Kafka => "docker.io/confluentinc/confluent-local:8.1.1",
            IntegrationKind::Nats => "docker.io/library/nats:2.12-alpine",
        }
    }

    /// The endpoints of the container; the first is the one connection strings use.
    pub fn endpoints(self) -> &'static [IntegrationEndpoint] {
        const fn tcp(scheme: &'static str, port: u16) -> IntegrationEndpoint {
            IntegrationEndpoint {
                name: "tcp",
                scheme,
                port,
                http: false,
            }
        }
        const POSTGRES: &[IntegrationEndpoint] = &[tcp("tcp", 5432)];
        const REDIS: &[IntegrationEndpoint] = &[tcp("redis", 6379)];
        const RABBITMQ: &[IntegrationEndpoint] = &[
            tcp("tcp", 5672),
            IntegrationEndpoint {
                name: "management",
                scheme: "http",
                port: 15672,
                http: true,
            },
        ];
        const MONGODB: &[IntegrationEndpoint] = &[tcp("tcp", 27017)];
        const MYSQL: &[IntegrationEndpoint] = &[tcp("tcp", 3306)];
        const SQLSERVER: &[IntegrationEndpoint] = &[tcp("tcp", 1433)];
        const KAFKA: &[IntegrationEndpoint] = &[tcp("tcp", 9092)];
        const NATS: &[IntegrationEndpoint] = &[tcp("tcp", 4222)];
        match self {
            IntegrationKind::Postgres => POSTGRES,
            IntegrationKind::Redis | IntegrationKind::Valkey => REDIS,
            IntegrationKind::RabbitMq => RABBITMQ,
            IntegrationKind::MongoDb => MONGODB,
            IntegrationKind::MySql => MYSQL,
            IntegrationKind::SqlServer => SQLSERVER,
            IntegrationKind::Kafka => KAFKA,
            IntegrationKind::Nats => NATS,
        }
    }

    /// Whether the service takes a password (and so gets `<name>-password` when none is given).
    pub fn has_password(self) -> bool {
        !matches!(self, IntegrationKind::Kafka | IntegrationKind::Nats)
    }

    /// The user name in its connection string, where it has one.
    pub fn username(self) -> Option<&'static str> {
        match self {
            IntegrationKind::Postgres => Some("postgres"),
            IntegrationKind::RabbitMq => Some("guest"),
            IntegrationKind::MongoDb => Some("admin"),
            IntegrationKind::MySql => Some("root"),
            IntegrationKind::SqlServer => Some("sa"),
            IntegrationKind::Redis
            | IntegrationKind::Valkey
            | IntegrationKind::Kafka
            | IntegrationKind::Nats => None,
        }
    }

    /// Whether `databases = [...]` is accepted.
    pub fn has_databases(self) -> bool {
        matches!(
            self,
            IntegrationKind::Postgres
                | IntegrationKind::MongoDb
                | IntegrationKind::MySql
                | IntegrationKind::SqlServer
        )
    }

    /// The generation rule of the implicit password parameter: Aspire's (22 characters), but
    /// without special characters for every kind. Aspire allows them for Postgres and MySQL;
    /// aspirec does not, because the same password also appears inside URIs (`X_URI`,
    /// `postgresql://...`), and Compose and Kubernetes cannot percent-encode at deploy time:
    /// a URI-safe password needs no separately encoded copy.
    pub fn password_rule(self) -> crate::model::Generate {
        let base = crate::model::Generate {
            special: false,
            ..crate::model::Generate::default()
        };
        match self {
            // SQL Server's password policy wants three of four character classes.
            IntegrationKind::SqlServer => crate::model::Generate {
                min_lower: 1,
                min_upper: 1,
                min_numeric: 1,
                ..base
            },
            IntegrationKind::Postgres
            | IntegrationKind::MySql
            | IntegrationKind::Redis
            | IntegrationKind::Valkey
            | IntegrationKind::RabbitMq
            | IntegrationKind::MongoDb
            | IntegrationKind::Kafka
            | IntegrationKind::Nats => base,
        }
    }

    /// Where the image keeps its data; a named volume is mounted here when `persistent`.
    pub fn data_path(self) -> &'static str {
        match self {
            IntegrationKind::Postgres => "/var/lib/postgresql/data",
            IntegrationKind::Redis | IntegrationKind::Valkey | IntegrationKind::Nats => "/data",
            IntegrationKind::RabbitMq => "/var/lib/rabbitmq",
            IntegrationKind::MongoDb => "/data/db",
            IntegrationKind::MySql => "/var/lib/mysql",
            IntegrationKind::SqlServer => "/var/opt/mssql",
            IntegrationKind::Kafka => "/var/lib/kafka/data",
        }
    }

    /// Environment of the service's own container. `Password` pieces become the password value;
    /// `Host`/`Port` are the service's own address as others see it.
    pub fn container_env(self) -> &'static [(&'static str, &'static [Piece])] {
        match self {
            IntegrationKind::Postgres => &[
                ("POSTGRES_USER", &[Text("postgres")]),
                ("POSTGRES_PASSWORD", &[Password]),
                ("POSTGRES_HOST_AUTH_METHOD", &[Text("scram-sha-256")]),
                (
                    "POSTGRES_INITDB_ARGS",
                    &[Text("--auth-host=scram-sha-256 --auth-local=scram-sha-256")],
                ),
            ],
            IntegrationKind::Redis | IntegrationKind::Valkey => &[("REDIS_PASSWORD", &[Password])],
            IntegrationKind::RabbitMq => &[
                ("RABBITMQ_DEFAULT_USER", &[Text("guest")]),
                ("RABBITMQ_DEFAULT_PASS", &[Password]),
                // RabbitMQ keeps its data under its node name, `rabbit@<host name>` by default,
                // and a new container has a new host name: a fixed name keeps the data volume
                // useful across restarts (found by tests/e2e: a recreated broker had lost its
                // durable queue). One node only: integrations do not scale out.
                ("RABBITMQ_NODENAME", &[Text("rabbit@localhost")]),
            ],
            IntegrationKind::MongoDb => &[
                ("MONGO_INITDB_ROOT_USERNAME", &[Text("admin")]),
                ("MONGO_INITDB_ROOT_PASSWORD", &[Password]),
            ],
            IntegrationKind::MySql => &[("MYSQL_ROOT_PASSWORD", &[Password])],
            IntegrationKind::SqlServer => &[
                ("ACCEPT_EULA", &[Text("Y")]),
                ("MSSQL_SA_PASSWORD", &[Password]),
            ],
            IntegrationKind::Kafka => &[
                (
                    "KAFKA_LISTENERS",
                    &[Text(
                        "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093,PLAINTEXT_HOST://0.0.0.0:29092",
                    )],
                ),
                (
                    "KAFKA_ADVERTISED_LISTENERS",
                    &[
                        Text("PLAINTEXT://"),
                        Host,
                        Text(":"),
                        Port,
                        Text(",PLAINTEXT_HOST://localhost:29092"),
                    ],
                ),
            ],
            IntegrationKind::Nats => &[],
        }
    }

    /// Entrypoint and arguments of the service's container, where the image's own are not enough.
    pub fn container_command(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            // The password comes from the environment, so it never appears in the arguments.
            // `exec`: a shell left as PID 1 ignores SIGTERM, so the server was killed at every
            // stop without saving (found by tests/e2e: a recreated cache had lost its data).
            IntegrationKind::Redis => (
                &["/bin/sh", "-c"],
                &["exec redis-server --requirepass \"$REDIS_PASSWORD\" --save 60 1"],
            ),
            IntegrationKind::Valkey => (
                &["/bin/sh", "-c"],
                &["exec valkey-server --requirepass \"$REDIS_PASSWORD\" --save 60 1"],
            ),
            IntegrationKind::Nats => (&[], &["-js", "-sd", "/data", "-m", "8222"]),
            IntegrationKind::Postgres
            | IntegrationKind::RabbitMq
            | IntegrationKind::MongoDb
            | IntegrationKind::MySql
            | IntegrationKind::SqlServer
            | IntegrationKind::Kafka => (&[], &[]),
        }
    }

    /// The service's own readiness check, run inside its container.
    pub fn health_command(self) -> &'static [&'static str] {
        match self {
            IntegrationKind::Postgres => &["pg_isready", "-U", "postgres", "-h", "127.0.0.1"],
            IntegrationKind::Redis => &[
                "/bin/sh",
                "-c",
                "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG",
            ],
            IntegrationKind::Valkey => &[
                "/bin/sh",
                "-c",
                "valkey-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG",
            ],
            // `ping` answers as soon as the Erlang node runs, seconds before the broker accepts
            // AMQP connections (found by tests/e2e: apps that waited for it failed to connect).
            IntegrationKind::RabbitMq => &["rabbitmq-diagnostics", "-q", "check_port_connectivity"],
            IntegrationKind::MongoDb => {
                &["mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"]
            }
            IntegrationKind::MySql => &[
                "/bin/sh",
                "-c",
                "mysqladmin ping -h 127.0.0.1 -uroot -p\"$MYSQL_ROOT_PASSWORD\"",
            ],
            IntegrationKind::SqlServer => &[
                "/bin/sh",
                "-c",
                "/opt/mssql-tools18/bin/sqlcmd -C -S 127.0.0.1 -U sa -P \"$MSSQL_SA_PASSWORD\" -Q 'SELECT 1' -b -o /dev/null",
            ],
            IntegrationKind::Kafka => &[
                "kafka-topics",
                "--bootstrap-server",
                "localhost:9092",
                "--list",
            ],
            IntegrationKind::Nats => &["wget", "-q", "--spider", "http://127.0.0.1:8222/healthz"],
        }
    }

    /// The server's connection string, in Aspire's format.
    pub fn connection_string(self) -> &'static [Piece] {
        match self {
            IntegrationKind::Postgres => &[
                Text("Host="),
                Host,
                Text(";Port="),
                Port,
                Text(";Username=postgres;Password="),
                Password,
            ],
            IntegrationKind::Redis | IntegrationKind::Valkey => {
                &[Host, Text(":"), Port, Text(",password="), Password]
            }
            IntegrationKind::RabbitMq => &[
                Text("amqp://guest:"),
                PasswordUri,
                Text("@"),
                Host,
                Text(":"),
                Port,
            ],
            IntegrationKind::MongoDb => &[
                Text("mongodb://admin:"),
                PasswordUri,
                Text("@"),
                Host,
                Text(":"),
                Port,
                Text("/?authSource=admin&authMechanism=SCRAM-SHA-256"),
            ],
            IntegrationKind::MySql => &[
                Text("Server="),
                Host,
                Text(";Port="),
                Port,
                Text(";User ID=root;Password="),
                Password,
            ],
            IntegrationKind::SqlServer => &[
                Text("Server="),
                Host,
                Text(","),
                Port,
                Text(";User ID=sa;Password="),
                Password,
                Text(";TrustServerCertificate=true"),
            ],
            IntegrationKind::Kafka => &[Host, Text(":"), Port],
            IntegrationKind::Nats => &[Text("nats://"), Host, Text(":"), Port],
        }
    }

    /// A child database's connection string.
    pub fn database_connection_string(self) -> &'static [Piece] {
        match self {
            IntegrationKind::Postgres => &[
                Text("Host="),
                Host,
                Text(";Port="),
                Port,
                Text(";Username=postgres;Password="),
                Password,
                Text(";Database="),
                Database,
            ],
            IntegrationKind::MySql => &[
                Text("Server="),
                Host,
                Text(";Port="),
                Port,
                Text(";User ID=root;Password="),
                Password,
                Text(";Database="),
                Database,
            ],
            IntegrationKind::SqlServer => &[
                Text("Server="),
                Host,
                Text(","),
                Port,
                Text(";User ID=sa;Password="),
                Password,
                Text(";TrustServerCertificate=true;Initial Catalog="),
                Database,
            ],
            IntegrationKind::MongoDb => &[
                Text("mongodb://admin:"),
                PasswordUri,
                Text("@"),
                Host,
                Text(":"),
                Port,
                Text("/"),
                Database,
                Text("?authSource=admin&authMechanism=SCRAM-SHA-256"),
            ],
            IntegrationKind::Redis
            | IntegrationKind::Valkey
            | IntegrationKind::RabbitMq
            | IntegrationKind::Kafka
            | IntegrationKind::Nats => &[],
        }
    }

    /// Aspire 13's connection properties (`X_HOST`, `X_URI`, ...): the suffix and its value.
    /// `for_database` adds the database forms (`/db` in URIs, `DATABASENAME`).
    pub fn connection_properties(self, for_database: bool) -> Vec<(&'static str, Vec<Piece>)> {
        let mut props: Vec<(&'static str, Vec<Piece>)> =
            vec![("HOST", vec![Host]), ("PORT", vec![Port])];
        if let Some(user) = self.username() {
            props.push(("USERNAME", vec![Text(user)]));
        }
        if self.has_password() {
            props.push(("PASSWORD", vec![Password]));
        }
        let uri_with_user = |scheme: &'static str, user: &'static str| {
            let mut uri = vec![
                Text(scheme),
                Text(user),
                PasswordUri,
                Text("@"),
                Host,
                Text(":"),
                Port,
            ];
            if for_database {
                uri.extend([Text("/"), Database]);
            }
            uri
        };
        match self {
            IntegrationKind::Postgres => {
                props.push(("URI", uri_with_user("postgresql://", "postgres:")));
                let mut jdbc = vec![Text("jdbc:postgresql://"), Host, Text(":"), Port];
                if for_database {
                    jdbc.extend([Text("/"), Database]);
                }
                props.push(("JDBCCONNECTIONSTRING", jdbc));
            }
            IntegrationKind::MySql => {
                props.push(("URI", uri_with_user("mysql://", "root:")));
                let mut jdbc = vec![Text("jdbc:mysql://"), Host, Text(":"), Port];
                if for_database {
                    jdbc.extend([Text("/"), Database]);
                }
                props.push(("JDBCCONNECTIONSTRING", jdbc));
            }
            IntegrationKind::SqlServer => {
                props.push(("URI", uri_with_user("mssql://", "sa:")));
                let mut jdbc = vec![
                    Text("jdbc:sqlserver://"),
                    Host,
                    Text(":"),
                    Port,
                    Text(";trustServerCertificate=true"),
                ];
                if for_database {
                    jdbc.extend([Text(";databaseName="), Database]);
                }
                props.push(("JDBCCONNECTIONSTRING", jdbc));
            }
            IntegrationKind::Redis => props.push((
                "URI",
                vec![
                    Text("redis://:"),
                    PasswordUri,
                    Text("@"),
                    Host,
                    Text(":"),
                    Port,
                ],
            )),
            IntegrationKind::Valkey => props.push((
                "URI",
                vec![
                    Text("valkey://:"),
                    PasswordUri,
                    Text("@"),
                    Host,
                    Text(":"),
                    Port,
                ],
            )),
            IntegrationKind::RabbitMq => props.push(("URI", uri_with_user("amqp://", "guest:"))),
            IntegrationKind::MongoDb => {
                let cs = if for_database {
                    self.database_connection_string()
                } else {
                    self.connection_string()
                };
                props.push(("URI", cs.to_vec()));
                props.push(("AUTHENTICATIONDATABASE", vec![Text("admin")]));
                props.push(("AUTHENTICATIONMECHANISM", vec![Text("SCRAM-SHA-256")]));
            }
            IntegrationKind::Nats => {
                props.push(("URI", vec![Text("nats://"), Host, Text(":"), Port]));
            }
            IntegrationKind::Kafka => {}
        }
        if for_database {
            props.push(("DATABASENAME", vec![Database]));
        }
        props
    }

    /// A script that creates the child databases on first start, for images that run scripts
    /// from `/docker-entrypoint-initdb.d` (Postgres, MySQL). `None` where the service creates
    /// databases on first use (MongoDB) or has no such hook.
    pub fn database_init_script(self, databases: &[&str]) -> Option<String> {
        if databases.is_empty() {
            return None;
        }
        match self {
            IntegrationKind::Postgres | IntegrationKind::MySql => {
                let quote = if self == IntegrationKind::Postgres {
                    '"'
                } else {
                    '`'
                };
                Some(
                    databases
                        .iter()
                        .map(|db| format!("CREATE DATABASE {quote}{db}{quote};\n"))
                        .collect(),
                )
            }
            IntegrationKind::SqlServer
            | IntegrationKind::MongoDb
            | IntegrationKind::Redis
            | IntegrationKind::Valkey
            | IntegrationKind::RabbitMq
            | IntegrationKind::Kafka
            | IntegrationKind::Nats => None,
        }
    }
}
