//! A submitted form as name/value pairs. It never rejects a request: every
//! field is read by name, and validation errors are reported per field by the
//! handler, which re-renders the form with what was typed.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};

#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .unwrap_or_default();
        Ok(Self(
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default(),
        ))
    }
}

impl FormData {
    /// The field's value ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field (checkboxes), in order.
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}
