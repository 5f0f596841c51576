//! The shapes the API answers with, documented for OpenAPI.

use acoge_domain::{
    Provenance,
    directory::{DirectoryEntry, Territory},
    event::{Event, Schedule},
    geo::{Coordinates, Municipality},
    organization::Organization,
    page::{Page, PageRequest},
};
use acoge_store::{ContextEntry, EventSummary, StateOverview};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a fact comes from and whether it was checked.
#[derive(Serialize, ToSchema)]
pub struct Sources {
    /// Source addresses (http or https).
    pub sources: Vec<String>,
    /// False means "por verificar": shown, but not confirmed.
    pub verified: bool,
}

impl From<&Provenance> for Sources {
    fn from(p: &Provenance) -> Self {
        Self {
            sources: p.sources.clone(),
            verified: p.verified,
        }
    }
}

macro_rules! list_type {
    ($name:ident, $item:ty) => {
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            /// Items matching the filters, over all pages.
            pub total: u64,
            pub page: u32,
            pub per_page: u32,
            /// The largest `per_page` accepted.
            pub max_per_page: u32,
            pub items: Vec<$item>,
        }

        impl $name {
            pub fn new(total: u64, request: PageRequest, items: Vec<$item>) -> Self {
                Self {
                    total,
                    page: request.page,
                    per_page: request.per_page,
                    max_per_page: PageRequest::MAX_PER_PAGE,
                    items,
                }
            }
        }
    };
}

/// Declares the JSON of a list served whole, not paged: its items and how
/// many there are. Collect the items into it.
macro_rules! whole_list_type {
    ($name:ident, $item:ty) => {
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub total: u64,
            pub items: Vec<$item>,
        }

        impl FromIterator<$item> for $name {
            fn from_iter<I: IntoIterator<Item = $item>>(items: I) -> Self {
                let items: Vec<$item> = items.into_iter().collect();
                Self {
                    total: items.len() as u64,
                    items,
                }
            }
        }
    };
}

whole_list_type!(WorkingGroupList, super::community::WorkingGroupJson);
whole_list_type!(DiscussionList, super::discussions::DiscussionJson);
whole_list_type!(SynthesisList, super::discussions::SynthesisJson);
whole_list_type!(InstrumentList, super::legal::InstrumentJson);
whole_list_type!(ProvisionList, super::legal::ProvisionJson);

list_type!(StateList, StateJson);
list_type!(MunicipalityList, MunicipalityJson);
list_type!(OrganizationList, OrganizationJson);
list_type!(EventList, EventSummaryJson);
list_type!(ServiceList, super::directory::ServiceJson);
list_type!(AllianceList, super::alliances::AllianceJson);

