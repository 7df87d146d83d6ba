//! API usage: what this client counted and what Salesforce last reported.
//! Both codecs and the transport produce it; it depends on nothing, so
//! none of them depends on another for it.

/// API usage of this client (the `usage` call).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Requests sent for API calls (each attempt counts: Salesforce counts them).
    pub api_calls: u64,
    /// Login and token requests.
    pub logins: u64,
    /// Attempts repeated after a transient failure.
    pub retries: u64,
}

/// API usage as Salesforce reports it: the SOAP `LimitInfoHeader` or the
/// REST `Sforce-Limit-Info` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitInfo {
    pub current: u64,
    pub limit: u64,
    /// `type`, e.g. `API REQUESTS`.
    pub kind: String,
}

impl LimitInfo {
    /// The API request figures of a `Sforce-Limit-Info` header value.
    pub fn from_rest_header(value: &str) -> Option<LimitInfo> {
        let (current, limit) = parse_limit_header(value)?;
        Some(LimitInfo {
            current,
            limit,
            kind: "API REQUESTS".to_string(),
        })
    }
}

/// Reads `api-usage=N/M` from a `Sforce-Limit-Info` header value such as
/// `api-usage=18/5000; per-app-api-usage=17/250(appName=app)`.
pub fn parse_limit_header(value: &str) -> Option<(u64, u64)> {
    value
        .split([';', ','])
        .map(str::trim)
        .find_map(|item| item.strip_prefix("api-usage="))
        .and_then(|usage| {
            let (current, limit) = usage.split_once('/')?;
            let limit = limit
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("");
            Some((current.trim().parse().ok()?, limit.parse().ok()?))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_header() {
        assert_eq!(parse_limit_header("api-usage=18/5000"), Some((18, 5000)));
        assert_eq!(
            parse_limit_header(
                "api-usage=18/5000; per-app-api-usage=17/250(appName=app); api-bursts=1/750"
            ),
            Some((18, 5000))
        );
        assert_eq!(
            parse_limit_header("per-app-api-usage=17/250(appName=app);api-usage=3/15000"),
            Some((3, 15000))
        );
        assert_eq!(parse_limit_header("api-usage=x/5"), None);
        assert_eq!(parse_limit_header(""), None);
        assert_eq!(
            LimitInfo::from_rest_header("api-usage=18/5000").map(|l| l.kind),
            Some("API REQUESTS".to_string())
        );
    }
}
