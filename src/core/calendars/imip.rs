//! iMIP (RFC 6047): the mail that carries an iTIP message to a guest outside the company (or a
//! colleague who asked for mail too) — a plain-text part a person reads and the
//! `text/calendar; method=…` part their calendar client acts on. lettre writes the MIME
//! (encodings, folding, headers); the Message-ID is made here and queued with the message, so a
//! resend after a crash (between the SMTP server's acceptance and our record of it) is
//! recognisably the same mail.
//!
//! Reminders of a user's own alarms are plain mails ([`reminder`]).
//!
//! The human text (subject, body, answer links) comes from the message catalogues
//! (`core::i18n`, ids `mail-…`) in the reader's language, with dates in their language and
//! times in their zone ([`Reader`]); the calendar part is the iTIP message as it is, whatever
//! the language. These functions are pure: the scheduling service chooses the reader (a
//! colleague's settings, else the organizer's, else English and UTC).

use caldav::compose::EventTime;
use caldav::itip::Method;
use chrono::TimeZone;
use fluent_templates::fluent_bundle::FluentValue;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::invitations::Reply;
use crate::core::i18n::Lang;
use crate::core::{Error, Result};
use crate::store::UserSettings;

/// A composed mail, ready for the outbox.
pub struct Imip {
    pub message_id: String,
    pub body: String,
}

/// A time zone by IANA name, for reading an event's times (`caldav`) and writing them with
/// their abbreviation (chrono-tz).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Zone {
    floating: caldav::FloatingZone,
    tz: chrono_tz::Tz,
}

impl Zone {
    fn utc() -> Zone {
        Zone {
            floating: caldav::FloatingZone::utc(),
            tz: chrono_tz::UTC,
        }
    }

    /// A zone both know by this name (a Windows name, which chrono-tz lacks, is none).
    fn named(name: &str) -> Option<Zone> {
        Some(Zone {
            floating: caldav::FloatingZone::from_id(name)?,
            tz: name.parse().ok()?,
        })
    }
}

/// Who reads a mail: the language it is written in and the zone its times are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub lang: Lang,
    zone: Zone,
}

impl Reader {
    /// The first language and the first time zone that `settings` name, most wanted first
    /// (the recipient's, then the organizer's); else the server's default, English, and UTC.
    pub fn of(settings: &[Option<&UserSettings>]) -> Reader {
        let chosen = || settings.iter().flatten();
        Reader {
            lang: chosen()
                .find_map(|s| s.locale.as_deref().and_then(Lang::from_code))
                .unwrap_or(Lang::En),
            zone: chosen()
                .filter_map(|s| s.time_zone.as_deref())
                .find_map(Zone::named)
                .unwrap_or_else(Zone::utc),
        }
    }

    /// Whether `settings` alone decide a reader (they name a language and a time zone), so
    /// that nobody else's need be looked up.
    pub fn settled_by(settings: &UserSettings) -> bool {
        settings.locale.as_deref().and_then(Lang::from_code).is_some()
            && settings.time_zone.as_deref().and_then(Zone::named).is_some()
    }

    /// An instant as the reader writes it: `March 4, 2030, 13:00 MSK`, `4 марта 2030 г., 13:00 MSK`.
    fn date_time(&self, at: chrono::DateTime<chrono_tz::Tz>) -> String {
        self.lang.t_args(
            "mail-date-time",
            &[
                ("date", FluentValue::from(self.lang.date(at.date_naive()))),
                ("time", FluentValue::from(at.format("%H:%M %Z").to_string())),
            ],
        )
    }

    /// A Unix time in the reader's zone.
    fn instant(&self, at: i64) -> Option<String> {
        chrono::DateTime::from_timestamp(at, 0).map(|t| self.date_time(t.with_timezone(&self.zone.tz)))
    }

    /// When and where the event of an iTIP message takes place (its first occurrence), as the
    /// reader reads it; nothing for what cannot be read (no event, no master component).
    fn when_and_where(&self, itip: &str) -> (Option<String>, Option<String>) {
        let Ok(fields) = caldav::compose::event_fields(itip.as_bytes(), &self.zone.floating) else {
            return (None, None);
        };
        let when = match fields.start {
            EventTime::Date(d) => Some(self.lang.date(d)),
            EventTime::Local(t) => self
                .zone
                .tz
                .from_local_datetime(&t)
                .earliest()
                .map(|at| self.date_time(at)),
        };
        (when, Some(fields.location).filter(|l| !l.is_empty()))
    }

