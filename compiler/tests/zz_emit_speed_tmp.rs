use std::time::Instant;
#[test]
fn speed() {
    let loaded = routec::project::load(&routec::project::LoadOptions { path: Some("/tmp/gen-big".into()), inventory: None }).unwrap();
    let build = routec::lower::build(&loaded.db, loaded.project).unwrap();
    let mut resources = Vec::new();
    for _ in 0..40 { resources.extend(build.resources.iter().cloned()); }
    // make names unique is unnecessary for stream
    for format in [routec::emit::Format::Yaml, routec::emit::Format::Json] {
        let mut out = std::io::BufWriter::new(std::io::sink());
        let mut counter = CountingWriter(0, &mut out);
        let t = Instant::now();
        routec::emit::stream(&mut counter, &resources, format).unwrap();
        let s = t.elapsed().as_secs_f64();
        let n = counter.0;
        eprintln!("{format:?}: {} resources, {:.1} MB in {:.3}s = {:.0} MB/s", resources.len(), n as f64/1e6, s, n as f64/1e6/s);
    }
}
struct CountingWriter<'a, W>(usize, &'a mut W);
impl<W: std::io::Write> std::io::Write for CountingWriter<'_, W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0 += b.len(); self.1.write(b) }
    fn flush(&mut self) -> std::io::Result<()> { self.1.flush() }
}
