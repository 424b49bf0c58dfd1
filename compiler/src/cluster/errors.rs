//! API server and connection failures as one-line messages for people.
//!
//! kube's own `Display` for an API error is `ApiError: <message> (Status { .. })`, a debug dump;
//! for a connection failure it is the outermost wrapper ("client error (Connect)") without the
//! cause. [`describe`] says instead what happened, in words that suggest the fix, and keeps the
//! server's own message, which names the offending field for schema rejections.

use std::error::Error as StdError;

use kube::core::Status;

/// What went wrong with a request, for a message that starts with the object or the context
/// it concerns. `server` is the API server's URL, named when it cannot be reached.
pub fn describe(error: &kube::Error, server: &str) -> String {
    match error {
        kube::Error::Api(status) => describe_status(status),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            format!(
                "cannot reach the API server at {server}: {}",
                root_cause(error)
            )
        }
        kube::Error::Auth(_) => format!("cannot authenticate: {}", chain(error)),
        kube::Error::SerdeError(e) => {
            format!("unexpected response from the API server at {server}: {e}")
        }
        other => chain(other),
    }
}

/// An API server's refusal, by HTTP status. Conflicts (409) on apply are described by the
/// apply module, which knows the fields and managers; this is the generic wording.
pub fn describe_status(status: &Status) -> String {
    let message = status.message.trim();
    match status.code {
        401 => "unauthorised (HTTP 401): the API server refused the credentials of this context"
            .to_owned(),
        403 => format!("forbidden (HTTP 403): {message}"),
        404 => format!("not found (HTTP 404): {message}"),
        409 => format!("conflict (HTTP 409): {message}"),
        422 => format!("rejected by the resource's schema (HTTP 422): {message}"),
        // The API server answers a value of the wrong JSON type in an apply with a 500 rather
        // than a 422 (upstream behaviour), so say what it most likely means.
        500 => format!(
            "the API server failed to process it (HTTP 500; a field of the wrong type is \
             reported this way): {message}"
        ),
        code => {
            let reason = if status.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", status.reason)
            };
            format!("HTTP {code}{reason}: {message}")
        }
    }
}

/// An error with its causes, `outer: inner: innermost`, dropping causes whose text the outer
/// message already contains (many wrappers repeat their source).
pub fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The innermost cause, which for a connection failure is the useful part ("Connection refused",
/// "invalid peer certificate: UnknownIssuer"), without the "(os error 111)" suffix.
fn root_cause(error: &dyn StdError) -> String {
    let mut innermost: &dyn StdError = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    let text = innermost.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(Status::failure(message, reason).with_code(code).boxed())
    }

    #[test]
    fn api_errors_say_what_the_status_means() {
        let server = "https://127.0.0.1:6443/";
        assert_eq!(
            describe(&status(401, "Unauthorized", "Unauthorized"), server),
            "unauthorised (HTTP 401): the API server refused the credentials of this context"
        );
        assert_eq!(
            describe(
                &status(
                    422,
                    "Invalid",
                    "RouteTable.networking.gloo.solo.io \"x\" is invalid"
                ),
                server
            ),
            "rejected by the resource's schema (HTTP 422): RouteTable.networking.gloo.solo.io \
             \"x\" is invalid"
        );
        assert!(
            describe(
                &status(500, "InternalError", "cannot convert int64"),
                server
            )
            .starts_with(
                "the API server failed to process it (HTTP 500; a field of the wrong type"
            )
        );
        assert_eq!(
            describe(&status(429, "TooManyRequests", "slow down"), server),
            "HTTP 429 TooManyRequests: slow down"
        );
    }

    #[test]
    fn causes_are_chained_without_repeats() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("client error (Connect)")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let error = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        ));
        assert_eq!(
            chain(&error),
            "client error (Connect): Connection refused (os error 111)"
        );
        assert_eq!(root_cause(&error), "Connection refused");
    }
}