    /// A message with text arguments.
    fn say(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        let args: Vec<(&'static str, FluentValue<'_>)> =
            args.iter().map(|(k, v)| (*k, FluentValue::from(*v))).collect();
        self.lang.t_args(key, &args)
    }

    /// The `When:` and `Where:` lines.
    fn place_lines(&self, text: &mut String, when: Option<&str>, location: Option<&str>) {
        if let Some(w) = when {
            text.push('\n');
            text.push_str(&self.say("mail-when", &[("when", clean(w).as_str())]));
        }
        if let Some(l) = location {
            text.push('\n');
            text.push_str(&self.say("mail-where", &[("where", clean(l).as_str())]));
        }
    }
}

/// Who an iMIP mail is from and to.
pub struct Parties<'a> {
    /// `[smtp] from`: the From address.
    pub from: &'a str,
    /// The person the mail speaks for (the organizer; the attendee of a REPLY): the name
    /// shown as its sender, and their address for Reply-To.
    pub person: (&'a str, Option<&'a str>),
    pub to: &'a str,
}

/// What an iMIP mail carries.
pub struct Letter<'a> {
    pub method: Method,
    /// A REQUEST to someone invited before: an updated invitation.
    pub update: bool,
    /// The event's SUMMARY.
    pub summary: &'a str,
    /// The iTIP message: the calendar part, as it is.
    pub itip: &'a str,
    /// The answer links of a guest's invitation.
    pub links: Vec<(Reply, String)>,
}

fn bad_address(what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{what} is not a usable e-mail address: {e}"))
}

/// Text for a header or a line: no control characters (no header of its own, no line break),
/// at most 200 characters.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The message ids of a REPLY's subject and sentence, by the answer it carries.
fn reply_keys(itip: &str) -> (&'static str, &'static str) {
    let answer = caldav::itip::incoming_reply(itip.as_bytes())
        .and_then(|r| r.attendees.into_iter().next())
        .map(|a| a.partstat.to_ascii_uppercase());
    match answer.as_deref() {
        Some("ACCEPTED") => ("mail-subject-accepted", "mail-accepted"),
        Some("TENTATIVE") => ("mail-subject-tentative", "mail-tentative"),
        Some("DECLINED") => ("mail-subject-declined", "mail-declined"),
        _ => ("mail-subject-answered", "mail-answered"),
    }
}

