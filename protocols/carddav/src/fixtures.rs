//! Cards as real clients write them and the RFC 6352 query examples,
//! shared by the tests.

/// A small JPEG (header, 120 bytes of data, end marker), base64.
pub(crate) const JPEG_BASE64: &str = "/9j/4AAQSkZJRgABAQEASABIAAAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnf/2Q==";

/// Apple Contacts (macOS/iOS), vCard 3.0: grouped EMAIL and ADR with
/// `X-ABLabel`, `type=pref`, Apple's year-less birthday, a folded inline
/// JPEG and `X-ABUID`.
pub(crate) const APPLE: &str = "BEGIN:VCARD\r
VERSION:3.0\r
PRODID:-//Apple Inc.//macOS 14.2.1//EN\r
N:Müller;Jürgen;;;\r
FN:Jürgen Müller\r
ORG:Contoso GmbH;Vertrieb\r
TITLE:Vertriebsleiter\r
item1.EMAIL;type=INTERNET;type=pref:juergen.mueller@contoso.example\r
item1.X-ABLabel:_$!<Work>!$_\r
item2.EMAIL;type=INTERNET;type=HOME:jm@example.org\r
TEL;type=CELL;type=VOICE;type=pref:+49 170 1234567\r
TEL;type=WORK;type=VOICE:+49 30 1234-0\r
item3.ADR;type=WORK;type=pref:;;Hauptstraße 1;Berlin;;10115;Deutschland\r
item3.X-ABADR:de\r
BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14\r
NOTE:ÄRGER mit der Lieferung\\, bitte anrufen\r
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAAAAQIDBAUGBwgJCgsMDQ4P\r
 EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRk\r
 dISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnf/2Q==\r
X-ABUID:5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D:ABPerson\r
UID:5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D\r
REV:2024-01-15T10:22:33Z\r
END:VCARD\r
";

/// Apple Contacts group card (vCard 3.0 has no KIND).
pub(crate) const APPLE_GROUP: &str = "BEGIN:VCARD\r
VERSION:3.0\r
PRODID:-//Apple Inc.//macOS 14.2.1//EN\r
N:Vertrieb\r
FN:Vertrieb\r
X-ADDRESSBOOKSERVER-KIND:group\r
X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D\r
REV:2024-01-15T10:30:00Z\r
UID:9E1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8\r
END:VCARD\r
";

/// Outlook through the CalDav Synchronizer add-in, vCard 3.0: comma
/// lists in TYPE, LABEL, `X-MS-*` properties.
pub(crate) const OUTLOOK: &str = "BEGIN:VCARD\r
VERSION:3.0\r
UID:6f1f2c4e-2b7d-4c35-9a0e-8d3f1b2c5a6e\r
N:Schmidt;Anna;;Dr.;\r
FN:Dr. Anna Schmidt\r
ORG:Fabrikam AG;Einkauf\r
TITLE:Leiterin Einkauf\r
EMAIL;TYPE=INTERNET,WORK:anna.schmidt@fabrikam.example\r
EMAIL;TYPE=INTERNET,HOME:anna@schmidt.example\r
TEL;TYPE=WORK,VOICE:+41 44 123 45 67\r
TEL;TYPE=CELL,VOICE:+41 79 123 45 67\r
ADR;TYPE=WORK:;;Bahnhofstrasse 10;Zürich;ZH;8001;Schweiz\r
LABEL;TYPE=WORK:Bahnhofstrasse 10\\n8001 Zürich\\nSchweiz\r
URL;TYPE=WORK:https://www.fabrikam.example/\r
BDAY:1979-11-23\r
X-MS-ANNIVERSARY:2005-06-18\r
X-MS-IMADDRESS:anna.schmidt@fabrikam.example\r
X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r
X-MS-MANAGER:Peter Keller\r
NOTE:Bevorzugt Termine am Vormittag.\r
REV:20240201T083000Z\r
END:VCARD\r
";

/// Thunderbird 115+, vCard 4.0 with LF line ends as its address book
/// writes them: `PREF=1`, `VALUE=TEXT` phones, `VALUE=DATE` birthday.
pub(crate) const THUNDERBIRD: &str = "BEGIN:VCARD
VERSION:4.0
EMAIL;PREF=1:pia.lindqvist@example.net
EMAIL;TYPE=work:pia@northwind.example
FN:Pia Lindqvist
N:Lindqvist;Pia;;;
NICKNAME:Pia
ORG:Northwind Traders
TITLE:Buyer
TEL;TYPE=cell;VALUE=TEXT:+46 70 123 45 67
TEL;TYPE=work;VALUE=TEXT:+46 8 123 456
ADR;TYPE=work:;;Drottninggatan 1;Stockholm;;111 51;Sweden
BDAY;VALUE=DATE:19880229
NOTE:Met at FOSDEM
UID:4d2c1b6a-9e0f-4b8a-8c7d-2e1f0a9b8c7d
END:VCARD
";