pub fn page_of<T, J>(
    page: Page<T>,
    request: PageRequest,
    map: impl Fn(T) -> J,
) -> (u64, PageRequest, Vec<J>) {
    (
        page.total,
        request,
        page.items.into_iter().map(map).collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct StateJson {
    /// INEGI state key, two digits ("07").
    #[schema(example = "07")]
    pub cve_ent: String,
    #[schema(example = "MX-CHP")]
    pub iso_code: String,
    pub name: String,
    pub abbreviation: String,
    /// 2020 census; null where there is no figure.
    pub population: Option<u64>,
    pub municipalities: u64,
    pub municipalities_with_migration_context: u64,
    pub organizations: u64,
    pub state_migrant_laws: u64,
}

impl From<StateOverview> for StateJson {
    fn from(o: StateOverview) -> Self {
        Self {
            cve_ent: o.state.key.to_string(),
            iso_code: o.state.iso_code,
            name: o.state.name,
            abbreviation: o.state.abbreviation,
            population: o.state.population,
            municipalities: o.municipalities,
            municipalities_with_migration_context: o.municipalities_with_context,
            organizations: o.organizations,
            state_migrant_laws: o.state_laws,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PointJson {
    pub lat: f64,
    pub lon: f64,
}

impl From<Coordinates> for PointJson {
    fn from(c: Coordinates) -> Self {
        Self {
            lat: c.lat,
            lon: c.lon,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MigrationContextJson {
    /// One of: frontera_norte, frontera_sur, transito, punto_repatriacion_inm,
    /// oficina_comar, integracion_local_acnur, retorno_mpp.
    pub context: String,
    pub detail: String,
    #[serde(flatten)]
    pub provenance: Sources,
}

impl From<ContextEntry> for MigrationContextJson {
    fn from(entry: ContextEntry) -> Self {
        Self {
            context: entry.context.context.slug().to_owned(),
            provenance: (&entry.context.provenance).into(),
            detail: entry.context.detail,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityJson {
    /// INEGI geostatistical key, five digits ("07089").
    #[schema(example = "07089")]
    pub cvegeo: String,
    /// INEGI state key.
    pub state: String,
    pub name: String,
    /// Seat locality (cabecera); null for Mexico City's boroughs.
    pub seat_name: Option<String>,
    /// 2020 census; null for municipalities created after it ("sin dato").
    pub population: Option<u64>,
    pub inhabited_dwellings: Option<u64>,
    pub metropolitan_area: Option<String>,
    /// Seat coordinates (WGS84); null where unknown.
    pub seat: Option<PointJson>,
    /// Present on the detail route only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration_contexts: Option<Vec<MigrationContextJson>>,
}

impl From<Municipality> for MunicipalityJson {
    fn from(m: Municipality) -> Self {
        Self {
            cvegeo: m.cvegeo.to_string(),
            state: m.state_key.to_string(),
            name: m.name,
            seat_name: m.seat_name,
            population: m.population,
            inhabited_dwellings: m.dwellings,
            metropolitan_area: m.metro_area,
            seat: m.seat.map(Into::into),
            migration_contexts: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationJson {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    /// Organization type slug, e.g. albergue, gobierno_federal.
    pub kind: String,
    /// local, nacional, regional or global.
    pub scope: String,
    /// INEGI state key of the seat, if known.
    pub state: Option<String>,
    /// CVEGEO of the seat, if known.
    pub municipality: Option<String>,
    /// One of the eight organizers of the founding webinar of 10 November 2020.
    pub founding_organizer: bool,
    pub description: String,
    #[serde(flatten)]
    pub directory: DirectoryJson,
    #[serde(flatten)]
    pub provenance: Sources,
}

/// Places served: whole municipalities (CVEGEO) and whole states (INEGI key).
#[derive(Serialize, ToSchema, Default)]
pub struct TerritoriesJson {
    pub municipalities: Vec<String>,
    pub states: Vec<String>,
}

impl TerritoriesJson {
    pub fn of(territories: &[Territory]) -> Self {
        let mut json = Self::default();
        for territory in territories {
            match territory {
                Territory::Municipality(m) => json.municipalities.push(m.to_string()),
                Territory::State(s) => json.states.push(s.to_string()),
            }
        }
        json
    }
}

/// An organization's directory entry.
#[derive(Serialize, ToSchema, Default)]
pub struct DirectoryJson {
    /// Sector slugs it works in, e.g. salud, alojamiento.
    pub sectors: Vec<String>,
    /// Where it works besides its seat.
    pub territories: TerritoriesJson,
    pub website: Option<String>,
    /// The organization's own contact (office phone, general email).
    pub contact: Option<String>,
    /// Founding year (or the year it began this work).
    pub founded: Option<i16>,
    /// When a moderator last checked the entry; null if never.
    pub verified_at: Option<String>,
}

impl From<DirectoryEntry> for DirectoryJson {
    fn from(e: DirectoryEntry) -> Self {
        Self {
            sectors: e.sectors.iter().map(|s| s.slug().to_owned()).collect(),
            territories: TerritoriesJson::of(&e.territories),
            website: e.website,
            contact: e.contact,
            founded: e.founded,
            verified_at: e.verified_at.map(|t| t.to_string()),
        }
    }
}

impl OrganizationJson {
    /// The organization with its directory entry (`None`: an empty entry).
    pub fn new(o: Organization, entry: Option<DirectoryEntry>) -> Self {
        Self {
            directory: entry.map(Into::into).unwrap_or_default(),
            id: o.id,
            provenance: (&o.provenance).into(),
            name: o.name,
            acronym: o.acronym,
            kind: o.kind.slug().to_owned(),
            scope: o.scope.slug().to_owned(),
            state: o.state_key.map(|k| k.to_string()),
            municipality: o.cvegeo.map(|k| k.to_string()),
            founding_organizer: o.founding_organizer,
            description: o.description,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TextJson {
    pub es: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventSummaryJson {
    pub id: Uuid,
    pub slug: String,
    /// webinario, taller, visita_campo or reunion.
    pub kind: String,
    pub title: TextJson,
    /// RFC 3339, UTC.
    #[schema(example = "2020-11-10T18:00:00Z")]
    pub starts_at: String,
    pub ends_at: String,
    /// The organizer's IANA time zone.
    pub time_zone: String,
    /// The slug of the working group that holds it.
    pub working_group: Option<String>,
}

fn schedule_fields(s: &Schedule) -> (String, String, String) {
    (
        s.starts_at.to_string(),
        s.ends_at.to_string(),
        s.time_zone.clone(),
    )
}

impl From<EventSummary> for EventSummaryJson {
    fn from(e: EventSummary) -> Self {
        let (starts_at, ends_at, time_zone) = schedule_fields(&e.schedule);
        Self {
            id: e.id,
            slug: e.slug,
            kind: e.kind.slug().to_owned(),
            title: TextJson {
                es: e.title.es,
                en: e.title.en,
            },
            starts_at,
            ends_at,
            time_zone,
            working_group: e.working_group,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationRefJson {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EventLinkJson {
    /// transmision, grabacion or anuncio.
    pub kind: String,
    pub url: String,
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventJson {
    pub id: Uuid,
    pub slug: String,
    pub kind: String,
    pub title: TextJson,
    pub description: TextJson,
    #[schema(example = "2020-11-10T18:00:00Z")]
    pub starts_at: String,
    pub ends_at: String,
    pub time_zone: String,
    pub organizers: Vec<OrganizationRefJson>,
    pub guiding_questions: Vec<TextJson>,
    pub links: Vec<EventLinkJson>,
    /// Places; null: no limit.
    pub capacity: Option<u32>,
    pub agenda: Vec<AgendaItemJson>,
    /// The slug of the working group that holds it.
    pub working_group: Option<String>,
    #[serde(flatten)]
    pub provenance: Sources,
}

/// One agenda item; `time` is "HH:MM" in the event's zone.
#[derive(Serialize, ToSchema)]
pub struct AgendaItemJson {
    pub time: String,
    pub title: String,
    pub speakers: Vec<String>,
}

impl From<Event> for EventJson {
    fn from(e: Event) -> Self {
        let (starts_at, ends_at, time_zone) = schedule_fields(&e.schedule);
        Self {
            id: e.id,
            provenance: (&e.provenance).into(),
            slug: e.slug,
            kind: e.kind.slug().to_owned(),
            title: TextJson {
                es: e.title.es,
                en: e.title.en,
            },
            description: TextJson {
                es: e.description.es,
                en: e.description.en,
            },
            starts_at,
            ends_at,
            time_zone,
            organizers: e
                .organizers
                .into_iter()
                .map(|o| OrganizationRefJson {
                    id: o.id,
                    name: o.name,
                    acronym: o.acronym,
                })
                .collect(),
            guiding_questions: e
                .guiding_questions
                .into_iter()
                .map(|q| TextJson { es: q.es, en: q.en })
                .collect(),
            links: e
                .links
                .into_iter()
                .map(|l| EventLinkJson {
                    kind: l.kind.slug().to_owned(),
                    url: l.url,
                    label: l.label,
                })
                .collect(),
            capacity: e.capacity,
            working_group: e.working_group.map(|g| g.slug),
            agenda: e
                .agenda
                .into_iter()
                .map(|a| AgendaItemJson {
                    time: a.time,
                    title: a.title,
                    speakers: a.speakers,
                })
                .collect(),
        }
    }
}
