//! No input may panic: truncated and mutated cards go through every entry
//! point (validation, matching, rendering in both versions, subsetting).

use crate::fixtures;
use crate::report::{Report, parse_report};
use crate::{
    AddressDataRequest, DirectoryPerson, VcardVersion, directory_card, matches, render_address_data, validate_card,
};

const QUERY: &str = r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:address-data version="4.0"><C:prop name="FN"/><C:prop name="ITEM1.EMAIL"/><C:prop name="PHOTO" novalue="yes"/></C:address-data></D:prop><C:filter test="allof"><C:prop-filter name="FN" test="allof"><C:text-match negate-condition="yes">x</C:text-match><C:text-match collation="i;octet" match-type="starts-with">A</C:text-match></C:prop-filter><C:prop-filter name="EMAIL"><C:param-filter name="TYPE"><C:text-match match-type="equals">work</C:text-match></C:param-filter></C:prop-filter><C:prop-filter name="BDAY"><C:text-match>19</C:text-match></C:prop-filter><C:prop-filter name="X-NONE"><C:is-not-defined/></C:prop-filter></C:filter></C:addressbook-query>"#;

fn exercise(bytes: &[u8]) {
    let Ok(Report::AddressbookQuery(q)) = parse_report(QUERY.as_bytes()) else {
        panic!("query does not parse")
    };
    let _ = validate_card(bytes);
    let _ = matches(&q.filter, bytes);
    if let Some(data) = &q.props.address_data {
        let _ = render_address_data(bytes, data);
    }
    for version in VcardVersion::ALL {
        let request = AddressDataRequest {
            version: Some(version),
            props: None,
        };
        if let Ok(text) = render_address_data(bytes, &request) {
            // Whatever was readable stays readable after conversion.
            let _ = validate_card(text.as_bytes());
        }
    }
}

#[test]
fn truncated_cards_never_panic() {
    for sample in fixtures::all_samples() {
        let bytes = sample.as_bytes();
        for end in (0..bytes.len()).step_by(3) {
            exercise(&bytes[..end]);
        }
    }
}

#[test]
fn mutated_cards_never_panic() {
    const NASTY: [&[u8]; 12] = [
        b":",
        b";",
        b",",
        b".",
        b"=",
        b"\\",
        b"\r\n",
        b"\r\n ",
        b"\"",
        b"\xff",
        b"\0",
        b"\r\nBEGIN:VCARD\r\n",
    ];
    for sample in fixtures::all_samples() {
        let bytes = sample.as_bytes();
        for i in (0..bytes.len()).step_by(7) {
            for nasty in NASTY {
                let mut m = bytes[..i].to_vec();
                m.extend_from_slice(nasty);
                m.extend_from_slice(bytes.get(i + 1..).unwrap_or_default());
                exercise(&m);
            }
        }
    }
}

#[test]
fn hostile_values_never_panic() {
    for lines in [
        "BDAY:99999999\r\n",
        "BDAY:--9999\r\n",
        "BDAY:---99\r\n",
        "BDAY;X-APPLE-OMIT-YEAR=99999999999:1604-02-31\r\n",
        "BDAY;VALUE=text:circa 1800\r\n",
        "ANNIVERSARY:20090808T9999-9999\r\n",
        "REV:99999999T999999Z\r\n",
        "TZ:+99:99\r\n",
        "PHOTO;ENCODING=b;TYPE=JPEG:!!!notbase64\r\n",
        "PHOTO;ENCODING=b:\r\n",
        "PHOTO:data:;base64,\r\n",
        "PHOTO:data:image/png;base64\\,AAAA\r\n",
        "KEY;ENCODING=QUOTED-PRINTABLE;CHARSET=x-unknown:=FF=00\r\n",
        "N:;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n",
        "ADR:,,,,;,,,,;\\\\\\;\r\n",
        "EMAIL;TYPE=\"a,b\";PREF=99999999999:x\r\n",
        "EMAIL;PREF=1;PREF=2;TYPE=pref:y\r\n",
        "a.b.c.EMAIL:z\r\n",
        ".EMAIL:z\r\n",
        "EMAIL;=x:z\r\n",
        "TEL;VALUE=uri:tel:\r\n",
        "KIND:\r\nMEMBER:\r\nGENDER:;;;\r\nX-ADDRESSBOOKSERVER-KIND:\r\n",
        "JSPROP;JSPTR=\"a\":\"b\"\r\nN;JSCOMPS=\";;;\":a;b\r\n",
    ] {
        for version in ["3.0", "4.0"] {
            let text = format!("BEGIN:VCARD\r\nVERSION:{version}\r\nFN:A\r\nUID:h\r\n{lines}END:VCARD\r\n");
            exercise(text.as_bytes());
        }
    }
}

#[test]
fn directory_cards_from_arbitrary_people_never_panic() {
    let strings = ["", " ", "\r\n", ";", ",", "\\", "é", "a:b", "\u{0}", &"x".repeat(200)];
    for (i, s) in strings.iter().enumerate() {
        let person = DirectoryPerson {
            uid: (*s).to_owned(),
            login: strings[(i + 1) % strings.len()].to_owned(),
            given_name: Some((*s).to_owned()),
            surname: Some((*s).to_owned()),
            display_name: Some((*s).to_owned()),
            email: Some((*s).to_owned()),
            phone: Some((*s).to_owned()),
            mobile: Some((*s).to_owned()),
            title: Some((*s).to_owned()),
            company: Some((*s).to_owned()),
            department: Some((*s).to_owned()),
            birthday: Some((*s).to_owned()),
            photo: Some(((*s).to_owned(), s.as_bytes().to_vec())),
            manager: Some(((*s).to_owned(), (*s).to_owned())),
        };
        for version in VcardVersion::ALL {
            exercise(directory_card(&person, version).as_bytes());
        }
    }
}