/// Google Contacts over CardDAV, vCard 3.0: escaped colon in a URL, an
/// empty `X-ABLabel`, CATEGORIES.
pub(crate) const GOOGLE: &str = "BEGIN:VCARD\r
VERSION:3.0\r
N:Tanaka;Yuki;;;\r
FN:Yuki Tanaka\r
EMAIL;TYPE=INTERNET;TYPE=HOME:yuki.tanaka@example.jp\r
TEL;TYPE=CELL:+81 90-1234-5678\r
item1.URL:https\\://blog.example.jp\r
item1.X-ABLabel:\r
CATEGORIES:myContacts,Friends\r
UID:2a3b4c5d6e7f8a9b\r
END:VCARD\r
";

/// DAVx⁵ (ez-vcard), vCard 3.0.
pub(crate) const DAVX5: &str = "BEGIN:VCARD\r
VERSION:3.0\r
PRODID:ez-vcard 0.11.3\r
UID:0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f\r
FN:Ole Hansen\r
N:Hansen;Ole;;;\r
TEL;TYPE=cell:+47 912 34 567\r
EMAIL;TYPE=work:ole@example.no\r
NICKNAME:me\r
REV:20240301T101010Z\r
END:VCARD\r
";

/// The RFC 6350 §8 example (vCard 4.0), with an inline photo.
pub(crate) const RFC6350: &str = "BEGIN:VCARD\r
VERSION:4.0\r
KIND:individual\r
FN:Simon Perreault\r
N:Perreault;Simon;;;ing. jr,M.Sc.\r
BDAY:--0203\r
ANNIVERSARY:20090808T1430-0500\r
GENDER:M\r
LANG;PREF=1:fr\r
LANG;PREF=2:en\r
ORG;TYPE=work:Viagenie\r
ADR;TYPE=work:;Suite D2-630;2875 Laurier;Quebec;QC;G1V 2M2;Canada\r
TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102\r
TEL;VALUE=uri;TYPE=\"work,cell,voice,video,text\":tel:+1-418-262-6501\r
EMAIL;TYPE=work:simon.perreault@viagenie.ca\r
GEO;TYPE=work:geo:46.772673,-71.282945\r
KEY;TYPE=work;VALUE=uri:http://www.viagenie.ca/simon.perreault/simon.asc\r
TZ:-0500\r
URL;TYPE=home:http://nomis80.org\r
PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnf/2Q==\r
UID:urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519\r
END:VCARD\r
";

/// RFC 6352 §8.6.3.
pub(crate) const RFC_NICKNAME_QUERY: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:addressbook-query xmlns:D="DAV:"
                     xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:prop>
       <D:getetag/>
       <C:address-data>
         <C:prop name="VERSION"/>
         <C:prop name="UID"/>
         <C:prop name="NICKNAME"/>
         <C:prop name="EMAIL"/>
         <C:prop name="FN"/>
       </C:address-data>
     </D:prop>
     <C:filter>
       <C:prop-filter name="NICKNAME">
         <C:text-match collation="i;unicode-casemap"
                       match-type="equals"
         >me</C:text-match>
       </C:prop-filter>
     </C:filter>
   </C:addressbook-query>"#;

/// RFC 6352 §8.6.4.
pub(crate) const RFC_ANYOF_QUERY: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:addressbook-query xmlns:D="DAV:"
                     xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:prop>
       <D:getetag/>
       <C:address-data>
         <C:prop name="VERSION"/>
         <C:prop name="UID"/>
         <C:prop name="NICKNAME"/>
         <C:prop name="EMAIL"/>
         <C:prop name="FN"/>
       </C:address-data>
     </D:prop>
     <C:filter test="anyof">
       <C:prop-filter name="FN">
         <C:text-match collation="i;unicode-casemap"
                       match-type="contains"
         >daboo</C:text-match>
       </C:prop-filter>
       <C:prop-filter name="EMAIL">
         <C:text-match collation="i;unicode-casemap"
                       match-type="contains"
         >daboo</C:text-match>
       </C:prop-filter>
     </C:filter>
   </C:addressbook-query>"#;

/// Every sample.
pub(crate) fn all_samples() -> [&'static str; 7] {
    [APPLE, APPLE_GROUP, OUTLOOK, THUNDERBIRD, GOOGLE, DAVX5, RFC6350]
}
