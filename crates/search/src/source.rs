//! Turns the store's records into search documents: a record's own words go
//! to the fields of the language they are written in; the labels of its
//! vocabulary terms and the names of its places and partners go to both, so
//! an English query finds a Spanish practice by its rights and sectors.

use crate::{
    SearchError,
    analyzers::detect_language,
    document::{FacetKind, SearchDocument},
};
use acoge_domain::{
    lang::Lang,
    practice::{Partner, PracticeStatus},
};
use acoge_store::{Db, PracticeRecord, SearchableKind, SearchableMunicipality};
use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};
use uuid::Uuid;

/// The words people read for a vocabulary term (`taxonomy-right-salud`).
pub trait Labels: Send + Sync {
    fn label(&self, message_key: &str, lang: Lang) -> String;
}

/// Names of places, kept in memory: every document of a place needs them.
#[derive(Debug, Default)]
struct Places {
    /// cvegeo → (municipality name, state key)
    municipalities: HashMap<String, (String, String)>,
    states: HashMap<String, String>,
}

/// Reads records from the store and makes documents of them.
pub struct Source {
    db: Db,
    labels: Arc<dyn Labels>,
    places: Places,
}

/// One record's new document, or none when it left the index (deleted, or
/// no longer public).
pub type Change = (SearchableKind, String, Option<SearchDocument>);

