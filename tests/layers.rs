//! Guards the layers of `src/` (docs/architecture.md): reads every `crate::…` and `super::…`
//! path of the server's sources, builds the graph of which module uses which, and asserts
//!
//! - there is no circle between modules (`cli`, `http`, `edge`, `web`, `core`, `store`, …,
//!   with `dav::*` and `core::*` each counted as modules of their own);
//! - imports point down: `http` → adapters (`dav`, `web`) → `edge` → `core` → `store`;
//! - the adapters never reach the store, neither by path nor through `App`;
//! - the services reach storage only through its repository traits (`store::Storage`), never
//!   the SQL implementation `store::Store` (but the backup, which copies SQLite's file).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a module sits; a module may use only modules of a strictly lower rank (or its own
/// unit). Units not listed (config, logging, blobs) are leaves everyone may use.
fn rank(unit: &str) -> Option<u32> {
    let top = unit.split("::").next().unwrap_or(unit);
    Some(match top {
        "main" | "cli" => 7,
        "http" | "demo" => 6,
        "dav" | "web" => 5,
        "edge" => 4,
        "jobs" => 4,
        "app" => 3,
        "core" => 2,
        "store" => 1,
        "blobs" => 0,
        _ => return None,
    })
}

/// The unit a module belongs to: `dav::caldav`, `core::calendars`, or the top-level name.
fn unit_of(module: &[String]) -> String {
    match module {
        [] => "lib".into(),
        [first, second, ..] if first == "dav" || first == "core" => format!("{first}::{second}"),
        [first, ..] => first.clone(),
    }
}

fn module_of(file: &Path, src: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source without comments and string literals, so that prose and messages that name a
/// module are not taken for uses of it.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// Expands `a::{b, c::{d}}` into `a::b`, `a::c::d`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(&format!("{prefix}{}", p.trim())))
        .collect()
}

/// Every module path a file refers to, absolute from the crate root.
/// `module` is the file's own module (`dav::webdav::write`, or `dav::webdav` for its
/// `mod.rs`); `super` is its parent either way.
fn references(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths: Vec<String> = Vec::new();
    for stmt in code.split(';') {
        let s = stmt.trim();
        let s = s.strip_prefix("pub ").unwrap_or(s);
        let s = s.strip_prefix("pub(crate) ").unwrap_or(s);
        if let Some(tree) = s.strip_prefix("use ") {
            paths.extend(expand(tree));
        }
    }
    let bytes = code.as_bytes();
    for key in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(pos) = code[from..].find(key) {
            let start = from + pos;
            let before = start.checked_sub(1).map(|i| bytes[i]);
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':') {
                let end = code[start..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .map_or(code.len(), |e| start + e);
                paths.push(code[start..end].to_owned());
            }
            from = start + key.len();
        }
    }
    let mut out = Vec::new();
    for path in paths {
        let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<String> = match segs.first().copied() {
            Some("crate") => {
                segs.remove(0);
                Vec::new()
            }
            Some("super") => {
                let mut b = module.to_vec();
                while segs.first() == Some(&"super") {
                    segs.remove(0);
                    b.pop();
                }
                b
            }
            _ => continue,
        };
        base.extend(segs.iter().map(|s| (*s).to_owned()));
        out.push(base);
    }
    out
}

struct Graph {
    /// unit → units it uses, with one file and path as evidence.
    edges: BTreeMap<String, BTreeMap<String, String>>,
    /// Files of the adapters that reach the store.
    store_in_adapters: Vec<String>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut known: BTreeSet<String> = BTreeSet::new();
    for f in &files {
        let m = module_of(f, &src);
        for i in 1..=m.len() {
            known.insert(m[..i].join("::"));
        }
    }
    let mut g = Graph {
        edges: BTreeMap::new(),
        store_in_adapters: Vec::new(),
    };
    for f in &files {
        let module = module_of(f, &src);
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        let from = unit_of(&module);
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        let adapter = matches!(module.first().map(String::as_str), Some("dav" | "web"));
        if adapter && (code.contains(".store()") || code.contains("app.store") || code.contains("app\n.store")) {
            g.store_in_adapters.push(format!("{rel} (uses the store through App)"));
        }
        for target in references(&code, &module) {
            // The longest known module prefix of the path.
            let len = (1..=target.len())
                .rev()
                .find(|&i| known.contains(&target[..i].join("::")))
                .unwrap_or(0);
            if len == 0 {
                continue;
            }
            let to = unit_of(&target[..len]);
            if adapter && to == "store" {
                g.store_in_adapters.push(format!("{rel} ({})", target.join("::")));
            }
            if to != from {
                g.edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| format!("{rel}: {}", target.join("::")));
            }
        }
    }
    g
}

