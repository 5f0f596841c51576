//! About Acoge.

use super::{Chrome, Ctx, PageResult, render};
use askama::Template;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    chrome: Chrome,
}

pub async fn show(ctx: Ctx) -> PageResult {
    render(&AboutPage {
        chrome: ctx.chrome(ctx.tr.t("about-title"), "about"),
    })
}