/// Labels of some terms in one language, space separated.
fn labels_of<'a>(
    labels: &dyn Labels,
    keys: impl IntoIterator<Item = &'a String>,
    lang: Lang,
) -> String {
    keys.into_iter()
        .map(|key| labels.label(key, lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

impl Source {
    pub async fn new(db: Db, labels: Arc<dyn Labels>) -> Result<Source, SearchError> {
        let mut source = Source {
            db,
            labels,
            places: Places::default(),
        };
        source.refresh_places().await?;
        Ok(source)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Reloads the names of places (after reference data changed).
    pub async fn refresh_places(&mut self) -> Result<(), SearchError> {
        let keys = self.db.searchable_ids(SearchableKind::Municipality).await?;
        let mut places = Places::default();
        for m in self.db.searchable_municipalities(&keys).await? {
            places.states.insert(
                m.municipality.state_key.as_str().to_owned(),
                m.state_name.clone(),
            );
            places.municipalities.insert(
                m.municipality.cvegeo.as_str().to_owned(),
                (
                    m.municipality.name,
                    m.municipality.state_key.as_str().to_owned(),
                ),
            );
        }
        self.places = places;
        Ok(())
    }

    /// The current documents of records of one kind, one change per id.
    pub async fn changes(
        &self,
        kind: SearchableKind,
        ids: &[String],
    ) -> Result<Vec<Change>, SearchError> {
        let mut documents: HashMap<String, SearchDocument> = match kind {
            SearchableKind::Practice => self.practices(ids).await?,
            SearchableKind::Organization => self.organizations(ids).await?,
            SearchableKind::Provision => self.provisions(ids).await?,
            SearchableKind::Instrument => self.instruments(ids).await?,
            SearchableKind::Event => self.events(ids).await?,
            SearchableKind::Municipality => self.municipalities(ids).await?,
        }
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
        Ok(ids
            .iter()
            .map(|id| (kind, id.clone(), documents.remove(id)))
            .collect())
    }

    /// Place names of some municipalities, for the tags of both languages.
    fn place_words(&self, cvegeos: &[&str]) -> String {
        // "Municipality, State" as people write it, so phrases match.
        let mut words: Vec<String> = Vec::new();
        for key in cvegeos {
            if let Some((name, state)) = self.places.municipalities.get(*key) {
                match self.places.states.get(state) {
                    Some(state_name) => words.push(format!("{name}, {state_name}")),
                    None => words.push(name.clone()),
                }
            }
        }
        words.dedup();
        words.join(" · ")
    }

    fn place_facets(cvegeos: &[&str]) -> Vec<(FacetKind, String)> {
        let states: BTreeSet<&str> = cvegeos.iter().filter_map(|k| k.get(..2)).collect();
        states
            .into_iter()
            .map(|s| (FacetKind::State, s.to_owned()))
            .chain(
                cvegeos
                    .iter()
                    .map(|k| (FacetKind::Municipality, (*k).to_owned())),
            )
            .collect()
    }

    async fn practices(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        let uuids: Vec<Uuid> = ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        let practices: Vec<PracticeRecord> = self
            .db
            .practices_by_ids(&uuids)
            .await?
            .into_iter()
            .filter(|p| p.status == PracticeStatus::Published)
            .collect();
        let mut org_ids: BTreeSet<Uuid> = BTreeSet::new();
        for p in &practices {
            org_ids.insert(p.content.lead_organization);
            org_ids.extend(
                p.content
                    .partners
                    .iter()
                    .filter_map(|partner| match partner {
                        Partner::Existing(id) => Some(*id),
                        Partner::Proposed(_) => None,
                    }),
            );
        }
        let org_ids: Vec<Uuid> = org_ids.into_iter().collect();
        let names: HashMap<Uuid, String> = self
            .db
            .organizations_by_ids(&org_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.display_name()))
            .collect();
        Ok(practices.iter().map(|p| self.practice(p, &names)).collect())
    }

    fn practice(&self, p: &PracticeRecord, names: &HashMap<Uuid, String>) -> SearchDocument {
        let c = &p.content;
        let mut own = vec![c.summary.clone()];
        own.extend(c.sections.values().cloned());
        own.extend([
            c.results.clone(),
            c.resources.clone(),
            c.covid19_how.clone(),
        ]);
        let own = own
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let keys: Vec<String> = c
            .rights
            .iter()
            .map(|t| t.message_key())
            .chain(c.sectors.iter().map(|t| t.message_key()))
            .chain(c.populations.iter().map(|t| t.message_key()))
            .chain(c.levels_of_government.iter().map(|t| t.message_key()))
            .collect();
        let cvegeos: Vec<&str> = c.municipalities.iter().map(|k| k.as_str()).collect();
        let mut organizations: Vec<String> = Vec::new();
        organizations.extend(names.get(&c.lead_organization).cloned());
        for partner in &c.partners {
            match partner {
                Partner::Existing(id) => organizations.extend(names.get(id).cloned()),
                Partner::Proposed(name) => organizations.push(name.clone()),
            }
        }
        let shared = format!(
            "{} · {}{}",
            self.place_words(&cvegeos),
            organizations.join(" · "),
            if c.covid19 { " · COVID-19" } else { "" }
        );
        let mut facets = Source::place_facets(&cvegeos);
        facets.extend(
            c.rights
                .iter()
                .map(|r| (FacetKind::Right, r.slug().to_owned())),
        );
        facets.extend(
            c.sectors
                .iter()
                .map(|s| (FacetKind::Sector, s.slug().to_owned())),
        );
        let written_in = detect_language(&format!("{} {}", c.title, c.summary));
        let (title_es, title_en, text_es, text_en) = match written_in {
            Lang::Es => (c.title.clone(), String::new(), own, String::new()),
            Lang::En => (String::new(), c.title.clone(), String::new(), own),
        };
        SearchDocument {
            kind: SearchableKind::Practice,
            id: p.id.to_string(),
            target: p.slug.clone().unwrap_or_else(|| p.id.to_string()),
            title_es,
            title_en,
            text_es,
            text_en,
            tags_es: format!("{} · {shared}", labels_of(&*self.labels, &keys, Lang::Es)),
            tags_en: format!("{} · {shared}", labels_of(&*self.labels, &keys, Lang::En)),
            verified: true,
            facets,
        }
    }

    async fn organizations(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        let uuids: Vec<Uuid> = ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        let organizations = self.db.organizations_by_ids(&uuids).await?;
        Ok(organizations
            .into_iter()
            .map(|o| {
                let cvegeos: Vec<&str> = o.cvegeo.iter().map(|k| k.as_str()).collect();
                let mut facets = Source::place_facets(&cvegeos);
                if cvegeos.is_empty()
                    && let Some(state) = &o.state_key
                {
                    facets.push((FacetKind::State, state.as_str().to_owned()));
                }
                let state_name = o
                    .state_key
                    .as_ref()
                    .and_then(|k| self.places.states.get(k.as_str()).cloned())
                    .unwrap_or_default();
                let keys = [o.kind.message_key(), o.scope.message_key()];
                let shared = format!(
                    "{} · {} · {}",
                    o.acronym.clone().unwrap_or_default(),
                    self.place_words(&cvegeos),
                    state_name
                );
                let name = o.display_name();
                let written_in = detect_language(&o.description);
                let (text_es, text_en) = match written_in {
                    Lang::Es => (o.description.clone(), String::new()),
                    Lang::En => (String::new(), o.description.clone()),
                };
                SearchDocument {
                    kind: SearchableKind::Organization,
                    id: o.id.to_string(),
                    target: o.id.to_string(),
                    title_es: name.clone(),
                    title_en: name,
                    text_es,
                    text_en,
                    tags_es: format!("{} · {shared}", labels_of(&*self.labels, &keys, Lang::Es)),
                    tags_en: format!("{} · {shared}", labels_of(&*self.labels, &keys, Lang::En)),
                    verified: o.provenance.verified,
                    facets,
                }
            })
            .collect())
    }

    async fn provisions(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let instruments: HashMap<String, String> = self
            .db
            .legal_instruments()
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
        Ok(self
            .db
            .provisions()
            .await?
            .into_iter()
            .filter(|p| wanted.contains(p.id.to_string().as_str()))
            .map(|p| {
                let instrument = instruments
                    .get(&p.instrument_id)
                    .cloned()
                    .unwrap_or_default();
                let keys: Vec<String> = p
                    .rights
                    .iter()
                    .map(|r| r.message_key())
                    .chain(p.binds.iter().map(|l| l.message_key()))
                    .collect();
                let article_es = format!("{instrument}, artículo {}", p.article);
                let article_en = format!("{instrument}, article {}", p.article);
                SearchDocument {
                    kind: SearchableKind::Provision,
                    id: p.id.to_string(),
                    target: p.instrument_id.clone(),
                    title_es: article_es,
                    title_en: article_en,
                    text_es: format!("{}: {}", p.theme, p.summary),
                    text_en: String::new(),
                    tags_es: labels_of(&*self.labels, &keys, Lang::Es),
                    tags_en: format!(
                        "{instrument} · {}",
                        labels_of(&*self.labels, &keys, Lang::En)
                    ),
                    verified: p.verified,
                    facets: p
                        .rights
                        .iter()
                        .map(|r| (FacetKind::Right, r.slug().to_owned()))
                        .collect(),
                }
            })
            .collect())
    }

    async fn instruments(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        Ok(self
            .db
            .legal_instruments()
            .await?
            .into_iter()
            .filter(|i| wanted.contains(i.id.as_str()))
            .map(|i| {
                let key = [i.level.message_key()];
                SearchDocument {
                    kind: SearchableKind::Instrument,
                    id: i.id.clone(),
                    target: i.id.clone(),
                    title_es: i.name.clone(),
                    title_en: i.name.clone(),
                    text_es: i.notes.clone().unwrap_or_default(),
                    text_en: String::new(),
                    tags_es: labels_of(&*self.labels, &key, Lang::Es),
                    tags_en: labels_of(&*self.labels, &key, Lang::En),
                    verified: i.provenance.verified,
                    facets: Vec::new(),
                }
            })
            .collect())
    }

    async fn events(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        let mut out = Vec::new();
        for id in ids {
            let Some(e) = self.db.event(id).await? else {
                continue;
            };
            let questions = |lang: Lang| {
                e.guiding_questions
                    .iter()
                    .map(|q| q.get(lang).to_owned())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let organizers = e
                .organizers
                .iter()
                .map(|o| match &o.acronym {
                    Some(acronym) => format!("{} ({acronym})", o.name),
                    None => o.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let key = [e.kind.message_key()];
            out.push(SearchDocument {
                kind: SearchableKind::Event,
                id: e.id.to_string(),
                target: e.slug.clone(),
                title_es: e.title.es.clone(),
                title_en: e.title.en.clone(),
                text_es: format!("{}\n{}", e.description.es, questions(Lang::Es)),
                text_en: format!("{}\n{}", e.description.en, questions(Lang::En)),
                tags_es: format!(
                    "{} · {organizers}",
                    labels_of(&*self.labels, &key, Lang::Es)
                ),
                tags_en: format!(
                    "{} · {organizers}",
                    labels_of(&*self.labels, &key, Lang::En)
                ),
                verified: e.provenance.verified,
                facets: Vec::new(),
            });
        }
        Ok(out)
    }

    async fn municipalities(&self, ids: &[String]) -> Result<Vec<SearchDocument>, SearchError> {
        Ok(self
            .db
            .searchable_municipalities(ids)
            .await?
            .into_iter()
            .map(|m: SearchableMunicipality| {
                let key = m.municipality.cvegeo.as_str().to_owned();
                let keys: Vec<String> = m.contexts.iter().map(|c| c.message_key()).collect();
                let extra = [
                    m.municipality.seat_name.clone(),
                    m.municipality.metro_area.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                let shared = format!("{} · {extra}", m.state_name);
                SearchDocument {
                    kind: SearchableKind::Municipality,
                    id: key.clone(),
                    target: key.clone(),
                    title_es: format!("{}, {}", m.municipality.name, m.state_name),
                    title_en: format!("{}, {}", m.municipality.name, m.state_name),
                    text_es: labels_of(&*self.labels, &keys, Lang::Es),
                    text_en: labels_of(&*self.labels, &keys, Lang::En),
                    tags_es: shared.clone(),
                    tags_en: shared,
                    verified: true,
                    facets: Source::place_facets(&[key.as_str()]),
                }
            })
            .collect())
    }
}
