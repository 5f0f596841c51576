//! Email, when an SMTP relay is configured (`--smtp-url smtp://host:port`).
//! Without one, links are shown to the person who creates them and nothing is
//! sent. The relay is spoken to in plain SMTP: run it on the same host or
//! network (a local Postfix or similar) and let it handle TLS onwards. A
//! mailer exists only with a `--public-url`, and every link it writes starts
//! with that address: a request's Host header can be forged, so it never
//! reaches an email.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("--smtp-url must look like smtp://host:port, not {0:?}")]
    Url(String),
    #[error("--mail-from is not a valid address: {0}")]
    From(String),
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error("the SMTP relay refused or failed: {0}")]
    Send(String),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `--public-url`, without a trailing slash.
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mailer(from {})", self.from)
    }
}

impl Mailer {
    pub fn new(url: &str, from: &str, public_url: &str) -> Result<Self, MailError> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| MailError::Url(url.to_owned()))?;
        let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| MailError::Url(url.to_owned()))?,
            ),
            None => (rest.trim_end_matches('/'), 25),
        };
        if host.is_empty() {
            return Err(MailError::Url(url.to_owned()));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailError::From(e.to_string()))?;
        Ok(Self {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// The address of `path` (starting with `/`) on this site, for an email.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| MailError::Message(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

/// An invitation, in both languages (the invitee's is unknown).
pub fn invitation_text(link: &str, expires: &str) -> (String, String) {
    (
        "Invitación a Acoge / Invitation to Acoge".to_owned(),
        format!(
            "Le invitaron a Acoge, la comunidad de práctica para la inclusión de personas migrantes en las ciudades de México.\n\
             Cree su cuenta con este enlace (sirve una vez, hasta el {expires}):\n\n{link}\n\n\
             You were invited to Acoge, the community of practice for the inclusion of migrant people in Mexican cities.\n\
             Create your account with this link (works once, until {expires}):\n\n{link}\n"
        ),
    )
}

/// A password-reset link, in both languages.
pub fn reset_text(link: &str) -> (String, String) {
    (
        "Restablecer su contraseña de Acoge / Reset your Acoge password".to_owned(),
        format!(
            "Alguien pidió restablecer la contraseña de su cuenta de Acoge. Si fue usted, use este enlace (sirve una vez, durante 24 horas):\n\n{link}\n\n\
             Si no lo pidió, ignore este mensaje.\n\n\
             Someone asked to reset your Acoge password. If it was you, use this link (works once, for 24 hours):\n\n{link}\n\n\
             If you did not ask, ignore this message.\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::Mailer;

    const SITE: &str = "https://acoge.example.org/";

    #[test]
    fn smtp_urls_are_checked() {
        assert!(
            Mailer::new(
                "smtp://127.0.0.1:2525",
                "Acoge <no-reply@example.org>",
                SITE
            )
            .is_ok()
        );
        assert!(Mailer::new("smtp://relay", "no-reply@example.org", SITE).is_ok());
        assert!(Mailer::new("http://relay", "no-reply@example.org", SITE).is_err());
        assert!(Mailer::new("smtp://relay:x", "no-reply@example.org", SITE).is_err());
        assert!(Mailer::new("smtp://relay:25", "not an address", SITE).is_err());
        let mailer = Mailer::new("smtp://relay", "no-reply@example.org", SITE).unwrap();
        assert_eq!(
            mailer.link("/restablecer/x"),
            "https://acoge.example.org/restablecer/x"
        );
    }
}
