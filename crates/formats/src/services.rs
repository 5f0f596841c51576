//! The services file format (`servicios_migrantes.csv`): one organization per
//! row with the categories of service it offers, read into validated
//! `DirectoryData`. Everything is checked before anything is stored, and each
//! error names file, line and column.
//!
//! Mapping decisions (see ARCHITECTURE.md, "Directory"):
//! - `tipo`: every `OrganizationKind` slug, plus the file's own words
//!   `comedor` → `albergue` (the kind groups humanitarian aid houses; what a
//!   place offers is in its services, so a comedor has no lodging service),
//!   `religiosa` → `organizacion_religiosa`, `salud` → `ong_internacional`
//!   (its only row is Médicos Sin Fronteras; health is a sector, not a kind).
//! - `servicios`: one service per category, each with one `Sector`;
//!   `documentacion` → legal aid (the "legal aid and documentation"),
//!   `orientacion` → others (information and referral is no particular sector;
//!   calling it integration would claim more than the source does).
//! - A row without `cvegeo` (Mexico City rows carry only the state; national
//!   organizations carry neither) records its categories as the
//!   organization's sectors and its state as the territory it serves, but no
//!   located service: the source does not say where the service is, and
//!   placing it at a seat would invent a fact. The record's `notes` say so.
//! - Closures: the optional column `cerrado` (si/no) closes a row's services
//!   with `notas` as the closure note. `notas` is never scanned for words like
//!   "cerró": in the shipped file those words describe offices elsewhere or
//!   a move, not the row's own place.

use crate::{
    FormatError,
    csv_rows::{CsvFile, Row},
};
use acoge_domain::{
    Cvegeo, Provenance, StateKey,
    directory::{
        DirectoryData, DirectoryEntry, DirectoryRecord, Territory, check_unique_names,
        parse_founded,
    },
    organization::{Organization, OrganizationKind, Scope},
    practice::{Population, Sector},
    provenance::is_web_address,
    reference::ReferenceData,
    service::ServiceInput,
};
use std::collections::HashSet;
use uuid::Uuid;

/// The shipped file's name, as errors name it.
pub const SERVICES_FILE: &str = "servicios_migrantes.csv";

/// The shipped services file, compiled into the binary.
pub fn embedded_services() -> &'static str {
    include_str!("../../../data/servicios_migrantes.csv")
}

const COLUMNS: [&str; 14] = [
    "nombre",
    "siglas",
    "tipo",
    "municipio",
    "estado",
    "cve_ent",
    "cvegeo",
    "servicios",
    "poblaciones",
    "anio_fundacion",
    "sitio_web",
    "verificado",
    "fuente",
    "notas",
];

/// The places a row may name: those of the reference data set.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub states: HashSet<StateKey>,
    pub municipalities: HashSet<Cvegeo>,
}

impl Places {
    pub fn of(reference: &ReferenceData) -> Self {
        Self {
            states: reference.states.iter().map(|s| s.key.clone()).collect(),
            municipalities: reference
                .municipalities
                .iter()
                .map(|m| m.cvegeo.clone())
                .collect(),
        }
    }
}

/// A category of the `servicios` column: its label (the service's name) and sector.
fn category(value: &str) -> Result<(&'static str, Sector), String> {
    Ok(match value {
        "alojamiento" => ("Alojamiento", Sector::HousingShelter),
        "alimentacion" => ("Alimentación", Sector::Food),
        "asesoria_juridica" => ("Asesoría jurídica", Sector::LegalAid),
        "atencion_medica" => ("Atención médica", Sector::Health),
        "salud_mental" => ("Salud mental", Sector::MentalHealth),
        "educacion" => ("Educación", Sector::Education),
        "empleo" => ("Empleo", Sector::Employment),
        "orientacion" => ("Orientación", Sector::Others),
        "integracion" => ("Integración", Sector::IntegrationCulture),
        "documentacion" => ("Documentación", Sector::LegalAid),
        "proteccion_infancia" => ("Protección de la infancia", Sector::ChildProtection),
        other => {
            return Err(format!(
                "{other:?} is not a known service category; expected one of: alojamiento, \
                 alimentacion, asesoria_juridica, atencion_medica, salud_mental, educacion, \
                 empleo, orientacion, integracion, documentacion, proteccion_infancia"
            ));
        }
    })
}

