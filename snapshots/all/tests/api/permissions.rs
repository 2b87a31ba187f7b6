//! The permission table, exactly: every route called with each role's token
//! and with no credentials, and every route in the source checked against the
//! table, so a route added without an access rule fails here.

use std::path::Path;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use serde_json::Value;
use syn::visit::Visit;

use crate::helpers::{spawn_app, TestApp};
use shop::auth::{
    permissions::{Access, Role, ROUTES},
    tokens::{self, NewToken},
    Actor,
};

/// A token for `role`, made directly so the table test does not depend on
/// the token API it is testing.
async fn token_for(app: &TestApp, role: Role) -> String {
    let request = NewToken {
        name: Some(format!("{role} token")),
        role: Some(role.as_str().into()),
    };
    tokens::create(&app.state.db, &Actor::Operator, &request)
        .await
        .unwrap()
        .secret
}

/// A concrete path for a route pattern. Ids name nothing, so no handler
/// changes data; the guard decides before any handler runs.
fn concrete(path: &str) -> String {
    path.replace("{name}", "app.css")
        .replace("{code}", "en")
        .split('/')
        .map(|part| {
            if part.starts_with('{') {
                "999999"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the guard (not the handler) refused the request, and how.
fn refusal(status: StatusCode, body: &[u8]) -> Option<StatusCode> {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| body["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_default();
    match status {
        StatusCode::UNAUTHORIZED if message == "Sign in first." => Some(status),
        StatusCode::FORBIDDEN if message.starts_with("Your role") => Some(status),
        StatusCode::FORBIDDEN if message == "This route has no access rule." => Some(status),
        _ => None,
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_table_says() {
    let app = spawn_app().await;
    let mut callers: Vec<(String, Option<Role>, Option<String>)> =
        vec![("anonymous".into(), None, None)];
    for role in Role::ALL {
        callers.push((
            role.to_string(),
            Some(role),
            Some(token_for(&app, role).await),
        ));
    }
    let mut wrong = Vec::new();
    for rule in ROUTES {
        for (who, role, token) in &callers {
            let mut request = Request::builder()
                .method(rule.method)
                .uri(concrete(rule.path))
                .header(header::ACCEPT, "application/json");
            if rule.method != "GET" {
                request = request.header(header::CONTENT_TYPE, "application/json");
            }
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            let body = if rule.method == "GET" { "" } else { "{}" };
            let response = app
                .send_anonymous(request.body(Body::from(body)).unwrap())
                .await;
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let expected = match (rule.access, role) {
                (Access::Public, _) => None,
                (_, None) => Some(StatusCode::UNAUTHORIZED),
                (Access::SignedIn, Some(_)) => None,
                (Access::Requires(permission), Some(role)) if role.can(permission) => None,
                (Access::Requires(_), Some(_)) => Some(StatusCode::FORBIDDEN),
            };
            let actual = refusal(status, &bytes);
            if actual != expected {
                wrong.push(format!(
                    "{} {} as {who}: expected {}, got {status} {}",
                    rule.method,
                    rule.path,
                    expected.map_or("to pass the guard".into(), |s| s.to_string()),
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(160)
                        .collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every `.route("/path", get(..).post(..))` in `src/`, outside test code.
#[derive(Default)]
struct RouteFinder {
    routes: Vec<(String, String)>,
    /// Routes whose path is a constant, resolved once every file is read.
    named: Vec<(String, String)>,
    /// `const NAME: &str = "…"` items, for paths kept in constants.
    constants: Vec<(String, String)>,
}

impl<'ast> Visit<'ast> for RouteFinder {
    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        let is_test = module
            .attrs
            .iter()
            .any(|attr| attr.path().is_ident("cfg") && cfg_tokens(attr).contains("test"));
        if !is_test {
            syn::visit::visit_item_mod(self, module);
        }
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(value),
            ..
        }) = &*item.expr
        {
            self.constants.push((item.ident.to_string(), value.value()));
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "route" && call.args.len() == 2 {
            let mut methods = Vec::new();
            method_names(&call.args[1], &mut methods);
            match &call.args[0] {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                }) => {
                    for method in methods {
                        self.routes.push((method, path.value()));
                    }
                }
                syn::Expr::Path(constant) => {
                    let name = constant.path.segments.last().unwrap().ident.to_string();
                    for method in methods {
                        self.named.push((method, name.clone()));
                    }
                }
                _ => panic!("a route path that is neither a string nor a constant"),
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn cfg_tokens(attr: &syn::Attribute) -> String {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.to_string(),
        _ => String::new(),
    }
}

const METHOD_FUNCTIONS: [&str; 6] = ["get", "post", "put", "patch", "delete", "any"];

/// The HTTP methods of a method router such as `get(a).post(b).layer(..)`.
fn method_names(expr: &syn::Expr, out: &mut Vec<String>) {
    match expr {
        syn::Expr::Call(call) => {
            if let syn::Expr::Path(path) = &*call.func {
                if let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) {
                    if METHOD_FUNCTIONS.contains(&name.as_str()) {
                        out.push(name.to_uppercase());
                    }
                }
            }
        }
        syn::Expr::MethodCall(call) => {
            let name = call.method.to_string();
            if METHOD_FUNCTIONS.contains(&name.as_str()) {
                out.push(name.to_uppercase());
            }
            method_names(&call.receiver, out);
        }
        _ => {}
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs")
            // Test modules kept in files of their own mount mock servers.
            && path.file_name().is_some_and(|name| name != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_route_in_the_source_has_exactly_one_rule() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut finder = RouteFinder::default();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let syntax =
            syn::parse_file(&text).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        finder.visit_file(&syntax);
    }
    let mut found = finder.routes;
    for (method, name) in finder.named {
        let path = finder
            .constants
            .iter()
            .find(|(constant, _)| *constant == name)
            .unwrap_or_else(|| {
                panic!("a route path in the constant {name}, which the scan cannot find")
            });
        found.push((method, path.1.clone()));
    }
    found.sort();
    assert!(
        found.len() > 20,
        "the source scan found too few routes: {found:?}"
    );
    let missing: Vec<_> = found
        .iter()
        .filter(|(method, path)| {
            !ROUTES
                .iter()
                .any(|r| r.method == method.as_str() && r.path == path.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an access rule (declare them in the skill's manifest): {missing:?}"
    );
    let stale: Vec<_> = ROUTES
        .iter()
        .filter(|r| {
            !found
                .iter()
                .any(|(method, path)| r.method == method.as_str() && r.path == path.as_str())
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        stale.is_empty(),
        "access rules for routes that do not exist: {stale:?}"
    );
}
