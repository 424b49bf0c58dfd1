//! `route-lsp`: the route language server. It speaks LSP over stdin and stdout and takes no
//! arguments; everything lives in the library so that tests can reach the same conversions.

#[global_allocator]
static ALLOCATOR: routec::allocator::Allocator = routec::allocator::Allocator;

#[tokio::main]
async fn main() {
    route_lsp::serve_stdio().await;
}
