//! `/metrics`: Prometheus / OpenMetrics text with the requests by method and status, their
//! latency and the database pool; for administrators or the configured bearer token only.

mod common;

use common::{ADMIN_PASSWORD, TestServer};

#[tokio::test]
async fn metrics_count_requests_for_those_who_may_read_them() {
    let s = TestServer::start_with(|c| c.server.metrics_token = "scrape-secret".into()).await;
    s.add_user("emma", "emma-pw").await;
    for _ in 0..3 {
        let (st, _) = s.propfind_as("emma", "emma-pw", "/docs/users/emma/", "0", "").await;
        assert_eq!(st, 207);
    }
    assert_eq!(
        s.request("GET", "/metrics").send().await.unwrap().status().as_u16(),
        401
    );
    assert_eq!(
        s.req_as("emma", "emma-pw", "GET", "/metrics")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403,
        "employees may not"
    );
    let wrong = s
        .request("GET", "/metrics")
        .header("Authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    for resp in [
        s.req_as("admin", ADMIN_PASSWORD, "GET", "/metrics")
            .send()
            .await
            .unwrap(),
        s.request("GET", "/metrics")
            .header("Authorization", "Bearer scrape-secret")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(resp.status().as_u16(), 200);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text")
        );
        let text = resp.text().await.unwrap();
        assert!(
            text.contains("portico_http_requests_total{method=\"PROPFIND\",status=\"207\"} 3"),
            "{text}"
        );
        assert!(text.contains("portico_http_request_duration_seconds_bucket"), "{text}");
        assert!(text.contains("portico_db_pool_connections"), "{text}");
    }
    s.shutdown().await;
}
