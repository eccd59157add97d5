//! Every built-in template but the includes, rendered with `strata new` into a copy of
//! `examples/coder-ide`: the module it makes has no finding under `strata check`, and the tree
//! it writes (with its `module.yaml`) is snapshotted, one test per template.

use std::collections::BTreeSet;
use std::path::Path;

use strata_test::{CliTest, copy_dir};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// The built-in templates of a category other than `include`; a test below for each.
const TESTED: [&str; 18] = [
    "base-module",
    "base-service",
    "fastapi-service",
    "go-library",
    "go-service",
    "graphql-service",
    "java-library",
    "ml-service",
    "nextjs-app",
    "node-service",
    "python-library",
    "python-worker",
    "react-spa",
    "rust-cli",
    "rust-library",
    "rust-service",
    "spring-service",
    "ts-library",
];

/// A copy of the example repository.
fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide"),
        t.root(),
    );
    t
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).unwrap();
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
}

/// Render `template` as module `m-<template>`, assert that `strata check` reports nothing
/// about it, and return its folder, its files and its `module.yaml` for a snapshot.
fn render_and_check(template: &str) -> String {
    let t = repo();
    let name = format!("m-{template}");
    let out = t.run(&[
        "--no-cache",
        "new",
        template,
        &name,
        "--set",
        "owner=team:platform",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "strata new {template}: {out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let into = v["into"].as_str().unwrap().to_owned();
    let root_files: Vec<String> = v["root_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let dir = t.root().join(&into);
    assert!(
        dir.join("module.yaml").is_file(),
        "{template}: no module.yaml"
    );

    let out = t.run(&["--no-cache", "check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("strata check --format json: {e}: {out:?}"));
    let mine: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["module"] == name.as_str() || f.to_string().contains(&name))
        .collect();
    assert!(mine.is_empty(), "{template}: {mine:#?}");

    let mut files = BTreeSet::new();
    walk(&dir, &dir, &mut files);
    let mut files: Vec<String> = files.into_iter().collect();
    // Files at the repository root (a CI workflow), after the module's own.
    for path in root_files {
        assert!(t.root().join(&path).is_file(), "{template}: no {path}");
        files.push(format!("@root/{path}"));
    }
    let module = std::fs::read_to_string(dir.join("module.yaml")).unwrap();
    format!(
        "{into}/\n{}\n--- module.yaml ---\n{}",
        files.join("\n"),
        module.trim_end()
    )
}

#[test]
fn every_built_in_template_but_the_includes_is_tested_here() {
    let t = CliTest::new(BIN);
    let out = t.run(&["template", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed: BTreeSet<&str> = v["templates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source"] == "builtin" && t["category"] != "include")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let tested: BTreeSet<&str> = TESTED.into_iter().collect();
    assert_eq!(
        listed, tested,
        "add a `builtin!` test for every new built-in template"
    );
    assert!(listed.len() >= 15);
}

macro_rules! builtin {
    ($test:ident, $template:literal, @$snapshot:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(render_and_check($template), @$snapshot);
        }
    };
}

builtin!(base_module, "base-module", @r#"
modules/m-base-module/
.strata-template.yaml
CHANGELOG.md
README.md
module.yaml
--- module.yaml ---
schema: strata/v1
name: m-base-module
kind: library
version: 0.1.0
description: "The m-base-module module"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["README.md"]
template: { name: base-module, version: 1.1.0 }
"#);

builtin!(base_service, "base-service", @r#"
services/m-base-service/
.dockerignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
module.yaml
openapi.yaml
--- module.yaml ---
schema: strata/v1
name: m-base-service
kind: service
version: 0.1.0
description: "The m-base-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["README.md"]
api:
  port: 8000
  base_path: /api/v1/m-base-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: base-service, version: 1.1.0 }
"#);

builtin!(fastapi_service, "fastapi-service", @r#"
services/m-fastapi-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
pyproject.toml
src/m_fastapi_service/__init__.py
src/m_fastapi_service/__main__.py
src/m_fastapi_service/app.py
tests/test_api.py
@root/.github/workflows/m-fastapi-service.yml
--- module.yaml ---
schema: strata/v1
name: m-fastapi-service
kind: service
version: 0.1.0
description: "The m-fastapi-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/m_fastapi_service/__init__.py"]
api:
  port: 8000
  base_path: /api/v1/m-fastapi-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: fastapi-service, version: 1.0.0 }
"#);

builtin!(go_library, "go-library", @r#"
libs/m-go-library/
.strata-template.yaml
CHANGELOG.md
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
go.mod
m_go_library.go
m_go_library_test.go
module.yaml
@root/.github/workflows/m-go-library.yml
--- module.yaml ---
schema: strata/v1
name: m-go-library
kind: library
version: 0.1.0
description: "The m-go-library library"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["m_go_library.go"]
template: { name: go-library, version: 1.0.0 }
"#);

builtin!(go_service, "go-service", @r#"
services/m-go-service/
.dockerignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
api/api.go
api/api_test.go
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
go.mod
main.go
module.yaml
openapi.yaml
@root/.github/workflows/m-go-service.yml
--- module.yaml ---
schema: strata/v1
name: m-go-service
kind: service
version: 0.1.0
description: "The m-go-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["api/api.go"]
api:
  port: 8000
  base_path: /api/v1/m-go-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: go-service, version: 1.0.0 }
"#);

builtin!(graphql_service, "graphql-service", @r#"
services/m-graphql-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
package.json
schema.graphql
src/index.ts
src/schema.ts
src/server.ts
test/server.test.ts
tsconfig.json
@root/.github/workflows/m-graphql-service.yml
--- module.yaml ---
schema: strata/v1
name: m-graphql-service
kind: service
version: 0.1.0
description: "The m-graphql-service GraphQL service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/index.ts"]
api:
  port: 8000
  base_path: /api/v1/m-graphql-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: graphql-service, version: 1.0.0 }
"#);

builtin!(java_library, "java-library", @r#"
libs/m-java-library/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
pom.xml
src/main/java/com/example/mjavalibrary/MJavaLibrary.java
src/test/java/com/example/mjavalibrary/MJavaLibraryTest.java
@root/.github/workflows/m-java-library.yml
--- module.yaml ---
schema: strata/v1
name: m-java-library
kind: library
version: 0.1.0
description: "The m-java-library library"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/main/java/com/example/mjavalibrary/MJavaLibrary.java"]
template: { name: java-library, version: 1.0.1 }
"#);

builtin!(ml_service, "ml-service", @r#"
services/m-ml-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
pyproject.toml
src/m_ml_service/__init__.py
src/m_ml_service/__main__.py
src/m_ml_service/app.py
src/m_ml_service/model.json
src/m_ml_service/model.py
tests/test_api.py
tests/test_model.py
@root/.github/workflows/m-ml-service.yml
--- module.yaml ---
schema: strata/v1
name: m-ml-service
kind: service
version: 0.1.0
description: "Serves the m-ml-service model"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/m_ml_service/__init__.py"]
api:
  port: 8000
  base_path: /api/v1/m-ml-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: ml-service, version: 1.0.0 }
"#);

builtin!(nextjs_app, "nextjs-app", @r#"
apps/m-nextjs-app/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
app/api/health/route.ts
app/api/ready/route.ts
app/layout.tsx
app/page.tsx
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
lib/index.test.ts
lib/index.ts
module.yaml
next-env.d.ts
next.config.mjs
package.json
tsconfig.json
vitest.config.mts
@root/.github/workflows/m-nextjs-app.yml
--- module.yaml ---
schema: strata/v1
name: m-nextjs-app
kind: website
version: 0.1.0
description: "The m-nextjs-app web app"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["lib/index.ts"]
template: { name: nextjs-app, version: 1.0.0 }
"#);

builtin!(node_service, "node-service", @r#"
services/m-node-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
package.json
src/index.ts
src/server.ts
test/server.test.ts
tsconfig.json
@root/.github/workflows/m-node-service.yml
--- module.yaml ---
schema: strata/v1
name: m-node-service
kind: service
version: 0.1.0
description: "The m-node-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/index.ts"]
api:
  port: 8000
  base_path: /api/v1/m-node-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: node-service, version: 1.0.0 }
"#);

builtin!(python_library, "python-library", @r#"
libs/m-python-library/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
pyproject.toml
src/m_python_library/__init__.py
src/m_python_library/py.typed
tests/test_m_python_library.py
@root/.github/workflows/m-python-library.yml
--- module.yaml ---
schema: strata/v1
name: m-python-library
kind: library
version: 0.1.0
description: "The m-python-library library"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/m_python_library/__init__.py"]
template: { name: python-library, version: 1.0.0 }
"#);

builtin!(python_worker, "python-worker", @r#"
workers/m-python-worker/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
data/sample.jsonl
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
pyproject.toml
src/m_python_worker/__init__.py
src/m_python_worker/__main__.py
src/m_python_worker/pipeline.py
tests/test_pipeline.py
@root/.github/workflows/m-python-worker.yml
--- module.yaml ---
schema: strata/v1
name: m-python-worker
kind: job
version: 0.1.0
description: "The m-python-worker pipeline"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/m_python_worker/__init__.py"]
template: { name: python-worker, version: 1.0.0 }
"#);

builtin!(react_spa, "react-spa", @r#"
apps/m-react-spa/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
index.html
module.yaml
package.json
src/App.test.tsx
src/App.tsx
src/greeting.test.ts
src/greeting.ts
src/main.tsx
tsconfig.json
vite.config.ts
@root/.github/workflows/m-react-spa.yml
--- module.yaml ---
schema: strata/v1
name: m-react-spa
kind: website
version: 0.1.0
description: "The m-react-spa web app"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/App.tsx"]
template: { name: react-spa, version: 1.0.0 }
"#);

builtin!(rust_cli, "rust-cli", @r#"
tools/m-rust-cli/
.gitignore
.strata-template.yaml
CHANGELOG.md
Cargo.toml
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
src/lib.rs
src/main.rs
tests/cli.rs
@root/.github/workflows/m-rust-cli.yml
--- module.yaml ---
schema: strata/v1
name: m-rust-cli
kind: cli
version: 0.1.0
description: "The m-rust-cli command-line tool"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/lib.rs"]
template: { name: rust-cli, version: 1.0.0 }
"#);

builtin!(rust_library, "rust-library", @r#"
libs/m-rust-library/
.gitignore
.strata-template.yaml
CHANGELOG.md
Cargo.toml
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
src/lib.rs
tests/m_rust_library.rs
@root/.github/workflows/m-rust-library.yml
--- module.yaml ---
schema: strata/v1
name: m-rust-library
kind: library
version: 0.1.0
description: "The m-rust-library library"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/lib.rs"]
template: { name: rust-library, version: 1.0.0 }
"#);

builtin!(rust_service, "rust-service", @r#"
services/m-rust-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Cargo.toml
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
src/lib.rs
src/main.rs
tests/api.rs
@root/.github/workflows/m-rust-service.yml
--- module.yaml ---
schema: strata/v1
name: m-rust-service
kind: service
version: 0.1.0
description: "The m-rust-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/lib.rs"]
api:
  port: 8000
  base_path: /api/v1/m-rust-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: rust-service, version: 1.0.0 }
"#);

builtin!(spring_service, "spring-service", @r#"
services/m-spring-service/
.dockerignore
.gitignore
.strata-template.yaml
CHANGELOG.md
Dockerfile
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
openapi.yaml
pom.xml
src/main/java/com/example/mspringservice/Application.java
src/main/java/com/example/mspringservice/api/ApiController.java
src/main/resources/application.properties
src/test/java/com/example/mspringservice/ApiControllerTest.java
@root/.github/workflows/m-spring-service.yml
--- module.yaml ---
schema: strata/v1
name: m-spring-service
kind: service
version: 0.1.0
description: "The m-spring-service service"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/main/java/com/example/mspringservice/api/ApiController.java"]
api:
  port: 8000
  base_path: /api/v1/m-spring-service
  openapi: openapi.yaml
health: { liveness: /health, readiness: /ready }
template: { name: spring-service, version: 1.0.0 }
"#);

builtin!(ts_library, "ts-library", @r#"
libs/m-ts-library/
.gitignore
.strata-template.yaml
CHANGELOG.md
README.md
docs/decisions/0001-record-architecture-decisions.md
docs/index.md
docs/operations.md
module.yaml
package.json
src/index.ts
test/index.test.ts
tsconfig.json
@root/.github/workflows/m-ts-library.yml
--- module.yaml ---
schema: strata/v1
name: m-ts-library
kind: library
version: 0.1.0
description: "The m-ts-library library"
owner: team:platform
lifecycle: experimental
lane: products
layer: product
tier: 3
interfaces: ["src/index.ts"]
template: { name: ts-library, version: 1.0.0 }
"#);
