//! `acoge demo-corpus`: realistic, plainly fictitious organizations and
//! published practices for search benchmarks and load tests.
//!
//! The generator is pure: given the places, organizations and provisions
//! read from the database and a seed, it always produces the same corpus
//! (`run` does the reading and writing). Texts are composed from the
//! project's vocabularies in Spanish, or English for about one practice in
//! seven; every practice passes `PracticeInput::validate`.

mod rng;
mod run;
mod text;
mod words;

pub use run::{check_sizes, run};

use acoge_domain::{
    Cvegeo, Provenance,
    dates::PartialDate,
    organization::{Organization, OrganizationKind, Scope},
    practice::{ImplementationStatus, Population, PracticeContent, PracticeInput, Section, Sector},
    taxonomy::{GovernmentLevel, MigrationContext, Right},
};
use acoge_web::group_thousands;
use rng::Rng;
use std::collections::{BTreeMap, HashSet};
use text::{Slots, capitalized, contract, fill};
use uuid::Uuid;
use words::{Language, pick_lang};

/// A municipality practices and organizations may be placed in.
#[derive(Debug, Clone)]
pub struct Place {
    pub cvegeo: Cvegeo,
    pub name: String,
    pub state_name: String,
    pub population: Option<u64>,
    pub contexts: Vec<MigrationContext>,
}

/// A legal provision a practice may cite, with the rights it names.
#[derive(Debug, Clone)]
pub struct KnownProvision {
    pub id: Uuid,
    pub rights: Vec<Right>,
}

/// What the generator draws from: the database's own records.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub places: Vec<Place>,
    /// Organizations already in the directory (reference data, earlier corpora).
    pub organizations: Vec<Uuid>,
    pub provisions: Vec<KnownProvision>,
}

/// One generated practice: a slug that says it is demo data, and its content.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPractice {
    pub slug: String,
    pub content: PracticeContent,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database has no municipalities to place demo records in")]
    NoPlaces,
    #[error("demo practices need at least one demo organization to lead them")]
    NoOrganizations,
    /// A bug in the generator: what it wrote does not pass validation.
    #[error("generated practice {index} does not validate: {field}: {problem}")]
    Invalid {
        index: u32,
        field: &'static str,
        problem: String,
    },
}

/// The founding webinar, 10 November 2020 18:00 UTC: the instant demo
/// organization ids count from, so that the ids are ordered UUIDv7 and yet
/// the same for the same seed.
const ID_EPOCH_MILLIS: u64 = 1_605_031_200_000;
/// The year "until now" stands for in results.
const DATA_YEAR: i16 = 2025;
/// Streams of the seed: one for organizations, one for practices.
const ORGANIZATION_STREAM: u64 = 1;
const PRACTICE_STREAM: u64 = 2;

pub struct Generator {
    seed: u64,
    inputs: Inputs,
    /// Running totals of the places' weights, for weighted draws.
    cumulative: Vec<u64>,
    organizations: Vec<Organization>,
    /// The seat of each generated organization, as an index of `inputs.places`.
    seats: Vec<Option<usize>>,
    rng: Rng,
}

/// How much a place attracts demo records: migration contexts dominate
/// (border, transit and reception cities are where the practices are), then
/// population.
fn weight(place: &Place) -> u64 {
    let people = place.population.unwrap_or(1_000) as f64;
    let base = 1 + (people.sqrt() / 50.0) as u64;
    match place.contexts.len() as u64 {
        0 => base,
        contexts => base + 150 * (contexts + 1),
    }
}

impl Generator {
    /// Prepares a corpus and generates its `organizations` organizations.
    pub fn new(seed: u64, inputs: Inputs, organizations: u32) -> Result<Self, DemoError> {
        if inputs.places.is_empty() {
            return Err(DemoError::NoPlaces);
        }
        let mut total = 0;
        let cumulative = inputs
            .places
            .iter()
            .map(|p| {
                total += weight(p);
                total
            })
            .collect();
        let mut generator = Self {
            seed,
            inputs,
            cumulative,
            organizations: Vec::new(),
            seats: Vec::new(),
            rng: Rng::new(seed, PRACTICE_STREAM),
        };
        generator.generate_organizations(organizations);
        Ok(generator)
    }

    /// The generated organizations, in order.
    pub fn organizations(&self) -> &[Organization] {
        &self.organizations
    }

