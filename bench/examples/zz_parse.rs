#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let p = route_lang::syntax::parse(&text);
    eprintln!("{}", p.items.len());
    std::mem::forget(p);
}
