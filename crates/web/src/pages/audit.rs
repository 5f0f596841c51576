//! The audit log, for moderators and administrators. Read-only by design.

use super::{Chrome, Ctx, PageResult, Pager, render};
use crate::{AppState, app::audit, http::params::Params};
use acoge_domain::accounts::Capability;
use acoge_store::AuditEntry;
use askama::Template;
use axum::extract::State;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditEntry>,
    total: u64,
    pager: Pager,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require(Capability::ReadAuditLog)?;
    let page = Params::parse(ctx.raw_query())?.page(50)?;
    let log = audit::audit_log(&app, None, page).await?;
    let pager = Pager::new("/auditoria", &[], page.page, log.page_count(page));
    render(&AuditPage {
        chrome: ctx.chrome(ctx.tr.t("audit-title"), "audit"),
        total: log.total,
        entries: log.items,
        pager,
    })
}