/// `tipo`: a kind's slug or one of the file's own words (see the module doc).
fn organization_kind(value: &str) -> Result<OrganizationKind, String> {
    match value {
        "comedor" => Ok(OrganizationKind::Shelter),
        "religiosa" => Ok(OrganizationKind::FaithBased),
        "salud" => Ok(OrganizationKind::InternationalNgo),
        other => OrganizationKind::parse(other).map_err(|e| e.to_string()),
    }
}

/// A list cell separated by ';'; empty is an empty list.
fn list<'a>(row: &'a Row<'_>, column: &str) -> impl Iterator<Item = &'a str> {
    row.text(column)
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The CSV column that holds a `ServiceInput` field.
fn column_of(field: &str) -> &'static str {
    match field {
        "location" => "cvegeo",
        "populations" => "poblaciones",
        "sources" => "fuente",
        "closure_note" => "notas",
        "name" | "sectors" => "servicios",
        _ => "nombre",
    }
}

fn this_year() -> i16 {
    acoge_domain::Timestamp::today().year()
}

fn parse_row(row: &Row<'_>, places: &Places) -> Result<DirectoryRecord, FormatError> {
    let name = row.required("nombre")?.to_owned();
    let kind = row.parse_with("tipo", organization_kind)?;
    let cvegeo = match row.text("cvegeo") {
        "" => None,
        _ => {
            let key = row.parse_with("cvegeo", Cvegeo::parse)?;
            if !places.municipalities.contains(&key) {
                return Err(row.error(
                    "cvegeo",
                    format!("municipality {key} is not in mx_municipios.csv"),
                ));
            }
            Some(key)
        }
    };
    let state_key = match (row.text("cve_ent"), &cvegeo) {
        ("", municipality) => municipality.as_ref().map(Cvegeo::state),
        _ => {
            let key = row.parse_with("cve_ent", StateKey::parse)?;
            if !places.states.contains(&key) {
                return Err(row.error("cve_ent", format!("state {key} is not in mx_estados.csv")));
            }
            Some(key)
        }
    };
    if let (Some(state), Some(municipality)) = (&state_key, &cvegeo)
        && municipality.state() != *state
    {
        return Err(row.error("cvegeo", format!("is not in state {state}")));
    }
    let mut categories = Vec::new();
    for value in list(row, "servicios") {
        let found = category(value).map_err(|e| row.error("servicios", e))?;
        if !categories.contains(&found) {
            categories.push(found);
        }
    }
    let populations = list(row, "poblaciones")
        .map(|v| Population::parse(v).map_err(|e| row.error("poblaciones", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let founded = match row.text("anio_fundacion") {
        "" => None,
        value => Some(
            parse_founded(value)
                .filter(|year| *year <= this_year())
                .ok_or_else(|| {
                    row.error("anio_fundacion", format!("{value:?} is not a past year"))
                })?,
        ),
    };
    let website = match row.text("sitio_web") {
        "" => None,
        value if is_web_address(value) => Some(value.to_owned()),
        value => {
            return Err(row.error(
                "sitio_web",
                format!("{value:?} is not an http or https address"),
            ));
        }
    };
    let verified = row.yes_no("verificado")?;
    let provenance =
        Provenance::parse(row.text("fuente"), verified).map_err(|e| row.error("fuente", e))?;
    let notes_text = row.text("notas").to_owned();
    let closed = match row.text("cerrado") {
        "" => false,
        _ => row.yes_no("cerrado")?,
    };

    let organization = Organization {
        id: Uuid::now_v7(),
        name,
        acronym: row.optional("siglas"),
        kind,
        // A row that names a place works there; one that names none is national.
        scope: if state_key.is_some() {
            Scope::Local
        } else {
            Scope::National
        },
        state_key: state_key.clone(),
        cvegeo: cvegeo.clone(),
        founding_organizer: false,
        description: notes_text.clone(),
        provenance: provenance.clone(),
    };
    let mut sectors: Vec<Sector> = categories.iter().map(|(_, sector)| *sector).collect();
    sectors.sort();
    sectors.dedup();
    let territories = match (&cvegeo, &state_key) {
        (Some(municipality), _) => vec![Territory::Municipality(municipality.clone())],
        (None, Some(state)) => vec![Territory::State(state.clone())],
        (None, None) => Vec::new(),
    };
    let mut services = Vec::new();
    let mut notes = Vec::new();
    match &cvegeo {
        Some(municipality) => {
            for (label, sector) in &categories {
                let input = ServiceInput {
                    organization_id: organization.id.to_string(),
                    name: (*label).to_owned(),
                    sectors: vec![sector.slug().to_owned()],
                    populations: populations.iter().map(|p| p.slug().to_owned()).collect(),
                    cvegeo: municipality.to_string(),
                    status: if closed { "cerrado" } else { "" }.to_owned(),
                    closure_note: if closed {
                        notes_text.clone()
                    } else {
                        String::new()
                    },
                    sources: provenance.sources.clone(),
                    verified,
                    ..Default::default()
                };
                let service = input.validate().map_err(|errors| {
                    let first = &errors[0];
                    row.error(column_of(first.field), first)
                })?;
                services.push(service);
            }
        }
        None if !categories.is_empty() => notes.push(format!(
            "line {}: no municipality given, so its services are recorded as the \
             organization's sectors{}",
            row.line(),
            state_key
                .as_ref()
                .map(|s| format!(" in state {s}"))
                .unwrap_or_default()
        )),
        None => {}
    }
    Ok(DirectoryRecord {
        organization,
        entry: DirectoryEntry {
            sectors,
            territories,
            website,
            founded,
            ..Default::default()
        },
        services,
        notes,
    })
}

/// Parses a services file named `file` (as errors name it) against the known places.
pub fn parse_services(
    file: &str,
    text: &str,
    places: &Places,
) -> Result<DirectoryData, FormatError> {
    let csv = CsvFile::parse(file, text, &COLUMNS)?;
    let rows: Vec<Row<'_>> = csv.rows().collect();
    let records = rows
        .iter()
        .map(|row| parse_row(row, places))
        .collect::<Result<Vec<_>, _>>()?;
    if let Err((first, second, error)) = check_unique_names(records.iter().map(|r| &r.organization))
    {
        return Err(rows[second].error(
            "nombre",
            format!(
                "{}: the row on line {} has the same name in the same place",
                error.problem,
                rows[first].line()
            ),
        ));
    }
    Ok(DirectoryData { records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_domain::service::ServiceStatus;

    const HEADER: &str = "nombre,siglas,tipo,municipio,estado,cve_ent,cvegeo,servicios,poblaciones,anio_fundacion,sitio_web,verificado,fuente,notas";

    fn places() -> Places {
        Places {
            states: ["02", "07", "09"]
                .iter()
                .map(|k| StateKey::parse(k).unwrap())
                .collect(),
            municipalities: ["02004", "07089"]
                .iter()
                .map(|k| Cvegeo::parse(k).unwrap())
                .collect(),
        }
    }

    fn parse(rows: &[&str]) -> Result<DirectoryData, FormatError> {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        parse_services("s.csv", &text, &places())
    }

    const TIJUANA: &str = "Casa A,,comedor,Tijuana,Baja California,02,02004,alimentacion;documentacion;asesoria_juridica,transito;mujeres,1999,https://a.org,si,https://a.org/x,Notas";

    #[test]
    fn a_row_becomes_an_organization_with_one_service_per_category() {
        let data = parse(&[TIJUANA]).unwrap();
        let record = &data.records[0];
        assert_eq!(record.organization.kind, OrganizationKind::Shelter);
        assert_eq!(record.organization.scope, Scope::Local);
        assert_eq!(
            record
                .services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Alimentación", "Documentación", "Asesoría jurídica"]
        );
        assert!(
            record
                .services
                .iter()
                .all(|s| s.location.cvegeo.as_str() == "02004"
                    && s.status == ServiceStatus::Active
                    && s.provenance.verified
                    && s.organization_id == record.organization.id)
        );
        assert_eq!(record.entry.sectors, vec![Sector::LegalAid, Sector::Food]);
        assert_eq!(record.entry.founded, Some(1999));
        assert_eq!(record.entry.website.as_deref(), Some("https://a.org"));
        assert_eq!(data.service_count(), 3);
    }

    #[test]
    fn a_row_with_only_a_state_gets_sectors_but_no_located_service() {
        let data = parse(&[
            "Casa B,,albergue,Ciudad de México,Ciudad de México,09,,alojamiento;orientacion,,,,no,,",
            "Red C,,red_sociedad_civil,,,,,,,,,si,https://c.org,",
        ])
        .unwrap();
        let cdmx = &data.records[0];
        assert!(cdmx.services.is_empty());
        assert_eq!(
            cdmx.entry.sectors,
            vec![Sector::HousingShelter, Sector::Others]
        );
        assert_eq!(
            cdmx.entry.territories,
            vec![Territory::State(StateKey::parse("09").unwrap())]
        );
        assert!(cdmx.notes[0].contains("line 2"), "{:?}", cdmx.notes);
        assert_eq!(data.records[1].organization.scope, Scope::National);
        assert!(data.records[1].notes.is_empty());
    }

    #[test]
    fn the_cerrado_column_closes_services_with_the_note() {
        let text = format!(
            "{HEADER},cerrado\n{TIJUANA},si\nCasa D,,albergue,,,07,07089,alojamiento,,,,si,,Cerró sus puertas en 2025,no\n"
        );
        let data = parse_services("s.csv", &text, &places()).unwrap();
        assert_eq!(
            data.records[0].services[0].status,
            ServiceStatus::Closed("Notas".into())
        );
        assert_eq!(data.records[1].services[0].status, ServiceStatus::Active);
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let cases: [(&str, &str); 8] = [
            ("X,,cafeteria,,,02,02004,alimentacion,,,,si,,", "tipo"),
            ("X,,albergue,,,02,02999,alimentacion,,,,si,,", "cvegeo"),
            ("X,,albergue,,,07,02004,alimentacion,,,,si,,", "cvegeo"),
            ("X,,albergue,,,02,02004,magia,,,,si,,", "servicios"),
            (
                "X,,albergue,,,02,02004,alimentacion,marcianos,,,si,,",
                "poblaciones",
            ),
            (
                "X,,albergue,,,02,02004,alimentacion,,87,,si,,",
                "anio_fundacion",
            ),
            (
                "X,,albergue,,,02,02004,alimentacion,,,www.x.org,si,,",
                "sitio_web",
            ),
            (
                "X,,albergue,,,02,02004,alimentacion,,,,si,correo,",
                "fuente",
            ),
        ];
        for (row, column) in cases {
            let err = parse(&[TIJUANA, row]).unwrap_err();
            assert_eq!(
                (err.file.as_str(), err.line, err.column.as_deref()),
                ("s.csv", 3, Some(column)),
                "{err}"
            );
        }
    }

    #[test]
    fn a_duplicate_name_in_the_same_municipality_is_refused() {
        let twin = "CASA Á,,albergue,Tijuana,Baja California,02,02004,alojamiento,,,,si,,";
        let again = TIJUANA.replacen("Casa A", "Casa Á", 1);
        let err = parse(&[&again, "Otra,,albergue,,,07,07089,,,,,si,,", twin]).unwrap_err();
        assert_eq!((err.line, err.column.as_deref()), (4, Some("nombre")));
        assert!(err.message.contains("line 2"), "{err}");
        // The same name elsewhere is another organization.
        let elsewhere = twin.replace("02,02004", "07,07089");
        assert_eq!(parse(&[&again, &elsewhere]).unwrap().records.len(), 2);
    }

    #[test]
    fn the_shipped_file_parses() {
        let reference = crate::reference::ReferenceFiles::embedded()
            .parse()
            .unwrap();
        let data =
            parse_services(SERVICES_FILE, embedded_services(), &Places::of(&reference)).unwrap();
        assert_eq!(data.records.len(), 60);
        assert_eq!(
            data.records
                .iter()
                .filter(|r| r.organization.provenance.verified)
                .count(),
            47
        );
        let unplaced = data
            .records
            .iter()
            .filter(|r| r.organization.cvegeo.is_none())
            .count();
        assert_eq!(unplaced, 14, "Mexico City, state-level and national rows");
        assert_eq!(data.service_count(), 165);
        assert!(
            data.records
                .iter()
                .flat_map(|r| &r.services)
                .all(|s| s.status == ServiceStatus::Active)
        );
    }
}
