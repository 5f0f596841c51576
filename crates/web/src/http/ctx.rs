//! `Ctx`, what every page handler is given about its request: the reader's
//! language, the address, the identity, and the CSRF token for its forms.

use super::{auth::RequestAuth, failure::PageError, links::self_path};
use crate::{
    AppState, Config,
    render::{chrome::Chrome, i18n::Tr},
};
use acoge_domain::{
    Lang,
    accounts::{Actor, Capability, Denied, MemberIdentity, authorize},
};
use axum::{
    extract::FromRequestParts,
    http::{Uri, request::Parts},
};
use std::sync::Arc;
use uuid::Uuid;

/// The request's language, address and identity, for handlers.
pub struct Ctx {
    pub tr: Tr,
    uri: Uri,
    auth: RequestAuth,
    config: Arc<Config>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        Ok(Self {
            tr: Tr::new(lang),
            uri: parts.uri.clone(),
            auth: parts
                .extensions
                .get::<RequestAuth>()
                .cloned()
                .unwrap_or_else(RequestAuth::anonymous),
            config: state.config.clone(),
        })
    }
}

impl Ctx {
    pub fn chrome(&self, title: String, section: &'static str) -> Chrome {
        let mut chrome = chrome(self.tr, &self.uri, title, section);
        chrome.signed_in = self.auth.signed_in_role().is_some();
        chrome
    }

    pub fn raw_query(&self) -> Option<&str> {
        self.uri.query()
    }

    pub fn actor(&self) -> &Actor {
        self.auth.actor()
    }

    pub fn member(&self) -> Option<&MemberIdentity> {
        self.auth.actor().member()
    }

    /// Whether someone is signed in: the same for every member, as the
    /// header (not noted as a read of who).
    pub fn signed_in(&self) -> bool {
        self.auth.signed_in_role().is_some()
    }

    /// The signed-in member's organization ("your organization" on a page
    /// that is then the same for their role there).
    pub fn organization(&self) -> Option<Uuid> {
        self.auth.organization()
    }

    /// Whether the reader's role grants `capability` (read as the role only).
    pub fn may(&self, capability: Capability) -> bool {
        self.auth.authorize(capability).is_ok()
    }

    /// The hash of the live session's secret, if any.
    pub fn session_hash(&self) -> Option<&str> {
        self.auth.session_hash()
    }

    /// The hidden field value for this request's forms.
    pub fn csrf(&self) -> String {
        self.auth.csrf_token(&self.config.csrf_key)
    }

    /// For pages that only some may see: sends visitors to sign in first.
    pub fn require(&self, capability: Capability) -> Result<&MemberIdentity, PageError> {
        match authorize(self.auth.actor(), capability) {
            Ok(()) => self.member().ok_or_else(PageError::forbidden),
            Err(Denied::NotSignedIn) => Err(PageError::SignIn(self_path(self.uri.path()))),
            Err(Denied::Forbidden) => Err(PageError::forbidden()),
        }
    }
}

/// The frame of the page at `uri`, before the member's name is known.
pub fn chrome(tr: Tr, uri: &Uri, title: String, section: &'static str) -> Chrome {
    Chrome::new(tr, &self_path(uri.path()), uri.query(), title, section)
}
