//! Tests of the whole front end: small manifests lowered and checked, and the corpus of real
//! manifests compiled end to end.

use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aspire-manifests")
}

#[test]
fn explore() {
    let mut names: Vec<_> = std::fs::read_dir(corpus_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().ends_with(".aspire-manifest.json")).collect();
    names.sort();
    for path in names {
        for allow in [false, true] {
            let bytes = std::fs::read(&path).unwrap();
            let options = crate::CompileOptions { targets: vec![], allow_unsupported: allow, ..Default::default() };
            let c = crate::compile(&path.file_name().unwrap().to_string_lossy(), &bytes, &options);
            println!("==== {} allow={allow}", path.display());
            for d in &c.diagnostics { println!("{} {}", d.code.id, d.message); }
        }
    }
}

#[test]
fn explore2() {
    for file in ["testshop", "aspirewithjavascript", "withdockerfile", "testproject"] {
        let bytes = std::fs::read(corpus_dir().join(format!("{file}.aspire-manifest.json"))).unwrap();
        let options = crate::CompileOptions { targets: vec![], allow_unsupported: true, ..Default::default() };
        let c = crate::compile("m.json", &bytes, &options);
        let m = c.model.unwrap();
        for (_, p) in m.parameters() { println!("param {p:?}"); }
        for (_, r, w) in m.workloads() {
            println!("{} {:?} eps={:?}", r.name, w.image, w.endpoints.iter().map(|e| (&e.name, &e.scheme, e.target_port, e.port)).collect::<Vec<_>>());
            for e in &w.env { if e.name.contains("URI") || e.name.contains("PORT") { println!("   {} = {:?}", e.name, e.value); } }
        }
    }
}
