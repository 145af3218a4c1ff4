//! HTTPS with the `dev-cert` pair (rustls, ring) and HTTP/2, over real TCP.

use std::sync::Arc;

use portico::app::App;
use portico::config::Config;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn app(dir: &std::path::Path) -> Arc<App> {
    let mut config = Config::default();
    config.storage.data_dir = dir.join("data");
    config.server.shutdown_grace_seconds = 1;
    Arc::new(App::open(config).await.unwrap())
}

#[tokio::test]
async fn serves_https_with_the_dev_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = portico::http::tls::write_dev_cert(&dir.path().join("tls"), &["localhost".into()]).unwrap();
    let acceptor = portico::http::tls::acceptor(&cert, &key).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running = portico::http::start(app(dir.path()).await, listener, Some(acceptor)).unwrap();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(&cert).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tls.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok\n"), "{answer}");

    // A plain-text request on the TLS port gets no HTTP answer.
    let mut plain = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = plain.read_to_end(&mut buf).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    running.shutdown().await;
}

#[tokio::test]
async fn speaks_http2_with_prior_knowledge() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running = portico::http::start(app(dir.path()).await, listener, None).unwrap();
    let client = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    let resp = client
        .get(format!("http://{}/healthz", running.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    assert_eq!(resp.status(), 200);
    running.shutdown().await;
}
