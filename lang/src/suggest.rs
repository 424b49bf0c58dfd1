//! "Did you mean": the closest known name to an unknown one.

/// The candidate closest to `name`, if one is close enough to be what the user meant.
///
/// Jaro-Winkler favours shared prefixes, which is how names in one mesh tend to differ
/// (`reviews` / `reviews-v2`); the threshold keeps unrelated names out of the help line.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    const THRESHOLD: f64 = 0.8;
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(
            did_you_mean("reveiws", ["ratings", "reviews", "details"]),
            Some("reviews")
        );
        assert_eq!(
            did_you_mean("clster-1", ["cluster-1", "cluster-2"]),
            Some("cluster-1")
        );
    }

    #[test]
    fn stays_quiet_when_nothing_is_close() {
        assert_eq!(did_you_mean("payments", ["reviews", "ratings"]), None);
        assert_eq!(did_you_mean("x", std::iter::empty()), None);
    }
}
