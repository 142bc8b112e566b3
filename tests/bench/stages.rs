//! `cargo bench --bench stages`: the time of each compiler stage on synthetic models of 10 to
//! 10,000 services (see `synth.rs`), with allocation counts and services per second.
//!
//! - `parse_toml`: the front end, text to a declared model (`aspirec::front::load`);
//! - `check`: every `ir` pass (`ir::check`), with every target's naming rules;
//! - `publish::<target>`: one publisher on the checked model, output kept in memory;
//! - `compile_all`: `aspirec::compile` with every target, the in-process sum of the above.
//!
//! Writing files is not measured here; `tests/bench/run.sh` times the whole binary.
//! Each benchmark stops sampling after `MAX_SECONDS`, which is what keeps the largest size
//! to a few samples and the whole run to a few minutes on two cores.
//! `cargo test --benches` runs every benchmark once, as a smoke test; plain `cargo test`
//! does not build benchmarks.

#[path = "synth.rs"]
mod synth;

use std::sync::{Mutex, PoisonError};

use divan::Bencher;
use divan::counter::ItemsCount;

use aspirec::CompileOptions;
use ir::model::Model;
use ir::{CheckOptions, CheckedModel, Diagnostics, PublishOptions, SourceMap};

/// Counts allocations per benchmark (shown as `alloc:` rows), for the memory side of scaling.
#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

/// Services in the synthetic models. An unoptimised build (`cargo test --benches`, which runs
/// each benchmark once as a smoke test) stops at 100: its timings mean nothing, and the large
/// models would take minutes.
const SIZES: &[usize] = if cfg!(debug_assertions) {
    &[10, 100]
} else {
    &[10, 100, 1_000, 10_000]
};

/// The model's file name, as a user would pass it (it appears in generated-file headers).
const SOURCE: &str = "synth.toml";

fn main() {
    divan::main();
}

/// One size's input and the results of the stages before the measured one, built once per
/// size and shared by every benchmark (building the 10,000-service one takes about as long
/// as measuring it).
struct Fixture {
    text: String,
    declared: Model,
    checked: CheckedModel,
}

fn fixture(n: usize) -> &'static Fixture {
    static CACHE: Mutex<Vec<(usize, &'static Fixture)>> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, fixture)) = cache.iter().find(|(size, _)| *size == n) {
        return fixture;
    }
    let fixture: &'static Fixture = Box::leak(Box::new(build_fixture(n)));
    cache.push((n, fixture));
    fixture
}

/// Parses and checks the model once, failing loudly: a benchmark must never measure a stage
/// that reported errors (and so stopped early).
fn build_fixture(n: usize) -> Fixture {
    let text = synth::model(n);
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let declared =
        aspirec::front::load(&mut sources, SOURCE, text.as_bytes(), None, &mut diags).model;
    let checked = declared
        .as_ref()
        .and_then(|model| ir::check(model, &check_options(), &mut diags));
    let diagnostics = diags.into_sorted();
    let (Some(declared), Some(checked)) = (declared, checked) else {
        panic!(
            "the synthetic model of {n} services does not check:\n{}",
            aspirec::render::human(&sources, &diagnostics, false)
        );
    };
    Fixture {
        text,
        declared,
        checked,
    }
}

/// What `aspirec check` and `build --emit all` use: every target's naming rules.
fn check_options() -> CheckOptions<'static> {
    CheckOptions {
        targets: aspirec::targets::all(),
        allow_unsupported: false,
        strict_names: true,
    }
}

fn parse(text: &str) -> Option<Model> {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    aspirec::front::load(&mut sources, SOURCE, text.as_bytes(), None, &mut diags).model
}

/// The stopping rule shared by every benchmark.
const MAX_SECONDS: f64 = 2.0;

#[divan::bench(args = SIZES, max_time = MAX_SECONDS)]
fn parse_toml(bencher: Bencher<'_, '_>, n: usize) {
    let fixture = fixture(n);
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| parse(divan::black_box(&fixture.text)));
}

#[divan::bench(args = SIZES, max_time = MAX_SECONDS)]
fn check(bencher: Bencher<'_, '_>, n: usize) {
    let fixture = fixture(n);
    let options = check_options();
    bencher.counter(ItemsCount::new(n)).bench(|| {
        let mut diags = Diagnostics::new();
        ir::check(divan::black_box(&fixture.declared), &options, &mut diags)
    });
}

#[divan::bench(args = SIZES, max_time = MAX_SECONDS)]
fn compile_all(bencher: Bencher<'_, '_>, n: usize) {
    let fixture = fixture(n);
    let options = CompileOptions {
        targets: aspirec::targets::all().to_vec(),
        ..CompileOptions::default()
    };
    bencher.counter(ItemsCount::new(n)).bench(|| {
        let compilation =
            aspirec::compile(SOURCE, divan::black_box(fixture.text.as_bytes()), &options);
        // Checked inside the loop (a scan of a few diagnostics) rather than by an extra
        // compilation, which would cost as much as the benchmark at 10,000 services.
        assert!(
            !compilation.has_errors(),
            "{n} services do not compile:\n{}",
            compilation.render_diagnostics()
        );
        compilation
    });
}

/// One benchmark per publisher, on the same checked model.
#[divan::bench_group(max_time = MAX_SECONDS)]
mod publish {
    use super::*;

    fn run(bencher: Bencher<'_, '_>, n: usize, target: &str) {
        let fixture = fixture(n);
        let Some(publisher) = aspirec::targets::by_id(target) else {
            panic!("no target `{target}`")
        };
        let options = PublishOptions {
            source_name: SOURCE.to_string(),
            ..PublishOptions::default()
        };
        let mut diags = Diagnostics::new();
        let once = publisher.publish(&fixture.checked, &options, &mut diags);
        if once.is_none() || diags.has_errors() {
            let mut sources = SourceMap::new();
            sources.add(SOURCE, fixture.text.as_str());
            panic!(
                "{target} fails on {n} services:\n{}",
                aspirec::render::human(&sources, &diags.into_sorted(), false)
            );
        }
        bencher.counter(ItemsCount::new(n)).bench(|| {
            let mut diags = Diagnostics::new();
            publisher.publish(divan::black_box(&fixture.checked), &options, &mut diags)
        });
    }

    #[divan::bench(args = SIZES)]
    fn k8s(bencher: Bencher<'_, '_>, n: usize) {
        run(bencher, n, "k8s");
    }

    #[divan::bench(args = SIZES)]
    fn helm(bencher: Bencher<'_, '_>, n: usize) {
        run(bencher, n, "helm");
    }

    #[divan::bench(args = SIZES)]
    fn compose(bencher: Bencher<'_, '_>, n: usize) {
        run(bencher, n, "compose");
    }

    #[divan::bench(args = SIZES)]
    fn terraform(bencher: Bencher<'_, '_>, n: usize) {
        run(bencher, n, "terraform");
    }

    #[divan::bench(args = SIZES)]
    fn bicep(bencher: Bencher<'_, '_>, n: usize) {
        run(bencher, n, "bicep");
    }
}