    /// The slug of practice `index` (from 0): says what it is, and lets a
    /// second run with the same seed be detected.
    pub fn slug(&self, index: u32) -> String {
        format!("demo-s{}-{:06}", self.seed, u64::from(index) + 1)
    }

    fn generate_organizations(&mut self, count: u32) {
        let mut rng = Rng::new(self.seed, ORGANIZATION_STREAM);
        let mut names = HashSet::new();
        let cumulative_kinds: Vec<u64> = words::KINDS
            .iter()
            .scan(0, |total, (_, percent)| {
                *total += *percent as u64;
                Some(*total)
            })
            .collect();
        for index in 0..count {
            let kind = words::KINDS[rng.weighted(&cumulative_kinds)].0;
            let government = matches!(
                kind,
                OrganizationKind::MunicipalGovernment
                    | OrganizationKind::StateGovernment
                    | OrganizationKind::AutonomousBody
            );
            let international = matches!(
                kind,
                OrganizationKind::InternationalNgo
                    | OrganizationKind::InternationalCooperation
                    | OrganizationKind::InternationalOrganization
            );
            // Governments spread over every municipality (one town hall each),
            // the others gather where migration is.
            let seat = if government {
                Some(rng.below(self.inputs.places.len()))
            } else if international && rng.chance(50) {
                None
            } else {
                Some(rng.weighted(&self.cumulative))
            };
            let place = seat.map(|i| &self.inputs.places[i]);
            let (prefixes, by_place) = words::name_prefixes(kind);
            let prefix = rng.pick(prefixes);
            let core = rng.pick(&words::NAME_CORES);
            let base = match place {
                Some(p) if kind == OrganizationKind::StateGovernment => {
                    format!("{prefix} {}", p.state_name)
                }
                Some(p) if by_place => format!("{prefix} {}", p.name),
                Some(p) if rng.chance(55) => format!("{prefix} {core} de {}", p.name),
                _ => format!("{prefix} {core}"),
            };
            // Names are unique in the directory; the seed in the mark keeps
            // corpora of different seeds apart.
            let mut name = format!("{base} (demo s{})", self.seed);
            let mut n = 2;
            while !names.insert(name.clone()) {
                name = format!("{base} {n} (demo s{})", self.seed);
                n += 1;
            }
            let acronym = (!government && rng.chance(30))
                .then(|| {
                    format!("{prefix} {core}")
                        .split_whitespace()
                        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
                        .collect::<String>()
                })
                .filter(|a| a.chars().count() >= 2);
            let scope = match kind {
                _ if international => *rng.pick(&[Scope::Global, Scope::Regional]),
                OrganizationKind::CivilSocietyNetwork => {
                    *rng.pick(&[Scope::National, Scope::Regional])
                }
                OrganizationKind::Foundation | OrganizationKind::Academia => {
                    *rng.pick(&[Scope::National, Scope::Local])
                }
                _ if government => Scope::Local,
                _ if rng.chance(85) => Scope::Local,
                _ => Scope::National,
            };
            let sector = *rng.pick(Sector::ALL);
            let population = *rng.pick(Population::ALL);
            let mut description = String::from(words::kind_description(kind));
            match place {
                Some(p) => description.push_str(&format!(" en {}, {}.", p.name, p.state_name)),
                None => description.push_str(" con presencia en varios estados."),
            }
            description.push_str(&format!(
                " Trabaja en {} con {}. Registro ficticio generado automáticamente \
                 para pruebas (datos de demostración).",
                rng.pick(words::sector(sector)).0,
                words::population(population).0,
            ));
            let mut random = [0u8; 10];
            random[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            random[8..].copy_from_slice(&rng.next_u64().to_le_bytes()[..2]);
            let id = uuid::Builder::from_unix_timestamp_millis(
                ID_EPOCH_MILLIS + u64::from(index),
                &random,
            )
            .into_uuid();
            self.organizations.push(Organization {
                id,
                name,
                acronym,
                kind,
                scope,
                state_key: place.map(|p| p.cvegeo.state()),
                cvegeo: place
                    .filter(|_| kind != OrganizationKind::StateGovernment)
                    .map(|p| p.cvegeo.clone()),
                founding_organizer: false,
                description,
                provenance: Provenance {
                    // `.invalid` is reserved (RFC 2606): it never resolves.
                    sources: vec![format!(
                        "https://demo.invalid/s{}/organizaciones/{}",
                        self.seed,
                        index + 1
                    )],
                    verified: false,
                },
            });
            self.seats.push(seat);
        }
    }

    /// Generates practice `index` (from 0). Practices must be asked for in
    /// order, from 0, for a seed to give the same corpus.
    pub fn practice(&mut self, index: u32) -> Result<DemoPractice, DemoError> {
        if self.organizations.is_empty() {
            return Err(DemoError::NoOrganizations);
        }
        let rng = &mut self.rng;
        let places = &self.inputs.places;
        let language = if rng.chance(15) {
            Language::English
        } else {
            Language::Spanish
        };
        let lang = |pair| pick_lang(pair, language);

        // Who leads, and where: mostly at the lead's seat.
        let lead = rng.below(self.organizations.len());
        let primary = match self.seats[lead] {
            Some(seat) if rng.chance(70) => seat,
            _ => rng.weighted(&self.cumulative),
        };
        let mut municipalities = vec![primary];
        if rng.chance(20) {
            for _ in 0..rng.between(1, 2) {
                municipalities.push(rng.weighted(&self.cumulative));
            }
        }
        let place = &places[primary];
        let context = (!place.contexts.is_empty()).then(|| *rng.pick(&place.contexts));

        // What and for whom.
        let sector_count = [1, 1, 1, 2, 2, 3][rng.below(6)];
        let mut sectors: Vec<Sector> = rng
            .distinct(Sector::ALL.len(), sector_count)
            .into_iter()
            .map(|i| Sector::ALL[i])
            .collect();
        if sectors.is_empty() {
            sectors.push(Sector::Others);
        }
        let first_population = match context {
            Some(MigrationContext::SouthernBorder) | Some(MigrationContext::TransitRoute) => *rng
                .pick(&[
                    Population::InTransit,
                    Population::AsylumSeekers,
                    Population::UnaccompaniedChildren,
                ]),
            Some(MigrationContext::NorthernBorder)
            | Some(MigrationContext::RepatriationPoint)
            | Some(MigrationContext::MppReturns) => *rng.pick(&[
                Population::Returnees,
                Population::AsylumSeekers,
                Population::InTransit,
            ]),
            Some(MigrationContext::ComarOffice) => Population::AsylumSeekers,
            Some(MigrationContext::UnhcrLocalIntegration) => Population::Refugees,
            None => *rng.pick(Population::ALL),
        };
        let mut populations = vec![first_population];
        for _ in 0..rng.below(3) {
            populations.push(*rng.pick(Population::ALL));
        }
        let mut rights: Vec<Right> = sectors
            .iter()
            .map(|s| *rng.pick(words::sector_rights(*s)))
            .collect();
        if rng.chance(15) {
            rights.push(Right::NonDiscrimination);
        }
        let mut levels = Vec::new();
        for (level, percent) in [
            (GovernmentLevel::Municipal, 75),
            (GovernmentLevel::State, 40),
            (GovernmentLevel::Federal, 25),
        ] {
            if rng.chance(percent) {
                levels.push(level);
            }
        }
        if levels.is_empty() {
            levels.push(GovernmentLevel::Municipal);
        }
        let mut objectives = vec![
            *rng.pick(words::sector_objectives(sectors[0])),
            *rng.pick(words::population_objectives(first_population)),
        ];
        if rng.chance(30) {
            objectives.push(rng.between(1, 23) as u8);
        }

        // With whom: demo organizations mostly, sometimes one of the directory's.
        let partner_count = [0, 0, 1, 1, 1, 2, 2, 2, 3, 4][rng.below(10)];
        let mut partners = Vec::new();
        let mut partner_names = Vec::new();
        for _ in 0..partner_count {
            if !self.inputs.organizations.is_empty() && rng.chance(20) {
                partners.push(*rng.pick(&self.inputs.organizations));
            } else {
                let other = rng.below(self.organizations.len());
                if other != lead {
                    partners.push(self.organizations[other].id);
                    // Only demo organizations are named in the narrative, so
                    // nothing invented is said of a real one.
                    partner_names.push(self.organizations[other].name.as_str());
                }
            }
        }
        let proposed = rng.chance(8).then(|| match language {
            Language::Spanish => format!("Comité vecinal de {} (demo)", place.name),
            Language::English => format!("Neighbourhood committee of {} (demo)", place.name),
        });
        let contact = match rng.below(20) {
            0..10 => Some(self.organizations[lead].id),
            10..13 => partners.first().copied(),
            _ => None,
        };
        let provisions: Vec<Uuid> = if rng.chance(40) {
            let fitting: Vec<Uuid> = self
                .inputs
                .provisions
                .iter()
                .filter(|p| p.rights.iter().any(|r| rights.contains(r)))
                .map(|p| p.id)
                .collect();
            let count = rng.between(1, 2) as usize;
            rng.distinct(fitting.len(), count)
                .into_iter()
                .map(|i| fitting[i])
                .collect()
        } else {
            Vec::new()
        };

        // When, and how it stands.
        let start_year = [
            2014, 2016, 2017, 2018, 2018, 2019, 2019, 2020, 2020, 2021, 2021,
        ][rng.below(11)]
            + rng.below(4) as i16;
        let start = partial_date(rng, start_year);
        let status = match rng.below(20) {
            0..9 => ImplementationStatus::Ongoing,
            9..16 => ImplementationStatus::Completed,
            16..18 => ImplementationStatus::Suspended,
            _ => ImplementationStatus::Unknown,
        };
        let end = match status {
            ImplementationStatus::Completed => Some(start_year + 1 + rng.below(3) as i16),
            ImplementationStatus::Suspended if rng.chance(50) => Some(start_year + 1),
            _ => None,
        }
        .map(|year| partial_date(rng, year.min(DATA_YEAR)));
        let covid19 = start_year <= 2021 && end.is_none_or(|e| e.year >= 2020) && rng.chance(45);

        // The words.
        let action = *rng.pick(&words::ACTIONS);
        let sector_phrase = |rng: &mut Rng, s: Sector| lang(*rng.pick(words::sector(s))).to_owned();
        let first_sector = sector_phrase(rng, sectors[0]);
        let second_sector = match sectors.get(1) {
            Some(s) => sector_phrase(rng, *s),
            None => {
                let any = *rng.pick(Sector::ALL);
                sector_phrase(rng, any)
            }
        };
        let second_population = *populations.last().unwrap_or(&first_population);
        let objective = objectives[0];
        let objective_label = lang(words::OBJECTIVES[usize::from(objective - 1)]);
        let lead_name = self.organizations[lead].name.clone();
        let (and, fallback) = match language {
            Language::Spanish => (" y ", "organizaciones locales"),
            Language::English => (" and ", "local organizations"),
        };
        let partners_text = match partner_names.split_last() {
            None => fallback.to_owned(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{}{and}{last}", rest.join(", ")),
        };
        let (action_noun, an_action) = match language {
            Language::Spanish => (action.0.to_owned(), format!("{} {}", action.1, action.0)),
            Language::English => {
                let article = if action.2.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                (action.2.to_owned(), format!("{article} {}", action.2))
            }
        };
        let end_year = end.map_or(DATA_YEAR, |e| e.year);
        let slots = Slots {
            place: place.name.clone(),
            state: place.state_name.clone(),
            context: lang(words::context(context)).to_owned(),
            population: lang(words::population(first_population)).to_owned(),
            population2: lang(words::population(second_population)).to_owned(),
            sector: first_sector,
            sector2: second_sector,
            action_cap: capitalized(&action_noun),
            action: action_noun,
            an_action_cap: capitalized(&an_action),
            an_action,
            lead: lead_name,
            partner: partner_names
                .first()
                .map_or_else(|| fallback.to_owned(), |n| (*n).to_owned()),
            partners: partners_text,
            levels: lang(words::levels(&levels)).to_owned(),
            right: lang(words::right(rights[0])).to_owned(),
            objective: match language {
                Language::Spanish => format!(
                    "objetivo {objective} del Pacto Mundial para la Migración ({objective_label})"
                ),
                Language::English => format!(
                    "objective {objective} of the Global Compact for Migration ({objective_label})"
                ),
            },
            year: start_year.to_string(),
            year0: (start_year - 1).to_string(),
            year_end: end_year.to_string(),
            n1: group_thousands(u64::from(rng.between(80, 12_000))),
            n2: group_thousands(u64::from(rng.between(20, 900))),
            n3: rng.between(4, 60).to_string(),
            pct: rng.between(35, 70).to_string(),
            money: group_thousands(u64::from(rng.between(15, 400)) * 10_000),
            weeks: rng.between(3, 8).to_string(),
            weekly: rng.between(2, 5).to_string(),
            score: format!("{}.{}", rng.between(7, 9), rng.below(10)),
        };

        let mut title = String::new();
        fill(&mut title, lang(*rng.pick(&text::TITLES)), &slots);
        let mut summary = String::new();
        fill(&mut summary, text::summary_opening(language), &slots);
        let collaboration = if partner_names.is_empty() {
            text::summary_levels(language)
        } else {
            text::summary_partners(language)
        };
        fill(&mut summary, collaboration, &slots);
        fill(&mut summary, text::summary_aim(language), &slots);
        if rng.chance(60) {
            fill(&mut summary, text::summary_results(language), &slots);
        }
        if covid19 {
            fill(&mut summary, text::summary_covid(language), &slots);
        }
        summary.push_str(text::demo_notice(language));
        contract(language, &mut title);
        contract(language, &mut summary);

        let mut sections = BTreeMap::new();
        for section in Section::ALL {
            if !text::CORE_SECTIONS.contains(section) && !rng.chance(50) {
                continue;
            }
            let templates = text::sentences(*section);
            let mut body = String::new();
            let count = rng.between(2, 4) as usize;
            for i in rng.distinct(templates.len(), count) {
                if !body.is_empty() {
                    body.push(' ');
                }
                fill(&mut body, lang(templates[i]), &slots);
            }
            contract(language, &mut body);
            sections.insert(section.slug().to_owned(), body);
        }
        let mut covid19_how = String::new();
        if covid19 {
            fill(&mut covid19_how, lang(*rng.pick(&text::COVID)), &slots);
        }
        let mut results = String::new();
        if rng.chance(50) {
            fill(&mut results, lang(*rng.pick(&text::RESULTS)), &slots);
        }
        let mut resources = String::new();
        if rng.chance(40) {
            fill(&mut resources, lang(*rng.pick(&text::RESOURCES)), &slots);
        }
        let evidence = (0..rng.below(3))
            .map(|k| {
                format!(
                    "https://demo.invalid/s{}/practicas/{}/evidencia-{}",
                    self.seed,
                    u64::from(index) + 1,
                    k + 1
                )
            })
            .collect();

        // Through the same validation as a form, so the corpus holds only
        // what a person could have entered.
        let input = PracticeInput {
            title,
            summary,
            sections,
            municipalities: municipalities
                .iter()
                .map(|&i| places[i].cvegeo.to_string())
                .collect(),
            lead_organization: self.organizations[lead].id.to_string(),
            partners: partners.iter().map(Uuid::to_string).collect(),
            proposed_partners: proposed.into_iter().collect(),
            levels_of_government: levels.iter().map(|l| l.slug().to_owned()).collect(),
            rights: rights.iter().map(|r| r.slug().to_owned()).collect(),
            sectors: sectors.iter().map(|s| s.slug().to_owned()).collect(),
            populations: populations.iter().map(|p| p.slug().to_owned()).collect(),
            gcm_objectives: objectives.iter().map(u8::to_string).collect(),
            covid19,
            covid19_how,
            legal_basis: provisions.iter().map(Uuid::to_string).collect(),
            start_date: start.to_string(),
            end_date: end.map(|e| e.to_string()).unwrap_or_default(),
            implementation_status: status.slug().to_owned(),
            results,
            resources,
            evidence,
            contact_organization: contact.map(|c| c.to_string()).unwrap_or_default(),
        };
        let content = input.validate().map_err(|errors| {
            let (field, problem) = errors
                .first()
                .map_or(("?", String::new()), |e| (e.field, e.problem.to_string()));
            DemoError::Invalid {
                index,
                field,
                problem,
            }
        })?;
        Ok(DemoPractice {
            slug: self.slug(index),
            content,
        })
    }
}

/// A date in `year` given to the year, the month or the day, as sources do.
fn partial_date(rng: &mut Rng, year: i16) -> PartialDate {
    let month = (!rng.chance(40)).then(|| rng.between(1, 12) as u8);
    let day = month
        .filter(|_| rng.chance(40))
        .map(|_| rng.between(1, 28) as u8);
    PartialDate { year, month, day }
}

#[cfg(test)]
mod tests;