/// The mail carrying `letter` from `parties.person` to `parties.to`, written for `reader`.
pub fn compose(parties: &Parties<'_>, reader: &Reader, letter: &Letter<'_>) -> Result<Imip> {
    let (person_name, person_email) = parties.person;
    let sender: lettre::Address = parties.from.parse().map_err(|e| bad_address("smtp.from", e))?;
    let recipient: lettre::Address = parties.to.parse().map_err(|e| bad_address(parties.to, e))?;
    let message_id = format!("<{}@portico>", uuid::Uuid::new_v4().simple());
    let method_name = match letter.method {
        Method::Request => "REQUEST",
        Method::Cancel => "CANCEL",
        Method::Reply => "REPLY",
    };
    let (subject_key, sentence_key) = match letter.method {
        Method::Request if letter.update => ("mail-subject-update", "mail-update"),
        Method::Request => ("mail-subject-invitation", "mail-invitation"),
        Method::Cancel => ("mail-subject-cancellation", "mail-cancellation"),
        Method::Reply => reply_keys(letter.itip),
    };
    let title = clean(letter.summary);
    let name = clean(person_name);
    let args = [("name", name.as_str()), ("title", title.as_str())];
    let mut text = reader.say(sentence_key, &args);
    if letter.method != Method::Reply {
        let (when, location) = reader.when_and_where(letter.itip);
        reader.place_lines(&mut text, when.as_deref(), location.as_deref());
    }
    if letter.method == Method::Request {
        if letter.links.is_empty() {
            text.push_str("\n\n");
            text.push_str(&reader.say("mail-attached", &[]));
        } else {
            text.push_str("\n\n");
            text.push_str(&reader.say("mail-your-answer", &[]));
            text.push('\n');
            for (reply, url) in &letter.links {
                let label = match reply {
                    Reply::Accept => "mail-answer-accept",
                    Reply::Tentative => "mail-answer-tentative",
                    Reply::Decline => "mail-answer-decline",
                };
                text.push_str(&format!("  {}: {url}\n", reader.say(label, &[])));
            }
            text.push('\n');
            text.push_str(&reader.say("mail-attached-too", &[]));
        }
    }
    // No control character from a catalogue either: the subject stays one header.
    let subject = reader.say(subject_key, &args).replace(char::is_control, "");
    let calendar_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method_name}"))
        .map_err(|e| Error::internal(format!("content type: {e}")))?;
    let mut builder = Message::builder()
        .from(Mailbox::new(Some(person_name.to_owned()), sender))
        .to(Mailbox::new(None, recipient))
        .subject(subject)
        .message_id(Some(message_id.clone()));
    if let Some(reply_to) = person_email.and_then(|e| e.parse::<lettre::Address>().ok()) {
        builder = builder.reply_to(Mailbox::new(Some(person_name.to_owned()), reply_to));
    }
    let message = builder
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(text))
                .singlepart(SinglePart::builder().header(calendar_type).body(letter.itip.to_owned())),
        )
        .map_err(|e| Error::internal(format!("composing an invitation: {e}")))?;
    let body =
        String::from_utf8(message.formatted()).map_err(|_| Error::internal("an invitation's MIME is not ASCII"))?;
    Ok(Imip { message_id, body })
}

