//! `cargo run --release --example gen-model -- N > model.toml`: prints the synthetic model of
//! N services that the benchmarks use (see `synth.rs` for its shape).

#[path = "synth.rs"]
mod synth;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(arg), None) = (args.next(), args.next()) else {
        eprintln!("usage: gen-model N   (N services, at least 1)");
        return ExitCode::from(2);
    };
    let n = match arg.parse::<usize>() {
        Ok(n) if n > 0 => n,
        _ => {
            eprintln!("gen-model: `{arg}` is not a positive number of services");
            return ExitCode::from(2);
        }
    };
    // A closed pipe (`| head`) is not worth a panic; report it like any other write error.
    if let Err(error) = std::io::stdout()
        .lock()
        .write_all(synth::model(n).as_bytes())
    {
        eprintln!("gen-model: {error}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
