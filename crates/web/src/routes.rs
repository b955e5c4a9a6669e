//! The route table. Every route is added through [`Routes`], which builds
//! the axum router and keeps each route's method and path as it does, so
//! that the tests (every route × every role, deny by default) and the
//! OpenAPI document's check read the server's own list, not its source.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

use crate::uploads::MAX_IMPORT_BYTES;
use crate::AppState;

/// One route as the router answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub path: &'static str,
    pub method: Method,
}

impl Route {
    /// Path first, then method: the order tests and documents list them in.
    pub fn key(&self) -> (&'static str, &str) {
        (self.path, self.method.as_str())
    }
}

/// Routes being gathered: the router and its table, built together.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// A route whose method router was built by hand (a layer on it).
    /// Axum merges method routers given for the same path; the same method
    /// twice on one path is a bug, and panics as the router is built.
    fn add(mut self, method: Method, path: &'static str, on: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, on);
        self.table.push(Route { path, method });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::GET, path, routing::get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::POST, path, routing::post(h))
    }

    pub fn patch<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::PATCH, path, routing::patch(h))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::PUT, path, routing::put(h))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::DELETE, path, routing::delete(h))
    }

    /// A POST that takes a file: bodies up to the import limit instead of
    /// the 1 MiB every other request may send.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        let on = routing::post(h).layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES));
        self.add(Method::POST, path, on)
    }

    /// A POST that takes files, with its own body limit.
    pub fn upload_max<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        h: H,
        max: usize,
    ) -> Self {
        let on = routing::post(h).layer(axum::extract::DefaultBodyLimit::max(max));
        self.add(Method::POST, path, on)
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The router and the table of its routes, sorted by path and method.
    pub fn finish(self) -> (Router<AppState>, Vec<Route>) {
        let mut table = self.table;
        table.sort_by(|a, b| a.key().cmp(&b.key()));
        (self.router, table)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn the_table_holds_every_route_once() {
        let table = crate::route_table();
        let keys: BTreeSet<(&str, &str)> = table.iter().map(|(r, _)| r.key()).collect();
        assert_eq!(keys.len(), table.len(), "a route added twice");
        // The source scanners the table replaced missed this one.
        assert!(keys.contains(&("/api/v1/org-units/{id}/shares", "PUT")));
        assert!(table.len() >= 100, "{}", table.len());
        println!("{} routes", table.len());
    }
}