/// A reminder of the user's own event starting at `starts` (Unix seconds), as plain text (no
/// iTIP: it changes nothing), written for `reader`, with the Message-ID given (the reminder's
/// own, see `reminders`).
pub fn reminder(
    (from, to): (&str, &str),
    message_id: &str,
    reader: &Reader,
    summary: &str,
    starts: Option<i64>,
    location: Option<&str>,
) -> Result<String> {
    let sender: lettre::Address = from.parse().map_err(|e| bad_address("smtp.from", e))?;
    let recipient: lettre::Address = to.parse().map_err(|e| bad_address(to, e))?;
    let title = clean(summary);
    let mut text = reader.say("mail-reminder", &[("title", title.as_str())]);
    let when = starts.and_then(|t| reader.instant(t));
    reader.place_lines(&mut text, when.as_deref(), location);
    text.push('\n');
    let message = Message::builder()
        .from(Mailbox::new(Some(reader.say("mail-reminder-sender", &[])), sender))
        .to(Mailbox::new(None, recipient))
        .subject(
            reader
                .say("mail-subject-reminder", &[("title", title.as_str())])
                .replace(char::is_control, ""),
        )
        .message_id(Some(message_id.to_owned()))
        .singlepart(SinglePart::plain(text))
        .map_err(|e| Error::internal(format!("composing a reminder: {e}")))?;
    String::from_utf8(message.formatted()).map_err(|_| Error::internal("a reminder's MIME is not ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITIP: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\n\
SUMMARY:Plan\r\nLOCATION:Blue room\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    const REPLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300301T100000Z\r\nSUMMARY:Plan\r\n\
ORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@example.com\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    fn settings(locale: &str, zone: &str) -> UserSettings {
        UserSettings {
            locale: Some(locale.to_owned()),
            time_zone: Some(zone.to_owned()),
            ..UserSettings::default()
        }
    }

    fn reader(locale: &str, zone: &str) -> Reader {
        Reader::of(&[Some(&settings(locale, zone))])
    }

    const PARTIES: Parties<'static> = Parties {
        from: "calendar@example.com",
        person: ("Alice Ärcher", Some("alice@example.com")),
        to: "guest@partner.example",
    };

    fn letter<'a>(method: Method, update: bool, summary: &'a str, itip: &'a str) -> Letter<'a> {
        Letter {
            method,
            update,
            summary,
            itip,
            links: Vec::new(),
        }
    }

    /// The subject and the text part, decoded.
    fn read(body: &str) -> (String, String) {
        let parsed = mail_parser::MessageParser::default().parse(body.as_bytes()).unwrap();
        (
            parsed.subject().unwrap_or_default().to_owned(),
            parsed.body_text(0).unwrap_or_default().into_owned(),
        )
    }

    /// The raw calendar part of a composed mail, headers and encoding included.
    fn calendar_part(body: &str) -> &str {
        let start = body.find("text/calendar").unwrap();
        let rest = &body[start..];
        &rest[..rest.find("\r\n--").unwrap()]
    }

    #[test]
    fn composes_a_request_with_its_calendar_part() {
        let m = compose(
            &PARTIES,
            &Reader::of(&[]),
            &letter(Method::Request, false, "Plan\r\nBcc: x@evil", ITIP),
        )
        .unwrap();
        assert!(m.message_id.starts_with('<') && m.message_id.ends_with("@portico>"));
        assert!(m.body.contains(&format!("Message-ID: {}", m.message_id)), "{}", m.body);
        assert!(
            m.body.contains("text/calendar; charset=utf-8; method=REQUEST"),
            "{}",
            m.body
        );
        assert!(m.body.contains("Reply-To:"), "{}", m.body);
        assert!(
            m.body.contains("Subject: Invitation: PlanBcc: x@evil"),
            "no header injection: {}",
            m.body
        );
        assert!(!m.body.contains("\r\nBcc:"), "{}", m.body);
        assert!(m.body.is_ascii());
    }

    #[test]
    fn an_invitation_reads_in_english_by_default() {
        let m = compose(
            &PARTIES,
            &Reader::of(&[None]),
            &letter(Method::Request, false, "Plan", ITIP),
        )
        .unwrap();
        let (subject, text) = read(&m.body);
        assert_eq!(subject, "Invitation: Plan");
        assert!(text.contains("Alice Ärcher invites you to \"Plan\"."), "{text}");
        assert!(text.contains("When: March 1, 2030, 10:00 UTC"), "{text}");
        assert!(text.contains("Where: Blue room"), "{text}");
        assert!(text.contains("your calendar application can add it"), "{text}");
    }

    #[test]
    fn an_invitation_reads_in_russian_in_the_readers_zone() {
        let m = compose(
            &PARTIES,
            &reader("ru", "Europe/Moscow"),
            &letter(Method::Request, false, "План", ITIP),
        )
        .unwrap();
        assert!(m.body.is_ascii(), "encoded for the wire");
        let (subject, text) = read(&m.body);
        assert_eq!(subject, "Приглашение: План");
        assert!(
            text.contains("Alice Ärcher приглашает вас на встречу «План»."),
            "{text}"
        );
        assert!(text.contains("Когда: 1 марта 2030 г., 13:00 MSK"), "{text}");
        assert!(text.contains("Где: Blue room"), "{text}");
    }

    #[test]
    fn the_calendar_part_is_the_same_in_every_language() {
        let en = compose(
            &PARTIES,
            &reader("en", "UTC"),
            &letter(Method::Request, false, "Plan", ITIP),
        )
        .unwrap();
        let ru = compose(
            &PARTIES,
            &reader("ru", "Europe/Moscow"),
            &letter(Method::Request, false, "Plan", ITIP),
        )
        .unwrap();
        assert_eq!(calendar_part(&en.body), calendar_part(&ru.body));
    }

    #[test]
    fn updates_cancellations_and_replies_say_what_they_are() {
        let cases = [
            (Method::Request, true, ITIP, "en", "Updated invitation: Plan"),
            (Method::Request, true, ITIP, "ru", "Обновлённое приглашение: Plan"),
            (Method::Cancel, false, ITIP, "en", "Cancelled: Plan"),
            (Method::Cancel, false, ITIP, "ru", "Отменено: Plan"),
            (Method::Reply, false, REPLY, "en", "Alice Ärcher accepted: Plan"),
            (
                Method::Reply,
                false,
                REPLY,
                "ru",
                "Alice Ärcher принял(а) приглашение: Plan",
            ),
        ];
        for (method, update, itip, lang, want) in cases {
            let m = compose(&PARTIES, &reader(lang, "UTC"), &letter(method, update, "Plan", itip)).unwrap();
            assert_eq!(read(&m.body).0, want, "{method:?} {lang}");
        }
        let declined = REPLY.replace("ACCEPTED", "DECLINED");
        let m = compose(
            &PARTIES,
            &reader("ru", "UTC"),
            &Letter {
                itip: &declined,
                ..letter(Method::Reply, false, "Plan", REPLY)
            },
        )
        .unwrap();
        let (subject, text) = read(&m.body);
        assert_eq!(subject, "Alice Ärcher отклонил(а) приглашение: Plan");
        assert!(text.contains("отклонил(а) приглашение на встречу «Plan»"), "{text}");
    }

    #[test]
    fn an_invitation_carries_its_answer_links_in_the_readers_language() {
        let links = vec![
            (Reply::Accept, "https://p.example/answer/a".to_owned()),
            (Reply::Decline, "https://p.example/answer/d".to_owned()),
        ];
        for (lang, accept, decline) in [("en", "Accept", "Decline"), ("ru", "Принять", "Отклонить")] {
            let m = compose(
                &PARTIES,
                &reader(lang, "UTC"),
                &Letter {
                    links: links.clone(),
                    ..letter(Method::Request, false, "Plan", ITIP)
                },
            )
            .unwrap();
            let (_, text) = read(&m.body);
            assert!(
                text.contains(&format!("  {accept}: https://p.example/answer/a")),
                "{text}"
            );
            assert!(
                text.contains(&format!("  {decline}: https://p.example/answer/d")),
                "{text}"
            );
        }
    }

    #[test]
    fn the_recipients_choice_comes_first_then_the_organizers() {
        let ru_moscow = settings("ru", "Europe/Moscow");
        let nothing = UserSettings::default();
        let en_only = UserSettings {
            locale: Some("en".into()),
            ..UserSettings::default()
        };
        let r = Reader::of(&[Some(&en_only), Some(&ru_moscow)]);
        assert_eq!(r.lang, Lang::En);
        assert_eq!(r.zone.tz, chrono_tz::Europe::Moscow, "the organizer's zone fills in");
        assert_eq!(Reader::of(&[Some(&nothing), Some(&ru_moscow)]).lang, Lang::Ru);
        assert_eq!(Reader::of(&[None, Some(&nothing)]), Reader::of(&[]));
        assert_eq!(Reader::of(&[]).lang, Lang::En);
        assert!(Reader::settled_by(&ru_moscow));
        assert!(!Reader::settled_by(&en_only));
    }

    #[test]
    fn a_reminder_reads_in_the_users_language() {
        let at = caldav::parse_utc("20300304T100000Z");
        for (lang, subject, when, place) in [
            (
                "en",
                "Reminder: Stand-up",
                "When: March 4, 2030, 13:00 MSK",
                "Where: Blue room",
            ),
            (
                "ru",
                "Напоминание: Stand-up",
                "Когда: 4 марта 2030 г., 13:00 MSK",
                "Где: Blue room",
            ),
        ] {
            let body = reminder(
                ("calendar@example.com", "alice@example.com"),
                "<r@portico>",
                &reader(lang, "Europe/Moscow"),
                "Stand-up\r\nBcc: x@evil",
                at,
                Some("Blue room"),
            )
            .unwrap();
            assert!(!body.contains("\r\nBcc:"), "{body}");
            let (s, text) = read(&body);
            assert_eq!(s, format!("{subject}Bcc: x@evil"));
            assert!(text.contains(when), "{text}");
            assert!(text.contains(place), "{text}");
        }
    }

    #[test]
    fn refuses_addresses_that_are_not() {
        let cancel = letter(Method::Cancel, false, "s", ITIP);
        let en = Reader::of(&[]);
        let bad_from = Parties {
            from: "not an address",
            ..PARTIES
        };
        assert!(compose(&bad_from, &en, &cancel).is_err());
        let bad_to = Parties { to: "g@", ..PARTIES };
        assert!(compose(&bad_to, &en, &cancel).is_err());
    }
}
