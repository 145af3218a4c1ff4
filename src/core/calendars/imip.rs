//! iMIP (RFC 6047): the mail that carries an iTIP message to a guest outside the company — a
//! plain-text part a person reads and the `text/calendar; method=…` part their calendar
//! client acts on. lettre writes the MIME (encodings, folding, headers); the Message-ID is made
//! here and queued with the message, so a resend after a crash (between the SMTP server's
//! acceptance and our record of it) is recognisably the same mail.
//!
//! Reminders of a user's own alarms are plain mails ([`reminder`]).
//!
//! Texts are English for now; the guest's language is unknown (a per-guest choice would come
//! from the directory of contacts, which the CRM issue brings).

use caldav::itip::Method;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::invitations::Reply;
use crate::core::{Error, Result};

/// A composed mail, ready for the outbox.
pub struct Imip {
    pub message_id: String,
    pub body: String,
}

fn bad_address(what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{what} is not a usable e-mail address: {e}"))
}

/// The mail carrying `itip` (an iTIP message of `method`) from the organizer to `to`.
pub fn compose(
    from: &str,
    organizer: (&str, Option<&str>),
    to: &str,
    method: Method,
    summary: &str,
    itip: &str,
    links: &[(Reply, String)],
) -> Result<Imip> {
    let (organizer_name, organizer_email) = organizer;
    let sender: lettre::Address = from.parse().map_err(|e| bad_address("smtp.from", e))?;
    let recipient: lettre::Address = to.parse().map_err(|e| bad_address(to, e))?;
    let message_id = format!("<{}@portico>", uuid::Uuid::new_v4().simple());
    let (verb, method_name) = match method {
        Method::Request => ("Invitation", "REQUEST"),
        Method::Cancel => ("Cancelled", "CANCEL"),
        Method::Reply => ("Reply", "REPLY"),
    };
    let summary: String = summary.chars().filter(|c| !c.is_control()).take(200).collect();
    let text = match method {
        Method::Request if !links.is_empty() => {
            let mut text = format!("{organizer_name} invites you to \"{summary}\".\n\nYour answer:\n");
            for (reply, url) in links {
                let label = match reply {
                    Reply::Accept => "Accept",
                    Reply::Tentative => "Maybe",
                    Reply::Decline => "Decline",
                };
                text.push_str(&format!("  {label}: {url}\n"));
            }
            text.push_str("\nThe invitation is also attached for your calendar application.");
            text
        }
        Method::Request => format!(
            "{organizer_name} invites you to \"{summary}\".\n\nThe invitation is attached; your calendar \
             application can add it and answer the organizer."
        ),
        Method::Cancel => format!("{organizer_name} cancelled \"{summary}\"."),
        Method::Reply => format!("{organizer_name} answered \"{summary}\"."),
    };
    let calendar_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method_name}"))
        .map_err(|e| Error::internal(format!("content type: {e}")))?;
    let mut builder = Message::builder()
        .from(Mailbox::new(Some(organizer_name.to_owned()), sender))
        .to(Mailbox::new(None, recipient))
        .subject(format!("{verb}: {summary}"))
        .message_id(Some(message_id.clone()));
    if let Some(reply_to) = organizer_email.and_then(|e| e.parse::<lettre::Address>().ok()) {
        builder = builder.reply_to(Mailbox::new(Some(organizer_name.to_owned()), reply_to));
    }
    let message = builder
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(text))
                .singlepart(SinglePart::builder().header(calendar_type).body(itip.to_owned())),
        )
        .map_err(|e| Error::internal(format!("composing an invitation: {e}")))?;
    let body =
        String::from_utf8(message.formatted()).map_err(|_| Error::internal("an invitation's MIME is not ASCII"))?;
    Ok(Imip { message_id, body })
}

/// A reminder of the user's own event, as plain text (no iTIP: it changes nothing), with the
/// Message-ID given (the reminder's own, see `reminders`).
pub fn reminder(
    from: &str,
    to: &str,
    message_id: &str,
    summary: &str,
    when: Option<&str>,
    location: Option<&str>,
) -> Result<String> {
    let sender: lettre::Address = from.parse().map_err(|e| bad_address("smtp.from", e))?;
    let recipient: lettre::Address = to.parse().map_err(|e| bad_address(to, e))?;
    let clean = |t: &str| t.chars().filter(|c| !c.is_control()).take(200).collect::<String>();
    let summary = clean(summary);
    let mut text = format!("Reminder: \"{summary}\"");
    if let Some(w) = when {
        text.push_str(&format!("\nWhen: {}", clean(w)));
    }
    if let Some(l) = location {
        text.push_str(&format!("\nWhere: {}", clean(l)));
    }
    text.push('\n');
    let message = Message::builder()
        .from(Mailbox::new(Some("Calendar".to_owned()), sender))
        .to(Mailbox::new(None, recipient))
        .subject(format!("Reminder: {summary}"))
        .message_id(Some(message_id.to_owned()))
        .singlepart(SinglePart::plain(text))
        .map_err(|e| Error::internal(format!("composing a reminder: {e}")))?;
    String::from_utf8(message.formatted()).map_err(|_| Error::internal("a reminder's MIME is not ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITIP: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\n\
SUMMARY:Plan\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn composes_a_request_with_its_calendar_part() {
        let m = compose(
            "calendar@example.com",
            ("Alice Ärcher", Some("alice@example.com")),
            "guest@partner.example",
            Method::Request,
            "Plan\r\nBcc: x@evil",
            ITIP,
            &[],
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
    fn an_invitation_carries_its_answer_links() {
        let links = [
            (Reply::Accept, "https://p.example/answer/a".to_owned()),
            (Reply::Decline, "https://p.example/answer/d".to_owned()),
        ];
        let m = compose(
            "calendar@example.com",
            ("Alice", None),
            "guest@partner.example",
            Method::Request,
            "Plan",
            ITIP,
            &links,
        )
        .unwrap();
        let parsed = mail_parser::MessageParser::default().parse(m.body.as_bytes()).unwrap();
        let text = parsed.body_text(0).unwrap();
        assert!(text.contains("Accept: https://p.example/answer/a"), "{text}");
        assert!(text.contains("Decline: https://p.example/answer/d"), "{text}");
    }

    #[test]
    fn refuses_addresses_that_are_not() {
        assert!(
            compose(
                "not an address",
                ("A", None),
                "g@x.example",
                Method::Cancel,
                "s",
                ITIP,
                &[]
            )
            .is_err()
        );
        assert!(compose("c@x.example", ("A", None), "g@", Method::Cancel, "s", ITIP, &[]).is_err());
    }
}
