//! "Connect your devices": the page's addresses are the ones the CalDAV and CardDAV clients
//! need, and the Apple profile is a configuration profile with a CalDAV and a CardDAV account
//! for the signed-in user on this server, without a password.

mod common;

use common::TestServer;

#[tokio::test]
async fn the_devices_page_and_the_apple_profile() {
    let s = TestServer::start().await;
    s.add_user("emma", "emma-pw").await;
    assert_eq!(
        s.request("GET", "/settings/devices")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303
    );
    let cookie = s.sign_in("emma", "emma-pw").await;
    let resp = s
        .request("GET", "/settings/devices")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.text().await.unwrap();
    let base = s.base.clone();
    for url in [
        "/dav/",
        "/dav/calendars/emma/",
        "/dav/calendars/emma/calendar/",
        "/dav/addressbooks/emma/",
    ] {
        assert!(html.contains(&format!("{base}{url}")), "{url} in {html}");
    }
    let resp = s
        .request("GET", "/settings/devices/portico.mobileconfig")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-apple-aspen-config");
    let bytes = resp.bytes().await.unwrap();
    let profile: plist::Value = plist::from_bytes(&bytes).expect("a property list");
    let root = profile.as_dictionary().unwrap();
    assert_eq!(root["PayloadType"].as_string(), Some("Configuration"));
    let payloads = root["PayloadContent"].as_array().unwrap();
    let port: i64 = base.rsplit(':').next().unwrap().parse().unwrap();
    for (kind, prefix) in [("caldav", "CalDAV"), ("carddav", "CardDAV")] {
        let p = payloads
            .iter()
            .filter_map(|p| p.as_dictionary())
            .find(|p| p["PayloadType"].as_string() == Some(&format!("com.apple.{kind}.account")))
            .unwrap_or_else(|| panic!("a {kind} payload"));
        assert_eq!(p[&format!("{prefix}Username")].as_string(), Some("emma"));
        assert_eq!(p[&format!("{prefix}HostName")].as_string(), Some("127.0.0.1"));
        assert_eq!(p[&format!("{prefix}Port")].as_signed_integer(), Some(port));
        assert_eq!(p[&format!("{prefix}UseSSL")].as_boolean(), Some(false));
        assert_eq!(
            p[&format!("{prefix}PrincipalURL")].as_string(),
            Some("/dav/principals/users/emma/")
        );
        assert!(
            !p.contains_key(&format!("{prefix}Password")),
            "no password in the profile"
        );
    }
    // The principal URL it names answers a CalDAV client.
    let (st, _) = s
        .propfind_as("emma", "emma-pw", "/dav/principals/users/emma/", "0", "")
        .await;
    assert_eq!(st, 207);
    s.shutdown().await;
}