/// The circles of the graph, each as its list of units.
fn cycles(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components.
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets.keys() {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(lw));
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(iw));
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.keys().map(String::as_str)))
        .collect();
    for n in nodes {
        if !s.index.contains_key(n) {
            visit(&mut s, n);
        }
    }
    s.out
}

#[test]
fn modules_form_no_circles() {
    let g = graph();
    let found = cycles(&g.edges);
    let explain: Vec<String> = found
        .iter()
        .map(|c| {
            let links: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    c.iter()
                        .filter_map(|b| {
                            g.edges
                                .get(a)
                                .and_then(|e| e.get(b))
                                .map(|why| format!("  {a} → {b}: {why}"))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            format!("{}\n{}", c.join(" ↔ "), links.join("\n"))
        })
        .collect();
    assert!(found.is_empty(), "import circles:\n{}", explain.join("\n"));
}

#[test]
fn imports_point_down() {
    let g = graph();
    let mut wrong = Vec::new();
    for (from, targets) in &g.edges {
        for (to, why) in targets {
            if let (Some(a), Some(b)) = (rank(from), rank(to))
                && a <= b
                && from.split("::").next() != to.split("::").next()
            {
                wrong.push(format!("{from} (rank {a}) → {to} (rank {b}): {why}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn adapters_never_reach_the_store() {
    let g = graph();
    assert!(
        g.store_in_adapters.is_empty(),
        "adapters reaching the store:\n{}",
        g.store_in_adapters.join("\n")
    );
}

/// The files of `src/core` that name the SQL store `store::Store` itself, with the path.
fn concrete_store_in_services() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("core"), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let module = module_of(f, &src);
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        for target in references(&code, &module) {
            if target.len() >= 2 && target[0] == "store" && target[1] == "Store" {
                found.push(format!(
                    "{}: {}",
                    f.strip_prefix(&src).unwrap().display(),
                    target.join("::")
                ));
            }
        }
    }
    found
}

#[test]
fn services_reach_storage_through_its_traits() {
    let found = concrete_store_in_services();
    // The backup snapshots SQLite's file and opens the copy to list its blobs: only the SQL
    // store has a file to copy.
    let allowed = ["core/system.rs: store::Store::connect".to_owned()];
    let wrong: Vec<&String> = found.iter().filter(|f| !allowed.contains(f)).collect();
    assert!(
        wrong.is_empty(),
        "services naming the SQL store instead of the storage traits:\n{wrong:?}"
    );
    assert!(
        !found.is_empty(),
        "the checker no longer sees the backup's use: {found:?}"
    );
}

#[test]
fn the_checker_sees_circles_and_store_access() {
    // The checker itself, on a made-up graph and made-up sources.
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (a, b) in [
        ("http", "dav::caldav"),
        ("dav::caldav", "dav::carddav"),
        ("dav::carddav", "dav::caldav"),
    ] {
        edges.entry(a.into()).or_default().insert(b.into(), String::new());
    }
    assert_eq!(
        cycles(&edges),
        vec![vec!["dav::caldav".to_owned(), "dav::carddav".to_owned()]]
    );
    let code = code_only(
        "use super::{a, b::{c, d}};\n// crate::store is only named here\nlet x = crate::store::now(); let s = \"crate::web\";",
    );
    let refs = references(&code, &["dav".into(), "webdav".into(), "write".into()]);
    let joined: Vec<String> = refs.iter().map(|r| r.join("::")).collect();
    assert!(joined.contains(&"dav::webdav::a".to_owned()), "{joined:?}");
    assert!(joined.contains(&"dav::webdav::b::d".to_owned()), "{joined:?}");
    assert!(joined.contains(&"store::now".to_owned()), "{joined:?}");
    assert!(
        !joined.iter().any(|j| j.starts_with("web")),
        "strings are not uses: {joined:?}"
    );
}
